"""The customer's own default address, and handing the conversation to a person."""

from __future__ import annotations

from sqlalchemy import Connection, update

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.operations.base import Ctx
from relaydesk.packs.retail.operations.queries import ADDRESS_FIELDS, user_details
from relaydesk.packs.retail.operations.schemas import (
    ModifyUserAddressParams,
    TransferParams,
    Transferred,
    UserView,
)
from relaydesk.packs.retail.policy import own_account
from relaydesk.tools import PolicyDecision, ToolError, allow

TRANSFER_MESSAGE = "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON."


def decide_user_address(
    _conn: Connection, ctx: Ctx, params: ModifyUserAddressParams
) -> tuple[PolicyDecision, None]:
    return own_account(ctx, params.user_id), None


def modify_user_address(
    conn: Connection, _ctx: Ctx, params: ModifyUserAddressParams, _facts: None
) -> UserView:
    conn.execute(
        update(t.users)
        .where(t.users.c.user_id == params.user_id)
        .values(**{field: getattr(params, field) for field in ADDRESS_FIELDS})
    )
    view = user_details(conn, params.user_id)
    if view is None:
        raise ToolError("user_not_found")
    return view


def decide_transfer(
    _conn: Connection, _ctx: Ctx, _params: TransferParams
) -> tuple[PolicyDecision, None]:
    # A person can always be asked for; whether the request deserves one is the
    # conversation's judgement, not a rule about data.
    return allow(), None


def transfer_to_human_agents(
    _conn: Connection, _ctx: Ctx, _params: TransferParams, _facts: None
) -> Transferred:
    return Transferred(transferred=True, message=TRANSFER_MESSAGE)
