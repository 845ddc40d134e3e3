"""Payment plans: what is due, paying now, postponing, pausing, and what fees mean."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import Connection, bindparam, func, select, update

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.base import Ctx, customer_order, need
from relaydesk.packs.paylater.operations.queries import (
    amount,
    instalment_view,
    load_method,
    method_view,
)
from relaydesk.packs.paylater.operations.schemas import (
    ExplainFeeParams,
    ExplainFeeResult,
    NextPaymentParams,
    NextPaymentResult,
    OrderParams,
    PausePaymentsParams,
    PausePaymentsResult,
    PayInstalmentParams,
    PayInstalmentResult,
    PaymentPlanResult,
    PostponePaymentParams,
    PostponePaymentResult,
)
from relaydesk.packs.paylater.policy import (
    OrderFacts,
    decide_pause,
    decide_pay_now,
    decide_postpone,
    postponed_instalment,
    verified,
)
from relaydesk.tools import PolicyDecision, ToolError, allow, deny

OPEN_PLAN = ("active", "paused")


def _plan_id(order: OrderFacts) -> str:
    """Plans are keyed by their order's number: ORD-123456 has plan PL-123456."""
    return "PL-" + order.id.removeprefix("ORD-")


def _order_with_plan(
    conn: Connection, ctx: Ctx, order_id: str
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = customer_order(conn, ctx, order_id)
    if order is not None and order.plan_status is None:
        return deny("no_plan"), None
    return decision, order


# --- next_payment ------------------------------------------------------------------------


def decide_next_payment(
    conn: Connection, ctx: Ctx, params: NextPaymentParams
) -> tuple[PolicyDecision, str | None]:
    if params.order_id is not None:
        decision, order = customer_order(conn, ctx, params.order_id)
        return decision, order.id if order else None
    return verified(ctx) or allow(), None


# Built once: building a statement cost about as much CPU as running it on SQLite.
_DUE_INSTALMENTS = (
    select(
        t.instalments,
        t.orders.c.id.label("order_id"),
        t.orders.c.currency,
        t.merchants.c.name.label("merchant"),
    )
    .join(t.payment_plans, t.payment_plans.c.id == t.instalments.c.plan_id)
    .join(t.orders, t.orders.c.id == t.payment_plans.c.order_id)
    .join(t.merchants, t.merchants.c.id == t.orders.c.merchant_id)
    .where(t.orders.c.customer_id == bindparam("customer_id"))
    .where(t.payment_plans.c.status.in_(OPEN_PLAN))
    .where(t.instalments.c.status != "paid")
    .order_by(t.instalments.c.due_on, t.orders.c.id, t.instalments.c.seq)
)
_DUE_INSTALMENTS_OF_ORDER = _DUE_INSTALMENTS.where(t.orders.c.id == bindparam("order_id"))


def next_payment(
    conn: Connection, ctx: Ctx, params: NextPaymentParams, order_id: str | None
) -> NextPaymentResult:
    """The customer's soonest unpaid instalment, on one order or across all open plans."""
    if order_id is None:
        rows = conn.execute(_DUE_INSTALMENTS, {"customer_id": ctx.customer_id}).all()
    else:
        rows = conn.execute(
            _DUE_INSTALMENTS_OF_ORDER, {"customer_id": ctx.customer_id, "order_id": order_id}
        ).all()
    if not rows:
        return NextPaymentResult(found=False)
    first = rows[0]
    return NextPaymentResult(
        found=True,
        order_id=first.order_id,
        merchant=first.merchant,
        instalment=instalment_view(first, first.currency, ctx.deps.clock()),
        upcoming=len(rows),
    )


# --- get_payment_plan --------------------------------------------------------------------


def decide_payment_plan(
    conn: Connection, ctx: Ctx, params: OrderParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    return _order_with_plan(conn, ctx, params.order_id)


_METHOD = "method_"
# One round trip: a row per instalment, each with its plan and the plan's payment method.
_PLAN_WITH_INSTALMENTS = (
    select(
        t.payment_plans.c.kind.label("plan_kind"),
        t.payment_plans.c.status.label("plan_status"),
        t.payment_plans.c.paused_until,
        *(column.label(_METHOD + column.name) for column in t.payment_methods.c),
        *(column for column in t.instalments.c if column.name not in ("id", "plan_id")),
    )
    .select_from(t.payment_plans)
    .outerjoin(t.payment_methods, t.payment_methods.c.id == t.payment_plans.c.payment_method_id)
    .outerjoin(t.instalments, t.instalments.c.plan_id == t.payment_plans.c.id)
    .where(t.payment_plans.c.id == bindparam("plan_id"))
    .order_by(t.instalments.c.seq)
)


def payment_plan(
    conn: Connection, ctx: Ctx, params: OrderParams, order: OrderFacts | None
) -> PaymentPlanResult:
    """An order's plan with every instalment and the method it is charged to."""
    order = need(order)
    today = ctx.deps.clock()
    found = conn.execute(_PLAN_WITH_INSTALMENTS, {"plan_id": _plan_id(order)}).all()
    plan = found[0]
    rows = [row for row in found if row.seq is not None]
    method = SimpleNamespace(**{
        name.removeprefix(_METHOD): value
        for name, value in plan._mapping.items() if name.startswith(_METHOD)
    })  # fmt: skip
    return PaymentPlanResult(
        order_id=order.id,
        kind=plan.plan_kind,
        status=plan.plan_status,
        paused_until=plan.paused_until,
        payment_method=method_view(method, today) if method.id is not None else None,
        instalments=[instalment_view(row, order.currency, today) for row in rows],
        remaining=amount(
            sum(row.amount_minor + row.late_fee_minor for row in rows if row.status != "paid")
        ),
        currency=order.currency,
    )


# --- pay_instalment ----------------------------------------------------------------------


def decide_pay_instalment(
    conn: Connection, ctx: Ctx, params: PayInstalmentParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = _order_with_plan(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    method = load_method(conn, order.plan_method_id) if order.plan_method_id else None
    return decide_pay_now(order, params.seq, method, ctx.deps.clock()), order


def pay_instalment(
    conn: Connection, ctx: Ctx, params: PayInstalmentParams, order: OrderFacts | None
) -> PayInstalmentResult:
    """Charge one instalment (with any late fee) to the plan's payment method today."""
    order = need(order)
    today = ctx.deps.clock()
    target = order.next_unpaid if params.seq is None else next(
        item for item in order.instalments if item.seq == params.seq
    )
    target = need(target)
    plan_id = _plan_id(order)
    conn.execute(
        update(t.instalments)
        .where(t.instalments.c.plan_id == plan_id, t.instalments.c.seq == target.seq)
        .values(status="paid", paid_on=today)
    )
    unpaid = [item for item in order.instalments if item.status != "paid" and item != target]
    plan_status = "completed" if not unpaid else need(order.plan_status)
    conn.execute(
        update(t.payment_plans).where(t.payment_plans.c.id == plan_id).values(status=plan_status)
    )
    method = conn.execute(
        select(t.payment_methods).where(t.payment_methods.c.id == order.plan_method_id)
    ).one()
    return PayInstalmentResult(
        order_id=order.id,
        seq=target.seq,
        amount_paid=amount(target.amount_minor + target.late_fee_minor),
        currency=order.currency,
        paid_on=today,
        payment_method=method_view(method, today),
        plan_status=plan_status,
        next_due_on=min((item.due_on for item in unpaid), default=None),
    )


# --- postpone_payment --------------------------------------------------------------------


def _new_due_on(order: OrderFacts, params: PostponePaymentParams, today: date) -> date:
    if params.new_due_on is not None:
        return params.new_due_on
    target = postponed_instalment(order, params.seq)
    return (target.due_on if target else today) + timedelta(days=params.days or 0)


def decide_postponement(
    conn: Connection, ctx: Ctx, params: PostponePaymentParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = _order_with_plan(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    today = ctx.deps.clock()
    new_due_on = _new_due_on(order, params, today)
    return decide_postpone(ctx.deps.config, order, new_due_on, today, params.seq), order


def postpone_payment(
    conn: Connection, ctx: Ctx, params: PostponePaymentParams, order: OrderFacts | None
) -> PostponePaymentResult:
    """Move the instalment's due date (the one confirmed, else the next unpaid) and mark the
    order's one postponement as used."""
    order = need(order)
    target = need(postponed_instalment(order, params.seq))
    new_due_on = _new_due_on(order, params, ctx.deps.clock())
    conn.execute(
        update(t.instalments)
        .where(t.instalments.c.plan_id == _plan_id(order), t.instalments.c.seq == target.seq)
        .values(due_on=new_due_on, postponed=True, original_due_on=target.due_on,
                status="scheduled")
    )
    return PostponePaymentResult(
        order_id=order.id,
        seq=target.seq,
        previous_due_on=target.due_on,
        new_due_on=new_due_on,
        amount=amount(target.amount_minor),
        currency=order.currency,
    )


# --- pause_payments ----------------------------------------------------------------------


def decide_pausing(
    conn: Connection, ctx: Ctx, params: PausePaymentsParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = _order_with_plan(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    days = params.days or ctx.deps.config.pause_max_days
    return decide_pause(ctx.deps.config, order, days, ctx.deps.clock()), order


def pause_payments(
    conn: Connection, ctx: Ctx, params: PausePaymentsParams, order: OrderFacts | None
) -> PausePaymentsResult:
    """Pause the plan while the return is processed: every unpaid due date moves back."""
    order = need(order)
    days = params.days or ctx.deps.config.pause_max_days
    paused_until = ctx.deps.clock() + timedelta(days=days)
    plan_id = _plan_id(order)
    conn.execute(
        update(t.payment_plans).where(t.payment_plans.c.id == plan_id)
        .values(status="paused", paused_until=paused_until)
    )
    moved = []
    for item in order.instalments:
        if item.status == "paid":
            continue
        moved.append(item.due_on + timedelta(days=days))
        conn.execute(
            update(t.instalments)
            .where(t.instalments.c.plan_id == plan_id, t.instalments.c.seq == item.seq)
            .values(due_on=moved[-1])
        )
    return PausePaymentsResult(
        order_id=order.id,
        paused_until=paused_until,
        moved_instalments=len(moved),
        next_due_on=min(moved, default=None),
    )


# --- explain_fee -------------------------------------------------------------------------


def decide_fee_question(
    conn: Connection, ctx: Ctx, params: ExplainFeeParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    # Fee rules are public; only an order's own charges need a verified owner.
    if params.order_id is None:
        return allow(), None
    return customer_order(conn, ctx, params.order_id)


_FEE_RULE = select(t.fee_rules).where(
    t.fee_rules.c.code == bindparam("code"), t.fee_rules.c.currency == bindparam("currency")
)
# The currency of the customer's latest order, EUR when nobody is verified: one round trip.
_FEE_RULE_IN_USUAL_CURRENCY = select(t.fee_rules).where(
    t.fee_rules.c.code == bindparam("code"),
    t.fee_rules.c.currency
    == func.coalesce(
        select(t.orders.c.currency)
        .where(t.orders.c.customer_id == bindparam("customer_id"))
        .order_by(t.orders.c.created_on.desc(), t.orders.c.id.desc())
        .limit(1)
        .scalar_subquery(),
        "EUR",
    ),
)


def explain_fee(
    conn: Connection, ctx: Ctx, params: ExplainFeeParams, order: OrderFacts | None
) -> ExplainFeeResult:
    """A fee rule from the fee table, and what it added to the given order if any."""
    currency = params.currency or (order.currency if order else None)
    if currency is None:
        parameters = {"code": params.fee, "customer_id": ctx.customer_id}
        rule = conn.execute(_FEE_RULE_IN_USUAL_CURRENCY, parameters).first()
    else:
        rule = conn.execute(_FEE_RULE, {"code": params.fee, "currency": currency}).first()
    if rule is None:
        raise ToolError("fee_not_found")
    charged = (
        [item for item in order.instalments if item.late_fee_minor]
        if order is not None and params.fee == "late_fee"
        else []
    )
    return ExplainFeeResult(
        fee=params.fee,
        currency=rule.currency,
        amount=amount(rule.amount_minor),
        grace_days=rule.grace_days,
        cap_per_order=amount(rule.cap_minor),
        charged_on_order=amount(sum(item.late_fee_minor for item in charged)) if order else None,
        charged_instalments=[item.seq for item in charged],
    )
