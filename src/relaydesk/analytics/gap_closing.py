"""A knowledge gap closes when the help centre now answers it.

The check is the assistant's own retrieval, run again on the questions it once could not
answer: the knowledge search with its relevance gate, in each question's language. A gap is
closed when most of its distinct questions (up to CHECKED of them) now find an article; the
article found most often is named. It is deterministic, so a gap reopens only if the article
goes away. Questions that were answered from knowledge already, only with an unsure
classifier (`low_confidence`), say nothing about a missing article and are not checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from relaydesk.analytics.insight import Unanswered
from relaydesk.assistant.knowledge import Hit

CHECKED = 5  # distinct questions searched per gap, the most asked first
CHECKED_GAPS = 40  # gaps beyond the first ones are too small to be worth the searches
NOT_MISSING = frozenset({"low_confidence"})


class KnowledgeSearch(Protocol):
    def search(self, query: str, language: str, k: int = 3) -> list[Hit]: ...


def answering_article(
    questions: Sequence[Unanswered], knowledge: KnowledgeSearch
) -> dict[str, str] | None:
    """The article that now answers most of these questions, or None while the gap is open."""
    asked = Counter((q.text, q.language or "en") for q in questions if q.why not in NOT_MISSING)
    checked = [pair for pair, _ in asked.most_common(CHECKED)]
    if not checked:
        return None
    found: Counter[tuple[str, str, str]] = Counter()
    for text, language in checked:
        hits = knowledge.search(text, language, k=1)
        if hits:
            article = hits[0].article
            found[(article.id, article.title, article.url)] += 1
    if sum(found.values()) * 2 <= len(checked):
        return None
    (article_id, title, url), _ = found.most_common(1)[0]
    return {"id": article_id, "title": title, "url": url}


def mark_closed(
    gaps: Sequence[tuple[dict[str, Any], Sequence[Unanswered]]], knowledge: KnowledgeSearch
) -> list[dict[str, Any]]:
    """Each gap with `closed_by` (the answering article, or None); open gaps first."""
    marked = []
    for rank, (gap, questions) in enumerate(gaps):
        answered = answering_article(questions, knowledge) if rank < CHECKED_GAPS else None
        marked.append({**gap, "closed_by": answered})
    return sorted(marked, key=lambda gap: gap["closed_by"] is not None)  # stable: by size
