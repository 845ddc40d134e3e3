import asyncio
from collections.abc import Iterator

import pytest

from relaydesk.bus.base import EventBus
from relaydesk.bus.memory import MemoryBus
from relaydesk.bus.redis import RedisBus
from support.aio import run_isolated
from support.services import REDIS_URL, require_redis


@pytest.fixture(params=["memory", "redis"])
def bus(request: pytest.FixtureRequest) -> Iterator[EventBus]:
    if request.param == "memory":
        instance: EventBus = MemoryBus()
    else:
        require_redis()
        instance = RedisBus(REDIS_URL, prefix=f"relaydesk-test-{id(request)}:")
    yield instance
    instance.close()


def test_a_subscriber_receives_what_is_published_on_its_topic_only(bus: EventBus) -> None:
    async def scenario() -> list[dict[str, object]]:
        async with bus.subscribe("conversation:a") as subscription:
            await asyncio.sleep(0.05)  # Redis confirms the subscription asynchronously
            bus.publish("conversation:b", {"n": 0})
            bus.publish("conversation:a", {"n": 1})
            bus.publish("conversation:a", {"n": 2})
            messages = subscription.messages()
            return [await asyncio.wait_for(anext(messages), 5) for _ in range(2)]

    assert run_isolated(scenario()) == [{"n": 1}, {"n": 2}]


def test_publishing_from_another_thread_reaches_the_event_loop(bus: EventBus) -> None:
    async def scenario() -> dict[str, object]:
        async with bus.subscribe("queue") as subscription:
            await asyncio.sleep(0.05)
            await asyncio.to_thread(bus.publish, "queue", {"from": "thread"})
            return await asyncio.wait_for(anext(subscription.messages()), 5)

    assert run_isolated(scenario()) == {"from": "thread"}
