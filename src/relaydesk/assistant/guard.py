"""The last check on every reply: known links only, no unbacked outcome, within the budget."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_URL = re.compile(r"https?://[^\s<>\"')\]]+|(?<![\w/])/help/[\w\-/]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Verdict:
    text: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReplyGuard:
    """`known_links` are absolute URLs of knowledge articles; `allowed_prefixes` an allow-list."""

    known_links: frozenset[str]
    allowed_prefixes: tuple[str, ...] = ()
    max_words: int = 60

    def check(self, text: str, claimed_tools: Iterable[str], done_tools: Iterable[str]) -> Verdict:
        """Refuse unknown links and claims without a tool result; trim to the length budget."""
        problems = [f"unknown_link:{url}" for url in links_in(text) if not self.link_known(url)]
        unbacked = set(claimed_tools) - set(done_tools)
        problems += [f"unbacked_claim:{tool}" for tool in sorted(unbacked)]
        return Verdict(text=trim_to_words(text, self.max_words), problems=problems)

    def link_known(self, url: str) -> bool:
        clean = url.rstrip(".,;:!?")
        return clean in self.known_links or clean.startswith(self.allowed_prefixes)


def links_in(text: str) -> list[str]:
    return [match.rstrip(".,;:!?") for match in _URL.findall(text)]


def trim_to_words(text: str, budget: int) -> str:
    """Whole sentences that fit the budget; a first sentence too long is cut with an ellipsis."""
    if len(text.split()) <= budget:
        return text
    kept: list[str] = []
    used = 0
    for sentence in _SENTENCE_END.split(text):
        words = len(sentence.split())
        if used + words > budget:
            break
        kept.append(sentence)
        used += words
    if kept:
        return " ".join(kept)
    return " ".join(text.split()[:budget]) + "…"
