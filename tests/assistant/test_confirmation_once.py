"""One confirmation, one operation: two "yes" messages arriving together (two tabs, a client
retrying with a new key) run the confirmed tool at most once, on the object that was shown."""

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, select

from relaydesk.assistant.engine import PackAssistant
from relaydesk.desk.conversations import ConversationDesk, MessageReceipt
from relaydesk.domain.model import EventKind
from relaydesk.packs.paylater.backend import tables
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.tools import ToolRegistry
from support.demo import TODAY, assistant_on, desk_for


@pytest.fixture
def store_and_backend(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    yield engine
    engine.dispose()


def paid_instalments(engine: Engine, order_id: str) -> list[int]:
    plan_id = "PL-" + order_id.removeprefix("ORD-")
    with engine.connect() as conn:
        rows = conn.execute(
            select(tables.instalments.c.seq)
            .where(tables.instalments.c.plan_id == plan_id, tables.instalments.c.status == "paid")
            .order_by(tables.instalments.c.seq)
        ).all()
    return [row.seq for row in rows]


def yes_twice_at_once(desk: ConversationDesk, conversation_id: str) -> list[MessageReceipt]:
    receipts: list[MessageReceipt] = []
    start = threading.Barrier(2)

    def say_yes(key: str) -> None:
        start.wait()
        receipts.append(desk.receive_customer_message(conversation_id, "yes", key))

    workers = [threading.Thread(target=say_yes, args=(key,)) for key in ("tab-1", "tab-2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return receipts


def with_slow_counted_payments(assistant: PackAssistant, runs: list[int]) -> ToolRegistry:
    """The real tools, with paying slowed down so two turns are inside it at the same time."""
    registry = ToolRegistry()
    for name in assistant.parts.tools.names():
        spec = assistant.parts.tools.get(name)
        if name == "pay_instalment":
            real_run = spec.run

            def slow_run(ctx: Any, params: Any, real_run: Any = real_run) -> Any:
                runs.append(1)
                time.sleep(0.3)
                return real_run(ctx, params)

            spec = replace(spec, run=slow_run)
        registry.register(spec)
    return registry


def test_two_simultaneous_yes_to_one_payment_confirmation_pay_one_instalment_once(
    demo_assistant: PackAssistant, store_and_backend: Engine
) -> None:
    engine = store_and_backend
    runs: list[int] = []
    tools = with_slow_counted_payments(demo_assistant, runs)
    desk = desk_for(assistant_on(demo_assistant, engine, tools=tools, tool_timeout_s=5.0), engine)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    before = paid_instalments(engine, "ORD-100001")
    asked = desk.receive_customer_message(conversation.id, "I want to pay my instalment now", "q")
    question = next(e for e in asked.replies if e.kind is EventKind.MESSAGE)
    assert question.data["reply_key"] == "ask_confirm_pay"

    receipts = yes_twice_at_once(desk, conversation.id)

    paid = [
        event
        for receipt in receipts
        for event in receipt.replies
        if event.kind is EventKind.TOOL_RESULT
        and event.data["tool"] == "pay_instalment"
        and event.data["status"] == "done"
    ]
    assert len(paid) == 1
    assert len(runs) == 1  # the second yes never reached the payment
    shown_seq = len(before) + 1  # the first unpaid instalment is the one the question named
    assert paid[0].data["params"]["seq"] == shown_seq
    assert paid_instalments(engine, "ORD-100001") == [*before, shown_seq]


def test_a_confirmation_is_claimed_once_even_when_asked_again(
    demo_assistant: PackAssistant, store_and_backend: Engine
) -> None:
    engine = store_and_backend
    desk = desk_for(assistant_on(demo_assistant, engine), engine)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    desk.receive_customer_message(conversation.id, "can I push my next payment back 3 days?", "q")
    receipts = yes_twice_at_once(desk, conversation.id)
    done = [
        event
        for receipt in receipts
        for event in receipt.replies
        if event.kind is EventKind.TOOL_RESULT and event.data["status"] == "done"
        and event.data["tool"] == "postpone_payment"
    ]
    assert len(done) == 1


def test_a_postponement_acts_on_the_instalment_shown_not_on_the_next_one_at_run_time(
    demo_assistant: PackAssistant, store_and_backend: Engine
) -> None:
    engine = store_and_backend
    desk = desk_for(assistant_on(demo_assistant, engine), engine)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    asked = desk.receive_customer_message(
        conversation.id, "can I push my next payment back 3 days?", "q"
    )
    question = next(e for e in asked.replies if e.kind is EventKind.MESSAGE)
    assert question.data["reply_key"] == "ask_confirm_postpone"
    preview = next(
        e for e in asked.replies
        if e.kind is EventKind.TOOL_RESULT and e.data["tool"] == "next_payment"
    )
    order_id = preview.data["result"]["order_id"]
    shown_seq = preview.data["result"]["instalment"]["seq"]
    plan_id = "PL-" + order_id.removeprefix("ORD-")
    with engine.begin() as conn:  # paid in the app between the question and the yes
        conn.execute(
            tables.instalments.update()
            .where(tables.instalments.c.plan_id == plan_id, tables.instalments.c.seq == shown_seq)
            .values(status="paid", paid_on=TODAY)
        )

    answered = desk.receive_customer_message(conversation.id, "yes", "yes")

    results = [
        e for e in answered.replies
        if e.kind is EventKind.TOOL_RESULT and e.data["tool"] == "postpone_payment"
    ]
    assert [r.data["status"] for r in results] == ["denied"]
    assert results[0].data["params"]["seq"] == shown_seq
    assert results[0].data["decision"]["reason"] == "postpone.already_paid"
    with engine.connect() as conn:
        moved = conn.execute(
            select(tables.instalments.c.seq)
            .where(tables.instalments.c.plan_id == plan_id, tables.instalments.c.postponed)
        ).all()
    assert moved == []  # the next instalment was not postponed in its place
