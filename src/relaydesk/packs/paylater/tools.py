"""The demo pay-later company's tools, registered explicitly, each under its policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine

from relaydesk.packs.paylater.operations import account, orders, payments
from relaydesk.packs.paylater.operations import schemas as s
from relaydesk.packs.paylater.operations.base import PaylaterDeps, guarded_tool
from relaydesk.packs.paylater.policy import PolicyConfig
from relaydesk.packs.paylater.verification_limits import VerificationLimits
from relaydesk.tools import ToolContext, ToolRegistry, ToolSpec
from relaydesk.tools.attempts import AttemptLimits
from relaydesk.tools.spec import Actor

__all__ = ["PaylaterDeps", "build_paylater_tools", "paylater_context"]


def build_paylater_tools() -> ToolRegistry:
    """Every demo tool; the backend, limits and clock travel in each call's context."""
    registry = ToolRegistry()
    for spec in (*_account_tools(), *_order_tools(), *_payment_tools()):
        registry.register(spec)
    return registry


def _account_tools() -> list[ToolSpec[Any, Any]]:
    """Identity, contact details and saved payment methods."""
    return [
        account.verification_tool(),
        guarded_tool(
            name="update_email",
            description="Change the account's email address.",
            params=s.UpdateEmailParams,
            result=s.UpdateEmailResult,
            decide=account.decide_update_email,
            apply=account.update_email,
            mutates=True,
        ),
        guarded_tool(
            name="update_address",
            description="Change the account's postal address.",
            params=s.UpdateAddressParams,
            result=s.UpdateAddressResult,
            decide=account.decide_update_address,
            apply=account.update_address,
            mutates=True,
        ),
        guarded_tool(
            name="list_payment_methods",
            description="The customer's saved cards and bank accounts.",
            params=s.ListPaymentMethodsParams,
            result=s.ListPaymentMethodsResult,
            decide=account.decide_list_methods,
            apply=account.list_payment_methods,
            mutates=False,
        ),
        guarded_tool(
            name="change_payment_method",
            description="Charge a plan, or the whole account, to another saved method.",
            params=s.ChangePaymentMethodParams,
            result=s.ChangePaymentMethodResult,
            decide=account.decide_change_method,
            apply=account.change_payment_method,
            mutates=True,
        ),
    ]


def _order_tools() -> list[ToolSpec[Any, Any]]:
    """Orders and what follows a purchase: refunds and disputes."""
    return [
        guarded_tool(
            name="find_orders",
            description="List the customer's orders, by number, shop or status.",
            params=s.FindOrdersParams,
            result=s.FindOrdersResult,
            decide=orders.decide_find_orders,
            apply=orders.find_orders,
            mutates=False,
        ),
        guarded_tool(
            name="refund_status",
            description="Where the customer's refunds are and when money arrives.",
            params=s.RefundStatusParams,
            result=s.RefundStatusResult,
            decide=orders.decide_refund_status,
            apply=orders.refund_status,
            mutates=False,
        ),
        guarded_tool(
            name="request_refund",
            description="Refund part or all of an order.",
            params=s.RequestRefundParams,
            result=s.RequestRefundResult,
            decide=orders.decide_request_refund,
            apply=orders.request_refund,
            mutates=True,
        ),
        guarded_tool(
            name="open_dispute",
            description="Open a dispute: not received, wrong item, not as described.",
            params=s.OpenDisputeParams,
            result=s.OpenDisputeResult,
            decide=orders.decide_open_dispute,
            apply=orders.open_dispute,
            mutates=True,
        ),
    ]


def _payment_tools() -> list[ToolSpec[Any, Any]]:
    """Payment plans, instalments and fees."""
    return [
        guarded_tool(
            name="get_payment_plan",
            description="Show an order's payment plan and every instalment.",
            params=s.OrderParams,
            result=s.PaymentPlanResult,
            decide=payments.decide_payment_plan,
            apply=payments.payment_plan,
            mutates=False,
        ),
        guarded_tool(
            name="next_payment",
            description="The customer's next payment: when, how much, for which order.",
            params=s.NextPaymentParams,
            result=s.NextPaymentResult,
            decide=payments.decide_next_payment,
            apply=payments.next_payment,
            mutates=False,
        ),
        guarded_tool(
            name="pay_instalment",
            description="Pay an instalment now with the plan's payment method.",
            params=s.PayInstalmentParams,
            result=s.PayInstalmentResult,
            decide=payments.decide_pay_instalment,
            apply=payments.pay_instalment,
            mutates=True,
        ),
        guarded_tool(
            name="postpone_payment",
            description="Move the next instalment's due date a few days later.",
            params=s.PostponePaymentParams,
            result=s.PostponePaymentResult,
            decide=payments.decide_postponement,
            apply=payments.postpone_payment,
            mutates=True,
        ),
        guarded_tool(
            name="pause_payments",
            description="Pause an order's payments while its return is processed.",
            params=s.PausePaymentsParams,
            result=s.PausePaymentsResult,
            decide=payments.decide_pausing,
            apply=payments.pause_payments,
            mutates=True,
        ),
        guarded_tool(
            name="explain_fee",
            description="Explain a fee from the fee table, and what an order was charged.",
            params=s.ExplainFeeParams,
            result=s.ExplainFeeResult,
            decide=payments.decide_fee_question,
            apply=payments.explain_fee,
            mutates=False,
        ),
    ]


def paylater_context(
    engine: Engine,
    customer_id: str | None,
    *,
    actor: Actor = "assistant",
    actor_id: str | None = None,
    approved_by: str | None = None,
    config: PolicyConfig | None = None,
    clock: Callable[[], date] = date.today,
    verification: VerificationLimits | None = None,
    proven_by_details: bool = False,
    conversation_id: str | None = None,
    client_address: str | None = None,
    attempts: AttemptLimits | None = None,
) -> ToolContext[PaylaterDeps]:
    """A call context for the demo tools (customer_id is the verified customer, or None)."""
    deps = PaylaterDeps(
        engine=engine,
        config=config or PolicyConfig(),
        clock=clock,
        verification=verification or VerificationLimits(),
    )
    return ToolContext(
        customer_id=customer_id,
        actor=actor,
        actor_id=actor_id,
        deps=deps,
        approved_by=approved_by,
        proven_by_details=proven_by_details,
        conversation_id=conversation_id,
        client_address=client_address,
        attempts=attempts,
    )
