"""Replies say only what the system does: nothing promises an email while none is sent."""

from __future__ import annotations

import pytest

from relaydesk.assistant.compose import Composer
from relaydesk.assistant.flows import load_flows
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.packs.paylater.assistant import PACK_DIR

# "email" as the catalogs write it, in each of their scripts.
EMAIL_WORDS = (
    "mail", "mejl", "e-post", "e-pošt", "sähköpost", "e-pastu", "el. pašt", "correo", "почт",
    "пошт", "имейл", "ईमेल", "メール", "이메일", "电子邮件", "邮件", "מייל", "البريد",
    "อีเมล", "e-posti",
)
COMPILED = ReplyCatalog.load(PACK_DIR / "locale")
LANGUAGES = sorted(path.name for path in (PACK_DIR / "locale").iterdir() if path.is_dir())


# Replies about what happens next: nothing in them may rest on an email nobody sends.
PROMISES = {
    "refund.needs_approval": "{amount}",
    "dispute.denied.already_open": "{dispute_id}",
    "dispute.opened": "{dispute_id}",
}
OPENED = load_flows(PACK_DIR / "flows.yaml").named("open_dispute").done


def email_words_in(text: str) -> list[str]:
    return [word for word in EMAIL_WORDS if word in text.lower()]


@pytest.mark.parametrize("key", sorted(PROMISES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_about_what_happens_next_promise_no_email(language: str, key: str) -> None:
    text = COMPILED.template(key, language)
    assert PROMISES[key] in text
    assert email_words_in(text) == [], text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_opened_dispute_promises_updates_by_email_only_when_relaydesk_sends_email(
    language: str,
) -> None:
    result = {"dispute_id": "DSP-7", "order_id": "PL-1001", "merchant_response_by": "2026-12-20"}
    scope = {"result": result}
    without = Composer(COMPILED).render(OPENED, language, scope)
    with_email = Composer(COMPILED, email_sending=True).render(OPENED, language, scope)
    assert "DSP-7" in without and "DSP-7" in with_email
    assert email_words_in(without) == [], without
    assert email_words_in(with_email), with_email


def test_the_compiled_catalogs_match_their_sources() -> None:
    sources = ReplyCatalog.load_sources(PACK_DIR / "locale")
    for language in LANGUAGES:
        for key in (*PROMISES, "dispute.opened.by_email"):
            assert COMPILED.template(key, language) == sources.template(key, language)
