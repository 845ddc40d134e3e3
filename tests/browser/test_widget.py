"""The customer chat widget in a real browser against a real server process."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from support.routes import wait_until_held
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser
MESSAGES_PATH = re.compile(r"/v1/conversations/[^/]+/messages$")

SCRIPT_TEXT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def seqs_in_transcript(widget: Any) -> list[int]:
    found: list[int] = widget.log.evaluate(
        "log => [...log.querySelectorAll('[data-seq]')].map(n => Number(n.dataset.seq))"
    )
    return found


def test_a_customer_message_gets_an_answer_from_the_assistant(open_shop: Any) -> None:
    widget = open_shop()
    widget.send("hello there")
    expect(widget.messages("assistant")).to_have_count(1)
    assert widget.message_texts("you") == ["hello there"]
    expect(widget.messages("assistant").locator(".rd-from")).to_have_text("Assistant")
    assert widget.state()["mode"] == "socket"


def test_a_reload_mid_conversation_keeps_the_transcript(open_shop: Any) -> None:
    widget = open_shop()
    widget.send("my first question")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.send("my second question")
    expect(widget.messages("assistant")).to_have_count(2)
    conversation_id = widget.state()["conversationId"]

    widget.page.reload()
    widget.input.wait_for()  # the panel stays open across the reload
    expect(widget.messages("assistant")).to_have_count(2)
    assert widget.message_texts("you") == ["my first question", "my second question"]
    assert widget.state()["conversationId"] == conversation_id

    widget.send("and a third after the reload")
    expect(widget.messages("assistant")).to_have_count(3)
    assert widget.message_texts("you")[-1] == "and a third after the reload"
    assert seqs_in_transcript(widget) == list(range(1, 7))


def test_a_dropped_websocket_loses_nothing_and_doubles_nothing(
    open_shop: Any, server: ServerProcess
) -> None:
    widget = open_shop()
    widget.send("before the drop")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.wait_for_mode("socket")

    widget.page.evaluate("window.relaydesk._debugDropSocket({hold: true})")
    widget.wait_for_mode("rest")
    widget.send("while the socket is down")
    expect(widget.messages("assistant")).to_have_count(2)

    # Another tab of the same customer writes meanwhile; the REST fallback polls it in.
    state = widget.state()
    other_tab = {"Authorization": f"Bearer {state['token']}", "Idempotency-Key": "tab-2"}
    url = f"{server.url}/v1/conversations/{state['conversationId']}/messages"
    for _ in range(2):  # a retry with the same key stores nothing twice
        response = httpx.post(url, json={"text": "from another tab"}, headers=other_tab)
        assert response.status_code == 200
    expect(widget.messages("assistant")).to_have_count(3)

    widget.page.evaluate("window.relaydesk._debugResumeSocket()")
    widget.wait_for_mode("socket")
    widget.send("after the reconnect")
    expect(widget.messages("assistant")).to_have_count(4)

    assert widget.message_texts("you") == [
        "before the drop",
        "while the socket is down",
        "from another tab",
        "after the reconnect",
    ]
    assert seqs_in_transcript(widget) == list(range(1, 9))
    assert widget.state()["outbox"] == 0
    events = httpx.get(
        f"{server.url}/v1/conversations/{state['conversationId']}/events",
        headers={"Authorization": f"Bearer {state['token']}"},
    ).json()["events"]
    assert [e["text"] for e in events if e["source"] == "customer"] == widget.message_texts("you")


def test_a_message_containing_a_script_tag_is_shown_as_text(open_shop: Any) -> None:
    widget = open_shop()
    widget.send(SCRIPT_TEXT)
    expect(widget.messages("assistant")).to_have_count(1)
    assert widget.message_texts("you") == [SCRIPT_TEXT]
    assert widget.page.evaluate("window.__pwned") is None
    expect(widget.log.locator("script, img")).to_have_count(0)


def test_links_become_anchors_that_show_their_domain_and_only_for_http(open_shop: Any) -> None:
    widget = open_shop()
    widget.send("see https://www.example.com/help?id=1. not javascript:alert(1) or ftp://x.org")
    expect(widget.messages("assistant")).to_have_count(1)
    links = widget.messages("you").locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_text("example.com")
    expect(links).to_have_attribute("href", "https://www.example.com/help?id=1")
    expect(links).to_have_attribute("rel", re.compile("noopener"))


def test_talk_to_a_person_shows_the_queue_position_and_the_expected_wait(
    open_shop: Any,
) -> None:
    widget = open_shop()
    expect(widget.person).to_be_visible()
    widget.send("hello")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.person.click()
    expect(widget.status).to_contain_text("A person will join you as soon as possible.")
    expect(widget.status).to_contain_text(re.compile(r"number \d+ in the queue"))
    expect(widget.status).to_contain_text(re.compile(r"Expected wait: (about \d+ min|less)"))
    expect(widget.person).to_be_visible()
    assert widget.state()["owner"] == "queued"


def test_the_typing_indicator_shows_while_the_answer_is_on_its_way(open_shop: Any) -> None:
    widget = open_shop()
    page = widget.page
    page.route_web_socket(re.compile(r"/stream"), lambda socket: socket.close())
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route(MESSAGES_PATH, hold)

    widget.send("is anyone there?")
    expect(widget.typing).to_be_visible()
    expect(widget.typing).to_contain_text("Assistant is typing")
    wait_until_held(page, held)
    assert len(held) == 1, "the message should be on its way to the server"
    held[0].continue_()

    expect(widget.messages("assistant")).to_have_count(1)
    expect(widget.typing).to_be_hidden()
    assert widget.state()["mode"] in {"rest", "offline"}


def test_the_widget_works_over_rest_when_websockets_are_blocked(open_shop: Any) -> None:
    widget = open_shop()
    widget.page.route_web_socket(re.compile(r"/stream"), lambda socket: socket.close())
    for text in ("first over rest", "second over rest"):
        widget.send(text)
    expect(widget.messages("assistant")).to_have_count(2)
    assert widget.message_texts("you") == ["first over rest", "second over rest"]
    assert widget.state()["mode"] != "socket"


def offer_quick_replies(page: Any) -> None:
    """Over REST (the socket refused), every answer comes with two quick replies."""
    page.route_web_socket(re.compile(r"/stream"), lambda socket: socket.close())

    def offer_choices(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for event in body.get("replies", []):
            event["data"]["choices"] = [
                {"label": "Yes, do it", "value": "yes"},
                {"label": "No", "value": "no"},
            ]
        route.fulfill(response=response, json=body)

    page.route(MESSAGES_PATH, offer_choices)


def test_quick_reply_buttons_show_the_label_the_customer_tapped(open_shop: Any) -> None:
    widget = open_shop()
    page = widget.page
    offer_quick_replies(page)
    widget.send("can I push my payment back?")
    buttons = widget.page.locator(".rd-choice")
    expect(buttons).to_have_text(["Yes, do it", "No"])
    page.unroute(MESSAGES_PATH)
    buttons.first.click()
    expect(widget.messages("assistant")).to_have_count(2)
    # the customer's bubble says what they tapped; the assistant maps it back to "yes"
    assert widget.message_texts("you") == ["can I push my payment back?", "Yes, do it"]
    expect(buttons).to_have_count(0)


def test_the_widget_is_usable_with_the_keyboard_alone(open_shop: Any) -> None:
    widget = open_shop()
    page = widget.page
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    page.keyboard.type("typed without a mouse")
    page.keyboard.press("Enter")
    expect(widget.messages("assistant")).to_have_count(1)

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Close chat")).to_be_focused()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("log", name="Conversation")).to_be_visible()
    expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def tab_to(page: Any, target: Any, key: str = "Shift+Tab", limit: int = 12) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("node => node.getRootNode().activeElement === node"):
            return
        page.keyboard.press(key)
    expect(target).to_be_focused()


def test_quick_replies_a_person_and_the_rating_work_from_the_keyboard_alone(
    open_shop: Any, server: ServerProcess, agent_console: Any
) -> None:
    widget = open_shop()
    page = widget.page
    offer_quick_replies(page)
    page.keyboard.type("can I push my payment back?")
    page.keyboard.press("Enter")
    yes = page.get_by_role("group", name="Suggested answers").get_by_role("button", name="Yes")
    expect(yes).to_be_visible()
    page.unroute(MESSAGES_PATH)
    tab_to(page, yes)
    page.keyboard.press("Enter")
    expect(widget.messages("assistant")).to_have_count(2)
    # the customer's bubble says what they tapped; the assistant maps it back to "yes"
    assert widget.message_texts("you") == ["can I push my payment back?", "Yes, do it"]
    expect(widget.input).to_be_focused()  # the buttons went away; the focus did not get lost

    tab_to(page, page.get_by_role("button", name="Talk to a person"))
    page.keyboard.press("Enter")
    expect(widget.status).to_contain_text("A person will join you as soon as possible.")

    console = agent_console(server, "Kai")
    console.goto(f"{server.url}/console/conversations/{widget.state()['conversationId']}")
    console.get_by_role("button", name="Claim this conversation").click()
    console.get_by_role("button", name="Close", exact=True).click()
    lowest = page.get_by_role("radio", name="1 out of 5")
    expect(lowest).to_be_visible()
    widget.input.focus()
    tab_to(page, page.get_by_role("radio", name="5 out of 5"))  # the group's last, unchecked
    page.keyboard.press("Space")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("radio", name="4 out of 5")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("quick and kind")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send rating")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()


def test_a_send_whose_answer_is_lost_is_retried_with_the_same_key_and_stored_once(
    open_shop: Any, server: ServerProcess
) -> None:
    widget = open_shop()
    page = widget.page
    page.route_web_socket(re.compile(r"/stream"), lambda socket: socket.close())
    keys: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the server stores the message...
            route.abort("connectionreset")  # ...but its answer never arrives
        else:
            route.continue_()

    page.route(MESSAGES_PATH, lose_the_first_answer)
    widget.send("did you get this?")
    expect(widget.messages("assistant")).to_have_count(1)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert widget.message_texts("you") == ["did you get this?"]
    state = widget.state()
    events = httpx.get(
        f"{server.url}/v1/conversations/{state['conversationId']}/events",
        headers={"Authorization": f"Bearer {state['token']}"},
    ).json()["events"]
    assert [e["text"] for e in events if e["source"] == "customer"] == ["did you get this?"]


def test_the_open_widget_fits_a_phone_screen(open_shop: Any, artifacts_dir: Any) -> None:
    widget = open_shop()
    widget.page.set_viewport_size({"width": 375, "height": 667})
    widget.send("hello from a phone")
    expect(widget.messages("assistant")).to_have_count(1)
    box = widget.panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 667
    for control in (widget.person, widget.input, widget.launcher):
        expect(control).to_be_in_viewport()
    widget.page.screenshot(path=str(artifacts_dir / "phone.png"))


def test_a_forged_identity_signature_chats_as_a_guest_and_says_so(
    page: Any, server: ServerProcess
) -> None:
    def forge(route: Any) -> None:
        response = route.fetch()
        body = re.sub(
            r'data-customer-signature="[0-9a-f]+"',
            f'data-customer-signature="{"0" * 64}"',
            response.text(),
        )
        route.fulfill(response=response, body=body)

    page.route(re.compile(r"/shop$"), forge)
    page.goto(f"{server.url}/shop")
    page.wait_for_function("window.relaydesk && window.relaydesk.version")
    page.locator(".rd-launcher").click()
    page.locator(".rd-composer textarea").fill("who am I?")
    page.locator(".rd-composer textarea").press("Enter")
    expect(page.locator(".rd-msg.rd-assistant")).to_have_count(1)
    expect(page.locator(".rd-notice")).to_have_text(
        "We could not confirm your sign-in, so you are chatting as a guest."
    )


def test_a_conversation_the_server_no_longer_knows_is_started_afresh(
    open_shop: Any, server: ServerProcess
) -> None:
    widget = open_shop()
    widget.page.evaluate(
        """url => localStorage.setItem('relaydesk:v1:' + url + ':cust-alice', JSON.stringify(
            {conversationId: 'conv-gone', token: 'stale', cursor: 7, open: true, outbox: []}))""",
        server.url,
    )
    widget.page.reload()
    widget.input.wait_for()
    widget.send("hello again")
    expect(widget.messages("assistant")).to_have_count(1)
    assert widget.message_texts("you") == ["hello again"]
    assert widget.state()["conversationId"] not in {None, "conv-gone"}


def test_a_message_written_while_a_reload_catches_up_on_a_forgotten_conversation_shows_once(
    open_shop: Any, server: ServerProcess
) -> None:
    widget = open_shop()
    page = widget.page
    page.evaluate(
        """url => localStorage.setItem('relaydesk:v1:' + url + ':cust-alice', JSON.stringify(
            {conversationId: 'conv-gone', token: 'stale', cursor: 7, open: true, outbox: []}))""",
        server.url,
    )
    catching_up: list[Any] = []
    posts: list[Any] = []
    starts: list[str] = []

    def note_start(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/v1/conversations"):
            starts.append(request.url)

    page.on("request", note_start)
    page.route(re.compile(r"/conv-gone/events"), lambda route: catching_up.append(route))
    page.route(MESSAGES_PATH, lambda route: posts.append(route))
    page.reload()
    widget.input.wait_for()
    wait_until_held(page, catching_up)
    widget.send("hello again")
    wait_until_held(page, posts)  # on its way to the forgotten conversation
    with page.expect_response(re.compile(r"/conv-gone/events")):
        catching_up[0].continue_()  # the catch-up learns first that it is forgotten
    page.wait_for_function("window.relaydesk.state().conversationId !== 'conv-gone'")
    page.unroute(MESSAGES_PATH)
    for post in posts:  # the late answer about the forgotten one must not start a third
        post.continue_()
    expect(widget.messages("assistant")).to_have_count(1)
    assert widget.message_texts("you") == ["hello again"]
    started = widget.state()["conversationId"]
    page.wait_for_timeout(500)  # anything still to come about the old conversation
    assert widget.state()["conversationId"] == started
    assert widget.message_texts("you") == ["hello again"]
    assert len(starts) == 1, "one new conversation, not one per late answer"


def test_an_answer_while_the_chat_is_closed_shows_on_the_launcher(open_shop: Any) -> None:
    widget = open_shop()
    widget.send("hello")
    expect(widget.messages("assistant")).to_have_count(1)
    expect(widget.launcher).not_to_contain_text("new")
    widget.page.evaluate("window.relaydesk.close()")
    state = widget.state()
    httpx.post(  # the same customer writes from another tab while this one is closed
        f"{widget.page.url.split('/shop')[0]}/v1/conversations/{state['conversationId']}/messages",
        json={"text": "from another tab"},
        headers={"Authorization": f"Bearer {state['token']}", "Idempotency-Key": "tab-1"},
    )
    expect(widget.launcher).to_contain_text("1 new")
    widget.launcher.click()
    expect(widget.launcher).not_to_contain_text("new")
