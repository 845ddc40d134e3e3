"""Core imports no pack, and every import points down the layers (tests/architecture/layers.py)."""

from __future__ import annotations

from pathlib import Path

import relaydesk
from architecture.layers import violations

SOURCE = Path(relaydesk.__file__).parent


def write(root: Path, module: str, text: str) -> None:
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in [path.parent, *path.parent.parents]:
        if folder == root:
            break
        (folder / "__init__.py").touch()
    path.write_text(text, encoding="utf-8")


def test_relaydesks_own_source_keeps_every_import_rule() -> None:
    assert [str(found) for found in violations(SOURCE)] == []


def test_core_importing_a_pack_is_caught_even_lazily_inside_a_function(tmp_path: Path) -> None:
    package = tmp_path / "relaydesk"
    write(tmp_path, "relaydesk.packs.demo.tools", "VALUE = 1\n")
    write(
        tmp_path,
        "relaydesk.api.app",
        "def build():\n    from relaydesk.packs.demo.tools import VALUE\n    return VALUE\n",
    )
    found = violations(package)
    assert [(v.importer, v.imported, v.rule) for v in found] == [
        ("relaydesk.api.app", "relaydesk.packs.demo.tools", "only packs import packs")
    ]
    assert str(found[0]).startswith(f"{package / 'api' / 'app.py'}:2:")


def test_a_pack_imported_as_a_name_from_the_root_package_is_caught(tmp_path: Path) -> None:
    write(tmp_path, "relaydesk.packs.__init__", "")
    write(tmp_path, "relaydesk.cli.understand", "from relaydesk import packs\n")
    found = violations(tmp_path / "relaydesk")
    assert [v.imported for v in found] == ["relaydesk.packs"]


def test_the_language_model_reaching_into_the_desk_is_caught(tmp_path: Path) -> None:
    write(tmp_path, "relaydesk.desk.handoff", "def summarize(): ...\n")
    write(tmp_path, "relaydesk.llm.handoff_note", "from ..desk.handoff import summarize\n")
    found = violations(tmp_path / "relaydesk")
    assert [(v.importer, v.rule) for v in found] == [
        ("relaydesk.llm.handoff_note", "llm and desk are siblings")
    ]


def test_a_lower_layer_importing_a_higher_one_is_caught(tmp_path: Path) -> None:
    write(tmp_path, "relaydesk.domain.model", "from relaydesk.store.tables import events\n")
    write(tmp_path, "relaydesk.store.tables", "events = 1\n")
    write(tmp_path, "relaydesk.assistant.engine", "import relaydesk.desk.conversations\n")
    write(tmp_path, "relaydesk.desk.conversations", "")
    rules = sorted(v.rule for v in violations(tmp_path / "relaydesk"))
    assert rules == ["assistant is below desk", "domain is below store"]


def test_a_pack_may_use_the_contract_and_the_engine(tmp_path: Path) -> None:
    write(
        tmp_path,
        "relaydesk.packs.demo.pack",
        "from relaydesk.pack import Branding\n"
        "from relaydesk.assistant.parts import AssistantParts\n",
    )
    assert violations(tmp_path / "relaydesk") == []
