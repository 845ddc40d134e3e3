"""What a model's text must pass on top of the reply guard every reply passes.

The reply guard (known links, claims backed by this turn's tool results, the length budget)
runs first and unchanged. A model's free text cannot name the tool it claims, so outcome
statements are also read from the words ("your refund has been approved"); and it must be in
the customer's language, link only to the articles it was given, stay close to their words
and numbers (an answer that follows an instruction injected into the question drifts away
from the article), and never repeat the prompt's canary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from relaydesk.assistant.claims import GENERIC_CLAIMS, ClaimPattern
from relaydesk.assistant.guard import ReplyGuard, Verdict, links_in
from relaydesk.assistant.knowledge.text import tokens
from relaydesk.assistant.understanding.language import LanguageGuess

# Languages a detector cannot tell apart on a short text; an answer in a neighbour passes.
NEIGHBOURS = (
    frozenset({"sv", "no", "nb", "nn", "da"}),
    frozenset({"es", "gl", "ca"}),
    frozenset({"hr", "sr", "bs"}),
    frozenset({"id", "ms"}),
    frozenset({"cs", "sk"}),
)
GROUNDED_SHARE = 0.5  # at least this share of an answer's content words come from its sources
_MIN_WORDS_TO_JUDGE = 4
_NUMBER = re.compile(r"\d+")
# Chat-template and prompt markup a weak model spills: <<SYS>>, [/INST], </question>, <|im_end|>
_MARKUP = re.compile(
    r"</?[a-z_|][^<>\n]{0,40}>|\[/?INST\]|<start_of_turn>|<end_of_turn>"
    r"|^\s*(?:article|question|answer|system|user|assistant|model)\s*:",
    re.I | re.M,
)
_ECHO_WORDS = 4  # a question this long repeated in the answer is an echo, not an answer
_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]?")
LanguageOf = Callable[[str], LanguageGuess]


def outcome_claims(
    text: str,
    sources: Collection[str] = (),
    patterns: Sequence[ClaimPattern] = GENERIC_CLAIMS,
) -> list[str]:
    """The tools whose success the text states, each once; words quoted from a source
    ("once the refund has been processed") are the article speaking, not a claim."""
    quoted = " ".join(sources).lower()
    claimed = [
        tool
        for tool, pattern in patterns
        for match in pattern.finditer(text)
        if match.group().lower() not in quoted
    ]
    return list(dict.fromkeys(claimed))


def same_language(detected: str, expected: str) -> bool:
    detected, expected = detected.split("-")[0], expected.split("-")[0]
    return detected == expected or any({detected, expected} <= group for group in NEIGHBOURS)


def ungrounded_share(answer: str, sources: Iterable[str]) -> float:
    """The share of the answer's content words that appear nowhere in its sources."""
    words = [word for word in tokens(answer) if not word.isdigit()]
    if len(words) < _MIN_WORDS_TO_JUDGE:
        return 0.0
    known = {word for source in sources for word in tokens(source)}
    return sum(word not in known for word in words) / len(words)


@dataclass(frozen=True)
class ModelOutputGuard:
    """The reply guard plus the checks only generated text needs; problems are strings."""

    guard: ReplyGuard
    language_of: LanguageOf
    canary: str
    # The claims core knows plus the pack's own (AssistantParts.claim_patterns).
    claims: tuple[ClaimPattern, ...] = GENERIC_CLAIMS

    def check_answer(
        self,
        text: str,
        language: str,
        sources: Collection[str],
        cited_links: Collection[str],
        done_tools: Collection[str],
        judge_wording: bool = True,
        question: str = "",
    ) -> Verdict:
        """A knowledge answer: all problems found, and the text trimmed to the budget."""
        if not text.strip():
            return Verdict(text=text, problems=["empty"])
        early = _markup(text) + _echo(text, question) + _degenerate(text)
        claims = outcome_claims(text, sources, self.claims)
        verdict = self.guard.check(text, claims, done_tools)
        problems = [*early, *verdict.problems]
        problems += self._extra_problems(text, language, sources, cited_links)
        if not judge_wording:
            problems = [p for p in problems if not p.startswith("ungrounded")]
        if verdict.text.endswith("…") and not text.endswith("…"):
            problems.append("too_long")
        return Verdict(text=verdict.text, problems=list(dict.fromkeys(problems)))

    def check_note(
        self, text: str, sources: Collection[str], done_tools: Collection[str]
    ) -> Verdict:
        """Text for agents (summary, suggested replies): links, claims, canary, numbers."""
        if not text.strip():
            return Verdict(text=text, problems=["empty"])
        verdict = self.guard.check(text, outcome_claims(text, sources, self.claims), done_tools)
        problems = [*_markup(text), *verdict.problems, *self._leaks(text)]
        problems += self._numbers(text, sources)
        return Verdict(text=verdict.text, problems=problems)

    def _extra_problems(
        self, text: str, language: str, sources: Collection[str], cited_links: Collection[str]
    ) -> list[str]:
        problems = self._leaks(text)
        problems += [
            f"uncited_link:{url}"
            for url in links_in(text)
            if self.guard.link_known(url) and url not in cited_links
        ]
        guess = self.language_of(text)
        if len(text.split()) >= _MIN_WORDS_TO_JUDGE and not same_language(guess.language, language):
            problems.append(f"wrong_language:{guess.language}")
        problems += self._numbers(text, sources)
        share = ungrounded_share(_without_links(text), sources)
        if share > 1 - GROUNDED_SHARE:
            problems.append(f"ungrounded:{share:.2f}")
        return problems

    def _leaks(self, text: str) -> list[str]:
        return ["prompt_leak"] if self.canary and self.canary.lower() in text.lower() else []

    @staticmethod
    def _numbers(text: str, sources: Collection[str]) -> list[str]:
        """Every number in the text must come from its sources: no invented fees or days."""
        known = {number for source in sources for number in _NUMBER.findall(source)}
        invented = [n for n in _NUMBER.findall(_without_links(text)) if n not in known]
        return [f"unsupported_number:{number}" for number in dict.fromkeys(invented)]


def _degenerate(text: str) -> list[str]:
    """A sentence said twice, or an answer made mostly of questions: a model looping."""
    sentences = [" ".join(s.lower().split()) for s in _SENTENCE.findall(text) if s.strip()]
    if len(sentences) != len(set(sentences)):
        return ["repetitive"]
    questions = sum(sentence.endswith("?") for sentence in sentences)
    return ["not_an_answer"] if sentences and questions * 2 > len(sentences) else []


def _markup(text: str) -> list[str]:
    return ["template_markup"] if _MARKUP.search(text) else []


def _echo(text: str, question: str) -> list[str]:
    """The customer's own words given back: a weak model continuing the prompt."""
    words = re.findall(r"\w+", question.lower())
    if len(words) < _ECHO_WORDS:
        return []
    return (
        ["echoes_question"] if " ".join(words) in " ".join(re.findall(r"\w+", text.lower())) else []
    )


def _without_links(text: str) -> str:
    for url in links_in(text):
        text = text.replace(url, " ")
    return text
