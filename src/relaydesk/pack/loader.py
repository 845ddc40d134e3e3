"""Finding packs by name through entry points; a missing or broken one is one sentence.

Installed is not enabled: every pack in the `relaydesk.packs` group is listed, but only the
one the settings name (RELAYDESK_PACK or `pack` in the TOML file) is imported. The loader
takes the entry points as an argument so tests can hand it packs that are not installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import cast

from relaydesk.pack.contract import API_VERSION, Pack

ENTRY_POINT_GROUP = "relaydesk.packs"
_MEMBERS = (
    "name",
    "api_version",
    "branding",
    "data_dir",
    "knowledge_dir",
    "references",
    "skills",
    "demo",
    "prepare_backend",
    "seed_backend",
    "tool_deps",
    "build_assistant",
)


class PackError(Exception):
    """A pack that cannot be used; the message is one sentence for the operator."""


@dataclass(frozen=True)
class InstalledPack:
    name: str
    target: str  # "module:factory" as the entry point names it
    distribution: str
    version: str


def pack_entry_points() -> tuple[EntryPoint, ...]:
    """The packs installed in this environment."""
    return tuple(entry_points(group=ENTRY_POINT_GROUP))


def installed_packs(found: Iterable[EntryPoint] | None = None) -> list[InstalledPack]:
    """Every installed pack, by name, with the distribution that provides it."""
    listed = [_describe(entry) for entry in _entries(found)]
    return sorted(listed, key=lambda pack: (pack.name, pack.distribution))


def load_pack(name: str | None, found: Iterable[EntryPoint] | None = None) -> Pack:
    """The named pack (or the only one installed), imported and checked against the contract."""
    entries = _entries(found)
    entry = _choose(name, entries)
    described = _describe(entry)
    try:
        target = entry.load()
        pack = target() if callable(target) and not hasattr(target, "api_version") else target
    except Exception as error:  # any failure inside a pack's import is the pack's
        raise PackError(
            f"The pack '{described.name}' from {described.distribution} {described.version} "
            f"failed to load: {type(error).__name__}: {error}."
        ) from error
    _check_members(described, pack)
    return cast(Pack, pack)


def _entries(found: Iterable[EntryPoint] | None) -> list[EntryPoint]:
    return list(pack_entry_points() if found is None else found)


def _choose(name: str | None, entries: list[EntryPoint]) -> EntryPoint:
    names = sorted({entry.name for entry in entries})
    listing = ", ".join(names) if names else "none"
    if name is None:
        if len(names) == 1:
            name = names[0]
        elif not names:
            raise PackError(
                "No domain pack is installed; install one with pip (in a checkout of "
                "relaydesk, `pip install --no-deps -e .` registers the demo pack's entry point)."
            )
        else:
            raise PackError(
                f"Several packs are installed ({listing}); choose one with RELAYDESK_PACK."
            )
    matching = [entry for entry in entries if entry.name == name]
    if not matching:
        raise PackError(f"No pack named '{name}' is installed; installed packs: {listing}.")
    if len(matching) > 1:
        sources = ", ".join(_describe(entry).distribution for entry in matching)
        raise PackError(f"The pack name '{name}' is installed twice ({sources}); keep one.")
    return matching[0]


def _describe(entry: EntryPoint) -> InstalledPack:
    dist = entry.dist
    distribution = dist.metadata["Name"] if dist is not None else "an unknown distribution"
    version = dist.version if dist is not None else "(no version)"
    return InstalledPack(entry.name, entry.value, distribution, version)


def _check_members(described: InstalledPack, pack: object) -> None:
    missing = [member for member in _MEMBERS if not hasattr(pack, member)]
    if missing:
        raise PackError(
            f"The pack '{described.name}' from {described.distribution} lacks "
            f"{', '.join(missing)} required by the pack contract."
        )
    version = getattr(pack, "api_version", None)
    if version != API_VERSION:
        raise PackError(
            f"The pack '{described.name}' was written for pack contract version {version}, "
            f"and this relaydesk speaks version {API_VERSION}."
        )
    if getattr(pack, "name", None) != described.name:
        raise PackError(
            f"The pack registered as '{described.name}' calls itself "
            f"'{getattr(pack, 'name', None)}'; the two names must match."
        )
