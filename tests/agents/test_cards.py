"""Tool results as readable cards, read through any result model's JSON Schema."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from relaydesk.desk.cards import Card, card_for_result, sentence, tool_title


class Plan(BaseModel):
    plan_id: str
    status: Literal["active", "paused_by_customer"]
    renews_on: date
    price: Decimal
    currency: str
    auto_renew: bool


class Seat(BaseModel):
    email: str
    admin: bool
    last_seen: date | None


class SubscriptionResult(BaseModel):
    plan: Plan
    seats: list[Seat]
    cancelled_on: date | None = None
    tags: list[str]


def fields(card: Card) -> dict[str, str]:
    return {item.label: item.value for item in card.fields}


def subscription() -> Card:
    result = SubscriptionResult(
        plan=Plan(
            plan_id="PL-7",
            status="paused_by_customer",
            renews_on=date(2026, 3, 1),
            price=Decimal("1249.5"),
            currency="EUR",
            auto_renew=False,
        ),
        seats=[Seat(email="a@example.com", admin=True, last_seen=None)],
        tags=["vip", "b2b"],
    )
    schema = SubscriptionResult.model_json_schema(mode="serialization")
    return card_for_result("find_subscription", result.model_dump(mode="json"), schema)


def test_a_result_model_nobody_wrote_a_template_for_renders_as_labelled_values() -> None:
    card = subscription()
    assert card.title == "Subscription"
    (plan,) = card.cards
    assert fields(plan) == {
        "Plan ID": "PL-7",
        "Status": "paused by customer",
        "Renews on": "1 Mar 2026",
        "Price": "1,249.50 EUR",
        "Auto renew": "no",
    }
    assert fields(card) == {"Tags": "vip, b2b"}  # the empty cancellation is left out


def test_a_list_of_objects_becomes_a_table_without_empty_columns() -> None:
    (seats,) = subscription().tables
    assert (seats.label, seats.columns, seats.rows) == (
        "Seats",
        ["Email", "Admin"],
        [["a@example.com", "yes"]],
    )


def test_labels_read_as_sentences() -> None:
    assert sentence("order_id") == "Order ID" and sentence("Due On") == "Due on"
    assert tool_title("list_payment_methods") == "Payment methods"
    assert tool_title("next_payment") == "Next payment"


def test_a_table_of_amounts_writes_the_currency_beside_each_amount_not_in_a_column() -> None:
    schema = Plan.model_json_schema(mode="serialization")
    plans = [
        Plan(
            plan_id="PL-1",
            status="active",
            renews_on=date(2026, 1, 2),
            price=Decimal("9"),
            currency="SEK",
            auto_renew=True,
        ).model_dump(mode="json")
    ]
    card = card_for_result(
        "plans",
        {"plans": plans},
        {
            "properties": {"plans": {"type": "array", "items": {"$ref": "#/$defs/Plan"}}},
            "$defs": {"Plan": schema},
        },
    )
    (table,) = card.tables
    assert "Currency" not in table.columns and table.rows[0][3] == "9.00 SEK"
