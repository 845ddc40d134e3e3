"""Words of the pay-later demo business that core (src/relaydesk outside packs/) never says.

Core is every business's: a word here in core means a pay-later idea leaked into it (a
reply key, a slot kind, an id format, a skill, a greeting). Generic commerce words that any
business shares (order, refund as a disposition, fraud) are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PAY_LATER_WORDS = re.compile(
    r"pay[\s_-]?later|instal+ments?|\blast4\b|next_payment|disputes?|dispute_reason"
    r"|\bpayments\b|payment_method|refund_id|not_your_order|refund\.(?:approved|needs_approval)"
    r"|\b(?:RF|DS)-\d"
    # "payments" in the languages the demo's greeting was written in
    r"|betalning|zahlung|paiements|\bpagos\b|pagamentos|betalinger|platby|płatności|maksu"
    r"|pagamenti|ödemeler|платеж|плащани|thanh toán|付款|お支払い|결제|مدفوعات",
    re.IGNORECASE,
)
TEXT_SUFFIXES = {".py", ".html", ".js", ".css", ".json", ".tmpl", ".md", ".toml", ".yaml"}
# packs/ are the businesses; pack/template is the scaffold of a new business's pack.
SKIPPED_PARTS = {"packs", "template", "vendor", "__pycache__"}


@dataclass(frozen=True)
class Leak:
    path: Path
    line: int
    word: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: '{self.word}'"


def core_files(source: Path) -> Iterator[Path]:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).parts
        if path.suffix in TEXT_SUFFIXES and not SKIPPED_PARTS & set(relative):
            yield path


def leaks(source: Path) -> list[Leak]:
    """Every pay-later word in core's text files, with file and line."""
    found = []
    for path in core_files(source):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found.extend(Leak(path, number, m.group(0)) for m in PAY_LATER_WORDS.finditer(line))
    return found
