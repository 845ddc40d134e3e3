"""The retail store's own backend: its tables, loaded from db.json and exported back to it."""

from relaydesk.packs.retail.backend.schema import (
    create_store_schema,
    drop_store_schema,
    store_is_seeded,
)
from relaydesk.packs.retail.backend.seed import (
    STORE_FILE,
    StoreSummary,
    read_snapshot,
    seed_store,
)
from relaydesk.packs.retail.backend.snapshot import Snapshot, export_snapshot

__all__ = [
    "STORE_FILE",
    "Snapshot",
    "StoreSummary",
    "create_store_schema",
    "drop_store_schema",
    "export_snapshot",
    "read_snapshot",
    "seed_store",
    "store_is_seeded",
]
