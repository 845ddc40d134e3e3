"""Canned responses: supervisors keep them per language with variables; agents get them filled
in for the conversation at hand; bad input is refused with a sentence."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from agents.helpers import Desks
from agents.test_agent_api import add_agent, bearer, customer_escalates, services_of
from relaydesk.desk.canned import CannedDesk
from relaydesk.domain.agents import Role
from relaydesk.domain.canned import fill, variables_in
from relaydesk.domain.errors import Forbidden, InvalidInput
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Source
from relaydesk.store.canned import CannedStore

GREETING = "Hi {first_name}, {agent_name} here. I am looking at order {order_id} now."


def canned(desks: Desks) -> CannedDesk:
    return CannedDesk(CannedStore(desks.store.engine), desks.store, desks.routing, desks.clock)


def test_a_body_may_only_use_the_known_variables() -> None:
    assert variables_in(GREETING) == ["first_name", "agent_name", "order_id"]
    with pytest.raises(InvalidInput, match=r"Unknown variable \{email\}"):
        variables_in("Hi {email}")
    with pytest.raises(InvalidInput, match="Unknown variable"):
        variables_in("{first_name.__class__}")
    with pytest.raises(InvalidInput, match="Braces must pair up"):
        variables_in("Hi {first_name")


def test_a_value_nobody_knows_yet_stays_visible_for_the_agent_to_type() -> None:
    text = fill(GREETING, {"first_name": "Ann", "agent_name": "Maria"})
    assert (
        text
        == "Hi Ann, Maria here. I am looking at order [order number the conversation is about] now."
    )


def test_an_agent_gets_the_responses_in_the_conversations_language_filled_in(
    desks: Desks,
) -> None:
    boss, maria = desks.add("Boss", role=Role.SUPERVISOR), desks.add("Maria Lind")
    desk = canned(desks)
    desk.save(boss, "/Looking", "en", "Looking into it", GREETING)
    desk.save(boss, "looking", "sv", "Tittar", "Hej {first_name}!")
    conversation = desks.escalated(language="en")
    entity = {"entities": [{"kind": "order_id", "value": "ORD-100004"}], "intent": "refund"}
    desks.store.append(
        conversation.id,
        [NewEvent(kind=EventKind.ASSISTANT_TURN, source=Source.ASSISTANT, data=entity)],
    )
    desks.routing.sync_queue()
    desks.routing.claim(conversation.id, maria)

    (offered,) = desk.for_conversation(maria, conversation.id)

    assert (offered.shortcut, offered.language) == ("looking", "en")
    assert offered.text == "Hi Ann, Maria here. I am looking at order ORD-100004 now."


def test_saving_the_same_shortcut_and_language_changes_it_and_disabling_hides_it(
    desks: Desks,
) -> None:
    boss, maria = desks.add("Boss", role=Role.SUPERVISOR), desks.add("Maria")
    desk = canned(desks)
    first = desk.save(boss, "thanks", "en", "Thanks", "Thank you!")
    second = desk.save(boss, "thanks", "en", "Thanks", "Thank you, {first_name}!")
    assert first.id == second.id and [r.body for r in desk.all()] == ["Thank you, {first_name}!"]
    conversation = desks.escalated()
    desks.routing.sync_queue()
    desks.routing.claim(conversation.id, maria)
    desk.set_active(boss, first.id, False)
    assert desk.for_conversation(maria, conversation.id) == []
    with pytest.raises(Forbidden):
        desk.save(maria, "mine", "en", "Mine", "Hello")


def test_the_api_lets_supervisors_manage_and_refuses_bad_input_with_a_sentence(
    client: TestClient,
) -> None:
    add_agent(client, "Boss", role=Role.SUPERVISOR)
    add_agent(client, "Maria")
    boss = bearer(client, "Boss")
    made = client.post(
        "/v1/agent/canned-responses",
        json={"shortcut": "hello", "language": "en", "title": "Hello", "body": "Hi {first_name}!"},
        headers=boss,
    )
    assert made.status_code == 200 and made.json()["active"] is True
    bad = client.post(
        "/v1/agent/canned-responses",
        json={"shortcut": "bad one", "language": "en", "title": "x", "body": "Hi"},
        headers=boss,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert "shortcut" in bad.json()["message"]
    maria = bearer(client, "Maria")
    refused = client.post(
        "/v1/agent/canned-responses",
        json={"shortcut": "mine", "language": "en", "title": "x", "body": "Hi"},
        headers=maria,
    )
    assert refused.status_code == 403 and "supervisors" in refused.json()["message"]
    wrong = client.post(f"/v1/agent/canned-responses/{made.json()['id']}/delete", headers=boss)
    assert wrong.status_code in (404, 422)


def test_only_who_may_read_the_conversation_gets_its_filled_responses(client: TestClient) -> None:
    supervisor = add_agent(client, "Boss", role=Role.SUPERVISOR)
    add_agent(client, "Maria")
    boss = bearer(client, "Boss")
    client.post(
        "/v1/agent/canned-responses",
        json={"shortcut": "hello", "language": "en", "title": "Hello", "body": "Hi {first_name}!"},
        headers=boss,
    )
    cid, _ = customer_escalates(client)
    services_of(client).routing.claim(ConversationId(cid), supervisor)
    offered = client.get(f"/v1/agent/conversations/{cid}/canned-responses", headers=boss)
    assert offered.status_code == 200 and offered.json()[0]["text"].startswith("Hi ")
    maria = bearer(client, "Maria")
    hidden = client.get(f"/v1/agent/conversations/{cid}/canned-responses", headers=maria)
    assert hidden.status_code == 403
