/* relaydesk dashboard: fetch the report with the console session and draw it with Chart.js. */
(function () {
  "use strict";

  const KEY_CARDS = [
    "conversations", "assistant_resolved_share", "handoff_rate", "repeat_inquiry_rate",
    "csat_assistant", "csat_human", "first_response_p50_s", "queue_wait_p50_s",
    "resolution_assistant_p50_s", "resolution_human_p50_s", "turn_latency_p50_ms",
    "turn_latency_p99_ms", "agent_handle_mean_s", "agent_utilisation", "sla_first_response_breach_rate",
    "sla_resolution_breach_rate", "approvals_requested",
    "approval_decision_p50_s", "agent_hours_saved", "fte_saved",
  ];
  const COLORS = {
    assistant: "#2f6fde", human: "#e07b2a", other: "#9aa5b1", p99: "#c23b3b", wait: "#4a9b5f",
  };
  const charts = {};
  const form = document.getElementById("filters");
  const statusLine = document.getElementById("status");

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function addDays(day, days) {
    const date = new Date(day + "T00:00:00Z");
    date.setUTCDate(date.getUTCDate() + days);
    return isoDay(date);
  }

  function query(explicitDates) {
    const params = new URLSearchParams();
    const data = new FormData(form);
    if (explicitDates) {
      params.set("since", data.get("since"));
      params.set("until", addDays(String(data.get("until")), 1));
    }
    for (const name of ["language", "channel", "intent"]) {
      const value = String(data.get(name) || "").trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function shown(metric) {
    const value = metric.value;
    if (value === null || value === undefined) return "–";
    if (metric.unit === "ratio") return (value * 100).toFixed(1) + " %";
    if (metric.unit === "s" && value < 1) return (value * 1000).toFixed(0) + " ms";
    if (metric.unit === "s") return value >= 120 ? (value / 60).toFixed(1) + " min" : value.toFixed(1) + " s";
    if (metric.unit === "ms") return value.toFixed(0) + " ms";
    if (metric.unit === "of 5") return value.toFixed(2) + " / 5";
    return String(value) + (metric.unit ? " " + metric.unit : "");
  }

  // Lower is better for times, latencies, hand-offs and repeats; higher for the rest.
  const LOWER_IS_BETTER = /(_s|_ms|handoff_rate|repeat_inquiry_rate|breach_rate)$/;
  const NEITHER = new Set(["conversations", "human_involved", "approvals_requested", "approvals_decided", "csat_assistant_ratings", "csat_human_ratings"]);

  function moved(key, previous) {
    const line = document.createElement("small");
    line.className = "change";
    line.dataset.testid = "change";
    const found = previous && previous.changes ? previous.changes[key] : null;
    if (!previous || !previous.filter) {
      line.textContent = "no earlier data to compare";
      return line;
    }
    if (!found) {
      line.textContent = "– vs previous period";
      return line;
    }
    const amount = found.points !== null ? found.points : found.relative;
    if (amount === null) {
      line.textContent = "new vs previous period";
      return line;
    }
    const unit = found.points !== null ? " pts" : " %";
    const arrow = amount > 0 ? "▲ +" : amount < 0 ? "▼ " : "= ";
    line.textContent = arrow + amount.toFixed(1) + unit + " vs previous period";
    const better = LOWER_IS_BETTER.test(key) ? amount < 0 : amount > 0;
    if (amount !== 0 && !NEITHER.has(key)) line.classList.add(better ? "better" : "worse");
    return line;
  }

  function renderCards(metrics, previous) {
    const byKey = Object.fromEntries(metrics.map((m) => [m.key, m]));
    const cards = document.getElementById("cards");
    cards.replaceChildren();
    for (const key of KEY_CARDS) {
      const metric = byKey[key];
      if (!metric) continue;
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.metric = key;
      const value = document.createElement("strong");
      value.textContent = shown(metric);
      const label = document.createElement("span");
      label.textContent = metric.label;
      card.append(value, label, moved(key, previous));
      cards.append(card);
    }
  }

  function column(table, name) {
    const index = table.columns.indexOf(name);
    return table.rows.map((row) => row[index]);
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new window.Chart(document.getElementById(id), config);
  }

  function minutes(values) {
    return values.map((v) => (v === null ? null : v / 60));
  }

  function renderCharts(report) {
    const daily = report.tables.daily;
    const days = column(daily, "day");
    const total = column(daily, "conversations");
    const resolved = column(daily, "assistant_resolved");
    const human = column(daily, "human_involved");
    const other = total.map((n, i) => n - resolved[i] - human[i]);
    draw("chart-volume", {
      type: "bar",
      data: { labels: days, datasets: [
        { label: "assistant-resolved", data: resolved, backgroundColor: COLORS.assistant },
        { label: "human-involved", data: human, backgroundColor: COLORS.human },
        { label: "other (open, abandoned, repeated)", data: other, backgroundColor: COLORS.other },
      ] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    const reasons = report.tables.handoff_reasons;
    draw("chart-reasons", {
      type: "bar",
      data: { labels: column(reasons, "reason"), datasets: [
        { label: "hand-offs", data: column(reasons, "hand_offs"), backgroundColor: COLORS.human },
      ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    });
    const value = (key) => (report.metrics.find((m) => m.key === key) || {}).value ?? null;
    draw("chart-resolution", {
      type: "bar",
      data: { labels: ["p50", "p90"], datasets: [
        { label: "assistant only", data: minutes([value("resolution_assistant_p50_s"), value("resolution_assistant_p90_s")]), backgroundColor: COLORS.assistant },
        { label: "human-involved", data: minutes([value("resolution_human_p50_s"), value("resolution_human_p90_s")]), backgroundColor: COLORS.human },
      ] },
    });
    const csat = report.tables.csat;
    draw("chart-csat", {
      type: "bar",
      data: { labels: column(csat, "score").map((s) => s + " ★"), datasets: [
        { label: "assistant", data: column(csat, "assistant"), backgroundColor: COLORS.assistant },
        { label: "human", data: column(csat, "human"), backgroundColor: COLORS.human },
      ] },
    });
    draw("chart-latency", {
      type: "line",
      data: { labels: days, datasets: [
        { label: "p50", data: column(daily, "turn_p50_ms"), borderColor: COLORS.assistant, backgroundColor: COLORS.assistant },
        { label: "p99", data: column(daily, "turn_p99_ms"), borderColor: COLORS.p99, backgroundColor: COLORS.p99 },
      ] },
      options: { scales: { y: { beginAtZero: true } } },
    });
    draw("chart-wait", {
      type: "line",
      data: { labels: days, datasets: [
        { label: "queue wait p50", data: minutes(column(daily, "queue_wait_p50_s")), borderColor: COLORS.wait, backgroundColor: COLORS.wait, spanGaps: true },
      ] },
      options: { scales: { y: { beginAtZero: true } } },
    });
  }

  function renderTable(id, table) {
    const element = document.getElementById(id);
    const head = document.createElement("tr");
    for (const name of table.columns) {
      const th = document.createElement("th");
      th.textContent = name.replace(/_pct$/, " %").replaceAll("_", " ");
      head.append(th);
    }
    const rows = table.rows.map((row) => {
      const tr = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        td.textContent = cell === null ? "–" : String(cell);
        tr.append(td);
      }
      return tr;
    });
    element.replaceChildren(head, ...rows);
  }

  // A gap against the previous period, worded as `relaydesk report` does: "rising, 2 before".
  function trendLabel(gap) {
    if (gap.previous === null || gap.previous === undefined) return null;
    const before = gap.previous + " before";
    return gap.emerging ? gap.emerging + ", " + before : before;
  }

  function renderInsight(insight) {
    if (!insight || !insight.knowledge_gaps) return;
    document.getElementById("gaps-total").textContent = "(" + insight.unanswered + " messages)";
    renderTable("table-gaps", {
      columns: ["questions", "like", "other examples", "languages", "why", "status", "previous period", ""],
      rows: insight.knowledge_gaps.slice(0, 20).map((gap) => [
        gap.count, gap.label,
        gap.examples.filter((e) => e !== gap.label).join(" · ") || null,
        Object.entries(gap.languages).map(([k, v]) => k + " " + v).join(", "),
        Object.entries(gap.why).map(([k, v]) => k.replaceAll("_", " ") + " " + v).join(", "),
        gap.closed_by ? "closed: now answered by “" + gap.closed_by.title + "”" : "open",
        trendLabel(gap),
      ]),
    });
    document.getElementById("emerging-test").textContent = "Emerging: " + insight.emerging_test + ".";
    document.querySelectorAll("#table-gaps tr").forEach((row, index) => {
      const gap = insight.knowledge_gaps[index - 1];
      if (!gap) return;
      if (gap.emerging) row.classList.add("gap-emerging");
      if (gap.closed_by) {
        row.classList.add("gap-closed");
        row.append(document.createElement("td"));
        return;
      }
      const language = Object.keys(gap.languages)[0] || "en";
      const params = new URLSearchParams({ question: gap.label, language: language === "?" ? "en" : language });
      gap.examples.forEach((example) => params.append("example", example));
      const cell = document.createElement("td");
      const link = document.createElement("a");
      link.href = "/v1/dashboard/article-draft?" + params;
      link.textContent = "Write an article";
      cell.append(link);
      row.append(cell);
    });
    const spiking = new Set(insight.spikes.map((s) => s.intent));
    renderTable("table-reasons", {
      columns: ["intent", "contacts", "previous period", "change_pct", "spike"],
      rows: insight.contact_reasons.map((r) => [
        r.intent, r.count, r.previous, r.change_pct, spiking.has(r.intent) ? "spike" : "",
      ]),
    });
    const list = document.getElementById("spikes");
    list.replaceChildren(...insight.spikes.map((s) => {
      const item = document.createElement("li");
      item.textContent = "Spike: " + s.intent.replaceAll("_", " ") + " on " + s.day + ", " +
        s.observed + " contacts, " + s.expected + " expected (p = " + s.p_value + ")";
      return item;
    }));
    document.getElementById("spike-test").textContent = "Spikes: " + insight.spike_test + ".";
  }

  function fillChoices(select, values) {
    const current = select.value;
    select.replaceChildren(new Option("all", ""), ...values.map((v) => new Option(v, v)));
    select.value = current;
  }

  function renderFilters(report) {
    fillChoices(form.elements.language, report.choices.languages);
    fillChoices(form.elements.channel, report.choices.channels);
    const intents = document.getElementById("intents");
    intents.replaceChildren(...column(report.tables.intents, "intent").map((i) => new Option(i)));
    const formulas = document.getElementById("formulas");
    formulas.replaceChildren(...Object.entries(report.formulas).flatMap(([name, text]) => {
      const dt = document.createElement("dt");
      dt.textContent = name.replaceAll("_", " ");
      const dd = document.createElement("dd");
      dd.textContent = "= " + text;
      return [dt, dd];
    }));
  }

  async function load(explicitDates) {
    const params = query(explicitDates);
    statusLine.textContent = "Loading...";
    document.body.dataset.ready = "false";
    const response = await fetch("/v1/dashboard/report?" + params, { credentials: "same-origin" });
    const body = await response.json();
    if (!response.ok) {
      statusLine.textContent = body.message || "The report could not be loaded.";
      return;
    }
    const f = body.filter;
    const when = (iso) => iso.slice(0, 16).replace("T", " ");
    const before = body.previous && body.previous.filter;
    statusLine.textContent = "From " + when(f.since) + " to " + when(f.until) + " UTC" +
      (before ? "; compared with " + when(before.since) + " to " + when(before.until) : "; no earlier data to compare");
    renderCards(body.metrics, body.previous);
    renderCharts(body);
    for (const name of ["languages", "intents", "agents", "model"]) renderTable("table-" + name, body.tables[name]);
    const modelCalled = body.tables.model.rows.length > 0;
    document.getElementById("table-model").hidden = !modelCalled;
    document.getElementById("model-off").hidden = modelCalled;
    renderInsight(body.insight);
    renderFilters(body);
    document.body.dataset.ready = "true";
  }

  function exportLinks() {
    for (const link of form.querySelectorAll(".export a")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const params = query(true);
        params.set("table", link.dataset.table);
        window.location.href = "/v1/dashboard/report.csv?" + params;
      });
    }
  }

  const today = isoDay(new Date());
  form.elements.until.value = today;
  form.elements.since.value = addDays(today, -7);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load(true);
  });
  exportLinks();
  load(false);
})();
