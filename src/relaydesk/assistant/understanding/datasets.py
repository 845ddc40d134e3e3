"""Labelled utterance sets: public benchmarks (Banking77, CLINC150) and a generic YAML/CSV form."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

OUT_OF_SCOPE = "oos"
"""The label of out-of-scope examples, as CLINC150 spells it."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # OUT_OF_SCOPE for messages the pack must not claim to understand
    language: str = "en"


class DatasetError(ValueError):
    """A data file that cannot be read as labelled utterances."""


def load_banking77(path: Path) -> list[Example]:
    """Banking77's CSV form: a header `text,category` and one utterance per row."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"text", "category"} <= set(rows[0]):
        raise DatasetError(f"{path} has no 'text' and 'category' columns.")
    return [Example(row["text"], row["category"]) for row in rows]


def load_clinc150(path: Path, split: str) -> list[Example]:
    """One split (train, val or test) of CLINC150's data_*.json, its out-of-scope part included."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if split not in data:
        raise DatasetError(f"{path} has no '{split}' split.")
    pairs = list(data[split]) + list(data.get(f"oos_{split}", []))
    return [Example(text, intent) for text, intent in pairs]


def load_examples_yaml(path: Path) -> list[Example]:
    """Either a list of {text, intent, language} or a mapping language -> intent -> texts."""
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or []
    if isinstance(document, dict):
        return [
            Example(str(text), str(intent), str(language))
            for language, by_intent in document.items()
            for intent, texts in dict(by_intent).items()
            for text in texts or []
        ]
    if not isinstance(document, list):
        raise DatasetError(f"{path} is neither a list nor a mapping of examples.")
    return [
        Example(str(row["text"]), str(row["intent"]), str(row.get("language", "en")))
        for row in document
    ]


def few_shot(examples: list[Example], shots: int, seed: int = 0) -> list[Example]:
    """K examples per intent, drawn with a fixed seed so runs can be compared."""
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example)
    rng = random.Random(seed)
    chosen: list[Example] = []
    for intent in sorted(by_intent):
        group = by_intent[intent]
        chosen.extend(rng.sample(group, min(shots, len(group))))
    return chosen
