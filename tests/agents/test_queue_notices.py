"""A waiting customer is told the wait, the email alternative and the follow-up in their own
language, in every language the widget speaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from relaydesk.desk.queue_notices import (
    WaitKind,
    follow_up_notice,
    notice_languages,
    queue_notice,
    wait_notice,
)

WIDGET_I18N = Path(__file__).resolve().parents[2] / "src" / "relaydesk" / "web" / "widget" / "i18n"


def test_every_widget_language_has_every_waiting_notice() -> None:
    widget_languages = {path.stem for path in WIDGET_I18N.glob("*.json")}
    assert len(widget_languages) >= 35
    assert widget_languages <= notice_languages()


def test_every_notice_keeps_its_placeholder_and_is_translated() -> None:
    for language in sorted(notice_languages()):
        waiting = wait_notice(language, 7, anyone_online=True)
        nobody = wait_notice(language, 7, anyone_online=False)
        follow_up = follow_up_notice(language, "ann@example.com")
        assert "7" in waiting and "7" in nobody and "ann@example.com" in follow_up, language
        if language != "en":
            assert waiting != wait_notice("en", 7, anyone_online=True), language
            assert not re.search(r"\{\w+\}", waiting + nobody + follow_up), language


def test_every_kind_of_wait_is_worded_in_every_language_with_its_numbers() -> None:
    for language in sorted(notice_languages()):
        for kind in WaitKind:
            text = queue_notice(language, kind, 17, position=4, email_replies=False)
            assert not re.search(r"\{\w+\}", text), (language, kind)
            if kind is not WaitKind.NO_LANGUAGE:
                assert "17" in text, (language, kind)
            if kind is WaitKind.ALL_BUSY:
                assert "4" in text, language
            if language != "en":
                assert text != queue_notice("en", kind, 17, 4, False), (language, kind)


def test_only_a_long_wait_offers_email() -> None:
    offer = "leave your email address"
    assert offer in queue_notice("en", WaitKind.NOBODY_ONLINE, 5)
    assert offer in queue_notice("en", WaitKind.NO_LANGUAGE, 5)
    assert offer not in queue_notice("en", WaitKind.ALL_BUSY, 5, 2)
    assert offer not in queue_notice("en", WaitKind.NO_LANGUAGE, 5, email_replies=False)


def test_a_japanese_customer_is_told_the_wait_in_japanese() -> None:
    notice = wait_notice("ja", 4, anyone_online=True)
    assert notice.startswith("まもなく担当者が対応します。") and "約4分" in notice


def test_identified_norwegian_reads_the_bokmal_notice() -> None:
    assert wait_notice("no", 3, anyone_online=True) == wait_notice("nb", 3, anyone_online=True)
    assert wait_notice("no", 3, anyone_online=True).startswith("En medarbeider")


def test_a_language_without_notices_reads_english() -> None:
    assert follow_up_notice("xx", "a@b.c") == follow_up_notice("en", "a@b.c")


def test_the_notices_file_is_plain_json_with_the_same_languages_per_notice() -> None:
    raw = json.loads(
        (Path(__file__).resolve().parents[2] / "src/relaydesk/desk/queue_notices.json").read_text()
    )
    assert len({frozenset(texts) for texts in raw.values()}) == 1
