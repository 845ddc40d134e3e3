"""The scripts simulated customers follow, written from the pack's personas.

The words are the pack's (relaydesk.pack.Personas, in its optional demo parts): core only
draws a persona and a language, fills in a reference and falls back to English where a
language lacks a phrase. Each script names its persona, so a returning customer can ask again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from relaydesk.pack import Personas

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Script:
    """What one visit of a customer says and how it ends."""

    persona: str
    language: str
    messages: tuple[str, ...]
    ending: str  # goodbye | close | none | agent
    agent_reply: str  # what a person says first on joining
    farewell: str  # what the customer says when handed back
    needs_approval: bool = False  # the visit leads to an approval request


def choose_language(rng: random.Random, book: Personas) -> str:
    weights = book.language_weights
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def choose_persona(rng: random.Random, book: Personas, has_reference: bool) -> str:
    """A persona by its weight; one that needs an approval reference only when there is one."""
    names = [
        name
        for name, persona in book.personas.items()
        if has_reference or not persona.needs_approval
    ]
    return rng.choices(names, weights=[book.personas[name].weight for name in names])[0]


def script_for(
    rng: random.Random, book: Personas, persona: str, language: str, reference: str | None
) -> Script:
    """The messages of one visit; a language without the persona's phrases speaks English."""
    chosen = book.personas[persona]
    if chosen.english_only or not _speaks(book, language, chosen.steps):
        language = FALLBACK_LANGUAGE
    messages = tuple(
        _phrase(rng, book, language, _resolve(rng, book, step), reference)
        for step in chosen.steps
    )
    return _script(book, persona, language, messages, chosen.ending, chosen.needs_approval)


def spike_script(rng: random.Random, book: Personas) -> Script:
    """A customer of the injected burst: asks about the spike's topic and leaves."""
    asked = _phrase(rng, book, FALLBACK_LANGUAGE, _resolve(rng, book, book.spike_key), None)
    messages = (asked, thanks(book, FALLBACK_LANGUAGE))
    return _script(book, "spike", FALLBACK_LANGUAGE, messages, "goodbye")


def unanswered_script(rng: random.Random, book: Personas) -> Script:
    """A customer asking what the assistant cannot answer, then leaving."""
    messages = (rng.choice(book.unanswered), thanks(book, FALLBACK_LANGUAGE))
    return _script(book, "unanswered", FALLBACK_LANGUAGE, messages, "goodbye")


def thanks(book: Personas, language: str) -> str:
    return _options(book, language, book.thanks_key)[0]


def _script(
    book: Personas,
    persona: str,
    language: str,
    messages: tuple[str, ...],
    ending: str,
    needs_approval: bool = False,
) -> Script:
    reply = book.agent_replies.get(language) or book.agent_replies[FALLBACK_LANGUAGE]
    farewell = thanks(book, language)
    return Script(persona, language, messages, ending, reply, farewell, needs_approval)


def _speaks(book: Personas, language: str, steps: tuple[str, ...]) -> bool:
    """Whether the language has a phrase for every fixed step (drawn steps may fall back)."""
    known = book.phrases.get(language, {})
    return all(step in known for step in steps if step not in book.draws)


def _resolve(rng: random.Random, book: Personas, step: str) -> str:
    drawn = book.draws.get(step)
    return rng.choice(drawn) if drawn else step


def _options(book: Personas, language: str, key: str) -> tuple[str, ...]:
    return book.phrases.get(language, {}).get(key) or book.phrases[FALLBACK_LANGUAGE][key]


def _phrase(
    rng: random.Random, book: Personas, language: str, key: str, reference: str | None
) -> str:
    return rng.choice(_options(book, language, key)).format(reference=reference or "")
