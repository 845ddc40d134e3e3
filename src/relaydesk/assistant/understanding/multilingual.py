"""Scores an understander on a labelled multilingual set: accuracy per language and how
reliably the ask for a person is caught."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, Example
from relaydesk.assistant.understanding.training import PACK_OUT_OF_SCOPE
from relaydesk.assistant.understanding.understander import TALK_TO_HUMAN, Understander


def score_multilingual(
    understander: Understander,
    examples: Sequence[Example],
    on_progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Intent accuracy overall and per language, wants_human recall and false alarms."""
    hits: dict[str, list[bool]] = defaultdict(list)
    human_caught: list[bool] = []
    false_alarms: list[bool] = []
    misses: list[str] = []
    for index, example in enumerate(examples, start=1):
        result = understander.understand(example.text, conversation_language=example.language)
        predicted = PACK_OUT_OF_SCOPE if result.out_of_scope else result.intent
        expected = PACK_OUT_OF_SCOPE if example.intent == OUT_OF_SCOPE else example.intent
        hits[example.language].append(predicted == expected)
        if example.intent == TALK_TO_HUMAN:
            human_caught.append(result.wants_human)
            if not result.wants_human:
                misses.append(f"{example.language}: {example.text}")
        else:
            false_alarms.append(result.wants_human)
        if on_progress is not None:
            on_progress("understanding", index, len(examples))
    every = [hit for language_hits in hits.values() for hit in language_hits]
    return {
        "messages": len(examples),
        "languages": len(hits),
        "accuracy": _share(every),
        "wants_human_recall": _share(human_caught),
        "wants_human_false_alarm_rate": _share(false_alarms),
        "missed_human_requests": misses,
        "accuracy_by_language": {
            language: _share(language_hits) for language, language_hits in sorted(hits.items())
        },
    }


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0
