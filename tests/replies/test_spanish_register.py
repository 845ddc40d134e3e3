"""Spanish customers are addressed as tú everywhere: the assistant's replies, the widget (its
email form too) and the waiting notices; a form that mixed usted in read as broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "relaydesk"
# Forms that only usted takes: its pronoun, "su/le" aimed at the customer, usted imperatives.
USTED = re.compile(
    r"\b(usted(es)?|ayudarle|atenderle|le (atender|respond|ayud|inform|envi)\w*"
    r"|su (correo|dirección|lugar|idioma|pedido|cuenta|pago|reembolso|método)"
    r"|deje|conserva|puede (dejar|escribir|pagar|pedir)|desea)\b",
    re.IGNORECASE,
)


def catalog_texts(path: Path) -> list[str]:
    """The Spanish translations of a gettext catalog (msgstr, joined over continued lines)."""
    texts, current, in_msgstr = [], "", False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            in_msgstr, current = True, line.partition(" ")[2].strip('"')
        elif line.startswith('"') and in_msgstr:
            current += line.strip('"')
        else:
            if in_msgstr and current:
                texts.append(current)
            in_msgstr, current = False, ""
    if in_msgstr and current:
        texts.append(current)
    return texts


def spanish_texts() -> dict[str, list[str]]:
    notices = json.loads((SRC / "desk" / "queue_notices.json").read_text(encoding="utf-8"))
    widget = json.loads((SRC / "web" / "widget" / "i18n" / "es.json").read_text(encoding="utf-8"))
    found = {
        "waiting notices": [texts["es"] for texts in notices.values()],
        "widget": list(widget.values()),
    }
    for catalog in sorted(SRC.glob("packs/*/locale/es/LC_MESSAGES/messages.po")):
        found[str(catalog.relative_to(SRC))] = catalog_texts(catalog)
    return found


@pytest.mark.parametrize("source", sorted(spanish_texts()))
def test_spanish_texts_say_tu_never_usted(source: str) -> None:
    texts = spanish_texts()[source]
    assert texts, source
    formal = [text for text in texts if USTED.search(text)]
    assert formal == [], f"{source} addresses the customer as usted: {formal}"


def test_the_register_check_catches_the_old_email_form() -> None:
    assert USTED.search("Deje su correo y le responderemos por correo")
    assert USTED.search("Una persona le atenderá en breve.")
    assert not USTED.search("Deja tu correo y te responderemos por correo")
