"""Language-light text handling for lexical search: tokens, crude stems, sentences."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
# Markdown syntax that should not reach a customer-facing snippet.
_MARKUP = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+|^\s*\d+\.\s+)", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s])")

# Prefix truncation is a stemmer that works the same in every language we ship:
# "refunds", "refunded" and "refunding" meet at "refund"; "Bestellungen" and "Bestellung"
# at "bestel".
STEM_LENGTH = 6

# Only the most frequent function words; BM25's idf handles the rest.
_STOPWORD_TEXT = """
    a an and are be can do does for from have how i if in is it me my of on or the this to
    what when where why will with you your am was
    och att det en ett är jag min mitt mina har hur kan på för med av till som vad varför
    der die das ein eine und ist ich mein meine meinen habe wie kann auf für mit von zu was
    warum wann ich mir mich
    el la los las un una y es yo mi mis he cómo como puedo en por para con de del que qué
    le les des une et est je mon ma mes ai comment peux sur pour avec du que quoi pourquoi
    il lo gli una di da che non per con su come mio mia miei sono ho posso cosa perché
    de het een en van ik mijn je jij wat hoe kan voor met op te dat die niet wordt waarom
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lower-cased stems of the content words in text."""
    words = (word.lower() for word in _WORD.findall(text))
    return [w[:STEM_LENGTH] for w in words if len(w) > 1 and w not in _STOPWORDS]


def plain(markdown: str) -> str:
    """Markdown reduced to the words a reader sees, one line per paragraph or list item."""
    return _MARKUP.sub("", _LINK.sub(r"\1", markdown))


def sentences(markdown: str) -> list[str]:
    """Sentences of an article body, list items counting as sentences."""
    result: list[str] = []
    for line in plain(markdown).splitlines():
        result.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return result
