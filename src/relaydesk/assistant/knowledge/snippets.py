"""Choosing the one or two sentences of an article that answer a question."""

from __future__ import annotations

from collections import Counter

from relaydesk.assistant.knowledge.articles import Article
from relaydesk.assistant.knowledge.text import sentences, tokens

# Articles are written answer-first: the opening sentence wins unless another sentence
# shares clearly more with the question.
_LEAD_BONUS = 1.0


def answer_snippet(article: Article, query: str, max_sentences: int = 2) -> str:
    """The max_sentences sentences of article most related to query, in article order."""
    candidates = sentences(article.body)
    if not candidates or max_sentences < 1:
        return ""
    scores = _scores(candidates, set(tokens(query)))
    ranked = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    chosen = [i for i in ranked[:max_sentences] if scores[i] > 0] or ranked[:1]
    if len(chosen) < max_sentences and len(candidates) > 1:
        # Nothing else matches: the sentence after the best one usually completes it.
        best = chosen[0]
        chosen.append(best + 1 if best + 1 < len(candidates) else best - 1)
    return " ".join(candidates[i] for i in sorted(set(chosen)))


def _scores(candidates: list[str], wanted: set[str]) -> list[float]:
    """Overlap with the question, each word weighted by how rare it is within the article."""
    words = [set(tokens(sentence)) & wanted for sentence in candidates]
    spread = Counter(word for found in words for word in found)
    return [
        sum(1.0 / spread[word] for word in found) + (_LEAD_BONUS if index == 0 else 0.0)
        for index, found in enumerate(words)
    ]
