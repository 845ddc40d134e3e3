"""A customer's data: masked in stored transcripts, exported on request, erased with a trace."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from agents.helpers import PASSWORD
from relaydesk.api.deps import ERASED_CONVERSATION
from relaydesk.cli.main import app as cli
from relaydesk.domain.agents import Role
from relaydesk.domain.model import ConversationId
from relaydesk.store.engine import make_engine
from relaydesk.store.tables import audit_log, customers, events
from security.web import app_client, sign_in_every_role, start_conversation

CARD = "4111 1111 1111 1111"


def send(client, conversation: str, auth: dict[str, str], words: str, key: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    response = client.post(
        f"/v1/conversations/{conversation}/messages",
        json={"text": words},
        headers={**auth, "Idempotency-Key": key},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def customer_of(client, conversation: str) -> str:  # type: ignore[no-untyped-def]
    store = client.app.state.services.store
    return str(store.get_conversation(ConversationId(conversation)).customer_id)


def stored_texts(client, conversation: str) -> list[str]:  # type: ignore[no-untyped-def]
    store = client.app.state.services.store
    return [e.text or "" for e in store.events_after(ConversationId(conversation), 0)]


def test_stored_transcripts_mask_cards_at_once_and_emails_when_the_conversation_closes(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        conversation, auth = start_conversation(client)
        words = f"card {CARD}, ORD-100001, alice@example.com, +46 70 123 45 67"
        receipt = send(client, conversation, auth, words, "k1")
        open_text = "card [card], ORD-100001, alice@example.com, +46 70 123 45 67"
        assert receipt["message"]["text"] == open_text
        assert CARD not in " ".join(stored_texts(client, conversation))
        assert client.post(f"/v1/conversations/{conversation}/close", headers=auth).is_success
        kept = " ".join(stored_texts(client, conversation))
        assert "card [card], ORD-100001, [email], [phone]" in kept
        assert "alice@example.com" not in kept and "123 45 67" not in kept
        store = client.app.state.services.store  # type: ignore[attr-defined]
        data = json.dumps([e.data for e in store.events_after(ConversationId(conversation), 0)])
        assert "alice@example.com" not in data


def test_an_operator_can_keep_emails_and_phone_numbers_after_closing(tmp_path: Path) -> None:
    with app_client(tmp_path, transcript_pii="keep_contacts") as client:
        conversation, auth = start_conversation(client)
        send(client, conversation, auth, f"card {CARD}, mail alice@example.com", "k1")
        assert client.post(f"/v1/conversations/{conversation}/close", headers=auth).is_success
        kept = " ".join(stored_texts(client, conversation))
        assert "card [card], mail alice@example.com" in kept


def test_an_operator_can_mask_everything_or_keep_originals(tmp_path: Path) -> None:
    words = f"card {CARD}, mail alice@example.com"
    (tmp_path / "all").mkdir()
    (tmp_path / "keep").mkdir()
    with app_client(tmp_path / "all", transcript_pii="mask_all") as client:
        conversation, auth = start_conversation(client)
        assert send(client, conversation, auth, words, "k")["message"]["text"] == (
            "card [card], mail [email]"
        )
    with app_client(tmp_path / "keep", transcript_pii="keep") as client:
        conversation, auth = start_conversation(client)
        assert send(client, conversation, auth, words, "k")["message"]["text"] == words


def test_only_administrators_may_export_erase_or_read_the_audit_trail(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        roles = sign_in_every_role(client)
        conversation, auth = start_conversation(client, customer_ref=None)
        for role in ("agent", "supervisor"):
            assert client.get("/v1/admin/audit", headers=roles[role]).status_code == 403
            erase = f"/v1/admin/privacy/customers/{conversation}/erase"
            assert client.post(erase, headers=roles[role]).status_code == 403
        assert client.get("/v1/admin/audit", headers=auth).status_code == 401


def test_an_export_holds_the_customers_conversations_and_leaves_an_audit_entry(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        admin = sign_in_every_role(client)["admin"]
        conversation, auth = start_conversation(client)
        send(client, conversation, auth, "my new address is Storgatan 1", "k1")
        customer_id = customer_of(client, conversation)
        exported = client.get(
            f"/v1/admin/privacy/customers/{customer_id}/export", headers=admin
        ).json()
        assert exported["customer"]["id"] == customer_id
        assert [c["id"] for c in exported["conversations"]] == [conversation]
        assert any(e["text"] == "my new address is Storgatan 1" for e in exported["events"])
        trail = client.get("/v1/admin/audit", headers=admin).json()
        entry = next(e for e in trail if e["action"] == "privacy.export")
        assert entry["subject"] == customer_id and entry["actor_kind"] == "agent"
        assert (
            client.get("/v1/admin/privacy/customers/cus_nobody/export", headers=admin).json()[
                "code"
            ]
            == "not_found"
        )


def test_an_erased_conversation_takes_no_new_message_and_replays_no_old_one(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        admin = sign_in_every_role(client)["admin"]
        conversation, auth = start_conversation(client, display_name="Ann Andersson")
        send(client, conversation, auth, "when is my next payment?", "k1")
        customer_id = customer_of(client, conversation)
        client.post(f"/v1/admin/privacy/customers/{customer_id}/erase", headers=admin)
        store = client.app.state.services.store
        kept = len(store.events_after(ConversationId(conversation), 0))
        for key in ("k2", "k1"):  # a new message, and a retry of the first one
            refused = client.post(
                f"/v1/conversations/{conversation}/messages",
                json={"text": "I live at Storgatan 1"},
                headers={**auth, "Idempotency-Key": key},
            )
            assert refused.status_code == 401
            assert refused.json()["message"] == ERASED_CONVERSATION
        assert len(store.events_after(ConversationId(conversation), 0)) == kept
        assert "Storgatan" not in json.dumps(stored_texts(client, conversation))


def test_erasure_redacts_texts_and_names_but_keeps_every_event_and_the_cursor(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        admin = sign_in_every_role(client)["admin"]
        conversation, auth = start_conversation(client, display_name="Ann Andersson")
        send(client, conversation, auth, "I live at Storgatan 1, call 070-123 45 67", "k1")
        client.post(f"/v1/conversations/{conversation}/escalate", headers=auth)
        before = client.get(f"/v1/conversations/{conversation}/events", headers=auth).json()
        customer_id = customer_of(client, conversation)
        report = client.post(
            f"/v1/admin/privacy/customers/{customer_id}/erase", headers=admin
        ).json()
        refused = client.get(f"/v1/conversations/{conversation}/events", headers=auth)
        assert refused.status_code == 401  # the erased conversation's token is revoked
        store = client.app.state.services.store
        after = store.events_after(ConversationId(conversation), 0)
        # The routing loop may add a queue notice between the read above and the erasure, or
        # after it: every event the customer saw is kept, redacted, in place.
        assert report["conversations"] == 1 and report["events"] >= len(before["events"])
        erased, later = after[: report["events"]], after[report["events"] :]
        assert [e.seq for e in erased][: len(before["events"])] == [
            e["seq"] for e in before["events"]
        ]
        assert erased[len(before["events"]) - 1].seq == before["cursor"]
        texts = [e.text for e in erased if e.text]
        assert texts and set(texts) == {"[erased]"}
        assert all(e.source.value == "system" for e in later)  # nothing of the customer's
        owner_changes = [e.data for e in after if e.kind.value == "owner_changed"]
        assert owner_changes and owner_changes[-1]["to"] == "queued"
        engine = client.app.state.services.store.engine
        with engine.connect() as conn:
            name = conn.execute(
                select(customers.c.display_name).where(customers.c.id == customer_id)
            ).scalar_one()
            kinds = conn.execute(select(events.c.kind)).scalars().all()
        assert name == "[erased]" and len(kinds) == len(after)
        trail = client.get("/v1/admin/audit", headers=admin).json()
        assert [e["action"] for e in trail if e["subject"] == customer_id] == ["privacy.erase"]


def test_the_audit_trail_shows_who_acted_in_conversations_and_cannot_be_rewritten(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        roles = sign_in_every_role(client)
        admin, agent = roles["admin"], roles["agent"]
        agent_id = client.get("/v1/agent/me", headers=agent).json()["agent"]["id"]
        conversation, auth = start_conversation(client)
        send(client, conversation, auth, "hello", "k1")
        client.post(f"/v1/conversations/{conversation}/escalate", headers=auth)
        client.put("/v1/agent/presence", json={"status": "online"}, headers=agent)
        client.post(f"/v1/agent/conversations/{conversation}/claim", headers=agent)
        client.post(
            f"/v1/agent/conversations/{conversation}/messages", json={"text": "Hi!"}, headers=agent
        )
        client.post(f"/v1/admin/privacy/customers/{conversation}/erase", headers=admin)
        trail = client.get("/v1/admin/audit", headers=admin).json()
        actions = {(e["actor_kind"], e["action"], e["actor_id"]) for e in trail}
        assert ("assistant", "message.sent", None) in actions
        assert ("customer", "owner.escalate", None) in actions
        assert ("agent", "message.sent", agent_id) in actions, actions
        assert not any(
            e["actor_kind"] == "customer" and e["action"] == "message.sent" for e in trail
        )
        engine = client.app.state.services.store.engine
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(update(audit_log).values(actor_id="someone else"))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))


def test_the_command_line_exports_and_erases_with_audit_entries(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        conversation, auth = start_conversation(client, display_name="Bo Berg")
        send(client, conversation, auth, "hej, mitt nummer är 070-123 45 67", "k1")
        customer_id = customer_of(client, conversation)
    runner = CliRunner()
    env = {"RELAYDESK_DATA_DIR": str(tmp_path), "RELAYDESK_DATABASE_URL": ""}
    out = tmp_path / "export.json"
    exported = runner.invoke(
        cli, ["privacy", "export", customer_id, "--out", str(out), "--operator", "dpo"], env=env
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["customer"]["display_name"] == "Bo Berg"
    erased = runner.invoke(cli, ["privacy", "erase", customer_id, "--yes"], env=env)
    assert erased.exit_code == 0, erased.output
    assert "1 conversations" in erased.output
    missing = runner.invoke(cli, ["privacy", "erase", "cus_nobody", "--yes"], env=env)
    assert missing.exit_code == 2 and "No customer" in missing.output
    audit = runner.invoke(cli, ["privacy", "audit"], env=env)
    lines = [json.loads(line) for line in audit.output.splitlines()]
    recorded = [(e["action"], e["actor_id"]) for e in lines if e["actor_kind"] == "operator"]
    assert recorded[0] == ("privacy.export", "dpo") and recorded[1][0] == "privacy.erase"
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(select(customers.c.display_name)).scalar_one() == "[erased]"
    engine.dispose()


def test_the_dashboards_csv_export_carries_no_personal_data(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        roles = sign_in_every_role(client)
        services = client.app.state.services
        agent = services.agents.add_agent(
            email="pat@example.com",
            display_name="Pat +46 70 123 45 67",
            password=PASSWORD,
            role=Role.AGENT,
            skills=(),
            languages=(),
            capacity=3,
        )
        token = client.post(
            "/v1/agent/login", json={"email": "pat@example.com", "password": PASSWORD}
        ).json()["token"]
        client.cookies.clear()
        pat = {"Authorization": f"Bearer {token}"}
        client.put("/v1/agent/presence", json={"status": "online"}, headers=pat)
        conversation, auth = start_conversation(client)
        client.post(f"/v1/conversations/{conversation}/escalate", headers=auth)
        client.post(f"/v1/agent/conversations/{conversation}/claim", headers=pat)
        closed = client.post(
            f"/v1/agent/conversations/{conversation}/close",
            json={"disposition": "resolved"},
            headers=pat,
        )
        assert closed.status_code == 200, closed.text
        export = client.get(
            "/v1/dashboard/report.csv", params={"table": "agents"}, headers=roles["supervisor"]
        )
        assert export.status_code == 200, export.text
        assert "Pat [phone]" in export.text and "123 45 67" not in export.text
        assert agent.display_name not in export.text
        report = client.get("/v1/dashboard/report", headers=roles["supervisor"])
        assert "Pat [phone]" in report.text and "123 45 67" not in report.text
