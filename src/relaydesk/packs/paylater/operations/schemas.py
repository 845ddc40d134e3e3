"""Typed parameters and results of the demo company's tools (what flows fill and replies quote)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from relaydesk.packs.paylater.policy import DisputeReason


def _reference(prefix: str) -> BeforeValidator:
    """Accept how people type references: ' ord-123456 ', 'ORD 123456' or just '123456'."""

    def normalise(value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip().upper().replace(" ", "-")
        return f"{prefix}-{text}" if text.isdigit() else text

    return BeforeValidator(normalise)


OrderId = Annotated[str, _reference("ORD"), StringConstraints(pattern=r"^ORD-\d{6}$")]
RefundId = Annotated[str, _reference("RF"), StringConstraints(pattern=r"^RF-\d{6}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
RefundReason = Literal[
    "returned_item", "damaged_item", "wrong_item", "cancelled_order", "goodwill", "other"
]
FeeCode = Literal["late_fee", "postpone_fee", "pause_fee"]


class Params(BaseModel):
    """Tool parameters refuse unknown fields, so a misspelt slot is caught, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- views shared by several results -----------------------------------------------------


class PaymentMethodView(BaseModel):
    payment_method_id: str
    kind: Literal["card", "bank"]
    brand: str
    last4: str
    expires_on: date | None
    is_default: bool
    expired: bool


class InstalmentView(BaseModel):
    seq: int
    due_on: date
    amount: Decimal
    currency: str
    status: Literal["scheduled", "paid", "overdue"]
    paid_on: date | None
    postponed: bool
    original_due_on: date | None
    late_fee: Decimal


class OrderView(BaseModel):
    order_id: str
    merchant: str
    description: str
    amount: Decimal
    currency: str
    status: str
    created_on: date
    delivered_on: date | None
    plan_kind: str | None
    plan_status: str | None
    next_due_on: date | None
    return_status: str | None


class RefundView(BaseModel):
    refund_id: str
    order_id: str
    amount: Decimal
    currency: str
    status: Literal["pending", "completed", "rejected"]
    requested_on: date
    completed_on: date | None
    expected_by: date | None  # for pending refunds: when the money should arrive


# --- parameters and results, one pair per tool -------------------------------------------


class VerifyCustomerParams(Params):
    email: Email
    order_id: OrderId


class VerifyCustomerResult(BaseModel):
    verified: bool
    customer_id: str | None = None
    first_name: str | None = None
    language: str | None = None


class FindOrdersParams(Params):
    order_id: OrderId | None = None
    merchant: str | None = Field(default=None, max_length=100)  # part of the shop's name
    status: Literal["placed", "shipped", "delivered", "returned"] | None = None
    limit: int = Field(default=10, ge=1, le=50)


class FindOrdersResult(BaseModel):
    orders: list[OrderView]
    total: int  # all matches, even beyond `limit`


class OrderParams(Params):
    order_id: OrderId


class PaymentPlanResult(BaseModel):
    order_id: str
    kind: Literal["pay_in_4", "pay_in_30"]
    status: str
    paused_until: date | None
    payment_method: PaymentMethodView | None
    instalments: list[InstalmentView]
    remaining: Decimal
    currency: str


class NextPaymentParams(Params):
    order_id: OrderId | None = None  # None: the soonest across all the customer's plans


class NextPaymentResult(BaseModel):
    found: bool
    order_id: str | None = None
    merchant: str | None = None
    instalment: InstalmentView | None = None
    upcoming: int = 0  # unpaid instalments in scope, this one included


class PayInstalmentParams(Params):
    order_id: OrderId
    seq: int | None = Field(default=None, ge=1, le=4)  # None: the next unpaid one


class PayInstalmentResult(BaseModel):
    order_id: str
    seq: int
    amount_paid: Decimal
    currency: str
    paid_on: date
    payment_method: PaymentMethodView
    plan_status: str
    next_due_on: date | None


class PostponePaymentParams(Params):
    """Either `days` or `new_due_on`: flows may collect 'a week' or 'to the 20th'."""

    order_id: OrderId
    days: int | None = Field(default=None, ge=1, le=365)
    new_due_on: date | None = None
    seq: int | None = Field(default=None, ge=1, le=4)  # None: the next unpaid one

    @model_validator(mode="after")
    def _exactly_one_target(self) -> PostponePaymentParams:
        if (self.days is None) == (self.new_due_on is None):
            raise ValueError("give either days or new_due_on")
        return self


class PostponePaymentResult(BaseModel):
    order_id: str
    seq: int
    previous_due_on: date
    new_due_on: date
    amount: Decimal
    currency: str


class PausePaymentsParams(Params):
    order_id: OrderId
    days: int | None = Field(default=None, ge=1, le=365)  # None: as long as the policy allows


class PausePaymentsResult(BaseModel):
    order_id: str
    paused_until: date
    moved_instalments: int
    next_due_on: date | None


class RefundStatusParams(Params):
    order_id: OrderId | None = None
    refund_id: RefundId | None = None


class RefundStatusResult(BaseModel):
    refunds: list[RefundView]


class RequestRefundParams(Params):
    order_id: OrderId
    amount: Amount | None = None  # None: everything not yet refunded
    reason: RefundReason = "other"


class RequestRefundResult(BaseModel):
    refund: RefundView
    approved_by: str | None


class OpenDisputeParams(Params):
    order_id: OrderId
    reason: DisputeReason
    description: str = Field(default="", max_length=1000)


class OpenDisputeResult(BaseModel):
    dispute_id: str
    order_id: str
    reason: DisputeReason
    status: Literal["open"]
    opened_on: date
    merchant_response_by: date


class UpdateEmailParams(Params):
    new_email: Email


class UpdateEmailResult(BaseModel):
    email: str


class UpdateAddressParams(Params):
    street: str = Field(min_length=2, max_length=200)
    postal_code: str = Field(min_length=2, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True,
                                              pattern=r"^[A-Za-z]{2}$")]


class UpdateAddressResult(BaseModel):
    street: str
    postal_code: str
    city: str
    country: str


class ListPaymentMethodsParams(Params):
    pass


class ListPaymentMethodsResult(BaseModel):
    methods: list[PaymentMethodView]


class ChangePaymentMethodParams(Params):
    """Only saved methods: card numbers are never collected in a conversation."""

    payment_method_id: str | None = Field(default=None, max_length=40)
    last4: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None = None
    order_id: OrderId | None = None  # None: every open plan and the default method

    @model_validator(mode="after")
    def _one_way_to_name_the_method(self) -> ChangePaymentMethodParams:
        if (self.payment_method_id is None) == (self.last4 is None):
            raise ValueError("give either payment_method_id or last4")
        return self


class ChangePaymentMethodResult(BaseModel):
    payment_method: PaymentMethodView
    orders_updated: list[str]


class ExplainFeeParams(Params):
    fee: FeeCode = "late_fee"
    order_id: OrderId | None = None  # also say what was charged on this order
    currency: Literal["EUR", "SEK"] | None = None


class ExplainFeeResult(BaseModel):
    fee: FeeCode
    currency: str
    amount: Decimal
    grace_days: int
    cap_per_order: Decimal
    charged_on_order: Decimal | None = None
    charged_instalments: list[int] = Field(default_factory=list)
