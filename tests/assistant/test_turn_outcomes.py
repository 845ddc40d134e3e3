"""The turn's promises: real changes in the backend, and never a claim a tool did not back."""

import time
from dataclasses import replace
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, select

from relaydesk.assistant.engine import PackAssistant
from relaydesk.domain.model import EventKind, Owner
from relaydesk.packs.paylater.backend import tables
from relaydesk.tools import ToolRegistry
from support.demo import assistant_on, desk_for


def next_due_date(engine: Engine, order_id: str) -> str:
    with engine.connect() as conn:
        plan_id = conn.execute(
            select(tables.payment_plans.c.id).where(tables.payment_plans.c.order_id == order_id)
        ).scalar_one()
        rows = conn.execute(
            select(tables.instalments.c.due_on, tables.instalments.c.status)
            .where(tables.instalments.c.plan_id == plan_id)
            .order_by(tables.instalments.c.due_on)
        ).all()
    return str(next(row.due_on for row in rows if row.status != "paid"))


def talk(assistant: PackAssistant, engine: Engine, *texts: str) -> Any:
    desk = desk_for(assistant, engine)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    receipts = [
        desk.receive_customer_message(conversation.id, t, f"k{i}") for i, t in enumerate(texts)
    ]
    return desk, conversation, receipts


def test_a_confirmed_postponement_really_moves_the_due_date(
    demo_assistant: PackAssistant, backend: Engine
) -> None:
    assistant = assistant_on(demo_assistant, backend)
    before = next_due_date(backend, "ORD-100001")
    talk(assistant, backend, "can I push my next payment back a week?", "yes")
    after = next_due_date(backend, "ORD-100001")
    assert time.strptime(after, "%Y-%m-%d") > time.strptime(before, "%Y-%m-%d")
    assert after != before


def with_broken_postpone(assistant: PackAssistant, run: Any) -> ToolRegistry:
    registry = ToolRegistry()
    for name in assistant.parts.tools.names():
        spec = assistant.parts.tools.get(name)
        registry.register(replace(spec, run=run) if name == "postpone_payment" else spec)
    return registry


class Garbage(BaseModel):
    nonsense: int = 1


def raising(_ctx: Any, _params: Any) -> Any:
    raise RuntimeError("backend down")


def hanging(_ctx: Any, _params: Any) -> Any:
    time.sleep(3)


def garbage(_ctx: Any, _params: Any) -> Any:
    return Garbage()


def test_a_failing_tool_leads_to_an_apology_and_a_person_never_a_success_claim(
    demo_assistant: PackAssistant, backend: Engine
) -> None:
    for broken in (raising, hanging, garbage):
        tools = with_broken_postpone(demo_assistant, broken)
        assistant = assistant_on(demo_assistant, backend, tools=tools, tool_timeout_s=0.5)
        desk, conversation, receipts = talk(
            assistant, backend, "can I push my next payment back a week?", "yes"
        )
        replies = [e.text or "" for e in receipts[-1].replies if e.kind is EventKind.MESSAGE]
        assert replies, broken.__name__
        assert all("Done" not in text and "now due" not in text for text in replies)
        assert "Sorry" in replies[0]
        assert desk.store.get_conversation(conversation.id).owner is Owner.QUEUED
