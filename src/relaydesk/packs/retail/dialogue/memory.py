"""The store assistant's memory as JSON, so relaydesk keeps it in the dialogue state.

A small tagged encoding: the assistant's own dataclasses by name (only these), tuples, dicts
with tuple keys and decimals; everything else is plain JSON already (tool results). The
assistant tells two equal order lines apart by identity (an order may hold the same item
twice), so a dict or list held in several places is written once and referred to after; the
references do not depend on key order (PostgreSQL's JSONB reorders keys).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal
from typing import Any

from relaydesk.packs.retail.dialogue.address_requests import AddressWish
from relaydesk.packs.retail.dialogue.agent import Conversation
from relaydesk.packs.retail.dialogue.matching import Choice
from relaydesk.packs.retail.dialogue.planning import OpenItem, Plan
from relaydesk.packs.retail.dialogue.proposals import Proposal
from relaydesk.packs.retail.dialogue.sentences import Listed, Say

_KINDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (Conversation, Plan, OpenItem, Proposal, AddressWish, Choice, Say, Listed)
}
_TAG = "~"  # a key no tool result uses


def dump_memory(conversation: Conversation) -> dict[str, Any]:
    shared = {key for key, count in _references(conversation).items() if count > 1}
    encoded = _Encoder(shared).encode(conversation)
    assert isinstance(encoded, dict)
    return encoded


def load_memory(memory: dict[str, Any]) -> Conversation:
    """The conversation the memory holds; a fresh one for an empty memory."""
    if not memory:
        return Conversation()
    decoded = _Decoder(memory).decode(memory)
    if not isinstance(decoded, Conversation):
        raise ValueError("the store assistant's memory is not a conversation")
    return decoded


def _children(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _references(root: Any) -> Counter[int]:
    """How often each dict and list is reached (its contents are walked once)."""
    counts: Counter[int] = Counter()
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, dict | list):
            counts[id(value)] += 1
            if counts[id(value)] > 1:
                continue
        stack.extend(_children(value))
    return counts


class _Encoder:
    def __init__(self, shared: set[int]) -> None:
        self.shared = shared
        self.numbers: dict[int, int] = {}  # object id -> its number in the memory

    def encode(self, value: Any) -> Any:
        if isinstance(value, dict | list) and id(value) in self.shared:
            if id(value) in self.numbers:
                return {_TAG: "ref", "n": self.numbers[id(value)]}
            number = self.numbers[id(value)] = len(self.numbers)
            return {_TAG: "anchor", "n": number, "value": self._plain(value)}
        return self._plain(value)

    def _plain(self, value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = type(value).__name__
            if name not in _KINDS:
                raise TypeError(f"{name} is not part of the store assistant's memory")
            fields = {f.name: self.encode(getattr(value, f.name))
                      for f in dataclasses.fields(value)}
            return {_TAG: name, "fields": fields}
        if isinstance(value, tuple):
            return {_TAG: "tuple", "items": [self.encode(v) for v in value]}
        if isinstance(value, Decimal):
            return {_TAG: "decimal", "value": str(value)}
        if isinstance(value, dict):
            if all(isinstance(key, str) for key in value):
                return {key: self.encode(v) for key, v in value.items()}
            return {_TAG: "dict", "items": [[self.encode(k), self.encode(v)]
                                            for k, v in value.items()]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        return value


class _Decoder:
    def __init__(self, root: Any) -> None:
        self.anchors: dict[int, Any] = {}  # raw anchor nodes by number
        self.objects: dict[int, Any] = {}  # decoded, so every reference gets the same one
        self._collect(root)

    def _collect(self, raw: Any) -> None:
        stack = [raw]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get(_TAG) == "anchor":
                    self.anchors[node["n"]] = node["value"]
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)

    def decode(self, raw: Any) -> Any:
        if isinstance(raw, list):
            return [self.decode(v) for v in raw]
        if not isinstance(raw, dict):
            return raw
        tag = raw.get(_TAG)
        if tag is None:
            return {key: self.decode(v) for key, v in raw.items()}
        if tag in ("anchor", "ref"):
            return self._shared(raw["n"])
        if tag == "tuple":
            return tuple(self.decode(v) for v in raw["items"])
        if tag == "decimal":
            return Decimal(raw["value"])
        if tag == "dict":
            return {self.decode(k): self.decode(v) for k, v in raw["items"]}
        return _KINDS[tag](**{key: self.decode(v) for key, v in raw["fields"].items()})

    def _shared(self, number: int) -> Any:
        if number not in self.objects:
            self.objects[number] = self.decode(self.anchors[number])
        return self.objects[number]
