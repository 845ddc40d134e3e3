"""Readable contrast: every piece of text the widget shows, in every state a customer meets,
has a WCAG contrast ratio of at least 4.5:1 against what is really behind it.

Colours come from getComputedStyle; the background is found by walking up (through the shadow
root to the page) to the first opaque background, with translucent layers and opacity blended.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from browser.conftest import server_database_url
from relaydesk.desk.agents import AgentDesk
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.routes import wait_until_held
from support.server import ServerProcess

pytestmark = pytest.mark.browser

MINIMUM = 4.5

CONTRASTS = r"""
(selectors) => {
  const WHITE = [255, 255, 255, 1];
  const root = document.getElementById("relaydesk-widget").shadowRoot;
  function parse(value) {
    const found = String(value).match(/rgba?\(([^)]+)\)/);
    if (!found) throw new Error("unexpected colour " + value);
    const parts = found[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }
  function over(top, bottom) {
    const alpha = top[3] + bottom[3] * (1 - top[3]);
    if (alpha === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
    return [mix(0), mix(1), mix(2), alpha];
  }
  function lerp(back, front, amount) {
    return [0, 1, 2, 3].map((i) => front[i] * amount + back[i] * (1 - amount));
  }
  function parentOf(node) {
    if (node.parentElement) return node.parentElement;
    const top = node.getRootNode();
    return top && top.host ? top.host : null;
  }
  function backdrop(node) {  // node's background over its ancestors', up to an opaque one
    let colour = [0, 0, 0, 0];
    for (let at = node; at && colour[3] < 1; at = parentOf(at)) {
      colour = over(colour, parse(getComputedStyle(at).backgroundColor));
    }
    return over(colour, WHITE);
  }
  function seen(node, colour) {  // a colour painted inside node, as it reaches the screen
    colour = over(colour, parse(getComputedStyle(node).backgroundColor));
    const parent = parentOf(node);
    const behind = parent ? backdrop(parent) : WHITE;
    const opacity = Number(getComputedStyle(node).opacity);
    if (opacity < 1) colour = lerp(behind, over(colour, behind), opacity);
    return parent ? seen(parent, colour) : over(colour, WHITE);
  }
  function luminance(colour) {
    const linear = colour.slice(0, 3).map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }
  function ratio(node, pseudo) {
    const text = seen(node, parse(getComputedStyle(node, pseudo).color));
    const ground = seen(node, [0, 0, 0, 0]);
    const [light, dark] = [luminance(text), luminance(ground)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  }
  const found = [];
  for (const [name, selector, pseudo] of selectors) {
    root.querySelectorAll(selector).forEach((node) => {
      if (!node.getClientRects().length) return;  // not shown in this state
      found.push({ name: name, text: (node.textContent || node.placeholder || "").slice(0, 40),
        ratio: Math.round(ratio(node, pseudo || null) * 100) / 100 });
    });
  }
  return found;
}
"""

# (what, selector, pseudo-element): the widget's text, speaker by speaker and state by state.
TEXT = [
    ("launcher", ".rd-launcher > span:not(.rd-badge)", None),
    ("header title", ".rd-title", None),
    ("talk to a person", ".rd-person", None),
    ("close", ".rd-close", None),
    ("status", ".rd-status", None),
    ("greeting", ".rd-greeting", None),
    ("event notice", ".rd-event", None),
    ("speaker", ".rd-msg .rd-from:not(.rd-sr)", None),
    ("customer message", ".rd-you .rd-text", None),
    ("pending message", ".rd-pending .rd-text", None),
    ("assistant message", ".rd-assistant .rd-text", None),
    ("agent message", ".rd-agent .rd-text", None),
    ("system message", ".rd-system .rd-text", None),
    ("link", ".rd-msg a", None),
    ("typing", ".rd-typing-text", None),
    ("quick reply", ".rd-choice", None),
    ("follow-up form", ".rd-follow-up-title, .rd-follow-up label, .rd-follow-up-hint", None),
    ("follow-up thanks", ".rd-follow-up-thanks", None),
    ("csat", ".rd-csat legend, .rd-csat label[for], .rd-score span, .rd-csat-hint", None),
    ("csat thanks", ".rd-thanks", None),
    ("notice", ".rd-notice", None),
    ("buttons", ".rd-send", None),
    ("input text", ".rd-composer textarea, .rd-follow-up input", None),
    ("input placeholder", ".rd-composer textarea", "::placeholder"),
]

PASSWORD = "contrast test password"


def measure(page: Any, seen: dict[str, list[dict[str, Any]]]) -> None:
    for item in page.evaluate(CONTRASTS, TEXT):
        seen.setdefault(item["name"], []).append(item)


def agent_token(server: ServerProcess) -> dict[str, str]:
    engine = make_engine(server_database_url(server))
    try:
        AgentDesk(AgentStore(engine), "unused").add_agent(
            email="kim.contrast@example.com", display_name="Kim", password=PASSWORD
        )
    finally:
        engine.dispose()
    body = {"email": "kim.contrast@example.com", "password": PASSWORD}
    token = httpx.post(f"{server.url}/v1/agent/login", json=body).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_every_text_in_the_widget_has_readable_contrast(
    open_shop: Any, server: ServerProcess, artifacts_dir: Path
) -> None:
    widget = open_shop()
    page = widget.page
    seen: dict[str, list[dict[str, Any]]] = {}
    messages = re.compile(r"/v1/conversations/[^/]+/messages$")
    page.route_web_socket(re.compile(r"/stream"), lambda socket: socket.close())
    held: list[Any] = []
    page.route(messages, lambda route: held.append(route))
    widget.send("is my payment due? https://www.example.com/help")
    expect(page.locator(".rd-pending")).to_have_count(1)
    expect(widget.typing).to_be_visible()
    measure(page, seen)  # a message on its way, and the assistant typing

    def offer_choices(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for event in body.get("replies", []):
            event["data"]["choices"] = [{"label": "Yes, do it", "value": "yes"}]
        route.fulfill(response=response, json=body)

    wait_until_held(page, held)  # the conversation is started first, then the message
    held[0].fallback()
    page.unroute(messages)
    expect(widget.messages("assistant")).to_have_count(1)
    page.route(messages, offer_choices)
    widget.send("and the next one?")
    expect(page.locator(".rd-choice")).to_have_count(1)
    measure(page, seen)  # the assistant, the customer, a link, quick replies
    page.unroute(messages)

    widget.person.click()
    expect(widget.messages("system")).to_have_count(1)
    page.get_by_label("Your email address").fill("not an email")
    page.get_by_role("button", name="Send email address").click()
    expect(page.locator(".rd-follow-up-hint")).not_to_be_empty()
    measure(page, seen)  # queued: status, system notice, follow-up form and its refusal
    page.get_by_label("Your email address").fill("ann@example.com")
    page.get_by_role("button", name="Send email address").click()
    expect(page.locator(".rd-follow-up-thanks")).to_be_visible()
    measure(page, seen)

    cid = widget.state()["conversationId"]
    agent = agent_token(server)
    agent_api = f"{server.url}/v1/agent/conversations/{cid}"
    assert httpx.post(f"{agent_api}/claim", headers=agent).status_code == 200
    reply = {"text": "Hi, Kim here."}
    assert httpx.post(f"{agent_api}/messages", json=reply, headers=agent).status_code == 200
    expect(widget.messages("agent")).to_have_count(1)
    close = {"disposition": "resolved"}
    assert httpx.post(f"{agent_api}/close", json=close, headers=agent).status_code == 200
    csat = page.locator(".rd-csat")
    csat.get_by_role("button", name="Send rating").click()
    expect(page.locator(".rd-csat-hint")).not_to_be_empty()
    measure(page, seen)  # an agent, the end, the rating form and its hint

    csat.get_by_label("4 out of 5").check()
    csat.get_by_role("button", name="Send rating").click()
    expect(page.locator(".rd-thanks")).to_be_visible()
    measure(page, seen)
    page.route(re.compile(r"/v1/"), lambda route: route.abort())
    widget.send("still there?")
    expect(page.locator(".rd-notice")).to_be_visible()
    measure(page, seen)  # the connection notice
    page.screenshot(path=str(artifacts_dir / "widget-contrast.png"))

    missing = [name for name, _, _ in TEXT if name not in seen]
    assert not missing, f"never shown, so never checked: {missing}"
    poor = [item for items in seen.values() for item in items if item["ratio"] < MINIMUM]
    assert not poor, f"below {MINIMUM}:1: {poor}"
