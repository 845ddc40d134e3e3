"""Waiting that tells the truth: "nobody online" only when nobody is, "all busy" with the place
when agents are full, estimates from the queue as it is now, and a customer whose language
nobody on the team speaks is told so and reaches an agent at once."""

from __future__ import annotations

from agents.helpers import Desks
from relaydesk.desk.queue_notices import WaitKind
from relaydesk.desk.waiting import estimate_wait
from relaydesk.domain.agents import AgentAccount, AgentStatus, Presence, Role
from relaydesk.domain.model import AgentId, ConversationId, Owner


def status(load: int, capacity: int = 2, presence: Presence = Presence.ONLINE) -> AgentStatus:
    agent = AgentAccount(AgentId("a"), "a@example.com", "A", Role.AGENT, capacity=capacity)
    return AgentStatus(agent, presence, None, load)


def last_notice(desks: Desks, conversation_id: ConversationId) -> tuple[str, dict[str, object]]:
    notice = [e for e in desks.store.events_after(conversation_id, 0) if "wait_kind" in e.data][-1]
    return notice.text or "", notice.data


def test_a_free_seat_means_shortly_and_full_seats_mean_all_busy_never_nobody_online() -> None:
    assert estimate_wait([status(load=1)], 1, 8, spoken=True).kind is WaitKind.SHORTLY
    full = estimate_wait([status(load=2)], 1, 8, spoken=True)
    assert (full.kind, full.minutes) == (WaitKind.ALL_BUSY, 4)  # one of two chats must end
    assert estimate_wait([], 1, 8, spoken=True).kind is WaitKind.NOBODY_ONLINE


def test_the_estimate_grows_with_the_place_in_the_queue_without_jumps() -> None:
    team = [status(load=2), status(load=2)]  # four chats, each about 8 minutes
    minutes = [estimate_wait(team, position, 8, spoken=True).minutes for position in (1, 2, 3, 4)]
    assert minutes == [2, 4, 6, 8]
    freed = [status(load=1), status(load=2)]  # one chat ended: the first in line is next
    assert estimate_wait(freed, 1, 8, spoken=True).minutes == 1
    assert estimate_wait(freed, 2, 8, spoken=True).minutes == 3


def test_an_online_agent_who_is_full_is_not_called_nobody_online(desks: Desks) -> None:
    nora = desks.add("Nora", capacity=1)
    desks.agents.set_presence(nora, Presence.ONLINE)
    first = desks.escalated()
    desks.routing.tick()
    assert desks.store.get_conversation(first.id).agent_id == nora.id
    for language, words in (
        ("en", "Everyone who can help is busy right now. You are number 1 in the queue"),
        ("de", "Gerade sind alle, die helfen können, beschäftigt. Sie sind Nummer 1"),
        ("sv", "Alla som kan hjälpa till är upptagna just nu. Du är nummer 1 i kön"),
    ):
        waiting = desks.escalated(language=language)
        desks.routing.sync_queue()
        text, data = last_notice(desks, waiting.id)
        assert text.startswith(words), text
        assert "online" not in text and data["wait_kind"] == "all_busy"
        assert data["wait_minutes"] == 8  # her one conversation must end first
        desks.queue.mark_left(waiting.id, desks.clock())  # the next language is first again


def test_nobody_online_is_said_only_when_nobody_is(desks: Desks) -> None:
    nora = desks.add("Nora")
    desks.agents.set_presence(nora, Presence.OFFLINE)
    waiting = desks.escalated()
    desks.routing.sync_queue()
    text, data = last_notice(desks, waiting.id)
    assert text.startswith("Nobody who can help is online right now")
    assert data["wait_kind"] == "nobody_online"


def test_a_customer_whose_language_nobody_speaks_is_told_so_and_reaches_an_agent_at_once(
    desks: Desks,
) -> None:
    emma = desks.add("Emma", languages=("en",), capacity=1)
    desks.add("Sven", languages=("sv",))
    desks.agents.set_presence(emma, Presence.AWAY)  # picks from the queue herself
    told = {}
    for language in ("fi", "ja", "de"):
        conversation = desks.escalated(language=language)
        desks.routing.sync_queue()
        told[language] = conversation.id
    texts = {language: last_notice(desks, cid)[0] for language, cid in told.items()}
    assert texts["fi"].startswith("Kukaan tiimistämme ei juuri nyt puhu kieltäsi.")
    assert texts["ja"].startswith("現在、お客様の言語を話せる担当者がおりません。")
    assert texts["de"].startswith("Derzeit spricht niemand in unserem Team Ihre Sprache.")
    assert "E-Mail-Adresse" in texts["de"]  # the email alternative is offered
    # not hidden for five minutes: she sees all three now and may take one
    assert {item.entry.conversation_id for item in desks.routing.queue_for(emma)} == set(
        told.values()
    )
    desks.routing.claim(told["fi"], emma)
    assert desks.store.get_conversation(told["fi"]).owner is Owner.AGENT


def test_a_language_somebody_speaks_still_waits_for_them(desks: Desks) -> None:
    emma = desks.add("Emma", languages=("en",))
    desks.add("Sven", languages=("sv",))  # offline, but on the team
    desks.agents.set_presence(emma, Presence.ONLINE)
    swedish = desks.escalated(language="sv")
    desks.routing.tick()
    assert desks.store.get_conversation(swedish.id).owner is Owner.QUEUED
    assert desks.routing.queue_for(emma) == []
    text, _ = last_notice(desks, swedish.id)
    assert text.startswith("Ingen som kan hjälpa till är online just nu")
