// The console's only script: live transcript over the agent socket, replies over it,
// heartbeats, and refreshing the queue panel in place. No build step, no framework.
"use strict";

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : null;
  const TYPING_EVERY_MS = 3000;

  function heartbeat() {
    if (!csrf) return;
    fetch("/v1/agent/heartbeat", {
      method: "POST",
      headers: { "X-CSRF-Token": csrf },
      credentials: "same-origin",
    }).catch(function () { /* the next beat retries */ });
  }

  function refreshPanel(panel) {
    const focused = document.activeElement;
    if (panel.contains(focused) && focused.matches("select, input, textarea")) return;  // mid-choice
    fetch(panel.dataset.refresh, { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/console/login"); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || html === undefined) return;
        const hadFocus = panel.contains(document.activeElement);
        panel.innerHTML = html;
        tickClocks(panel);
        markSelected(panel, hadFocus);
      })
      .catch(function () { /* try again on the next round */ });
  }

  // --- the lists: live waiting times and SLA timers, keyboard navigation ---

  function duration(seconds) {
    const whole = Math.max(0, Math.floor(seconds));
    if (whole < 60) return whole + " s";
    const pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (whole < 3600) return Math.floor(whole / 60) + " min " + pad(whole % 60) + " s";
    return Math.floor(whole / 3600) + " h " + pad(Math.floor((whole % 3600) / 60)) + " min";
  }

  function tickClocks(root) {
    const now = Date.now();
    root.querySelectorAll("td.waiting[data-since]").forEach(function (cell) {
      cell.textContent = duration((now - Date.parse(cell.dataset.since)) / 1000);
    });
    root.querySelectorAll("td.sla[data-due]").forEach(function (cell) {
      const left = (Date.parse(cell.dataset.due) - now) / 1000;
      cell.textContent = left >= 0 ? duration(left) + " left" : "late by " + duration(-left);
      const row = cell.closest("tr");
      if (!row) return;
      row.classList.toggle("sla-breached", left < 0);
      if (left < 0) row.classList.remove("sla-soon", "sla-ok");
    });
  }

  let selectedConversation = null;

  function rows(panel) { return Array.prototype.slice.call(panel.querySelectorAll("tr.work-row")); }

  function markSelected(panel, focus) {
    const all = rows(panel);
    let chosen = all.find(function (row) { return row.dataset.conversation === selectedConversation; });
    all.forEach(function (row) { row.classList.remove("selected"); row.setAttribute("aria-selected", "false"); });
    if (!chosen) return;
    chosen.classList.add("selected");
    chosen.setAttribute("aria-selected", "true");
    if (focus) chosen.focus();
  }

  function navigate(panel, pressed) {
    const target = pressed.target;
    if (pressed.ctrlKey || pressed.metaKey || pressed.altKey) return;
    if (target.closest && target.closest("input, textarea, select")) return;
    const all = rows(panel);
    if (!all.length) return;
    let index = all.findIndex(function (row) { return row.dataset.conversation === selectedConversation; });
    const key = pressed.key;
    if (key === "j" || key === "ArrowDown") index = Math.min(all.length - 1, index + 1);
    else if (key === "k" || key === "ArrowUp") index = Math.max(0, index < 0 ? 0 : index - 1);
    else if (key === "Enter" && index >= 0 && target.tagName !== "BUTTON" && target.tagName !== "A") {
      pressed.preventDefault();
      window.location.assign(all[index].dataset.href);
      return;
    } else if (key === "c" && index >= 0) {
      const claim = all[index].querySelector("form button");
      if (claim) { pressed.preventDefault(); claim.click(); }
      return;
    } else return;
    pressed.preventDefault();
    selectedConversation = all[index].dataset.conversation;
    markSelected(panel, true);
  }

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function describe(event) {
    const data = event.data || {};
    switch (event.kind) {
      case "message": return text(event.text);
      case "note": return "Note: " + text(event.text);
      case "owner_changed":
        return text(data.transition).replace(/_/g, " ") +
          (data.reason ? " (" + text(data.reason).replace(/_/g, " ") + ")" : "") +
          (event.text ? ": " + event.text : "");
      case "approval":
        return text(data.summary || data.tool) + ": " + text(data.status) +
          (data.reason ? " (" + data.reason + ")" : "");
      case "translation":
        return "translation of message " + text((data.translation || {}).of_seq) + ": " +
          text(((data.llm || [])[0] || {}).outcome || "?");
      case "handoff_note":
        return "model's hand-off note: " + text(((data.llm || [])[0] || {}).outcome || "?");
      case "csat_rating":
        return "rated " + text(data.csat) + " of 5" + (data.comment ? ": " + data.comment : "");
      case "assistant_turn":
        return "understood: " + text(data.intent || "?") + " (" + text(data.confidence || 0) +
          "), frustration " + text(data.frustration || 0);
      default:
        return event.kind.replace(/_/g, " ") + " " + text(data.tool) +
          (data.status ? ": " + data.status : "");
    }
  }

  function renderEvent(event) {
    const item = document.createElement("li");
    item.className = "event kind-" + event.kind + " source-" + event.source;
    item.dataset.seq = event.seq;
    const meta = document.createElement("span");
    meta.className = "meta";
    const agentName = event.data && event.data.agent_name ? " · " + event.data.agent_name : "";
    meta.textContent = event.source + agentName + " · " + new Date(event.created_at).toLocaleTimeString();
    let body;
    if (event.kind === "tool_result") {
      body = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = text(event.data.tool) + ": " + text(event.data.status) +
        (event.data.error ? " (" + event.data.error + ")" : "");
      const detail = document.createElement("pre");
      detail.textContent = JSON.stringify(
        { params: event.data.params, result: event.data.result, decision: event.data.decision },
        null, 2);
      body.append(summary, detail);
    } else {
      body = document.createElement("span");
      body.textContent = describe(event);  // textContent: customer text is never HTML
    }
    body.className = "text";
    item.append(meta, body);
    return item;
  }

  function followConversation(root) {
    const transcript = document.getElementById("transcript");
    const live = document.getElementById("live");
    const form = document.getElementById("reply-form");
    let cursor = Number(root.dataset.after || 0);
    let socket = null;
    let delay = 500;

    function showStale() {
      // The actions on this page were rendered for the previous owner or approvals.
      if (document.getElementById("stale")) return;
      const bar = document.createElement("p");
      bar.id = "stale";
      bar.className = "notice";
      bar.setAttribute("role", "status");
      bar.textContent = "This conversation changed. ";
      const reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload";
      reload.addEventListener("click", function () { window.location.reload(); });
      bar.append(reload);
      root.prepend(bar);
    }

    // With translation on, a new customer message is translated for the agent; the
    // translation comes back on this socket and is shown under the message it translates.
    function line(testid, className, words) {
      const span = document.createElement("span");
      span.className = className;
      if (testid) span.dataset.testid = testid;
      span.textContent = words;
      return span;
    }

    function translated(event) {
      if (!root.dataset.translate) return;
      const data = event.data || {};
      const item = transcript.querySelector('li[data-seq="' + event.seq + '"]');
      if (event.kind === "message" && event.source === "agent" && item) {
        if (data.original) {
          item.append(line("written-as", "translation", "Written as (" +
            text(data.original.language) + "): " + text(data.original.text)));
        } else if (data.translation_failed) {
          item.append(line(null, "translation failed",
            "Sent as written: the translation failed (" + text(data.translation_failed) + ")"));
        }
      } else if (event.kind === "message" && event.source === "customer") {
        const url = "/console/conversations/" + encodeURIComponent(root.dataset.conversation) + "/translate";
        fetch(url, { method: "POST", credentials: "same-origin",
          body: new URLSearchParams({ csrf_token: root.dataset.csrf }) });
      } else if (event.kind === "translation" && data.translation && data.translation.text) {
        const message = transcript.querySelector('li[data-seq="' + data.translation.of_seq + '"]');
        if (!message) return;
        const shown = line("translation", "translation", "Translated (" +
          text(data.translation.from) + " → " + text(data.translation.to) + "): " +
          text(data.translation.text));
        shown.lang = text(data.translation.to);
        message.append(shown);
      }
    }

    function connect() {
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      const url = scheme + window.location.host + "/v1/agent/conversations/" +
        encodeURIComponent(root.dataset.conversation) + "/stream?after=" + cursor;
      socket = new WebSocket(url);
      socket.onopen = function () { delay = 500; live.classList.add("on"); };
      socket.onclose = function () {
        live.classList.remove("on");
        socket = null;
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10000);
      };
      socket.onmessage = function (message) {
        const frame = JSON.parse(message.data);
        if (frame.type === "ping") {  // the server's heartbeat: an answer keeps the socket
          socket.send('{"type":"pong"}');
        } else if (frame.type === "event" && frame.event.seq > cursor) {
          cursor = frame.event.seq;
          transcript.append(renderEvent(frame.event));
          translated(frame.event);
          transcript.scrollTop = transcript.scrollHeight;
          const changed = frame.event.kind === "owner_changed" ||
            (frame.event.kind === "approval" && frame.event.data.status === "pending");
          if (changed) showStale();
        } else if (frame.type === "error") {
          window.alert(frame.message);
        }
      };
    }

    // While the agent writes, the customer sees "<name> is typing…": one signal every few
    // seconds at most, and only from the agent holding the conversation.
    let lastTyping = 0;
    function typing(box) {
      const now = Date.now();
      if (root.dataset.mine !== "true" || !box.value.trim() || now - lastTyping < TYPING_EVERY_MS) return;
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      lastTyping = now;
      socket.send(JSON.stringify({ type: "typing" }));
    }

    if (form) {
      const replyBox = form.querySelector("textarea");
      replyBox.addEventListener("input", function () { typing(replyBox); });
      replyBox.addEventListener("keydown", function (pressed) {
        if (pressed.key === "Enter" && (pressed.ctrlKey || pressed.metaKey)) form.requestSubmit();
      });
      form.addEventListener("submit", function (submitted) {
        const box = form.querySelector("textarea");
        if (!socket || socket.readyState !== WebSocket.OPEN || !box.value.trim()) return;
        submitted.preventDefault();
        const key = "console-" + Date.now() + "-" + Math.random().toString(16).slice(2);
        socket.send(JSON.stringify({ type: "message", text: box.value, idempotency_key: key }));
        box.value = "";
        lastTyping = 0;
      });
    }
    connect();
  }

  // Canned responses: "/" at the start of a word opens the list, filtered as one types;
  // arrows move, Enter or Tab inserts the filled-in text in place of "/shortcut", Escape closes.
  function cannedResponses(box) {
    const menu = document.getElementById("canned-menu");
    if (!menu || !box.dataset.canned) return;
    let loading = null; // one request for the list, however fast one types
    let shown = [];
    let active = 0;

    function load() {
      if (loading === null) {
        loading = fetch(box.dataset.canned, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .catch(function () { loading = null; return []; }); // asked again on the next key
      }
      return loading;
    }

    function typedShortcut() {
      const before = box.value.slice(0, box.selectionStart);
      const found = /(^|\s)\/([\w-]*)$/.exec(before);
      return found ? { query: found[2].toLowerCase(), start: before.length - found[2].length - 1 } : null;
    }

    function close() { menu.hidden = true; shown = []; box.removeAttribute("aria-activedescendant"); }

    function draw() {
      menu.replaceChildren();
      shown.forEach(function (item, index) {
        const option = document.createElement("li");
        option.id = "canned-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", index === active ? "true" : "false");
        option.dataset.shortcut = item.shortcut;
        const name = document.createElement("strong");
        name.textContent = "/" + item.shortcut + " · " + item.title;
        const preview = document.createElement("small");
        preview.textContent = item.text;
        option.append(name, preview);
        option.addEventListener("mousedown", function (pressed) { pressed.preventDefault(); insert(index); });
        menu.append(option);
      });
      menu.hidden = shown.length === 0;
      if (shown.length) box.setAttribute("aria-activedescendant", "canned-" + active);
    }

    function update() {
      if (!typedShortcut()) { close(); return; }
      load().then(function (all) {
        // What the box holds once the list is here: a shortcut inserted or erased meanwhile
        // must not bring the menu back.
        const typed = typedShortcut();
        if (!typed) { close(); return; }
        shown = all.filter(function (item) {
          return item.shortcut.indexOf(typed.query) === 0 ||
            item.title.toLowerCase().indexOf(typed.query) >= 0;
        }).slice(0, 8);
        active = 0;
        draw();
      });
    }

    function insert(index) {
      const typed = typedShortcut();
      const item = shown[index];
      if (!typed || !item) return;
      const after = box.value.slice(box.selectionStart);
      box.value = box.value.slice(0, typed.start) + item.text + after;
      const caret = typed.start + item.text.length;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }

    box.addEventListener("input", update);
    box.addEventListener("blur", function () { window.setTimeout(close, 150); });
    box.addEventListener("keydown", function (pressed) {
      if (menu.hidden || !shown.length) return;
      if (pressed.key === "ArrowDown" || pressed.key === "ArrowUp") {
        active = (active + (pressed.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        draw();
      } else if ((pressed.key === "Enter" && !pressed.ctrlKey && !pressed.metaKey) || pressed.key === "Tab") {
        insert(active);
      } else if (pressed.key === "Escape") {
        close();
      } else return;
      pressed.preventDefault();
      pressed.stopImmediatePropagation();
    });
  }

  // Suggestions: an article's text goes into the reply box to edit; an operation's form opens.
  function suggestions(replyBox) {
    document.querySelectorAll(".use-draft").forEach(function (button) {
      button.addEventListener("click", function () {
        replyBox.value = button.dataset.draft;
        replyBox.focus();
      });
    });
    document.querySelectorAll(".open-operation").forEach(function (button) {
      button.addEventListener("click", function () {
        const form = document.querySelector('details.operation[data-tool="' + button.dataset.tool + '"]');
        if (!form) return;
        form.open = true;
        form.scrollIntoView({ block: "center" });
        const first = form.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const replyBox = document.getElementById("reply-text");
    if (replyBox) { cannedResponses(replyBox); suggestions(replyBox); }
    if (csrf) { heartbeat(); window.setInterval(heartbeat, 15000); }
    const panel = document.getElementById("panel");
    if (panel) {
      window.setInterval(function () { refreshPanel(panel); }, 3000);
      window.setInterval(function () { tickClocks(panel); }, 1000);
      document.addEventListener("keydown", function (pressed) { navigate(panel, pressed); });
    }
    const conversation = document.querySelector(".conversation[data-conversation]");
    if (conversation) followConversation(conversation);
    document.querySelectorAll('input[name="idempotency_key"]').forEach(function (input) {
      input.value = "form-" + Date.now() + "-" + Math.random().toString(16).slice(2);
    });
  });
})();
