/* relaydesk chat widget: the view. Builds the DOM in a shadow root; never parses HTML. */
(function () {
  "use strict";
  var P = window.RelaydeskParts;
  var el = P.el;

  function View(serverUrl, labels, handlers) {
    this.labels = labels;
    this.handlers = handlers;
    this.host = el("div", { id: "relaydesk-widget" });
    this.root = this.host.attachShadow({ mode: "open" });
    var css = el("link", { rel: "stylesheet", href: serverUrl + "/widget.css" });
    var frame = el("div", { className: "rd rd-loading" });
    css.onload = css.onerror = function () { frame.classList.remove("rd-loading"); };
    this.frame = frame;
    this.root.appendChild(css);
    this.root.appendChild(frame);
    this.build();
    document.body.appendChild(this.host);
  }

  View.prototype.label = function (node, key, attribute) {
    node.setAttribute("data-label", key);
    if (attribute) node.setAttribute("data-label-attr", attribute);
    return node;
  };

  View.prototype.build = function () {
    var self = this;
    var h = this.handlers;
    this.badge = el("span", { className: "rd-badge", hidden: "" });
    this.launcher = el("button", {
      type: "button", className: "rd-launcher", "aria-expanded": "false",
      "aria-controls": "rd-panel"
    }, [this.label(el("span"), "launcher"), this.badge]);
    this.launcher.addEventListener("click", function () { h.toggle(); });

    this.personButton = this.label(el("button", { type: "button", className: "rd-person" }),
      "talk_to_person");
    this.personButton.addEventListener("click", function () { h.talkToPerson(); });
    this.closeButton = this.label(el("button", { type: "button", className: "rd-close" }),
      "close", "aria-label");
    this.closeButton.appendChild(el("span", { "aria-hidden": "true", text: "×" }));
    this.closeButton.addEventListener("click", function () { h.close(); });
    var title = this.label(el("h2", { id: "rd-title", className: "rd-title" }), "title");
    var header = el("div", { className: "rd-header" }, [title, this.personButton,
      this.closeButton]);

    this.status = el("p", { className: "rd-status", role: "status" });
    this.log = this.label(el("div", { className: "rd-log", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", tabindex: "0" }), "transcript", "aria-label");
    this.greeting = this.label(el("p", { className: "rd-greeting" }), "greeting");
    this.log.appendChild(this.greeting);
    this.typing = el("div", { className: "rd-typing", role: "status", hidden: "" }, [
      el("span", { className: "rd-dots", "aria-hidden": "true" },
        [el("span"), el("span"), el("span")]),
      el("span", { className: "rd-typing-text" })
    ]);
    this.choices = this.label(el("div", { className: "rd-choices", role: "group", hidden: "" }),
      "quick_replies", "aria-label");
    this.csat = el("div", { className: "rd-csat-slot" });
    this.followUp = el("div", { className: "rd-follow-up-slot" });
    this.notice = el("p", { className: "rd-notice", role: "alert", hidden: "" });

    this.input = this.label(el("textarea", { id: "rd-input", rows: "1", maxlength: "4000",
      dir: "auto" }),
      "placeholder", "placeholder");
    var inputLabel = this.label(el("label", { for: "rd-input", className: "rd-sr" }),
      "input_label");
    this.sendButton = this.label(el("button", { type: "submit", className: "rd-send" }), "send");
    this.composer = el("form", { className: "rd-composer" }, [inputLabel, this.input,
      this.sendButton]);
    this.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submitInput();
      }
    });

    this.panel = el("section", { id: "rd-panel", className: "rd-panel", role: "region",
      "aria-labelledby": "rd-title", hidden: "" }, [header, this.status, this.log, this.typing,
      this.choices, this.followUp, this.csat, this.notice, this.composer]);
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") h.close();
    });
    this.frame.appendChild(this.panel);
    this.frame.appendChild(this.launcher);
    this.applyLabels(this.labels);
  };

  View.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.handlers.send(text);
  };

  View.prototype.applyLabels = function (labels) {
    this.labels = labels;
    this.root.querySelectorAll("[data-label]").forEach(function (node) {
      var value = labels[node.getAttribute("data-label")];
      var attribute = node.getAttribute("data-label-attr");
      if (attribute) node.setAttribute(attribute, value);
      else node.textContent = value;
    });
    this.root.querySelectorAll(".rd-from[data-speaker]").forEach(function (node) {
      var speaker = node.getAttribute("data-speaker");
      node.textContent = speaker === "assistant" ? labels.assistant
        : speaker === "you" ? labels.you : node.textContent;
    });
  };

  /** The panel's language and writing direction; each message still finds its own. */
  View.prototype.setLanguage = function (language, direction) {
    this.host.setAttribute("lang", language);
    this.host.setAttribute("dir", direction);
    this.frame.setAttribute("dir", direction);
  };

  View.prototype.setOpen = function (open, focus) {
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    this.frame.classList.toggle("rd-open", open);
    if (!focus) return;
    if (open) {
      this.input.focus();
      this.log.scrollTop = this.log.scrollHeight;
    } else {
      this.launcher.focus();
    }
  };

  /** Answers that arrived while the panel was closed. */
  View.prototype.setUnread = function (count) {
    this.badge.hidden = !count;
    this.badge.textContent = count ? P.format(this.labels.unread, { count: count }) : "";
  };

  View.prototype.setConnection = function (mode) {
    this.frame.setAttribute("data-connection", mode);
  };

  // ------------------------------------------------------------ transcript
  View.prototype.bubble = function (source, speaker, text) {
    var who = source === "customer" ? "you" : source;
    var from = el("span", { className: "rd-from", "data-speaker": speaker.key });
    from.textContent = speaker.name;
    if (source === "customer") from.className += " rd-sr";
    // dir=auto: an Arabic message in an English panel (or the reverse) still reads right.
    var body = el("span", { className: "rd-text", dir: "auto" });
    body.appendChild(P.richText(text, this.labels));
    return el("div", { className: "rd-msg rd-" + who }, [from, body]);
  };

  /** Put a node where its seq belongs; nodes without one stay at the end. */
  View.prototype.place = function (node, seq) {
    node.setAttribute("data-seq", String(seq));
    var after = null;
    var nodes = this.log.querySelectorAll("[data-seq]");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i] !== node && Number(nodes[i].getAttribute("data-seq")) > seq) {
        after = nodes[i];
        break;
      }
    }
    if (!after) {
      var pending = this.log.querySelector(".rd-pending:not([data-seq])");
      after = pending && pending !== node ? pending : null;
    }
    this.log.insertBefore(node, after);
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** Remove what the server stored; messages still on their way stay. */
  View.prototype.clearTranscript = function () {
    this.log.querySelectorAll("[data-seq]").forEach(function (node) { node.remove(); });
    this.showChoices([]);
    this.hideCsat();
  };

  View.prototype.hasSeq = function (seq) {
    return Boolean(this.log.querySelector('[data-seq="' + Number(seq) + '"]'));
  };

  View.prototype.addMessage = function (event, speaker) {
    this.place(this.bubble(event.source, speaker, event.text), event.seq);
  };

  /** A model's answer while it is being written: shown, replaced by the stored reply. */
  View.prototype.showDraft = function (text, speaker) {
    var old = this.log.querySelector(".rd-draft");
    if (!text) {
      if (old) old.remove();
      return;
    }
    var node = this.bubble("assistant", speaker, text);
    node.classList.add("rd-draft");
    node.setAttribute("aria-busy", "true");
    if (old) this.log.replaceChild(node, old);
    else this.log.appendChild(node);
    this.log.scrollTop = this.log.scrollHeight;
  };

  View.prototype.addNotice = function (seq, text) {
    this.place(el("p", { className: "rd-event", text: text }), seq);
  };

  View.prototype.addPending = function (key, text) {
    // once: a message written while a reload catches up is in the outbox it then shows
    if (this.log.querySelector('[data-key="' + CSS.escape(key) + '"]')) return;
    var node = this.bubble("customer", { key: "you", name: this.labels.you }, text);
    node.classList.add("rd-pending");
    node.setAttribute("data-key", key);
    node.setAttribute("data-text", text);
    node.setAttribute("aria-busy", "true");
    this.log.appendChild(node);
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** The server stored this pending message under `seq`. */
  View.prototype.confirmPending = function (key, seq) {
    var node = this.log.querySelector('.rd-pending[data-key="' + CSS.escape(key) + '"]');
    if (!node) return;
    if (node.hasAttribute("data-seq") && node.getAttribute("data-seq") !== String(seq)) return;
    if (!node.hasAttribute("data-seq") && this.hasSeq(seq)) {
      node.remove();
      return;
    }
    this.settle(node);
    this.place(node, seq);
  };

  /** A customer message event: reuse the pending bubble with the same text, if any. */
  View.prototype.adoptPending = function (event) {
    var nodes = this.log.querySelectorAll(".rd-pending:not([data-seq])");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("data-text") === event.text) {
        this.settle(nodes[i]);
        this.place(nodes[i], event.seq);
        return true;
      }
    }
    return false;
  };

  View.prototype.settle = function (node) {
    node.classList.remove("rd-pending");
    node.removeAttribute("aria-busy");
  };

  View.prototype.failPending = function (key) {
    var node = this.log.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (!node) return;
    node.classList.add("rd-failed");
    node.removeAttribute("aria-busy");
    node.appendChild(el("span", { className: "rd-failure", text: this.labels.not_sent }));
  };

  // ------------------------------------------------------------ status, typing, choices
  View.prototype.setStatus = function (lines) {
    this.status.textContent = lines.filter(Boolean).join(" ");
  };

  View.prototype.setPersonAvailable = function (available) {
    this.personButton.setAttribute("aria-disabled", available ? "false" : "true");
  };

  View.prototype.setTyping = function (name) {
    this.typing.hidden = !name;
    this.typing.querySelector(".rd-typing-text").textContent =
      name ? P.format(this.labels.typing, { name: name }) : "";
  };

  View.prototype.showChoices = function (choices) {
    var self = this;
    this.choices.replaceChildren();
    (choices || []).forEach(function (choice) {
      if (!choice || typeof choice.label !== "string") return;
      var button = el("button", { type: "button", className: "rd-choice", text: choice.label });
      // The customer's bubble shows what they tapped ("Ja"); the assistant maps it back to
      // the choice's value, so "yes" is never put in their mouth.
      button.addEventListener("click", function () {
        self.handlers.send(choice.label);
        self.input.focus();  // the buttons go away with the answer
      });
      self.choices.appendChild(button);
    });
    this.choices.hidden = this.choices.childElementCount === 0;
  };

  View.prototype.showNotice = function (text) {
    this.notice.textContent = text || "";
    this.notice.hidden = !text;
  };

  // ------------------------------------------------------------ satisfaction (CSAT)
  View.prototype.showCsat = function () {
    var self = this;
    var labels = this.labels;
    if (this.csat.firstChild) return;
    var legend = el("legend", { text: labels.csat_question });
    var scores = el("div", { className: "rd-scores" });
    for (var score = 1; score <= 5; score++) {
      var radio = el("input", { type: "radio", name: "rd-score", value: String(score),
        "aria-label": P.format(labels.csat_score, { score: score }) });
      scores.appendChild(el("label", { className: "rd-score" },
        [radio, el("span", { "aria-hidden": "true", text: String(score) })]));
    }
    var comment = el("textarea", { id: "rd-csat-comment", rows: "2", maxlength: "2000" });
    var hint = el("p", { className: "rd-csat-hint", role: "alert" });
    var form = el("form", { className: "rd-csat" }, [
      el("fieldset", {}, [legend, scores]),
      el("label", { for: "rd-csat-comment", text: labels.csat_comment }), comment, hint,
      el("button", { type: "submit", className: "rd-send", text: labels.csat_submit })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=rd-score]:checked");
      if (!chosen) {
        hint.textContent = labels.csat_pick;
        form.querySelector("input[name=rd-score]").focus();
        return;
      }
      self.handlers.rate(Number(chosen.value), comment.value.trim() || null);
    });
    this.csat.appendChild(form);
    this.log.scrollTop = this.log.scrollHeight;
  };

  View.prototype.thankForCsat = function () {
    this.csat.replaceChildren(el("p", { className: "rd-thanks", role: "status",
      text: this.labels.csat_thanks }));
    this.log.scrollTop = this.log.scrollHeight;
  };

  View.prototype.hideCsat = function () {
    this.csat.replaceChildren();
  };

  // ------------------------------------------------------------ follow-up by email (queued)
  /** A small form to leave an email address; the server's answer to it is shown as is. */
  View.prototype.showFollowUp = function () {
    var self = this;
    if (this.followUp.firstChild) return;
    var input = el("input", { id: "rd-follow-up-email", type: "email", name: "email",
      autocomplete: "email", maxlength: "320", "aria-describedby": "rd-follow-up-hint" });
    var button = this.label(el("button", { type: "submit", className: "rd-send" }),
      "follow_up_submit");
    var form = el("form", { className: "rd-follow-up", novalidate: "",
      "aria-labelledby": "rd-follow-up-title" }, [
      this.label(el("p", { id: "rd-follow-up-title", className: "rd-follow-up-title" }),
        "follow_up_title"),
      this.label(el("label", { for: "rd-follow-up-email" }), "follow_up_label"),
      el("div", { className: "rd-follow-up-row" }, [input, button]),
      el("p", { id: "rd-follow-up-hint", className: "rd-follow-up-hint", role: "alert" })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      self.followUpBusy(true, "");
      self.handlers.followUp(input.value.trim());
    });
    this.followUp.appendChild(form);
    this.applyLabels(this.labels);
  };

  View.prototype.followUpBusy = function (busy, problem) {
    var input = this.followUp.querySelector("input");
    var hint = this.followUp.querySelector(".rd-follow-up-hint");
    if (!input) return;
    this.followUp.querySelector("button").disabled = busy;
    hint.textContent = problem || "";
    input.setAttribute("aria-invalid", problem ? "true" : "false");
    if (problem) input.focus();
  };

  View.prototype.thankForFollowUp = function (email) {
    this.followUp.replaceChildren(el("p", { className: "rd-follow-up-thanks", role: "status",
      text: P.format(this.labels.follow_up_thanks, { email: email }) }));
  };

  View.prototype.hideFollowUp = function () {
    this.followUp.replaceChildren();
  };

  P.View = View;
})();
