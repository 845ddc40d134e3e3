"""A deterministic, believable data set for the demo company: same seed and day, same rows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.backend.catalog import (
    COUNTRIES,
    GOODS,
    MERCHANTS,
    SEK_PER_EUR,
    Country,
    Merchant,
)
from relaydesk.packs.paylater.backend.demo import add_demo_customers
from relaydesk.packs.paylater.backend.rows import (
    FEE_RULES,
    RETURN_IN_PROGRESS,
    BackendRows,
    Row,
    finish_plan,
    settle,
)
from relaydesk.packs.paylater.backend.schema import create_backend_schema

HISTORY_DAYS = 240  # how far back random orders go
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
DISPUTE_REASONS = ("not_received", "wrong_item", "not_as_described")


@dataclass(frozen=True)
class SeedSummary:
    """How many rows of each kind the seed wrote."""

    customers: int
    orders: int
    instalments: int
    refunds: int
    returns: int
    disputes: int


class _Ids:
    """Unique random ids like ORD-123456, above the range the demo customers use."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()

    def next(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}-{self._rng.randint(300000, 999999)}"
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate


class _Generator:
    """Random customers with orders, plans, returns, refunds and disputes."""

    def __init__(self, rows: BackendRows, rng: random.Random, today: date) -> None:
        self.rows = rows
        self.rng = rng
        self.today = today
        self.ids = _Ids(rng)
        self.emails: set[str] = set()

    def customer(self, number: int) -> None:
        country = self.rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]
        first, last = self.rng.choice(country.first_names), self.rng.choice(country.last_names)
        customer_id = f"cust-{number:05d}"
        city, postal_code = self.rng.choice(country.cities)
        self.rows.add(
            t.customers,
            id=customer_id,
            name=f"{first} {last}",
            email=self._email(first, last),
            phone=f"{country.phone_prefix} {self.rng.randint(100, 999)} "
            f"{self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
            street=f"{self.rng.choice(country.streets)} {self.rng.randint(1, 120)}",
            postal_code=postal_code,
            city=city,
            country=country.code,
            # Some customers prefer English wherever they live.
            language="en" if self.rng.random() < 0.1 else country.language,
            created_on=self.today - timedelta(days=self.rng.randint(250, 1500)),
        )
        methods = self._payment_methods(customer_id, country)
        for _ in range(self.rng.randint(5, 7)):
            self.order(customer_id, country, methods)

    def _email(self, first: str, last: str) -> str:
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
        while email in self.emails:
            email = f"{local}{self.rng.randint(1, 999)}@{self.rng.choice(EMAIL_DOMAINS)}"
        self.emails.add(email)
        return email

    def _payment_methods(self, customer_id: str, country: Country) -> list[str]:
        """One default card or bank account, sometimes a second method (maybe expired)."""
        method_ids = []
        for index in range(self.rng.choice((1, 1, 2))):
            method_id = f"pm-{customer_id.removeprefix('cust-')}-{index + 1}"
            is_card = self.rng.random() < 0.75
            expires = date(self.today.year + self.rng.randint(1, 4), self.rng.randint(1, 12), 28)
            if index > 0 and self.rng.random() < 0.3:
                expires = date(self.today.year - 1, self.rng.randint(1, 12), 28)
            self.rows.add(
                t.payment_methods,
                id=method_id,
                customer_id=customer_id,
                kind="card" if is_card else "bank",
                brand=self.rng.choice(("Visa", "Mastercard")) if is_card
                else self.rng.choice(country.banks),
                last4=f"{self.rng.randint(0, 9999):04d}",
                expires_on=expires if is_card else None,
                is_default=index == 0,
            )
            method_ids.append(method_id)
        return method_ids

    def order(self, customer_id: str, country: Country, methods: list[str]) -> None:
        merchant = self._merchant(country.currency)
        description, low, high = self.rng.choice(GOODS[merchant.category])
        created = self.today - timedelta(days=self.rng.randint(0, HISTORY_DAYS))
        order = self.rows.add(
            t.orders,
            id=self.ids.next("ORD"),
            customer_id=customer_id,
            merchant_id=merchant.id,
            description=description,
            amount_minor=self._price(low, high, merchant.currency),
            currency=merchant.currency,
            status="delivered",
            created_on=created,
            delivered_on=None,
        )
        self._delivery(order)
        plan_id = "PL-" + order["id"].removeprefix("ORD-")
        kind = "pay_in_4" if self.rng.random() < 0.6 else "pay_in_30"
        instalments = self.rows.add_plan(plan_id, order, kind, methods[0])
        self._payments(order, instalments)
        self._aftercare(order, plan_id, instalments)
        finish_plan(self.rows, plan_id, instalments)

    def _merchant(self, currency: str) -> Merchant:
        return self.rng.choice([m for m in MERCHANTS if m.currency == currency])

    def _price(self, low: int, high: int, currency: str) -> int:
        """A shop-like price in minor units: 129.95 EUR, 1 499 SEK."""
        euros = self.rng.randint(low, high)
        if currency == "SEK":
            return (euros * SEK_PER_EUR // 10 * 10 - 1) * 100
        return euros * 100 - self.rng.choice((0, 5, 10))

    def _delivery(self, order: Row) -> None:
        age = (self.today - order["created_on"]).days
        if age < 2:
            order["status"] = "placed"
        elif age < 5 and self.rng.random() < 0.6:
            order["status"] = "shipped"
        else:
            order["delivered_on"] = order["created_on"] + timedelta(
                days=min(age, self.rng.randint(2, 6))
            )

    def _payments(self, order: Row, instalments: list[Row]) -> None:
        """Past instalments are mostly paid, a few overdue; a few future ones were postponed."""
        missed = False
        for item in instalments:
            if item["due_on"] < self.today or item["due_on"] == order["created_on"]:
                # Once a customer misses one instalment, the later past ones are missed too.
                missed = missed or self.rng.random() < 0.03
                settle(item, self.today, order["currency"], paid=not missed)
        scheduled = [item for item in instalments if item["status"] == "scheduled"]
        if scheduled and self.rng.random() < 0.05:
            moved = scheduled[0]
            days = self.rng.randint(3, 10)
            moved.update(original_due_on=moved["due_on"], postponed=True,
                         due_on=moved["due_on"] + timedelta(days=days))

    def _aftercare(self, order: Row, plan_id: str, instalments: list[Row]) -> None:
        """Returns, refunds and disputes on some delivered orders."""
        delivered = order["delivered_on"]
        if delivered is None:
            return
        roll = self.rng.random()
        if roll < 0.09:
            self._return(order, plan_id, instalments)
        elif roll < 0.13:
            self._refund(order, self.rng.choice(("pending", "completed")), partial=True)
        elif roll < 0.155:
            self._dispute(order)

    def _return(self, order: Row, plan_id: str, instalments: list[Row]) -> None:
        status = self.rng.choice((*RETURN_IN_PROGRESS, "completed", "completed", "rejected"))
        opened = min(self.today, order["delivered_on"] + timedelta(days=self.rng.randint(1, 14)))
        self.rows.add(t.returns, id=self.ids.next("RT"), order_id=order["id"], status=status,
                      created_on=opened)
        if status == "completed":
            order["status"] = "returned"
            for item in instalments:
                item.update(status="paid", paid_on=item["paid_on"] or opened, late_fee_minor=0)
            self._refund(order, "completed", partial=False)
        elif status == "received":
            self._refund(order, "pending", partial=False)
        if status in RETURN_IN_PROGRESS and self.rng.random() < 0.3:
            plan = self.rows.by_table[t.payment_plans.name][-1]
            assert plan["id"] == plan_id
            plan.update(status="paused",
                        paused_until=self.today + timedelta(days=self.rng.randint(5, 25)))

    def _refund(self, order: Row, status: str, partial: bool) -> None:
        amount = order["amount_minor"]
        if partial:
            amount = amount * self.rng.choice((10, 20, 25, 50)) // 100
        requested = min(self.today, order["delivered_on"] + timedelta(days=self.rng.randint(3, 20)))
        completed = requested + timedelta(days=self.rng.randint(2, 7))
        self.rows.add(
            t.refunds, id=self.ids.next("RF"), order_id=order["id"], amount_minor=amount,
            currency=order["currency"], status=status,
            reason="goodwill" if partial else "returned_item", requested_on=requested,
            completed_on=min(completed, self.today) if status == "completed" else None,
            requested_by="merchant", approved_by=None,
        )

    def _dispute(self, order: Row) -> None:
        reason = self.rng.choice(DISPUTE_REASONS)
        opened = min(self.today, order["delivered_on"] + timedelta(days=self.rng.randint(1, 30)))
        status = "open" if (self.today - opened).days < 14 else self.rng.choice(
            ("under_review", "resolved", "rejected")
        )
        self.rows.add(t.disputes, id=self.ids.next("DS"), order_id=order["id"], reason=reason,
                      status=status, description="", opened_on=opened)


def build_backend_rows(
    seed: int = 42, customers: int = 200, today: date | None = None
) -> BackendRows:
    """Every row of the data set in memory, without touching a database."""
    today = today or date.today()
    rows = BackendRows()
    rng = random.Random(seed)
    for rule in FEE_RULES:
        rows.add(t.fee_rules, **rule)
    for merchant in MERCHANTS:
        rows.add(t.merchants, id=merchant.id, name=merchant.name, category=merchant.category,
                 country=merchant.country,
                 url=f"https://{merchant.id.removeprefix('m-')}.example.com")
    add_demo_customers(rows, today)
    generator = _Generator(rows, rng, today)
    for number in range(1, customers + 1):
        generator.customer(number)
    return rows


def seed_backend(
    engine: Engine, seed: int = 42, customers: int = 200, today: date | None = None
) -> SeedSummary:
    """Create the tables if needed and replace their rows with the seeded data set."""
    rows = build_backend_rows(seed=seed, customers=customers, today=today)
    create_backend_schema(engine)
    with engine.begin() as conn:
        rows.write(conn)
    return SeedSummary(
        customers=rows.count(t.customers),
        orders=rows.count(t.orders),
        instalments=rows.count(t.instalments),
        refunds=rows.count(t.refunds),
        returns=rows.count(t.returns),
        disputes=rows.count(t.disputes),
    )
