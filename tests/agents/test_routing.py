"""Queue, claims, automatic assignment and release, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from agents.helpers import Desks
from relaydesk.domain.agents import AtCapacity, Presence, Role
from relaydesk.domain.errors import Conflict, Forbidden
from relaydesk.domain.model import EventKind, Owner
from relaydesk.domain.visibility import for_customer
from relaydesk.store.tables import metadata


def test_the_agent_tables_migrate_to_exactly_the_declared_schema(desks: Desks) -> None:
    with desks.store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_fifty_concurrent_claims_give_each_conversation_to_exactly_one_agent(
    desks: Desks,
) -> None:
    agents = [desks.add(f"Agent{i}", capacity=50) for i in range(5)]
    conversations = [desks.escalated() for _ in range(10)]
    attempts = [(c.id, a) for c in conversations for a in agents]

    def try_claim(attempt: tuple[str, object]) -> str | None:
        conversation_id, agent = attempt
        try:
            desks.routing.claim(conversation_id, agent)  # type: ignore[arg-type]
        except Conflict:
            return None
        return conversation_id

    with ThreadPoolExecutor(16) as pool:
        winners = [cid for cid in pool.map(try_claim, attempts) if cid is not None]

    assert sorted(winners) == sorted(c.id for c in conversations)
    for conversation in conversations:
        after = desks.store.get_conversation(conversation.id)
        assert after.owner is Owner.AGENT and after.agent_id in {a.id for a in agents}
        claims = [
            e
            for e in desks.store.events_after(conversation.id, 0)
            if e.data.get("transition") == "claim"
        ]
        assert len(claims) == 1 and claims[0].actor_id == after.agent_id


def test_a_second_claim_on_a_taken_conversation_is_refused(desks: Desks) -> None:
    first, second = desks.add("First"), desks.add("Second")
    conversation = desks.escalated()
    desks.routing.claim(conversation.id, first)
    with pytest.raises(Conflict):
        desks.routing.claim(conversation.id, second)
    assert desks.store.get_conversation(conversation.id).agent_id == first.id


def test_an_escalation_enters_the_queue_once_and_the_customer_is_told_the_wait(
    desks: Desks,
) -> None:
    conversation = desks.escalated()
    assert desks.routing.sync_queue() == 1
    assert desks.routing.sync_queue() == 0
    shown = [for_customer(e) for e in desks.store.events_after(conversation.id, 0)]
    notices = [e for e in shown if e is not None and "wait_minutes" in e.data]
    assert len(notices) == 1
    assert notices[0].data["queue_position"] == 1 and notices[0].data["wait_minutes"] >= 1
    assert "Nobody who can help is online" in (notices[0].text or "")


def test_sensitive_and_frustrated_customers_are_served_before_earlier_simple_ones(
    desks: Desks,
) -> None:
    simple = desks.escalated("asked_for_human")
    desks.clock.advance(60)
    upset = desks.escalated("frustration", frustration=0.9)
    fraud = desks.escalated("sensitive_fraud", skill="fraud")  # the pack names the skill
    desks.routing.sync_queue()
    order = [entry.conversation_id for entry in desks.queue.waiting()]
    assert order == [fraud.id, upset.id, simple.id]
    assert desks.queue.entry_for(fraud.id).skill == "fraud"  # type: ignore[union-attr]
    assert desks.queue.entry_for(upset.id).skill is None  # type: ignore[union-attr]


def test_automatic_assignment_prefers_skill_and_language_then_the_lighter_load(
    desks: Desks,
) -> None:
    generalist = desks.add("Gen", languages=("en", "sv"))
    specialist = desks.add("Spec", skills=("hardship",), languages=("sv",))
    away = desks.add("Away", skills=("hardship",), languages=("sv",))
    for agent in (generalist, specialist):
        desks.agents.set_presence(agent, Presence.ONLINE)
    desks.agents.set_presence(away, Presence.AWAY)
    hardship = desks.escalated("sensitive_hardship", skill="hardship", language="sv")
    plain = desks.escalated("asked_for_human", language="sv")
    desks.routing.sync_queue()
    assigned = dict(desks.routing.auto_assign())
    assert assigned[hardship.id] == specialist.id
    assert assigned[plain.id] == generalist.id  # the specialist already carries one


def test_nobody_suitable_online_leaves_the_conversation_queued_not_dropped(desks: Desks) -> None:
    english_only = desks.add("Eng", languages=("en",))
    desks.add("Svea", languages=("sv",))  # speaks Swedish, but is not online
    desks.agents.set_presence(english_only, Presence.ONLINE)
    swedish = desks.escalated(language="sv")
    desks.routing.tick()
    assert desks.store.get_conversation(swedish.id).owner is Owner.QUEUED
    desks.clock.advance(6 * 60)  # past the relax window anyone may take it
    desks.agents.heartbeat(english_only)
    desks.routing.tick()
    assert desks.store.get_conversation(swedish.id).agent_id == english_only.id


def test_an_agent_who_stops_sending_heartbeats_returns_the_conversation_to_the_queue(
    desks: Desks,
) -> None:
    agent, other = desks.add("Gone"), desks.add("Here")
    conversation = desks.escalated()
    desks.routing.claim(conversation.id, agent)
    desks.clock.advance(20)
    desks.agents.heartbeat(other)
    assert desks.routing.release_absent_agents() == []
    desks.clock.advance(20)
    assert desks.routing.release_absent_agents() == [conversation.id]
    after = desks.store.get_conversation(conversation.id)
    assert after.owner is Owner.QUEUED and after.agent_id is None
    assert desks.agent_store.status(agent.id).presence is Presence.OFFLINE
    entry = desks.queue.entry_for(conversation.id)
    assert entry is not None and entry.reason == "asked_for_human"
    desks.routing.claim(conversation.id, other)
    assert desks.store.get_conversation(conversation.id).agent_id == other.id


def test_an_agent_at_capacity_cannot_claim_more(desks: Desks) -> None:
    agent = desks.add("Busy", capacity=1)
    first, second = desks.escalated(), desks.escalated()
    desks.routing.claim(first.id, agent)
    with pytest.raises(AtCapacity):
        desks.routing.claim(second.id, agent)


def test_an_agent_cannot_claim_outside_their_skills_but_a_supervisor_can(desks: Desks) -> None:
    agent = desks.add("Plain")
    supervisor = desks.add("Boss", role=Role.SUPERVISOR)
    fraud = desks.escalated("sensitive_fraud", skill="fraud")
    with pytest.raises(Forbidden):
        desks.routing.claim(fraud.id, agent)
    assert desks.routing.queue_for(agent) == []
    (item,) = desks.routing.queue_for(supervisor)
    assert item.entry.conversation_id == fraud.id
    assert (item.customer_name, item.preview) == ("Ann", "I need help with my refund")
    desks.routing.claim(fraud.id, supervisor)
    joined = desks.store.events_after(fraud.id, 0)[-1]
    assert joined.kind is EventKind.OWNER_CHANGED and joined.data["agent_name"] == "Boss"


def test_the_wait_is_told_in_the_customers_language(desks: Desks) -> None:
    swede = desks.add("Sven", languages=("sv",))
    desks.agents.set_presence(swede, Presence.AWAY)
    swedish, finnish = desks.escalated(language="sv-SE"), desks.escalated(language="fi")
    desks.routing.sync_queue()
    assert (desks.store.events_after(swedish.id, 0)[-1].text or "").startswith(
        "En medarbetare är snart hos dig."
    )
    assert (desks.store.events_after(finnish.id, 0)[-1].text or "").startswith(
        "Kukaan tiimistämme ei juuri nyt puhu kieltäsi."  # nobody speaks Finnish
    )


def test_a_heartbeat_does_not_bring_an_agent_who_went_offline_back_to_work(desks: Desks) -> None:
    agent = desks.add("Tired")
    desks.agents.set_presence(agent, Presence.OFFLINE)
    assert desks.agents.heartbeat(agent).presence is Presence.OFFLINE
    waiting = desks.escalated()
    desks.routing.tick()
    assert desks.store.get_conversation(waiting.id).owner is Owner.QUEUED
    desks.routing.claim(waiting.id, agent)  # taking work by hand wakes them up
    assert desks.agent_store.status(agent.id).presence is Presence.AWAY
    desks.routing.tick()
    assert desks.store.get_conversation(waiting.id).agent_id == agent.id


def test_disabling_an_agent_returns_their_conversations_to_the_queue(desks: Desks) -> None:
    agent = desks.add("Leaving")
    conversation = desks.escalated()
    desks.routing.claim(conversation.id, agent)
    desks.agents.set_active(agent.id, False)
    desks.routing.tick()
    assert desks.store.get_conversation(conversation.id).owner is Owner.QUEUED
