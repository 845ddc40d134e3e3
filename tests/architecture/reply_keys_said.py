"""The reply keys core code says, read from its AST rather than from a list kept by hand.

A key counts when a string constant reaches a reply: the key argument (or `key=`) of
`say`, `render`, `can_say`, `template` or `say_text`, directly, through a conditional
expression, through a local name assigned in the same function, or through a module-level
dict looked up by subscript (`say(SMALL_TALK[intent])`); and a `"reply_key": "..."` entry
of a dict literal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

# The position of the reply key among each speaker's arguments (say_text(text, claims, key)).
SPEAKERS = {"say": 0, "render": 0, "can_say": 0, "template": 0, "say_text": 2}
KEY_SHAPE = ("_", ".")  # a catalog key is lower-case words joined by these


def reply_keys_said(paths: Iterator[Path]) -> set[str]:
    keys: set[str] = set()
    for path in paths:
        keys |= _keys_in(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return keys


def _keys_in(tree: ast.Module) -> set[str]:
    tables = _module_dicts(tree)
    keys: set[str] = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            keys |= _keys_in_function(function, tables)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for name, value in zip(node.keys, node.values, strict=True):
                if _constant(name) == "reply_key":
                    keys |= _strings(value, {}, tables)
    return keys


def _keys_in_function(
    function: ast.FunctionDef | ast.AsyncFunctionDef, tables: dict[str, set[str]]
) -> set[str]:
    local: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                local.setdefault(target.id, set()).update(_strings(node.value, {}, tables))
    keys: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        position = SPEAKERS.get(_called_name(node.func) or "")
        if position is not None:
            keyed = (k.value for k in node.keywords if k.arg == "key")
            spoken = [*node.args[position : position + 1], *keyed]
            for argument in spoken:
                keys |= _strings(argument, local, tables)
    return keys


def _strings(
    node: ast.expr, local: dict[str, set[str]], tables: dict[str, set[str]]
) -> set[str]:
    text = _constant(node)
    if text is not None:
        return {text} if _looks_like_key(text) else set()
    if isinstance(node, ast.IfExp):
        return _strings(node.body, local, tables) | _strings(node.orelse, local, tables)
    if isinstance(node, ast.Name):
        return local.get(node.id, set())
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return tables.get(node.value.id, set())
    return set()


def _module_dicts(tree: ast.Module) -> dict[str, set[str]]:
    """Module-level dicts of string values, by name."""
    tables: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            values = {_constant(value) for value in node.value.values}
            strings = {value for value in values if value is not None}
            for target in node.targets:
                if isinstance(target, ast.Name) and strings:
                    tables[target.id] = strings
    return tables


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _constant(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _looks_like_key(text: str) -> bool:
    plain = text
    for joiner in KEY_SHAPE:
        plain = plain.replace(joiner, "")
    return plain.isalpha() and plain.islower() and not text.endswith(".html")
