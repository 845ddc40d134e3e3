"""The operator dashboard in chromium, after a simulated week of traffic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.simulated import AGENT_EMAIL, PASSWORD, SUPERVISOR_EMAIL, SimulatedServer
from analytics.simulated import simulated_server as start_simulated_server

pytestmark = pytest.mark.browser

CHART_POINTS = """
() => Object.values(Chart.instances).map((chart) => ({
  id: chart.canvas.id,
  points: chart.data.datasets.reduce(
    (n, d) => n + d.data.filter((v) => v !== null && v !== 0).length, 0),
}))
"""


@pytest.fixture(scope="module")
def simulated(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedServer]:
    """A server filled by a small simulation (the browser fixture skips without chromium)."""
    # Fourteen extra customers ask about fees on the last day; eight ask whether crypto
    # currency is accepted, which the demo company's articles do not cover.
    dashboard_dir = tmp_path_factory.mktemp("dashboard")
    # A resolution target of 10 minutes, so some simulated conversations meet it, some not.
    resolution = {"RELAYDESK_SLA_RESOLUTION_MINUTES": "10"}
    with start_simulated_server(
        dashboard_dir, spike=14, unanswered=8, env=resolution
    ) as running:
        yield running


def _sign_in(page: Any, server: SimulatedServer, email: str) -> None:
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/console")


def _open_dashboard(page: Any, server: SimulatedServer) -> None:
    _sign_in(page, server, SUPERVISOR_EMAIL)
    page.goto(f"{server.url}/dashboard")
    page.wait_for_selector("body[data-ready=true]")


def test_after_a_simulation_the_dashboard_draws_every_chart_with_data(
    page: Any, simulated: SimulatedServer, artifacts_dir: Path
) -> None:
    problems: list[str] = []

    def console_error(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def failed_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", console_error)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", failed_response)
    _open_dashboard(page, simulated)
    charts = page.evaluate(CHART_POINTS)
    assert {chart["id"] for chart in charts} == {
        "chart-volume", "chart-reasons", "chart-resolution", "chart-csat", "chart-latency",
        "chart-wait",
    }  # fmt: skip
    assert all(chart["points"] > 0 for chart in charts), charts
    conversations = page.locator(".card[data-metric=conversations] strong").inner_text()
    per_day = page.evaluate(
        "() => Chart.getChart('chart-volume').data.datasets"
        ".reduce((n, d) => n + d.data.reduce((a, b) => a + b, 0), 0)"
    )
    assert int(conversations) == per_day  # the card and the chart agree
    assert int(conversations) >= 30  # most of the 40 simulated customers are in the week
    assert page.locator("#table-languages tr").count() > 2
    assert problems == []  # no script errors and no content-security-policy refusals
    page.screenshot(path=str(artifacts_dir / "dashboard-after-simulation.png"), full_page=True)


def test_the_date_filter_narrows_the_dashboard_to_the_chosen_days(
    page: Any, simulated: SimulatedServer
) -> None:
    _open_dashboard(page, simulated)
    card = page.locator(".card[data-metric=conversations] strong")
    everything = int(card.inner_text())
    until = page.input_value("input[name=until]")
    page.fill("input[name=since]", until)  # only today: the simulated week ended earlier
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function(
        "([before]) => document.querySelector('.card[data-metric=conversations] strong')"
        ".textContent !== String(before)",
        arg=[everything],
    )
    assert int(card.inner_text()) < everything
    assert until in page.inner_text("#status")


def test_an_agent_who_is_not_a_supervisor_is_told_the_dashboard_is_not_theirs(
    page: Any, simulated: SimulatedServer
) -> None:
    _sign_in(page, simulated, AGENT_EMAIL)
    response = page.goto(f"{simulated.url}/dashboard")
    assert response.status == 403
    assert "supervisors and admins" in page.inner_text("main")


def test_every_number_shows_its_change_and_tables_show_percentages(
    page: Any, simulated: SimulatedServer, artifacts_dir: Path
) -> None:
    _open_dashboard(page, simulated)
    until = page.input_value("input[name=until]")
    since = page.evaluate(
        "(day) => { const d = new Date(day + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - 3);"
        " return d.toISOString().slice(0, 10); }",
        until,
    )
    page.fill("input[name=since]", since)  # the simulated week has days before this one too
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.includes('compared')"
    )
    changes = page.locator(".card [data-testid=change]")
    assert changes.count() == page.locator(".card").count() > 10
    assert "vs previous period" in changes.first.inner_text()
    assert page.locator(".card[data-metric=agent_utilisation] strong").inner_text().endswith("%")
    headers = page.locator("#table-languages th").all_inner_texts()
    assert "assistant resolved %" in headers and "hand off %" in headers
    cells = page.locator("#table-languages tr").nth(1).locator("td").all_inner_texts()
    shares = [float(cell) for cell in cells[2:4]]
    assert all(0 <= value <= 100 for value in shares) and any(value > 1 for value in shares)
    page.screenshot(path=str(artifacts_dir / "dashboard-compared.png"), full_page=True)


def test_the_dashboard_says_what_to_fix_next(
    page: Any, simulated: SimulatedServer, artifacts_dir: Path
) -> None:
    _open_dashboard(page, simulated)
    reasons = page.get_by_test_id("contact-reasons")
    assert reasons.locator("tr").count() > 2  # header plus the simulated intents
    assert "intent" in reasons.locator("th").first.inner_text()
    gaps = page.get_by_test_id("knowledge-gaps")
    assert gaps.locator("th").count() == 8
    rows = [row.locator("td").all_inner_texts() for row in gaps.locator("tr").all()[1:]]
    statuses = [row[5] for row in rows]
    assert statuses == sorted(statuses, key=lambda status: status != "open"), statuses
    # No article of the demo company answers paying in crypto currency: one open gap.
    index, biggest = next(
        (i, row) for i, row in enumerate(rows, start=1) if re.search("crypto", row[1], re.I)
    )
    assert int(biggest[0]) >= 4 and biggest[5] == "open", rows
    # The simulated week is all the data: no previous period to call a topic new against.
    assert biggest[6] == "\u2013", rows  # the dash of an empty cell
    assert "no previous period" in page.inner_text("#emerging-test")
    draft = gaps.locator("tr").nth(index).get_by_role("link", name="Write an article")
    with page.expect_download() as downloading:
        draft.click()
    written = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert written.startswith("---\nid: ") and biggest[1] in written and "url: /help/" in written
    spikes = page.get_by_test_id("spikes").inner_text()
    assert "Spike: explain fee" in spikes, spikes
    assert "Poisson" in page.inner_text("#spike-test")
    page.locator(".insight").screenshot(path=str(artifacts_dir / "dashboard-what-to-fix.png"))


def test_the_resolution_sla_breach_rate_is_a_headline_number(
    page: Any, simulated: SimulatedServer
) -> None:
    with page.expect_response(lambda r: "/v1/dashboard/report?" in r.url) as loading:
        _open_dashboard(page, simulated)
    metrics = {metric["key"]: metric for metric in loading.value.json()["metrics"]}
    rate = metrics["sla_resolution_breach_rate"]["value"]
    assert 0 < rate < 1  # the simulated people need about 9 minutes, some longer than 10
    card = page.locator(".card[data-metric=sla_resolution_breach_rate]")
    assert card.locator("span").inner_text() == "Resolutions with a person later than the SLA"
    assert card.locator("strong").inner_text() == page.evaluate(
        "(rate) => (rate * 100).toFixed(1) + ' %'", rate
    )
    assert card.get_by_test_id("change").count() == 1  # its change, as every headline number
