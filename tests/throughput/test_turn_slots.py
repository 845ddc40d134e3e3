"""Turn slots: a server process runs a few customer turns at once, in order of asking, and a
turn waiting on the network (a pack's backend, a model server) lets another one run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ValidationError

from llm.fake_openai import FakeOpenAI, Scripted
from relaydesk.api.metrics import SlotGauges
from relaydesk.api.workers import turn_slots
from relaydesk.assistant.turn import AcknowledgingAssistant, TurnContext, TurnResult
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.llm.client import ChatClient, Deadline
from relaydesk.security.transcripts import conversation_store
from relaydesk.settings import Settings
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.tools import ToolContext, ToolRegistry, ToolSpec, allow
from relaydesk.turn_slots import TurnSlots, slot_given_back

WAIT_S = 10.0  # only a broken implementation waits this long


class Overlap:
    """How many threads were inside at once, at most."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.inside += 1
            self.most = max(self.most, self.inside)

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self.inside -= 1


def run_all(work: Callable[[int], None], count: int) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
        assert not thread.is_alive(), "a turn never finished"


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def started(work: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_no_more_turns_than_slots_run_at_once() -> None:
    slots, overlap = TurnSlots(2), Overlap()

    def turn(_n: int) -> None:
        with slots.taken(), overlap:
            time.sleep(0.02)

    run_all(turn, 6)
    assert overlap.most == 2


def test_without_a_limit_every_turn_runs_at_once() -> None:
    slots, together = TurnSlots(0), threading.Barrier(6, timeout=WAIT_S)

    def turn(_n: int) -> None:
        with slots.taken():
            together.wait()  # breaks (and the test fails) unless all six are inside

    run_all(turn, 6)


@pytest.mark.parametrize(
    ("database_url", "configured", "expected"),
    [
        (None, None, 2),
        ("postgresql://127.0.0.1/test", None, 4),
        ("postgresql://127.0.0.1/test", 1, 1),
        (None, 0, 0),
    ],
)
def test_the_slots_default_to_the_databases_own(
    tmp_path: Path, database_url: str | None, configured: int | None, expected: int
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database_url, turn_slots=configured)
    assert turn_slots(settings) == expected


def test_a_negative_number_of_slots_is_refused_with_a_sentence() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Settings(turn_slots=-1)


def test_a_negative_number_of_slots_is_refused() -> None:
    with pytest.raises(ValueError, match="0 \\(no limit\\) or more"):
        TurnSlots(-1)


def test_slots_go_in_order_of_asking() -> None:
    slots, order = TurnSlots(1), []

    def turn(name: str) -> Callable[[], None]:
        def run() -> None:
            with slots.taken():
                order.append(name)

        return run

    with slots.taken():
        threads = []
        for waiting, name in enumerate("abcd", start=1):
            threads.append(started(turn(name)))
            wait_until(lambda waiting=waiting: slots.waiting == waiting)  # type: ignore[misc]
    for thread in threads:
        thread.join(WAIT_S)
    assert order == list("abcd")


def test_a_turn_back_from_a_network_wait_goes_before_turns_not_yet_begun() -> None:
    slots, order = TurnSlots(1), []
    on_network, answered, other_in = threading.Event(), threading.Event(), threading.Event()

    def begun_turn() -> None:
        with slots.taken():
            with slot_given_back():
                on_network.set()
                answered.wait(WAIT_S)
            order.append("begun")

    def new_turn() -> None:
        with slots.taken():
            order.append("new")

    def other_turn() -> None:
        with slots.taken():
            other_in.set()
            wait_until(lambda: slots.waiting == 2)  # the new turn, then the begun one
            order.append("other")

    begun = started(begun_turn)
    assert on_network.wait(WAIT_S)
    other = started(other_turn)  # takes the slot the begun turn gave back
    assert other_in.wait(WAIT_S)
    new = started(new_turn)
    wait_until(lambda: slots.waiting == 1)
    answered.set()  # the begun turn asks for a slot again, after the new one
    for thread in (other, begun, new):
        thread.join(WAIT_S)
    assert order == ["other", "begun", "new"]


def test_the_metrics_show_the_slots_and_the_turns_waiting_for_one() -> None:
    slots, registry = TurnSlots(1), CollectorRegistry()
    registry.register(SlotGauges(slots))

    def other_turn() -> None:
        with slots.taken():
            pass

    with slots.taken():
        waiting = started(other_turn)
        wait_until(lambda: slots.waiting == 1)
        assert registry.get_sample_value("relaydesk_turns_waiting_for_a_slot") == 1
    waiting.join(WAIT_S)
    assert registry.get_sample_value("relaydesk_turns_waiting_for_a_slot") == 0
    assert registry.get_sample_value("relaydesk_turn_slots") == 1


def test_inside_a_turn_a_nested_taking_uses_the_turns_own_slot() -> None:
    slots = TurnSlots(1)

    def turn() -> None:
        with slots.taken(), slots.taken():
            pass

    thread = started(turn)
    thread.join(WAIT_S)
    assert not thread.is_alive(), "the nested taking waited for its own slot"


def test_giving_back_without_a_slot_just_runs_the_block() -> None:
    ran = []
    with slot_given_back():
        ran.append(True)
    assert ran == [True]


class Sleepy:
    """An assistant that stays in its turn a while and counts turns running together."""

    parts = None

    def __init__(self) -> None:
        self.overlap = Overlap()

    def take_turn(self, context: TurnContext) -> TurnResult:
        with self.overlap:
            time.sleep(0.03)
        return AcknowledgingAssistant().take_turn(context)


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield conversation_store(engine)
    engine.dispose()


@pytest.mark.parametrize("size", [1, 3])
def test_the_desk_runs_customers_turns_in_its_slots(store: ConversationStore, size: int) -> None:
    assistant = Sleepy()
    desk = ConversationDesk(store, MemoryBus(), assistant, slots=TurnSlots(size))
    conversations = [
        desk.start_conversation(customer_ref=None, display_name=f"c{n}", language="en")
        for n in range(4)
    ]

    def customer(n: int) -> None:
        receipt = desk.receive_customer_message(conversations[n].id, "hello", f"k{n}")
        assert len(receipt.replies) == 1

    run_all(customer, 4)
    assert assistant.overlap.most == size


class Nothing(BaseModel):
    pass


TOOL_CONTEXT: ToolContext[None] = ToolContext(
    customer_id="c", actor="assistant", actor_id=None, deps=None
)


def one_tool(
    run: Callable[[Any, Nothing], BaseModel | None], result: type[BaseModel]
) -> ToolRegistry:
    """A registry of one reading tool, `lookup`, allowed for anyone."""
    registry = ToolRegistry()
    registry.register(
        ToolSpec(
            name="lookup",
            description="Reads the backend.",
            params=Nothing,
            result=result,
            policy=lambda _ctx, _params: allow(),
            run=run,
            mutates=False,
        )
    )
    return registry


class Overtaken(BaseModel):
    other_turn_ran: bool


def test_a_quick_tool_keeps_its_turns_slot() -> None:
    slots, tool_started, entered = TurnSlots(1), threading.Event(), threading.Event()

    def quick_lookup(_ctx: Any, _params: Nothing) -> Overtaken:
        tool_started.set()
        wait_until(lambda: slots.waiting == 1 or entered.is_set())
        return Overtaken(other_turn_ran=entered.wait(0.01))

    registry = one_tool(quick_lookup, Overtaken)
    outcomes = []

    def turn() -> None:
        with slots.taken():
            outcomes.append(registry.execute("lookup", {}, TOOL_CONTEXT, timeout_s=WAIT_S))

    def other_turn() -> None:
        with slots.taken():
            entered.set()

    first = started(turn)
    assert tool_started.wait(WAIT_S)
    other = started(other_turn)
    first.join(WAIT_S)
    other.join(WAIT_S)
    assert [outcome.result for outcome in outcomes] == [{"other_turn_ran": False}]


def test_a_turn_waiting_long_on_a_tool_lets_another_turn_run() -> None:
    slots, reply = TurnSlots(1), threading.Event()
    registry = one_tool(lambda _ctx, _params: Nothing() if reply.wait(WAIT_S) else None, Nothing)
    outcomes = []

    def turn() -> None:
        with slots.taken():
            outcomes.append(registry.execute("lookup", {}, TOOL_CONTEXT, timeout_s=WAIT_S))

    waiting = started(turn)
    with slots.taken():  # the slot is free while the tool waits for its backend
        reply.set()
    waiting.join(WAIT_S)
    assert [outcome.status for outcome in outcomes] == ["done"]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    pytest.importorskip("openai", reason="the model client needs the llm extra: pip install openai")
    with FakeOpenAI().running() as server:
        yield server


def test_a_turn_waiting_on_the_model_server_lets_another_turn_run(
    fake_openai: FakeOpenAI,
) -> None:
    slots, other_ran = TurnSlots(1), threading.Event()
    fake_openai.script(Scripted("Hello there.", first_delay_s=0.5))
    client = ChatClient(fake_openai.base_url, "", "test-model")
    answers = []

    def turn() -> None:
        with slots.taken():
            messages = [{"role": "user", "content": "hi"}]
            answers.append(client.complete(messages, Deadline(WAIT_S, WAIT_S)).text)
            answers.append(other_ran.is_set())

    waiting = started(turn)
    wait_until(lambda: bool(fake_openai.requests))
    with slots.taken():
        other_ran.set()
    waiting.join(WAIT_S)
    client.close()
    assert answers == ["Hello there.", True]
