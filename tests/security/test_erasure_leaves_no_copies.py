"""After an erasure no copy of the originals is left: not in the database file, not in its
write-ahead log, not behind the conversation's old token; and the files are private."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect
from typer.testing import CliRunner

from relaydesk.cli.main import app as cli
from security.test_privacy_and_audit import customer_of, send
from security.web import app_client, sign_in_every_role, start_conversation

EMAIL = "ann.quokka.erasure@example.com"
PHONE = "+46 70 987 65 43"


def file_bytes(tmp_path: Path) -> dict[str, bytes]:
    """The database file and, if present, its write-ahead log."""
    files = {}
    for suffix in ("", "-wal"):
        path = tmp_path / f"relaydesk.sqlite3{suffix}"
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


def test_an_erased_customers_email_and_phone_are_in_no_database_file(tmp_path: Path) -> None:
    # `keep` stores the originals, so the erasure is the only thing that can remove them.
    with app_client(tmp_path, transcript_pii="keep") as client:
        admin = sign_in_every_role(client)["admin"]
        conversation, auth = start_conversation(client, display_name="Ann Quokka")
        for n in range(20):
            send(client, conversation, auth, f"write to {EMAIL} or call {PHONE} ({n})", f"k{n}")
        assert any(EMAIL.encode() in data for data in file_bytes(tmp_path).values())
        customer = customer_of(client, conversation)
        erased = client.post(f"/v1/admin/privacy/customers/{customer}/erase", headers=admin)
        assert erased.status_code == 200
        left = file_bytes(tmp_path)  # while the server still runs, as an attacker would read
    for name, data in left.items():
        assert EMAIL.encode() not in data, name
        assert b"Ann Quokka" not in data, name
        assert PHONE.encode() not in data, name


def test_an_erased_conversations_token_opens_nothing(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        admin = sign_in_every_role(client)["admin"]
        conversation, auth = start_conversation(client, display_name="Ann")
        send(client, conversation, auth, "hello", "k1")
        customer = customer_of(client, conversation)
        client.post(f"/v1/admin/privacy/customers/{customer}/erase", headers=admin)
        read = client.get(f"/v1/conversations/{conversation}/events", headers=auth)
        wrote = client.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": "still here?"},
            headers={**auth, "Idempotency-Key": "k2"},
        )
        token = auth["Authorization"].removeprefix("Bearer ")
        with (
            pytest.raises(WebSocketDisconnect) as closed,
            client.websocket_connect(f"/v1/conversations/{conversation}/stream?token={token}"),
        ):
            pass
    assert read.status_code == 401 and wrote.status_code == 401
    assert "erased" in read.json()["message"]
    assert closed.value.code == 1008


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_the_database_and_exports_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        conversation, auth = start_conversation(client, display_name="Bo Berg")
        send(client, conversation, auth, "hej", "k1")
        customer = customer_of(client, conversation)
        assert private(tmp_path / "relaydesk.sqlite3")
        assert private(tmp_path / "relaydesk.sqlite3-wal")
    out = tmp_path / "export.json"
    out.write_text("{}")
    out.chmod(0o644)  # an existing file is made private too
    env = {"RELAYDESK_DATA_DIR": str(tmp_path), "RELAYDESK_DATABASE_URL": ""}
    exported = CliRunner().invoke(cli, ["privacy", "export", customer, "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["customer"]["display_name"] == "Bo Berg"
    assert private(out)
