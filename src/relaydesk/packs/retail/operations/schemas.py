"""Typed parameters and results of the store's operations, named as the store names them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


def _order_number(value: object) -> object:
    """Accept how people type an order id: 'w2378156', '#W2378156 ', 'W 2378156'."""
    if not isinstance(value, str):
        return value
    text = value.strip().upper().replace(" ", "")
    if text.startswith("W"):
        text = "#" + text
    return text


OrderId = Annotated[str, BeforeValidator(_order_number),
                    StringConstraints(pattern=r"^#W\d{7}$")]
ItemId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{10}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Params(BaseModel):
    """Parameters refuse unknown fields, so a misspelt slot is caught, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- views ------------------------------------------------------------------------------


class Address(BaseModel):
    address1: Text
    address2: Text
    city: Text
    state: Text
    country: Text
    zip: Text


class PaymentMethodView(BaseModel):
    payment_method_id: str
    source: Literal["credit_card", "paypal", "gift_card"]
    brand: str | None = None
    last_four: str | None = None
    balance: Decimal | None = None


class OrderItemView(BaseModel):
    name: str
    product_id: str
    item_id: str
    price: Decimal
    options: dict[str, str]


class PaymentView(BaseModel):
    transaction_type: Literal["payment", "refund"]
    amount: Decimal
    payment_method_id: str


class FulfillmentView(BaseModel):
    tracking_id: list[str]
    item_ids: list[str]


class OrderView(BaseModel):
    """One order as the store keeps it, with what actions added to it."""

    order_id: str
    user_id: str
    address: Address
    items: list[OrderItemView]
    status: str
    fulfillments: list[FulfillmentView]
    payment_history: list[PaymentView]
    cancel_reason: str | None = None
    return_items: list[str] | None = None
    return_payment_method_id: str | None = None
    exchange_items: list[str] | None = None
    exchange_new_items: list[str] | None = None
    exchange_payment_method_id: str | None = None
    exchange_price_difference: Decimal | None = None


class VariantView(BaseModel):
    item_id: str
    options: dict[str, str]
    available: bool
    price: Decimal


class ProductView(BaseModel):
    name: str
    product_id: str
    variants: dict[str, VariantView]


class UserView(BaseModel):
    user_id: str
    first_name: str
    last_name: str
    email: str
    address: Address
    payment_methods: list[PaymentMethodView]
    orders: list[str]


# --- lookups ----------------------------------------------------------------------------


class FindUserByEmailParams(Params):
    email: Email


class FindUserByNameZipParams(Params):
    first_name: Name
    last_name: Name
    zip: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{5}$")]


class FoundUser(BaseModel):
    user_id: str


class UserParams(Params):
    user_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class OrderParams(Params):
    order_id: OrderId


class ProductParams(Params):
    product_id: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{10}$")]


class ItemParams(Params):
    item_id: ItemId


class NoParams(Params):
    pass


class ProductTypes(BaseModel):
    products: dict[str, str]  # product name -> product id


class CalculateParams(Params):
    expression: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class Calculation(BaseModel):
    result: Decimal


# --- writes -----------------------------------------------------------------------------


class CancelParams(Params):
    order_id: OrderId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]


class ModifyOrderAddressParams(Address, Params):
    order_id: OrderId


class ModifyPaymentParams(Params):
    order_id: OrderId
    payment_method_id: Annotated[str, StringConstraints(strip_whitespace=True)]


class ChangeItemsParams(Params):
    """Modify (pending) or exchange (delivered): old and new item ids pair up in order."""

    order_id: OrderId
    item_ids: list[ItemId] = Field(min_length=1)
    new_item_ids: list[ItemId] = Field(min_length=1)
    payment_method_id: Annotated[str, StringConstraints(strip_whitespace=True)]


class ReturnParams(Params):
    order_id: OrderId
    item_ids: list[ItemId] = Field(min_length=1)
    payment_method_id: Annotated[str, StringConstraints(strip_whitespace=True)]


class ModifyUserAddressParams(Address, Params):
    user_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class TransferParams(Params):
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Transferred(BaseModel):
    transferred: bool
    message: str


# --- for the engine's flows -------------------------------------------------------------


class VerifyByEmailParams(Params):
    email: Email


class Verification(BaseModel):
    """What the engine's identity check reads: verified, and whom."""

    verified: bool
    customer_id: str | None = None


class OrderLine(BaseModel):
    order_id: str
    status: str
    items: list[str]


class MyOrders(BaseModel):
    orders: list[OrderLine]
    summary: str  # one line per order, for a reply to quote
