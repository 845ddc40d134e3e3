"""Emerging topics: knowledge gaps that are new or growing against the previous period.

The previous period's unanswered messages are counted into this period's groups: each joins
the group whose centroid it is most similar to, at the cosine threshold the grouping uses
(or none). A group is emerging when it has at least MIN_EMERGING messages and either had
none before ("new") or its count is improbably high for the previous count scaled to this
period's length ("rising"): a one-sided Poisson test, P(X >= count | expected), the expected
count floored at half a message, below alpha = 0.01 divided by the number of groups tested
(Bonferroni). Without a previous period fully covered by data nothing is called emerging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from relaydesk.analytics.insight import ALPHA, SIMILAR, GapCluster, Unanswered, poisson_tail
from relaydesk.assistant.embeddings import Embedder

MIN_EMERGING = 3
EMERGING_TEST = (
    "a group of at least 3 messages that had none in the previous period is new; one whose "
    "count has a one-sided Poisson p below 0.01 with Bonferroni against the previous "
    "period's count (scaled to the period's length, at least half a message) is rising"
)


@dataclass(frozen=True)
class Trend:
    previous: int
    emerging: str | None  # "new", "rising" or None

    def as_dict(self) -> dict[str, Any]:
        return {"previous": self.previous, "emerging": self.emerging}


def previous_counts(
    clusters: Sequence[GapCluster],
    before: Sequence[Unanswered],
    embedder: Embedder,
    similar: float = SIMILAR,
) -> list[int]:
    """How many of the previous period's messages fall into each group."""
    counts = [0] * len(clusters)
    if not clusters or not before:
        return counts
    centroids = np.asarray([cluster.centroid() for cluster in clusters])
    scores = np.asarray(embedder.embed_queries([q.text for q in before])) @ centroids.T
    for row in scores:
        best = int(np.argmax(row))
        if row[best] >= similar:
            counts[best] += 1
    return counts


def trends(now: Sequence[int], before: Sequence[int], scale: float) -> list[Trend]:
    """Each group's trend from its count now and before; `scale` is this period's length
    over the previous one's."""
    tests = max(1, sum(1 for count in now if count >= MIN_EMERGING))
    found = []
    for count, previous in zip(now, before, strict=True):
        emerging = None
        if count >= MIN_EMERGING and previous == 0:
            emerging = "new"
        elif count >= MIN_EMERGING:
            expected = max(previous, 0.5) * scale
            if poisson_tail(count, expected) < ALPHA / tests:
                emerging = "rising"
        found.append(Trend(previous, emerging))
    return found


def emerging_topics(
    clusters: Sequence[GapCluster],
    before: Sequence[Unanswered] | None,
    embedder: Embedder,
    scale: float = 1.0,
) -> list[dict[str, Any]]:
    """Per group `previous` and `emerging`; both None without a previous period."""
    if before is None:
        return [{"previous": None, "emerging": None} for _ in clusters]
    counts = previous_counts(clusters, before, embedder)
    now = [len(cluster.questions) for cluster in clusters]
    return [trend.as_dict() for trend in trends(now, counts, scale)]


def trend_label(gap: dict[str, Any]) -> str:
    """A gap against the previous period, as the tables word it: "rising, 2 before"."""
    if gap.get("previous") is None:
        return "-"
    before = f"{gap['previous']} before"
    return f"{gap['emerging']}, {before}" if gap.get("emerging") else before
