"""Replies say only what the system does: nothing promises an email while none is sent."""

from __future__ import annotations

import pytest

from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.packs.paylater.assistant import PACK_DIR

# "email" as the catalogs write it, in each of their scripts.
EMAIL_WORDS = (
    "mail", "e-post", "e-pošt", "sähköpost", "e-pastu", "el. pašt", "correo", "почт", "пошт",
    "имейл", "ईमेल", "メール", "이메일", "电子邮件", "邮件", "מייל", "البريد", "อีเมล", "e-posti",
)
COMPILED = ReplyCatalog.load(PACK_DIR / "locale")
LANGUAGES = sorted(path.name for path in (PACK_DIR / "locale").iterdir() if path.is_dir())


# Replies about what happens next: nothing in them may rest on an email nobody sends.
PROMISES = {"refund.needs_approval": "{amount}", "dispute.denied.already_open": "{dispute_id}"}


@pytest.mark.parametrize("key", sorted(PROMISES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_about_what_happens_next_promise_no_email(language: str, key: str) -> None:
    text = COMPILED.template(key, language)
    assert PROMISES[key] in text
    assert not [word for word in EMAIL_WORDS if word in text.lower()], text


def test_the_compiled_catalogs_match_their_sources() -> None:
    sources = ReplyCatalog.load_sources(PACK_DIR / "locale")
    for language in LANGUAGES:
        for key in PROMISES:
            assert COMPILED.template(key, language) == sources.template(key, language)
