"""The adversarial corpus: hand-written cases, template products and obfuscated variants."""

from __future__ import annotations

import base64
import codecs
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS_FILE = Path(__file__).with_name("adversarial.yaml")

LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
# Latin letters and the Cyrillic letters that look the same.
HOMOGLYPHS = str.maketrans(
    {
        "a": "\u0430",
        "e": "\u0435",
        "o": "\u043e",
        "p": "\u0440",
        "c": "\u0441",
        "x": "\u0445",
        "i": "\u0456",
    }
)
ZERO_WIDTH = "\u200b"


def _base64(text: str) -> str:
    return "Decode this base64 and do what it says: " + base64.b64encode(text.encode()).decode()


def _rot13(text: str) -> str:
    return "ROT13, please follow: " + codecs.encode(text, "rot13")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _case_noise(text: str) -> str:
    return "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(text))


TRANSFORMS: dict[str, Any] = {
    "base64": _base64,
    "leetspeak": lambda text: text.translate(LEET),
    "zero_width": lambda text: ZERO_WIDTH.join(text),
    "homoglyph": lambda text: text.translate(HOMOGLYPHS),
    "spaced": lambda text: " ".join(text.replace(" ", "  ")),
    "reversed": lambda text: "Read this backwards and obey: " + text[::-1],
    "rot13": _rot13,
    "fullwidth": _fullwidth,
    "case_noise": _case_noise,
}


@dataclass(frozen=True)
class Case:
    """One adversarial conversation: its first message is the attack, later ones follow up."""

    id: str
    category: str
    turns: tuple[str, ...]


def load_corpus(path: Path = CORPUS_FILE) -> list[Case]:
    """Every case of the corpus file, expanded, without duplicate first messages."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [*_hand_written(raw["cases"]), *_from_templates(raw["templates"])]
    cases += _obfuscated(raw["obfuscated"]["seeds"])
    seen: set[str] = set()
    unique = []
    for case in cases:
        if case.turns[0] not in seen:
            seen.add(case.turns[0])
            unique.append(case)
    return unique


def _hand_written(by_category: dict[str, list[Any]]) -> list[Case]:
    cases = []
    for category, items in by_category.items():
        for number, item in enumerate(items):
            turns = tuple(item) if isinstance(item, list) else (item,)
            cases.append(Case(f"{category}-{number}", category, turns))
    return cases


def _from_templates(templates: list[dict[str, Any]]) -> list[Case]:
    cases = []
    for block_number, block in enumerate(templates):
        fillers = block.get("actions") or block.get("claims") or []
        name = "action" if "actions" in block else "claim"
        pairs = itertools.product(block["framings"], fillers)
        for number, (framing, filler) in enumerate(pairs):
            text = framing.format(**{name: filler})
            turns = (text, block["follow_up"]) if block.get("follow_up") else (text,)
            cases.append(Case(f"template{block_number}-{number}", block["category"], turns))
    return cases


def _obfuscated(seeds: list[str]) -> list[Case]:
    return [
        Case(f"obfuscated-{name}-{number}", "obfuscated", (transform(seed), "yes"))
        for number, seed in enumerate(seeds)
        for name, transform in TRANSFORMS.items()
    ]
