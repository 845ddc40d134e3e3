"""The store's tools with the names and parameters of its README, each under its policy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from relaydesk.packs.retail.operations import (
    account,
    delivered,
    engine_tools,
    lookups,
    pending,
)
from relaydesk.packs.retail.operations import schemas as s
from relaydesk.packs.retail.operations.base import RetailDeps, guarded_tool
from relaydesk.tools import ToolContext, ToolRegistry, ToolSpec
from relaydesk.tools.spec import Actor

__all__ = ["RetailDeps", "build_retail_tools", "retail_context"]


def build_retail_tools() -> ToolRegistry:
    """Every store tool; the database travels in each call's context."""
    registry = ToolRegistry()
    for spec in (*_lookup_tools(), *_product_tools(), *_write_tools(), *_engine_tools()):
        registry.register(spec)
    return registry


def _engine_tools() -> list[ToolSpec[Any, Any]]:
    """Shaped for relaydesk's flow engine: its identity check and a customer's order list."""
    return [
        guarded_tool(
            name="verify_customer", description="Check who a customer is by their email.",
            params=s.VerifyByEmailParams, result=s.Verification,
            decide=engine_tools.decide_verification, apply=engine_tools.verify_customer,
            mutates=False,
        ),
        guarded_tool(
            name="verify_customer_by_name_zip",
            description="Check who a customer is by first name, last name and zip code.",
            params=s.FindUserByNameZipParams, result=s.Verification,
            decide=engine_tools.decide_verification_by_name_zip,
            apply=engine_tools.verify_customer, mutates=False,
        ),
        guarded_tool(
            name="list_my_orders", description="The customer's orders, status and items.",
            params=s.NoParams, result=s.MyOrders,
            decide=engine_tools.decide_my_orders, apply=engine_tools.list_my_orders,
            mutates=False,
        ),
    ]


def _lookup_tools() -> list[ToolSpec[Any, Any]]:
    """Authentication, then the customer's own profile and orders."""
    return [
        guarded_tool(
            name="find_user_id_by_email", description="Find a customer by their email address.",
            params=s.FindUserByEmailParams, result=s.FoundUser,
            decide=lookups.decide_find_by_email, apply=lookups.found_user, mutates=False,
        ),
        guarded_tool(
            name="find_user_id_by_name_zip",
            description="Find a customer by first name, last name and zip code.",
            params=s.FindUserByNameZipParams, result=s.FoundUser,
            decide=lookups.decide_find_by_name_zip, apply=lookups.found_user, mutates=False,
        ),
        guarded_tool(
            name="get_user_details",
            description="The customer's profile: address, payment methods, orders.",
            params=s.UserParams, result=s.UserView,
            decide=lookups.decide_user_details, apply=lookups.get_user_details, mutates=False,
        ),
        guarded_tool(
            name="get_order_details",
            description="One of the customer's orders: items, status, shipments, payments.",
            params=s.OrderParams, result=s.OrderView,
            decide=lookups.decide_order_details, apply=lookups.get_order_details, mutates=False,
        ),
    ]


def _product_tools() -> list[ToolSpec[Any, Any]]:
    """The catalogue, and arithmetic on prices."""
    return [
        guarded_tool(
            name="get_product_details", description="A product and all its variants.",
            params=s.ProductParams, result=s.ProductView,
            decide=lookups.decide_authenticated, apply=lookups.get_product_details,
            mutates=False,
        ),
        guarded_tool(
            name="get_item_details", description="One variant: options, availability, price.",
            params=s.ItemParams, result=s.VariantView,
            decide=lookups.decide_authenticated, apply=lookups.get_item_details, mutates=False,
        ),
        guarded_tool(
            name="list_all_product_types", description="Every product type with its id.",
            params=s.NoParams, result=s.ProductTypes,
            decide=lookups.decide_authenticated, apply=lookups.list_all_product_types,
            mutates=False,
        ),
        guarded_tool(
            name="calculate", description="Arithmetic on amounts: + - * / and parentheses.",
            params=s.CalculateParams, result=s.Calculation,
            decide=lookups.decide_calculation, apply=lookups.calculate, mutates=False,
        ),
    ]


def _write_tools() -> list[ToolSpec[Any, Any]]:
    """Every change to orders and the profile, each after the customer's explicit yes."""
    return [
        guarded_tool(
            name="cancel_pending_order", description="Cancel a pending order, with its reason.",
            params=s.CancelParams, result=s.OrderView,
            decide=pending.decide_cancel_order, apply=pending.cancel_pending_order, mutates=True,
        ),
        guarded_tool(
            name="modify_pending_order_address",
            description="Change a pending order's shipping address.",
            params=s.ModifyOrderAddressParams, result=s.OrderView,
            decide=pending.decide_order_address, apply=pending.modify_pending_order_address,
            mutates=True,
        ),
        guarded_tool(
            name="modify_pending_order_payment",
            description="Pay a pending order with another of the customer's methods.",
            params=s.ModifyPaymentParams, result=s.OrderView,
            decide=pending.decide_order_payment, apply=pending.modify_pending_order_payment,
            mutates=True,
        ),
        guarded_tool(
            name="modify_pending_order_items",
            description="Change items of a pending order to other variants (once per order).",
            params=s.ChangeItemsParams, result=s.OrderView,
            decide=pending.decide_item_modification, apply=pending.modify_pending_order_items,
            mutates=True,
        ),
        guarded_tool(
            name="return_delivered_order_items",
            description="Return items of a delivered order for a refund.",
            params=s.ReturnParams, result=s.OrderView,
            decide=delivered.decide_order_return, apply=delivered.return_delivered_order_items,
            mutates=True,
        ),
        guarded_tool(
            name="exchange_delivered_order_items",
            description="Exchange items of a delivered order for other variants (once).",
            params=s.ChangeItemsParams, result=s.OrderView,
            decide=delivered.decide_order_exchange,
            apply=delivered.exchange_delivered_order_items, mutates=True,
        ),
        guarded_tool(
            name="modify_user_address", description="Change the customer's default address.",
            params=s.ModifyUserAddressParams, result=s.UserView,
            decide=account.decide_user_address, apply=account.modify_user_address, mutates=True,
        ),
        guarded_tool(
            name="transfer_to_human_agents",
            description="Hand the conversation to a person, with a summary.",
            params=s.TransferParams, result=s.Transferred,
            decide=account.decide_transfer, apply=account.transfer_to_human_agents,
            mutates=False,
        ),
    ]


def retail_context(
    engine: Engine,
    customer_id: str | None,
    *,
    actor: Actor = "assistant",
    actor_id: str | None = None,
) -> ToolContext[RetailDeps]:
    """A call context for the store's tools (customer_id is the authenticated customer)."""
    return ToolContext(
        customer_id=customer_id, actor=actor, actor_id=actor_id, deps=RetailDeps(engine=engine)
    )
