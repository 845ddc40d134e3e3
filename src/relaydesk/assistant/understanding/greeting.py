"""A message without the greeting it opens with. "Hello, yes" and "Hej, vilka avgifter har
ni?" mean "yes" and the question, but the greeting pulls them between two intents, so the
fast paths are unsure and the full model (the dear one) runs. The greetings are the pack's
own examples of its greeting intent, so every language the pack greets in is covered."""

from __future__ import annotations

import re
from collections.abc import Iterable

from relaydesk.assistant.understanding.datasets import Example

GREETING = "greeting"  # the small-talk intent a pack's greetings are examples of
# after the greeting: a comma, stop, exclamation, colon or dash, and more words later
_AFTER = r"\s*[,.!:;\-\u2013\u2014]+\s*(?=.*?[^\W_])"


class OpeningGreetings:
    """Greetings that may open a message; `without` takes one off the front."""

    def __init__(self, greetings: Iterable[str]) -> None:
        phrases = {_bare(greeting) for greeting in greetings} - {""}
        ordered = sorted(phrases, key=len, reverse=True)  # "hej hej" before "hej"
        alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
        self._opening = re.compile(rf"^\s*(?:{alternatives}){_AFTER}", re.IGNORECASE | re.DOTALL)
        self._any = bool(ordered)

    @classmethod
    def of(cls, examples: Iterable[Example]) -> OpeningGreetings:
        return cls(example.text for example in examples if example.intent == GREETING)

    def without(self, text: str) -> str:
        """`text` without its opening greeting; as it is when none opens it, or when the
        greeting is all there is."""
        if not self._any:
            return text
        found = self._opening.match(text)
        return text[found.end() :] if found else text


def _bare(greeting: str) -> str:
    """A greeting example as it opens a message: "hi!" is "hi"."""
    return " ".join(greeting.split()).rstrip("!.?,;:\u00a1\u00bf ").casefold()
