"""`relaydesk chat`: a terminal chat client against a running server's customer API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import httpx
import typer

from relaydesk.api.customer_auth import identity_signature
from relaydesk.cli.common import console, fail, settings_or_exit

SPEAKERS = {"assistant": "[cyan]assistant[/cyan]", "agent": "[green]agent[/green]"}


class ChatSession:
    """One customer conversation over HTTP, remembering its cursor."""

    def __init__(self, client: httpx.Client, conversation_id: str, token: str) -> None:
        self.client = client
        self.conversation_id = conversation_id
        self.headers = {"Authorization": f"Bearer {token}"}
        self.cursor = 0

    def send(self, text: str) -> None:
        key = uuid.uuid4().hex
        response = self.client.post(
            f"/v1/conversations/{self.conversation_id}/messages",
            json={"text": text},
            headers={**self.headers, "Idempotency-Key": key},
        )
        if response.status_code >= 400:
            console.print(
                f"[red]{response.json().get('message', 'The server refused that.')}[/red]"
            )

    def show_new_events(self) -> None:
        response = self.client.get(
            f"/v1/conversations/{self.conversation_id}/events",
            params={"after": self.cursor},
            headers=self.headers,
        )
        response.raise_for_status()
        body = response.json()
        for event in body["events"]:
            show_event(event)
        self.cursor = body["cursor"]


def show_event(event: dict[str, Any]) -> None:
    if event["kind"] == "message" and event["source"] != "customer":
        speaker = SPEAKERS.get(event["source"], event["source"])
        console.print(f"{speaker}: {event['text']}", highlight=False)
        choices = event["data"].get("choices") or []
        if choices:
            options = "  ".join(f"[{c['value']}] {c['label']}" for c in choices)
            console.print(f"   reply with one of: {options}", highlight=False, markup=False)
    elif event["kind"] == "owner_changed" and event["data"].get("to") == "queued":
        console.print("[yellow]A person will take over this conversation.[/yellow]")


def chat(
    url: Annotated[str | None, typer.Option(help="The relaydesk server.")] = None,
    name: Annotated[str, typer.Option(help="Your display name.")] = "Terminal customer",
    language: Annotated[str | None, typer.Option(help="Your language, e.g. en or sv.")] = None,
    customer: Annotated[
        str | None,
        typer.Option(help="Sign in as this customer id (uses RELAYDESK_IDENTITY_SECRET)."),
    ] = None,
) -> None:
    """Chat with the assistant from the terminal; an empty line or Ctrl-D ends."""
    settings = settings_or_exit()
    base = url or settings.base_url
    if not base.startswith(("http://", "https://")):
        fail(f"The URL {base!r} must start with http:// or https://.")
    body: dict[str, Any] = {"display_name": name, "language": language, "channel": "terminal"}
    if customer:
        body["customer_ref"] = customer
        body["customer_signature"] = identity_signature(settings.identity_secret, customer)
    with httpx.Client(base_url=base, timeout=30) as client:
        try:
            started = client.post("/v1/conversations", json=body)
        except httpx.HTTPError:
            fail(f"No relaydesk server answers at {base}; start one with `relaydesk demo`.")
        if started.status_code >= 400:
            fail(started.json().get("message", "The server refused to start a conversation."))
        data = started.json()
        session = ChatSession(client, data["conversation"]["id"], data["token"])
        console.print("Type a message; an empty line ends the chat.")
        _loop(session)


def _loop(session: ChatSession) -> None:
    while True:
        try:
            text = console.input("[bold]you[/bold]: ")
        except EOFError:
            return
        if not text.strip():
            return
        session.send(text)
        session.show_new_events()
