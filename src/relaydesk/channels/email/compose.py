"""An answer written as an email: greeting in the customer's language, the answer with
titled links, a signature. Pure text work; nothing here touches the network or the store."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

GREETINGS = {
    "en": "Hello {name},",
    "de": "Hallo {name},",
    "fr": "Bonjour {name},",
    "es": "Hola {name}:",
    "it": "Ciao {name},",
    "pt": "Olá {name},",
    "nl": "Hallo {name},",
    "sv": "Hej {name},",
    "no": "Hei {name},",
    "nb": "Hei {name},",
    "da": "Hej {name},",
    "fi": "Hei {name},",
    "pl": "Dzień dobry {name},",
    "cs": "Dobrý den {name},",
    "tr": "Merhaba {name},",
    "ru": "Здравствуйте, {name}!",
    "uk": "Вітаємо, {name}!",
    "ja": "{name} 様",
    "zh": "{name}，您好：",  # noqa: RUF001
    "ko": "{name}님, 안녕하세요.",
    "ar": "مرحبًا {name}،",
}
ANONYMOUS = {
    "en": "Hello,",
    "de": "Hallo,",
    "fr": "Bonjour,",
    "es": "Hola:",
    "it": "Buongiorno,",
    "pt": "Olá,",
    "nl": "Hallo,",
    "sv": "Hej,",
    "no": "Hei,",
    "nb": "Hei,",
    "da": "Hej,",
    "fi": "Hei,",
    "pl": "Dzień dobry,",
    "ru": "Здравствуйте!",
}
URL = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|antw|rif|r)\s*:\s*)+", re.IGNORECASE)
TOKEN_TAG = "[ref:{token}]"
TOKEN_IN_TEXT = re.compile(r"\[ref:([0-9a-f]{12})\]")


def greeting(language: str | None, name: str | None) -> str:
    base = (language or "en").split("-")[0].lower()
    if name and not _is_placeholder(name):
        return GREETINGS.get(base, GREETINGS["en"]).format(name=name.split()[0])
    return ANONYMOUS.get(base, ANONYMOUS["en"])


def _is_placeholder(name: str) -> bool:
    return name.strip().lower() in {"", "visitor", "customer", "guest"} or "@" in name


def with_titled_links(text: str, link_titles: Mapping[str, str]) -> str:
    """Known article links read as their title followed by the address."""

    def titled(match: re.Match[str]) -> str:
        url = match.group(0)
        title = link_titles.get(url) or link_titles.get(url.rstrip("/"))
        return f"{title} <{url}>" if title else f"<{url}>"

    return URL.sub(titled, text)


def email_body(
    *,
    language: str | None,
    customer_name: str | None,
    answers: Sequence[str],
    signature: str,
    link_titles: Mapping[str, str],
) -> str:
    parts = [greeting(language, customer_name)]
    parts += [with_titled_links(answer.strip(), link_titles) for answer in answers if answer]
    parts.append(f"-- \n{signature.strip()}")
    return "\n\n".join(parts) + "\n"


def reply_subject(subject: str, token: str) -> str:
    """'Re: <their subject> [ref:token]': the token finds the thread if headers are lost."""
    bare = REPLY_PREFIX.sub("", TOKEN_IN_TEXT.sub("", subject)).strip() or "Your message"
    return f"Re: {bare} {TOKEN_TAG.format(token=token)}"


def token_in(*texts: str | None) -> str | None:
    for text in texts:
        found = TOKEN_IN_TEXT.search(text or "")
        if found:
            return found.group(1)
    return None


def plus_address(address: str, token: str) -> str:
    """support@example.com -> support+<token>@example.com, for the Reply-To header."""
    local, _, domain = address.partition("@")
    return f"{local}+{token}@{domain}" if domain else address
