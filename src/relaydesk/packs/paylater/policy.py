"""The demo company's rules for what a conversation may do: limits as data, rules as code.

Every rule here is a pure function of facts read from the backend, so it is tested without a
database and the same function decides both the preview (`ToolRegistry.check`) and the
re-check inside the tool's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from relaydesk.tools import PolicyDecision, ToolContext, allow, deny, needs_approval

RETURN_IN_PROGRESS = frozenset({"requested", "in_transit", "received"})
OPEN_DISPUTE = frozenset({"open", "under_review"})
DisputeReason = Literal["not_received", "wrong_item", "not_as_described"]


class PolicyConfig(BaseModel):
    """Limits an operator can change without touching code."""

    model_config = ConfigDict(frozen=True)

    postpone_max_days: int = Field(default=10, ge=1)
    postpones_per_order: int = Field(default=1, ge=0)
    pause_max_days: int = Field(default=30, ge=1)
    # Refunds up to these amounts need no human; above them a human approves.
    refund_auto_limit: dict[str, Decimal] = Field(
        default_factory=lambda: {"EUR": Decimal("100"), "SEK": Decimal("1100")}
    )
    refund_agent_limit: dict[str, Decimal] = Field(
        default_factory=lambda: {"EUR": Decimal("1000"), "SEK": Decimal("11000")}
    )
    # A supervisor's (or administrator's) own limit: what they may refund or approve.
    refund_supervisor_limit: dict[str, Decimal] = Field(
        default_factory=lambda: {"EUR": Decimal("10000"), "SEK": Decimal("110000")}
    )
    refund_processing_days: int = Field(default=5, ge=0)
    # What the assistant may refund one customer without a person, over refund_cap_days
    # (its own refunds, every order together); beyond it, a person approves.
    refund_auto_cap: dict[str, Decimal] = Field(
        default_factory=lambda: {"EUR": Decimal("100"), "SEK": Decimal("1100")}
    )
    refund_cap_days: int = Field(default=30, ge=1)
    dispute_window_days: int = Field(default=120, ge=1)
    # Before this many days after purchase a parcel may simply still be on its way.
    not_received_wait_days: int = Field(default=7, ge=0)
    merchant_response_days: int = Field(default=14, ge=1)
    supported_countries: frozenset[str] = frozenset(
        {"SE", "FI", "DK", "NO", "DE", "NL", "BE", "AT", "FR", "ES", "IT", "IE", "PL"}
    )

    def refund_limit(self, actor: str, currency: str) -> Decimal | None:
        """The largest refund this actor ("assistant", "agent" or "supervisor") may give (or
        approve) without someone above them, None if none is set."""
        limits = {
            "agent": self.refund_agent_limit,
            "supervisor": self.refund_supervisor_limit,
        }.get(actor, self.refund_auto_limit)
        return limits.get(currency)


def limit_holder(ctx: ToolContext[Any]) -> str:
    """Whose limits apply: the assistant's, an agent's, or a supervisor's (admins too)."""
    if ctx.actor == "agent" and ctx.role in ("supervisor", "admin"):
        return "supervisor"
    return ctx.actor


@dataclass(frozen=True)
class InstalmentFacts:
    seq: int
    due_on: date
    amount_minor: int
    status: str  # effective: a scheduled instalment past its due date counts as overdue
    postponed: bool
    late_fee_minor: int


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about one order and its plan."""

    id: str
    customer_id: str
    status: str
    amount_minor: int
    currency: str
    created_on: date
    delivered_on: date | None
    plan_kind: str | None
    plan_status: str | None
    plan_method_id: str | None
    paused_until: date | None
    instalments: tuple[InstalmentFacts, ...]
    return_status: str | None  # of the newest return, if any
    refunded_minor: int  # pending and completed refunds together
    pending_refund_id: str | None
    open_dispute_id: str | None

    @property
    def next_unpaid(self) -> InstalmentFacts | None:
        return next((item for item in self.instalments if item.status != "paid"), None)

    @property
    def has_overdue(self) -> bool:
        return any(item.status == "overdue" for item in self.instalments)

    @property
    def postponements(self) -> int:
        return sum(item.postponed for item in self.instalments)


@dataclass(frozen=True)
class MethodFacts:
    id: str
    customer_id: str
    expires_on: date | None


def money(minor: int) -> str:
    """Minor units as a decimal string a reply can quote: 12345 -> '123.45'."""
    return f"{Decimal(minor) / 100:.2f}"


def verified(ctx: ToolContext[Any]) -> PolicyDecision | None:
    """A refusal when nobody is verified, else None."""
    return deny("not_verified") if ctx.customer_id is None else None


def owned(ctx: ToolContext[Any], order: OrderFacts | None) -> PolicyDecision | None:
    """A refusal unless the order exists and belongs to the verified customer.

    A made-up order and another customer's get the same refusal: the answer must not tell
    which order numbers exist.
    """
    if order is None or order.customer_id != ctx.customer_id:
        return deny("not_your_order")
    return None


def changes_contact_details(ctx: ToolContext[Any]) -> PolicyDecision | None:
    """Contact details change only for a customer the operator's site signed in.

    An email and an order number are enough to read an account, not to take it over: a
    customer verified that way is handed to a person, who checks more.
    """
    return deny("contact.needs_person") if ctx.proven_by_details else None


def decide_postpone(
    config: PolicyConfig, order: OrderFacts, new_due_on: date, today: date, seq: int | None = None
) -> PolicyDecision:
    """Postpone the next instalment (or the one `seq` names, as a confirmation showed it):
    once per order, a few days, never when overdue."""
    target = postponed_instalment(order, seq)
    if order.plan_status is None:
        return deny("postpone.no_plan")
    if order.plan_status == "paused" and order.paused_until and order.paused_until >= today:
        return deny("postpone.paused", paused_until=order.paused_until.isoformat())
    if order.has_overdue:
        return deny("postpone.overdue")
    if target is None or target.status == "paid":
        return deny("postpone.already_paid")
    if order.postponements >= config.postpones_per_order:
        return deny("postpone.already_used", max_per_order=config.postpones_per_order)
    days = (new_due_on - target.due_on).days
    if days < 1:
        return deny("postpone.not_later", due_on=target.due_on.isoformat())
    if days > config.postpone_max_days:
        latest = target.due_on + timedelta(days=config.postpone_max_days)
        return deny(
            "postpone.too_many_days",
            max_days=config.postpone_max_days,
            latest_due_on=latest.isoformat(),
        )
    return allow(
        seq=target.seq,
        due_on=target.due_on.isoformat(),
        new_due_on=new_due_on.isoformat(),
        days=days,
    )


def postponed_instalment(order: OrderFacts, seq: int | None) -> InstalmentFacts | None:
    """The instalment a postponement moves: the one named, else the next unpaid."""
    return order.next_unpaid if seq is None else _instalment(order, seq)


def decide_pay_now(order: OrderFacts, seq: int | None, method: MethodFacts | None,
                   today: date) -> PolicyDecision:
    """Pay an instalment now: it must exist, be unpaid, and the plan's method must work."""
    if order.plan_status is None:
        return deny("pay.no_plan")
    target = order.next_unpaid if seq is None else _instalment(order, seq)
    if target is None:
        return deny("pay.nothing_due") if seq is None else deny("pay.no_such_instalment")
    if target.status == "paid":
        return deny("pay.already_paid", seq=target.seq)
    if method is None or (method.expires_on is not None and method.expires_on < today):
        return deny("pay.method_expired")
    total = target.amount_minor + target.late_fee_minor
    return allow(seq=target.seq, amount=money(total), currency=order.currency)


def _instalment(order: OrderFacts, seq: int) -> InstalmentFacts | None:
    return next((item for item in order.instalments if item.seq == seq), None)


def decide_pause(config: PolicyConfig, order: OrderFacts, days: int, today: date) -> PolicyDecision:
    """Pause payments while a return is on its way back: once, for a limited time."""
    if order.plan_status is None or order.next_unpaid is None:
        return deny("pause.nothing_due")
    if order.return_status not in RETURN_IN_PROGRESS:
        return deny("pause.no_return_in_progress")
    if order.paused_until is not None and order.paused_until >= today:
        return deny("pause.already_paused", paused_until=order.paused_until.isoformat())
    if order.has_overdue:
        return deny("pause.overdue")
    if days > config.pause_max_days:
        return deny("pause.too_many_days", max_days=config.pause_max_days)
    return allow(days=days, paused_until=(today + timedelta(days=days)).isoformat())


def decide_refund(
    config: PolicyConfig,
    actor: str,
    order: OrderFacts,
    amount_minor: int,
    reason: str = "other",
    refunded_recently_minor: int = 0,
) -> PolicyDecision:
    """Refund part or all of an order; above the actor's limit a human must approve.

    The assistant refunds on its own only with a stated reason, and only up to a cap per
    customer and period (`refunded_recently_minor`: its refunds to this customer lately).
    """
    refundable = order.amount_minor - order.refunded_minor
    if order.pending_refund_id is not None:
        return deny("refund.already_pending", refund_id=order.pending_refund_id)
    if refundable <= 0:
        return deny("refund.already_refunded")
    if amount_minor > refundable:
        return deny("refund.exceeds_order", refundable=money(refundable),
                    currency=order.currency)
    limit = config.refund_limit(actor, order.currency)
    amount = Decimal(amount_minor) / 100
    if limit is None or amount > limit:
        return needs_approval(
            "refund.above_limit",
            limit=f"{limit:.2f}" if limit is not None else "0.00",
            amount=money(amount_minor),
            currency=order.currency,
        )
    if actor == "assistant":
        automatic = _automatic_refund(config, order, amount_minor, reason, refunded_recently_minor)
        if automatic is not None:
            return automatic
    return allow(amount=money(amount_minor), currency=order.currency)


def _automatic_refund(
    config: PolicyConfig, order: OrderFacts, amount_minor: int, reason: str, recent_minor: int
) -> PolicyDecision | None:
    """A person's approval when the assistant may not refund this on its own, else None."""
    facts = {"amount": money(amount_minor), "currency": order.currency}
    if reason == "other":
        return needs_approval("refund.no_reason", **facts)
    cap = config.refund_auto_cap.get(order.currency)
    if cap is None or Decimal(recent_minor + amount_minor) / 100 > cap:
        cap_text = f"{cap:.2f}" if cap is not None else "0.00"
        return needs_approval(
            "refund.above_customer_cap", cap=cap_text, days=config.refund_cap_days, **facts
        )
    return None


def decide_dispute(
    config: PolicyConfig, order: OrderFacts, reason: DisputeReason, today: date
) -> PolicyDecision:
    """Open a dispute: one open at a time per order, and only within the window."""
    if order.open_dispute_id is not None:
        return deny("dispute.already_open", dispute_id=order.open_dispute_id)
    if reason != "not_received" and order.delivered_on is None:
        return deny("dispute.not_delivered")
    since = order.delivered_on or order.created_on
    if (today - since).days > config.dispute_window_days:
        return deny("dispute.window_closed", window_days=config.dispute_window_days)
    waited = (today - order.created_on).days
    if reason == "not_received" and order.delivered_on is None and (
        waited < config.not_received_wait_days
    ):
        wait_until = order.created_on + timedelta(days=config.not_received_wait_days)
        return deny("dispute.too_early", wait_until=wait_until.isoformat())
    return allow(response_days=config.merchant_response_days)


def decide_email_change(current: str, new: str, taken: bool) -> PolicyDecision:
    """Change the email: it must differ and not belong to another customer."""
    if current.lower() == new.lower():
        return deny("email.unchanged")
    if taken:  # the generic refusal: the answer must not tell which emails have accounts
        return deny("email.unavailable")
    return allow()


def decide_address_change(config: PolicyConfig, country: str) -> PolicyDecision:
    """Change the address: only to a country the company serves."""
    if country not in config.supported_countries:
        return deny("address.unsupported_country", country=country)
    return allow()


def decide_method_change(
    ctx: ToolContext[Any], method: MethodFacts | None, order: OrderFacts | None, today: date
) -> PolicyDecision:
    """Switch to one of the customer's own saved methods that has not expired."""
    if method is None or method.customer_id != ctx.customer_id:
        return deny("payment_method.not_found")
    if method.expires_on is not None and method.expires_on < today:
        return deny("payment_method.expired")
    if order is not None:
        if order.plan_status in (None, "completed", "cancelled"):
            return deny("payment_method.plan_completed")
        if order.plan_method_id == method.id:
            return deny("payment_method.unchanged")
    return allow()
