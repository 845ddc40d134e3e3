"""What the simulator needs from the demo company's seeded backend."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from relaydesk.pack import SimulationParts
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.backend.seed import build_backend_rows
from relaydesk.packs.paylater.personas import PAYLATER_PERSONAS

REFUND_AUTO_LIMIT_MINOR = {"EUR": 10_000, "SEK": 110_000}
REFUND_AGENT_LIMIT_MINOR = {"EUR": 100_000, "SEK": 1_100_000}


def seeded_customer_ref(number: int) -> str:
    return f"cust-{number:05d}"


def count_seeded_customers(engine: Engine) -> int:
    """How many seeded customers (cust-00001 ...) the demo backend holds; 0 without one."""
    try:
        with engine.connect() as conn:
            found = conn.execute(
                select(func.count())
                .select_from(t.customers)
                .where(t.customers.c.id.like("cust-0%"))
            ).scalar_one()
    except Exception:  # no backend tables at all
        return 0
    return int(found)


def refund_orders(customers: int) -> list[str | None]:
    """Per seeded customer, a delivered order an assistant may not refund alone, or None.

    Read from the seeded demo data set (the same rows `seed_backend` writes), so asking for
    its refund leads to an approval request rather than a refusal.
    """
    rows = build_backend_rows(customers=customers)
    refunded = {row["order_id"] for row in rows.by_table[t.refunds.name]}
    found: dict[str, str] = {}
    for order in rows.by_table[t.orders.name]:
        currency = str(order["currency"])
        low = REFUND_AUTO_LIMIT_MINOR.get(currency)
        high = REFUND_AGENT_LIMIT_MINOR.get(currency)
        if low is None or high is None or order["id"] in refunded:
            continue
        if order["status"] == "delivered" and low < int(order["amount_minor"]) <= high:
            found.setdefault(str(order["customer_id"]), str(order["id"]))
    return [found.get(seeded_customer_ref(number)) for number in range(1, customers + 1)]


SIMULATION = SimulationParts(
    personas=PAYLATER_PERSONAS,
    count_customers=count_seeded_customers,
    customer_ref=seeded_customer_ref,
    approval_refs=refund_orders,
)
