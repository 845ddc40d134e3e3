"""The customer's account: proving who they are, contact details and payment methods."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.base import Ctx, customer_order, need
from relaydesk.packs.paylater.operations.queries import (
    load_method,
    method_id_by_last4,
    method_view,
    method_views,
)
from relaydesk.packs.paylater.operations.schemas import (
    ChangePaymentMethodParams,
    ChangePaymentMethodResult,
    ListPaymentMethodsParams,
    ListPaymentMethodsResult,
    UpdateAddressParams,
    UpdateAddressResult,
    UpdateEmailParams,
    UpdateEmailResult,
    VerifyCustomerParams,
    VerifyCustomerResult,
)
from relaydesk.packs.paylater.policy import (
    OrderFacts,
    changes_contact_details,
    decide_address_change,
    decide_email_change,
    decide_method_change,
    verified,
)
from relaydesk.sql import reading
from relaydesk.tools import PolicyDecision, ToolSpec, allow, deny, enforce

OPEN_PLAN = ("active", "paused")

# --- verify_customer ---------------------------------------------------------------------


def decide_verify(ctx: Ctx, params: VerifyCustomerParams) -> PolicyDecision:
    # Anyone may try, at a pace; the answer never says which detail was wrong, nor that
    # the check was refused for now (the flow says the same "that didn't match").
    if ctx.deps.verification.wait_s(ctx, params.email, params.order_id) > 0:
        return deny("verify.throttled")
    return allow()


def verify_customer(ctx: Ctx, params: VerifyCustomerParams) -> VerifyCustomerResult:
    """Match an email and one of that customer's order numbers."""
    enforce(decide_verify(ctx, params), ctx)
    with reading(ctx.deps.engine) as conn:
        row = conn.execute(
            select(t.customers.c.id, t.customers.c.name, t.customers.c.language)
            .join(t.orders, t.orders.c.customer_id == t.customers.c.id)
            .where(t.customers.c.email == params.email, t.orders.c.id == params.order_id)
        ).first()
    # Counted once the backend's connection is closed: relaydesk's shared counts may live
    # in the same SQLite file, whose writer must not wait on our own reader.
    if row is None:
        ctx.deps.verification.failed(ctx, params.email, params.order_id)
        return VerifyCustomerResult(verified=False)
    ctx.deps.verification.succeeded(ctx, params.email, params.order_id)
    return VerifyCustomerResult(
        verified=True,
        customer_id=row.id,
        first_name=row.name.split(" ")[0],
        language=row.language,
    )


def verification_tool() -> ToolSpec[VerifyCustomerParams, VerifyCustomerResult]:
    return ToolSpec(
        name="verify_customer",
        description="Check a customer's email together with one of their order numbers.",
        params=VerifyCustomerParams,
        result=VerifyCustomerResult,
        policy=decide_verify,
        run=verify_customer,
        mutates=False,
    )


# --- update_email ------------------------------------------------------------------------


def decide_update_email(
    conn: Connection, ctx: Ctx, params: UpdateEmailParams
) -> tuple[PolicyDecision, None]:
    refusal = verified(ctx) or changes_contact_details(ctx)
    if refusal is not None:
        return refusal, None
    current = conn.execute(
        select(t.customers.c.email).where(t.customers.c.id == ctx.customer_id)
    ).scalar_one()
    owner = conn.execute(
        select(t.customers.c.id).where(t.customers.c.email == params.new_email)
    ).scalar_one_or_none()
    taken = owner is not None and owner != ctx.customer_id
    return decide_email_change(current, params.new_email, taken), None


def update_email(
    conn: Connection, ctx: Ctx, params: UpdateEmailParams, _facts: None
) -> UpdateEmailResult:
    """Change the email receipts and reminders go to."""
    conn.execute(
        update(t.customers)
        .where(t.customers.c.id == ctx.customer_id)
        .values(email=params.new_email)
    )
    return UpdateEmailResult(email=params.new_email)


# --- update_address ----------------------------------------------------------------------


def decide_update_address(
    conn: Connection, ctx: Ctx, params: UpdateAddressParams
) -> tuple[PolicyDecision, None]:
    refusal = verified(ctx) or changes_contact_details(ctx)
    if refusal is not None:
        return refusal, None
    return decide_address_change(ctx.deps.config, params.country), None


def update_address(
    conn: Connection, ctx: Ctx, params: UpdateAddressParams, _facts: None
) -> UpdateAddressResult:
    """Change the postal address on the account."""
    values = {
        "street": params.street.strip(),
        "postal_code": params.postal_code.strip(),
        "city": params.city.strip(),
        "country": params.country,
    }
    conn.execute(update(t.customers).where(t.customers.c.id == ctx.customer_id).values(**values))
    return UpdateAddressResult(**values)


# --- list_payment_methods ----------------------------------------------------------------


def decide_list_methods(
    conn: Connection, ctx: Ctx, params: ListPaymentMethodsParams
) -> tuple[PolicyDecision, None]:
    return verified(ctx) or allow(), None


def list_payment_methods(
    conn: Connection, ctx: Ctx, params: ListPaymentMethodsParams, _facts: None
) -> ListPaymentMethodsResult:
    """The saved cards and bank accounts, default first (brand and last digits only)."""
    return ListPaymentMethodsResult(
        methods=method_views(conn, need(ctx.customer_id), ctx.deps.clock())
    )


# --- change_payment_method ---------------------------------------------------------------


def _method_id(conn: Connection, ctx: Ctx, params: ChangePaymentMethodParams) -> str | None:
    if params.payment_method_id is not None:
        return params.payment_method_id
    return method_id_by_last4(conn, need(ctx.customer_id), need(params.last4))


def decide_change_method(
    conn: Connection, ctx: Ctx, params: ChangePaymentMethodParams
) -> tuple[PolicyDecision, tuple[str, OrderFacts | None] | None]:
    refusal = verified(ctx)
    if refusal is not None:
        return refusal, None
    order = None
    if params.order_id is not None:
        decision, order = customer_order(conn, ctx, params.order_id)
        if order is None:
            return decision, None
    method_id = _method_id(conn, ctx, params)
    method = load_method(conn, method_id) if method_id else None
    decision = decide_method_change(ctx, method, order, ctx.deps.clock())
    return decision, ((method_id, order) if method_id else None)


def change_payment_method(
    conn: Connection,
    ctx: Ctx,
    params: ChangePaymentMethodParams,
    facts: tuple[str, OrderFacts | None] | None,
) -> ChangePaymentMethodResult:
    """Charge one plan, or every open plan and future purchases, to another saved method."""
    method_id, order = need(facts)
    customer_id = need(ctx.customer_id)
    plans = select(t.payment_plans.c.id, t.payment_plans.c.order_id).join(
        t.orders, t.orders.c.id == t.payment_plans.c.order_id
    ).where(t.orders.c.customer_id == customer_id, t.payment_plans.c.status.in_(OPEN_PLAN))
    if order is not None:
        plans = plans.where(t.orders.c.id == order.id)
    else:
        # A change for the whole account also makes it the default for new purchases.
        methods = t.payment_methods
        conn.execute(
            update(methods).where(methods.c.customer_id == customer_id)
            .values(is_default=methods.c.id == method_id)
        )
    targets = conn.execute(plans.order_by(t.payment_plans.c.order_id)).all()
    conn.execute(
        update(t.payment_plans)
        .where(t.payment_plans.c.id.in_([row.id for row in targets]))
        .values(payment_method_id=method_id)
    )
    method = conn.execute(
        select(t.payment_methods).where(t.payment_methods.c.id == method_id)
    ).one()
    return ChangePaymentMethodResult(
        payment_method=method_view(method, ctx.deps.clock()),
        orders_updated=[row.order_id for row in targets],
    )
