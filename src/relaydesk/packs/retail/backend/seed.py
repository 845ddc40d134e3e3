"""Filling the store's tables from db.json (or any snapshot of the same shape)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, delete, insert

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.backend.schema import create_store_schema
from relaydesk.packs.retail.backend.snapshot import Snapshot, snapshot_rows

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STORE_FILE = DATA_DIR / "db.json"


@dataclass(frozen=True)
class StoreSummary:
    """How many rows of each kind the seed wrote."""

    products: int
    variants: int
    users: int
    orders: int


@cache
def _cached_file(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read_snapshot(path: Path = STORE_FILE) -> Snapshot:
    """A fresh copy of a snapshot file (the text is read once per process)."""
    snapshot: Snapshot = json.loads(_cached_file(path.resolve()))
    return snapshot


def seed_store(engine: Engine, snapshot: Snapshot | None = None) -> StoreSummary:
    """Create the tables if needed and replace their rows with the snapshot (db.json by default)."""
    rows = snapshot_rows(snapshot if snapshot is not None else read_snapshot())
    create_store_schema(engine)
    with engine.begin() as conn:
        for table in reversed(t.TABLE_ORDER):
            conn.execute(delete(table))
        for table in t.TABLE_ORDER:
            if rows[table.name]:
                conn.execute(insert(table), rows[table.name])
    return StoreSummary(
        products=len(rows[t.products.name]),
        variants=len(rows[t.variants.name]),
        users=len(rows[t.users.name]),
        orders=len(rows[t.orders.name]),
    )
