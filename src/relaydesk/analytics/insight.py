"""What to fix next: questions the assistant could not answer, grouped, and contact reasons
whose volume jumped.

Knowledge gaps are customer messages whose turn ended in a clarification, was out of scope,
handed over for low confidence, or answered from knowledge while the classifier was unsure.
They are grouped by meaning with the assistant's sentence embeddings (greedy clustering on
cosine similarity to a cluster's centroid).

A spike is a day on which an intent's count is improbably high for its usual rate: a
one-sided Poisson test, P(X >= observed | expected), with the expected daily count from the
previous period of the same length when stored data covers all of it (otherwise from the
period's other days), flagged
below alpha = 0.01 divided by the number of tests (Bonferroni), and only from 5 contacts and
twice the expected count up.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from relaydesk.assistant.embeddings import Embedder

SIMILAR = 0.87  # e5 cosine: paraphrases score 0.88-0.98, unrelated questions 0.75-0.85
LOW_CONFIDENCE = 0.5
ALPHA = 0.01
MIN_SPIKE = 5
EXAMPLES = 3


@dataclass(frozen=True)
class Unanswered:
    """One customer message the assistant could not answer well."""

    text: str
    language: str | None
    why: str  # clarified, out_of_scope, handed_over, low_confidence
    day: date


@dataclass
class GapCluster:
    questions: list[Unanswered] = field(default_factory=list)
    vectors: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        seen: list[str] = []
        for question in self.questions:
            if question.text not in seen:
                seen.append(question.text)
        return {
            "count": len(self.questions),
            "label": self._central(),
            "examples": seen[:EXAMPLES],
            "languages": dict(Counter(q.language or "?" for q in self.questions).most_common()),
            "why": dict(Counter(q.why for q in self.questions).most_common()),
            "first_day": min(q.day for q in self.questions).isoformat(),
            "last_day": max(q.day for q in self.questions).isoformat(),
        }

    def centroid(self) -> Any:
        """The unit-length mean of the cluster's vectors, the point new questions are scored
        against."""
        mean = np.mean(self.vectors, axis=0)
        return mean / (np.linalg.norm(mean) or 1.0)

    def _central(self) -> str:
        """The question most like the others: the cluster's name."""
        matrix = np.asarray(self.vectors)
        closeness = (matrix @ matrix.T).sum(axis=1)
        return self.questions[int(np.argmax(closeness))].text


def cluster_gaps(
    questions: Sequence[Unanswered], embedder: Embedder, similar: float = SIMILAR
) -> list[dict[str, Any]]:
    """Questions grouped by meaning, largest group first."""
    return [cluster.as_dict() for cluster in group_gaps(questions, embedder, similar)]


def group_gaps(
    questions: Sequence[Unanswered], embedder: Embedder, similar: float = SIMILAR
) -> list[GapCluster]:
    """The clusters themselves (their questions too), largest first."""
    if not questions:
        return []
    vectors = embedder.embed_queries([q.text for q in questions])
    clusters: list[GapCluster] = []
    centroids: list[Any] = []
    for question, vector in zip(questions, vectors, strict=True):
        scores = [float(vector @ centroid) for centroid in centroids]
        best = int(np.argmax(scores)) if scores else -1
        if best < 0 or scores[best] < similar:
            clusters.append(GapCluster())
            centroids.append(vector)
            best = len(clusters) - 1
        clusters[best].questions.append(question)
        clusters[best].vectors.append(vector)
        centroids[best] = clusters[best].centroid()
    return sorted(clusters, key=lambda c: (-len(c.questions), c._central()))


def poisson_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected), summed from the tail so tiny ones stay exact."""
    if observed <= 0:
        return 1.0
    if expected <= 0:
        return 0.0

    def term(k: int) -> float:
        return math.exp(k * math.log(expected) - expected - math.lgamma(k + 1))

    if observed <= expected:
        return max(0.0, 1.0 - sum(term(k) for k in range(observed)))
    total, k = 0.0, observed
    while True:
        added = term(k)
        total += added
        if added <= total * 1e-16 or k > observed + 10_000:
            return total
        k += 1


@dataclass(frozen=True)
class Spike:
    intent: str
    day: date
    observed: int
    expected: float
    p_value: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "day": self.day.isoformat(),
            "observed": self.observed,
            "expected": round(self.expected, 2),
            "p_value": float(f"{self.p_value:.2g}"),
        }


def find_spikes(
    daily: dict[str, dict[date, int]],
    days: Sequence[date],
    baseline: dict[str, int],
    baseline_days: int,
) -> list[Spike]:
    """Days on which an intent's count is improbably high (see the module's docstring)."""
    tests = max(1, len(daily) * len(days))
    spikes = []
    for intent, counts in daily.items():
        for day in days:
            observed = counts.get(day, 0)
            if baseline_days:
                rate = baseline.get(intent, 0) / baseline_days
            else:  # no previous period: the period's other days
                others = sum(counts.values()) - observed
                rate = others / max(1, len(days) - 1)
            expected = max(rate, 0.5 / max(1, baseline_days or len(days)))  # never zero
            if observed < MIN_SPIKE or observed < 2 * expected:
                continue
            p_value = poisson_tail(observed, expected)
            if p_value < ALPHA / tests:
                spikes.append(Spike(intent, day, observed, expected, p_value))
    return sorted(spikes, key=lambda s: s.p_value)


def contact_reasons(
    daily: dict[str, dict[date, int]], baseline: dict[str, int] | None
) -> list[dict[str, Any]]:
    """Volume per intent in the period against the previous one."""
    rows = []
    for intent, counts in daily.items():
        now = sum(counts.values())
        before = baseline.get(intent, 0) if baseline is not None else None
        change = round((now - before) / before * 100, 1) if before else None
        rows.append({"intent": intent, "count": now, "previous": before, "change_pct": change})
    return sorted(rows, key=lambda row: (-row["count"], row["intent"]))


def per_day(pairs: Sequence[tuple[str, date]]) -> dict[str, dict[date, int]]:
    """(intent, day) pairs counted per intent and day."""
    counted: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for intent, day in pairs:
        counted[intent][day] += 1
    return {intent: dict(days) for intent, days in counted.items()}


def article_draft(question: str, language: str, examples: Sequence[str] = ()) -> str:
    """A help-article draft in the pack's knowledge format for one knowledge gap."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in question.lower()).split()
    slug = "-".join(words[:8]) or "new-article"
    asked = "\n".join(
        f"- {example.replace('--', '- -')}" for example in (examples or [question])
    )
    title = json.dumps(question.strip(), ensure_ascii=False)  # a YAML string, colons and all
    return (
        f"---\nid: {slug}\ntitle: {title}\nurl: /help/{language}/{slug}\n"
        f"language: {language}\ntags: []\n---\n\n"
        "Write the answer here, in two or three short paragraphs the assistant can quote.\n\n"
        f"<!-- Customers asked:\n{asked}\n-->\n"
    )
