"""The import rules relaydesk's source keeps, and a checker that reads imports from the AST.

Every `import` counts, also the lazy ones inside functions and under TYPE_CHECKING: a lazy
import of a forbidden module is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# Highest first: a package may import packages of lower layers only, never one above it nor
# a sibling in its own layer. Packs (relaydesk.packs) are plug-ins outside the stack.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli",),
    ("simulation",),
    ("api", "testing"),
    ("desk", "llm", "pack"),
    ("security",),
    ("analytics",),  # may read the assistant's models (insights embed questions)
    ("assistant",),
    ("store", "bus", "tools"),
    ("domain", "settings", "sql", "turn_slots"),
)
PLUGINS = "packs"  # nothing outside it may import it


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    importer: str
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported} ({self.rule})"


def violations(package_dir: Path, layers: Sequence[tuple[str, ...]] = LAYERS) -> list[Violation]:
    """Every import in the package at `package_dir` that breaks a rule."""
    root = package_dir.name
    rank = {name: level for level, names in enumerate(layers) for name in names}
    found: list[Violation] = []
    for path in sorted(package_dir.rglob("*.py")):
        importer = _module_name(path, package_dir)
        for line, imported in _imports(path, importer, root):
            found.extend(_broken_rules(path, line, importer, imported, rank))
    return found


def _broken_rules(
    path: Path, line: int, importer: str, imported: str, rank: dict[str, int]
) -> Iterator[Violation]:
    source, target = _subpackage(importer), _subpackage(imported)
    if target is None or source == target:
        return
    if target == PLUGINS:
        yield Violation(path, line, importer, imported, "only packs import packs")
        return
    if source is None or source == PLUGINS or source not in rank or target not in rank:
        return
    if rank[target] < rank[source]:
        yield Violation(path, line, importer, imported, f"{source} is below {target}")
    elif rank[target] == rank[source]:
        yield Violation(path, line, importer, imported, f"{source} and {target} are siblings")


def _subpackage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _module_name(path: Path, package_dir: Path) -> str:
    relative = path.relative_to(package_dir.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, importer: str, root: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer, is_package)
            if base is None or base.split(".")[0] != root:
                continue
            yield node.lineno, base
            for alias in node.names:  # `from relaydesk import packs` names a module too
                if base == root:
                    yield node.lineno, f"{base}.{alias.name}"


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str | None:
    if node.level == 0:
        return node.module
    parts = importer.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)
