"""The console as an agent works in it, in real chromium against the demo pack's assistant:
a list that says who waits and why with a running SLA clock, keyboard navigation, the
customer's account as cards, and operations run from forms generated from their schemas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import start_assistant_server
from support.routes import wait_until_held
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

# First-response and resolution targets of 1.2 s: both break while the test watches.
SLA_ENV = {
    "RELAYDESK_SLA_FIRST_RESPONSE_MINUTES": "0.02",
    "RELAYDESK_SLA_REPLY_MINUTES": "10",
    "RELAYDESK_SLA_RESOLUTION_MINUTES": "0.02",
}


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Its own server, so no other test's agent is handed these conversations."""
    process = start_assistant_server(tmp_path_factory.mktemp("workspace-server"), SLA_ENV)
    yield process
    process.stop()


def alice_waits_for_a_person(open_shop_at: Any, server: ServerProcess) -> str:
    widget = open_shop_at(server)
    widget.ask_for_a_person("When is my next payment due?")
    conversation_id: str = widget.state()["conversationId"]
    return conversation_id


def test_the_list_says_who_waits_why_and_for_how_long_and_warns_when_the_sla_breaks(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    conversation_id = alice_waits_for_a_person(open_shop_at, desk_server)
    console = agent_console(desk_server, "Tove Lind")

    row = console.locator(f'tr[data-conversation="{conversation_id}"]')
    expect(row.get_by_test_id("customer-name")).to_have_text("Alice Andersson")
    expect(row.get_by_test_id("language")).to_have_text("en")
    expect(row.get_by_test_id("why")).to_contain_text("next payment")
    expect(row.get_by_test_id("waiting")).to_contain_text(" s")
    expect(row.get_by_test_id("sla")).to_contain_text("late by")  # 1.2 s target
    expect(row).to_have_class(re.compile(r"\bsla-breached\b"))
    # Open longer than the resolution target: warned in the Open column (the list refreshes).
    expect(row.get_by_test_id("resolution-late")).to_have_text(
        "past the 1 s resolution target", timeout=10_000
    )
    expect(row).to_have_class(re.compile(r"\bresolution-breached\b"))
    expect(row.get_by_test_id("open-for")).to_contain_text(" s")
    console.screenshot(path=str(artifacts_dir / "console-list.png"), full_page=True)

    console.locator("body").press("j")
    expect(row).to_have_attribute("aria-selected", "true")
    console.keyboard.press("Enter")
    console.wait_for_url(f"**/console/conversations/{conversation_id}")


def test_the_customer_panel_shows_the_account_as_cards_not_json(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    conversation_id = alice_waits_for_a_person(open_shop_at, desk_server)
    console = agent_console(desk_server, "Omar Haddad")
    console.goto(f"{desk_server.url}/console/conversations/{conversation_id}")

    panel = console.get_by_test_id("customer")
    orders = panel.locator(".result-card", has=console.locator("h3", has_text="Orders"))
    expect(orders.locator("caption")).to_have_text("Orders")
    expect(orders.locator("table")).to_contain_text("ORD-100004")
    expect(orders.locator("table")).to_contain_text("1,249.00 EUR")
    expect(panel.locator("h3", has_text="Next payment")).to_be_visible()
    expect(panel.locator("h3", has_text="Payment methods")).to_be_visible()
    assert panel.locator("pre").count() == 0
    assert "{" not in panel.inner_text()
    panel.screenshot(path=str(artifacts_dir / "console-customer-cards.png"))


def claimed_by_a_new_agent(
    open_shop_at: Any, server: ServerProcess, agent_console: Any, name: str
) -> tuple[Any, str]:
    conversation_id = alice_waits_for_a_person(open_shop_at, server)
    console = agent_console(server, name)
    console.goto(f"{server.url}/console/conversations/{conversation_id}")
    console.get_by_role("button", name="Claim this conversation").click()
    expect(console.get_by_test_id("owner")).to_have_text("agent")
    return console, conversation_id


def test_an_operation_opens_a_form_from_its_schema_and_its_result_shows_as_a_card(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    console, _ = claimed_by_a_new_agent(open_shop_at, desk_server, agent_console, "Ines Kahn")
    operation = console.locator('details[data-tool="postpone_payment"]')
    operation.locator("summary").click()
    operation.get_by_label("Order ID").fill("ORD-100001")
    operation.get_by_label("Days").fill("7")
    expect(operation.get_by_label("New due on")).to_have_attribute("type", "date")
    console.screenshot(path=str(artifacts_dir / "console-operation-form.png"), full_page=True)
    operation.get_by_role("button", name="Run").click()

    expect(console.locator(".notice")).to_have_text("Postpone payment: done.")
    result = console.locator("#transcript .source-agent.kind-tool_result").last
    expect(result.locator(".result-card")).to_contain_text("New due on")
    expect(result.locator(".result-card")).to_contain_text("ORD-100001")


def test_a_refund_above_the_agents_limit_waits_for_a_supervisor_not_the_agent(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any
) -> None:
    console, _ = claimed_by_a_new_agent(open_shop_at, desk_server, agent_console, "Lea Roth")
    operation = console.locator('details[data-tool="request_refund"]')
    operation.locator("summary").click()
    operation.get_by_label("Order ID").fill("ORD-100004")
    operation.get_by_label("Amount").fill("1249")
    operation.get_by_label("Reason").select_option("goodwill")
    operation.get_by_role("button", name="Run").click()

    expect(console.locator(".notice")).to_contain_text("needs a supervisor's approval")
    pending = console.locator(".approval.status-pending")
    expect(pending).to_contain_text("asked by Lea Roth")
    pending.get_by_role("button", name="Approve").click()
    expect(console.locator(".notice")).to_contain_text("A supervisor other than the requester")
    expect(console.locator(".approval.status-pending")).to_have_count(1)


def supervisor_console(browser: Any, server: ServerProcess, name: str) -> Any:
    """A supervisor signed in to the console in a browser context of their own."""
    import secrets

    from browser.conftest import CONSOLE_PASSWORD, server_database_url
    from relaydesk.desk.agents import AgentDesk
    from relaydesk.domain.agents import Role
    from relaydesk.store.agents import AgentStore
    from relaydesk.store.engine import make_engine

    email = f"{name.split()[0].lower()}.{secrets.token_hex(3)}@example.com"
    engine = make_engine(server_database_url(server))
    try:
        AgentDesk(AgentStore(engine), "unused").add_agent(
            email=email, display_name=name, password=CONSOLE_PASSWORD, role=Role.SUPERVISOR
        )
    finally:
        engine.dispose()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(CONSOLE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/console")
    return page


def test_a_supervisor_writes_a_canned_response_and_an_agent_inserts_it_by_typing_a_slash(
    open_shop_at: Any,
    desk_server: ServerProcess,
    browser: Any,
    agent_console: Any,
    artifacts_dir: Path,
) -> None:
    boss = supervisor_console(browser, desk_server, "Sam Berg")
    boss.get_by_role("link", name="Canned responses").click()
    boss.get_by_label("Shortcut").fill("looking")
    boss.get_by_label("Language").fill("en")
    boss.get_by_label("Title").fill("Looking into it")
    boss.get_by_label("Text").fill("Hi {first_name}, {agent_name} here: checking {order_id} now.")
    boss.get_by_role("button", name="Save").click()
    expect(boss.get_by_test_id("canned-list")).to_contain_text("/looking")
    boss.get_by_label("Shortcut").fill("typo")
    boss.get_by_label("Language").fill("en")
    boss.get_by_label("Title").fill("Broken")
    boss.get_by_label("Text").fill("Hi {email}")
    boss.get_by_role("button", name="Save").click()
    expect(boss.locator(".notice")).to_contain_text("Unknown variable {email}")
    boss.screenshot(path=str(artifacts_dir / "console-canned-responses.png"), full_page=True)
    boss.context.close()

    widget = open_shop_at(desk_server)
    widget.ask_for_a_person("Where is my refund for ORD-100002?")
    conversation_id = widget.state()["conversationId"]
    console = agent_console(desk_server, "Noor Amin")
    console.goto(f"{desk_server.url}/console/conversations/{conversation_id}")
    console.get_by_role("button", name="Claim this conversation").click()
    box = console.get_by_label("Reply to the customer")
    box.press_sequentially("/look")
    menu = console.get_by_role("listbox", name="Canned responses")
    expect(menu).to_contain_text("/looking · Looking into it")
    console.screenshot(path=str(artifacts_dir / "console-canned-menu.png"), full_page=True)
    box.press("Enter")
    expect(box).to_have_value("Hi Alice, Noor here: checking ORD-100002 now.")
    expect(menu).to_be_hidden()
    console.get_by_role("button", name="Send reply").click()
    expect(widget.messages("agent").last).to_contain_text("checking ORD-100002 now")


def test_a_canned_list_that_arrives_after_the_shortcut_was_erased_opens_no_menu(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any
) -> None:
    console, _conversation_id = claimed_by_a_new_agent(
        open_shop_at, desk_server, agent_console, "Ida Holm"
    )
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    console.route(re.compile(r"/canned-responses$"), hold)
    box = console.get_by_label("Reply to the customer")
    box.press_sequentially("/look")
    wait_until_held(console, held)
    box.fill("On it")  # the shortcut is gone before the list arrives
    listed = [{"shortcut": "looking", "title": "Looking into it", "text": "Hi there"}]
    for route in held:
        route.fulfill(json=listed)
    console.wait_for_timeout(300)  # the list's answer is handled
    expect(console.get_by_role("listbox", name="Canned responses")).to_be_hidden()
    assert len(held) == 1, "one request for the list, however fast one types"
    expect(box).to_have_value("On it")


def test_a_supervisor_manages_the_team_in_the_web_and_assigns_a_waiting_customer_by_hand(
    open_shop_at: Any, desk_server: ServerProcess, browser: Any, artifacts_dir: Path
) -> None:
    conversation_id = alice_waits_for_a_person(open_shop_at, desk_server)
    boss = supervisor_console(browser, desk_server, "Rut Holm")
    boss.get_by_role("link", name="Team").click()
    boss.get_by_label("Name").fill("Pia Lund")
    boss.get_by_label("Email").fill("pia.lund@example.com")
    boss.get_by_label("First password").fill("pia's first password")
    boss.get_by_label("Skills", exact=True).fill("payments, fraud")
    boss.get_by_label("Languages", exact=True).fill("en sv")
    boss.get_by_role("button", name="Add").click()
    pia = boss.locator('tr[data-agent="pia.lund@example.com"]')
    expect(pia.get_by_label("Skills of Pia Lund")).to_have_value("fraud, payments")
    expect(pia.get_by_label("Languages of Pia Lund")).to_have_value("en, sv")
    assert boss.locator("select[name=role] option").all_text_contents() == ["agent"]

    pia.get_by_label("Capacity of Pia Lund").fill("5")
    pia.get_by_role("button", name="Save").click()
    expect(pia.get_by_label("Capacity of Pia Lund")).to_have_value("5")
    boss.screenshot(path=str(artifacts_dir / "console-team.png"), full_page=True)

    boss.get_by_role("link", name="relaydesk").click()
    row = boss.locator(f'tr[data-conversation="{conversation_id}"]')
    row.get_by_label("Assign to").select_option(label="Pia Lund (offline, 0/5)")
    row.get_by_role("button", name="Assign").click()
    expect(row).to_have_count(0)

    boss.get_by_role("link", name="Team").click()
    expect(pia.locator("td").nth(3)).to_have_text("1 / 5")
    pia.get_by_role("button", name="Disable").click()
    expect(pia).to_have_class("inactive")
    boss.context.close()


def test_a_suggested_article_becomes_an_editable_draft_and_the_fitting_operation_opens(
    open_shop_at: Any, desk_server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    console, _ = claimed_by_a_new_agent(open_shop_at, desk_server, agent_console, "Eva Brandt")
    suggestions = console.get_by_test_id("suggestions")
    expect(suggestions).to_contain_text("Next payment")
    console.screenshot(path=str(artifacts_dir / "console-suggestions.png"), full_page=True)
    first = suggestions.locator(".use-draft").first
    draft = first.get_attribute("data-draft")
    assert draft and "/help/" in draft
    first.click()
    box = console.get_by_label("Reply to the customer")
    expect(box).to_have_value(draft)
    expect(box).to_be_focused()

    suggestions.get_by_role("button", name="Open the form").click()
    expect(console.locator('details[data-tool="next_payment"]')).to_have_attribute("open", "")
