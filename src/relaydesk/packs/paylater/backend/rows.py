"""Rows for the demo backend, collected in memory and written in one bulk insert per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, delete, insert

from relaydesk.packs.paylater.backend import tables as t

Row = dict[str, Any]

PAY_IN_4_INTERVAL_DAYS = 14
PAY_IN_30_DAYS = 30
RETURN_IN_PROGRESS = ("requested", "in_transit", "received")

# Insert order respects foreign keys; deletes run in reverse.
TABLE_ORDER: tuple[Table, ...] = (
    t.fee_rules,
    t.merchants,
    t.customers,
    t.payment_methods,
    t.orders,
    t.payment_plans,
    t.instalments,
    t.returns,
    t.refunds,
    t.disputes,
)

# Late fees per currency: (amount, grace days, cap per order), in minor units.
FEE_RULES: tuple[Row, ...] = (
    {"code": "late_fee", "currency": "EUR", "amount_minor": 500, "grace_days": 3,
     "cap_minor": 1500},
    {"code": "late_fee", "currency": "SEK", "amount_minor": 5500, "grace_days": 3,
     "cap_minor": 16500},
    # Postponing and pausing are free; listed so a fee question about them has an answer.
    {"code": "postpone_fee", "currency": "EUR", "amount_minor": 0, "grace_days": 0,
     "cap_minor": 0},
    {"code": "postpone_fee", "currency": "SEK", "amount_minor": 0, "grace_days": 0,
     "cap_minor": 0},
    {"code": "pause_fee", "currency": "EUR", "amount_minor": 0, "grace_days": 0, "cap_minor": 0},
    {"code": "pause_fee", "currency": "SEK", "amount_minor": 0, "grace_days": 0, "cap_minor": 0},
)


def late_fee_minor(currency: str) -> tuple[int, int]:
    """The late fee and its grace days for a currency, from the fee table above."""
    for rule in FEE_RULES:
        if rule["code"] == "late_fee" and rule["currency"] == currency:
            return int(rule["amount_minor"]), int(rule["grace_days"])
    return 0, 0


def split_amount(amount_minor: int, parts: int) -> list[int]:
    """Equal parts; the first instalment carries the remainder, as pay-in-4 does."""
    base, remainder = divmod(amount_minor, parts)
    return [base + remainder] + [base] * (parts - 1)


def schedule(kind: str, amount_minor: int, start: date) -> list[tuple[int, date, int]]:
    """(seq, due date, amount) for a new plan: pay_in_4 every 14 days, pay_in_30 once."""
    if kind == "pay_in_4":
        amounts = split_amount(amount_minor, 4)
        return [
            (seq + 1, start + timedelta(days=PAY_IN_4_INTERVAL_DAYS * seq), amounts[seq])
            for seq in range(4)
        ]
    return [(1, start + timedelta(days=PAY_IN_30_DAYS), amount_minor)]


@dataclass
class BackendRows:
    """Every row of the demo data set, keyed by table."""

    by_table: dict[str, list[Row]] = field(
        default_factory=lambda: {table.name: [] for table in TABLE_ORDER}
    )

    def add(self, table: Table, **row: Any) -> Row:
        """Collect one row and return it, so callers can adjust it before writing."""
        self.by_table[table.name].append(row)
        return row

    def count(self, table: Table) -> int:
        """How many rows a table will get."""
        return len(self.by_table[table.name])

    def add_plan(self, plan_id: str, order: Row, kind: str, method_id: str) -> list[Row]:
        """A payment plan for an order with its scheduled instalments; returns the instalments."""
        self.add(
            t.payment_plans,
            id=plan_id,
            order_id=order["id"],
            kind=kind,
            status="active",
            payment_method_id=method_id,
            paused_until=None,
        )
        return [
            self.add(
                t.instalments,
                id=f"{plan_id}-{seq}",
                plan_id=plan_id,
                seq=seq,
                due_on=due_on,
                amount_minor=amount,
                status="scheduled",
                paid_on=None,
                postponed=False,
                original_due_on=None,
                late_fee_minor=0,
            )
            for seq, due_on, amount in schedule(kind, order["amount_minor"], order["created_on"])
        ]

    def write(self, conn: Connection) -> None:
        """Replace the backend's rows with these ones."""
        for table in reversed(TABLE_ORDER):
            conn.execute(delete(table))
        for table in TABLE_ORDER:
            rows = self.by_table[table.name]
            if rows:
                conn.execute(insert(table), rows)


def settle(instalment: Row, today: date, currency: str, paid: bool) -> None:
    """Mark an instalment whose due date has passed as paid on time or overdue with a fee."""
    if paid:
        instalment["status"] = "paid"
        instalment["paid_on"] = min(instalment["due_on"], today)
        return
    instalment["status"] = "overdue"
    fee, grace_days = late_fee_minor(currency)
    if (today - instalment["due_on"]).days > grace_days:
        instalment["late_fee_minor"] = fee


def finish_plan(rows: BackendRows, plan_id: str, instalments: list[Row]) -> None:
    """Mark a plan completed once every instalment is paid."""
    if all(item["status"] == "paid" for item in instalments):
        for plan in rows.by_table[t.payment_plans.name]:
            if plan["id"] == plan_id:
                plan["status"] = "completed"
