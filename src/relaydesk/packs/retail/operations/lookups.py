"""Finding the customer, and reading their profile, orders and the store's products."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, func, select

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.operations.base import Ctx, customer_order, need
from relaydesk.packs.retail.operations.queries import (
    order_details,
    product_details,
    user_details,
    variant_view,
)
from relaydesk.packs.retail.operations.schemas import (
    CalculateParams,
    Calculation,
    FindUserByEmailParams,
    FindUserByNameZipParams,
    FoundUser,
    ItemParams,
    NoParams,
    OrderParams,
    OrderView,
    ProductParams,
    ProductTypes,
    ProductView,
    UserParams,
    UserView,
    VariantView,
)
from relaydesk.packs.retail.policy import one_customer, own_account, verified
from relaydesk.tools import PolicyDecision, ToolError, allow, deny

# --- authentication ---------------------------------------------------------------------


def decide_find_by_email(
    conn: Connection, ctx: Ctx, params: FindUserByEmailParams
) -> tuple[PolicyDecision, str | None]:
    query = select(t.users.c.user_id).where(func.lower(t.users.c.email) == params.email)
    return _found(ctx, conn.execute(query).scalars().first())


def decide_find_by_name_zip(
    conn: Connection, ctx: Ctx, params: FindUserByNameZipParams
) -> tuple[PolicyDecision, str | None]:
    query = select(t.users.c.user_id).where(
        func.lower(t.users.c.first_name) == params.first_name.lower(),
        func.lower(t.users.c.last_name) == params.last_name.lower(),
        t.users.c.zip == params.zip,
    )
    return _found(ctx, conn.execute(query.order_by(t.users.c.position)).scalars().first())


def _found(ctx: Ctx, user_id: str | None) -> tuple[PolicyDecision, str | None]:
    if user_id is None:
        return deny("user_not_found"), None
    decision = one_customer(ctx, user_id)
    return decision, user_id if decision.allowed else None


def found_user(_conn: Connection, _ctx: Ctx, _params: object, user_id: str | None) -> FoundUser:
    return FoundUser(user_id=need(user_id))


# --- the customer's own profile and orders ------------------------------------------------


def decide_user_details(
    _conn: Connection, ctx: Ctx, params: UserParams
) -> tuple[PolicyDecision, None]:
    return own_account(ctx, params.user_id), None


def get_user_details(conn: Connection, _ctx: Ctx, params: UserParams, _facts: None) -> UserView:
    view = user_details(conn, params.user_id)
    if view is None:
        raise ToolError("user_not_found")
    return view


def decide_order_details(
    conn: Connection, ctx: Ctx, params: OrderParams
) -> tuple[PolicyDecision, None]:
    return customer_order(conn, ctx, params.order_id)[0], None


def get_order_details(
    conn: Connection, _ctx: Ctx, params: OrderParams, _facts: None
) -> OrderView:
    return order_details(conn, params.order_id)


# --- the store's products (for an authenticated customer) ---------------------------------


def decide_authenticated(
    _conn: Connection, ctx: Ctx, _params: object
) -> tuple[PolicyDecision, None]:
    return verified(ctx) or allow(), None


def get_product_details(
    conn: Connection, _ctx: Ctx, params: ProductParams, _facts: None
) -> ProductView:
    view = product_details(conn, params.product_id)
    if view is None:
        raise ToolError("product_not_found")
    return view


def get_item_details(conn: Connection, _ctx: Ctx, params: ItemParams, _facts: None) -> VariantView:
    row = conn.execute(select(t.variants).where(t.variants.c.item_id == params.item_id)).first()
    if row is None:
        raise ToolError("item_not_found")
    return variant_view(row)


def list_all_product_types(
    conn: Connection, _ctx: Ctx, _params: NoParams, _facts: None
) -> ProductTypes:
    rows = conn.execute(select(t.products).order_by(t.products.c.name)).all()
    return ProductTypes(products={row.name: row.product_id for row in rows})


# --- arithmetic (no data, no customer) ----------------------------------------------------

_OPERATORS: dict[type[ast.AST], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _evaluate(node: ast.AST) -> Decimal:
    """Numbers, + - * / and parentheses; anything else is refused."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise ValueError("not arithmetic")


def decide_calculation(
    _conn: Connection, _ctx: Ctx, params: CalculateParams
) -> tuple[PolicyDecision, Decimal | None]:
    try:
        value = _evaluate(ast.parse(params.expression, mode="eval"))
    except (SyntaxError, ValueError, InvalidOperation, ZeroDivisionError, RecursionError):
        return deny("not_arithmetic"), None
    return allow(), value


def calculate(
    _conn: Connection, _ctx: Ctx, _params: CalculateParams, value: Decimal | None
) -> Calculation:
    return Calculation(result=need(value).quantize(Decimal("0.01")))
