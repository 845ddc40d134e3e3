"""`relaydesk packs new NAME`: a working pack package that passes its own conversation tests.

Like `django-admin startapp`, it writes a minimal layout and refuses to overwrite anything.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "template"
PACK_NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
# template -> where it goes in the new package; {name} is the pack's name
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "pack.py.tmpl": "src/relaydesk_{name}/pack.py",
    "backend.py.tmpl": "src/relaydesk_{name}/backend.py",
    "tools.py.tmpl": "src/relaydesk_{name}/tools.py",
    "flows.yaml.tmpl": "src/relaydesk_{name}/data/flows.yaml",
    "training.yaml.tmpl": "src/relaydesk_{name}/data/training/intents.yaml",
    "article.md.tmpl": "src/relaydesk_{name}/data/knowledge/en/opening-hours.md",
    "messages.po.tmpl": "src/relaydesk_{name}/data/locale/en/LC_MESSAGES/messages.po",
    "conversations.yaml.tmpl": "tests/conversations/{name}_en.yaml",
    "test_pack.py.tmpl": "tests/test_pack.py",
}


class ScaffoldError(ValueError):
    """The pack cannot be written; the message is one sentence."""


def new_pack(name: str, parent: Path) -> Path:
    """Write the pack `name` into parent/name and return that folder."""
    if not PACK_NAME.match(name):
        raise ScaffoldError(
            f"'{name}' cannot name a pack: use 2 to 31 lower-case letters, digits or "
            "underscores, starting with a letter."
        )
    target = parent / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another name or folder.")
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "class_name": "".join(part.title() for part in name.split("_")),
    }
    for template, destination in LAYOUT.items():
        path = target / destination.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
        path.write_text(text.format(**values), encoding="utf-8")
    (target / "src" / f"relaydesk_{name}" / "__init__.py").write_text(
        f'"""The {values["title"]} pack for relaydesk."""\n', encoding="utf-8"
    )
    return target
