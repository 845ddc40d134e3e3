/*
 * relaydesk chat widget: one script tag, no build step.
 *
 *   <script src="https://desk.example.com/widget.js"
 *           data-relaydesk-url="https://desk.example.com"
 *           data-customer-ref="cust-1" data-customer-signature="<hmac>"
 *           data-language="sv"></script>
 *
 * data-customer-signature is the hex HMAC-SHA256 of the customer id with the shared
 * RELAYDESK_IDENTITY_SECRET, computed by the operator's server; leave both out for visitors.
 * data-language is optional: without it the widget follows the browser, then the language the
 * conversation is detected in.
 *
 * Talks to the customer API over a websocket and falls back to REST (polling /events, POSTing
 * messages) whenever the socket is down. Every message carries an idempotency key kept until the
 * server acknowledges it, so retries never double a message; events are deduplicated by seq.
 * Text from the conversation is only ever set with textContent.
 */
(function () {
  "use strict";
  if (window.RelaydeskParts) return;  // the tag is on the page twice

  var SUPPORTED = [
    "en", "sv", "de", "es", "fr", "it", "nl", "da", "fi", "pl", "pt", "nb", "ja", "zh", "ko",
    "ar", "he", "hi", "tr", "ru", "uk", "cs", "sk", "ro", "hu", "el", "th", "vi", "id", "bg",
    "hr", "sl", "lt", "lv", "et"
  ];
  var RIGHT_TO_LEFT = ["ar", "he"];
  var POLL_MS = 1500;
  var ACK_TIMEOUT_MS = 15000;
  var TYPING_TIMEOUT_MS = 60000;
  var AGENT_TYPING_TIMEOUT_MS = 6000;  // the console repeats its signal every 3 s while typing
  var MAX_RECONNECT_MS = 15000;
  var LABELS_EN = {
    launcher: "Chat with us", title: "Customer service", close: "Close chat",
    talk_to_person: "Talk to a person", input_label: "Your message",
    placeholder: "Write a message…", send: "Send",
    greeting: "Hi! How can I help you today?",
    transcript: "Conversation", quick_replies: "Suggested answers",
    assistant: "Assistant", agent: "Agent", you: "You",
    typing: "{name} is typing…", with_assistant: "You are chatting with the assistant.",
    with_agent: "You are chatting with {name}.",
    queued: "A person will join you as soon as possible.",
    queue_position: "You are number {position} in the queue.",
    wait_minutes: "Expected wait: about {minutes} min.",
    wait_soon: "Expected wait: less than a minute.",
    agent_joined: "{name} has joined the conversation.",
    assistant_back: "The assistant is back to help you.", closed: "This conversation has ended.",
    csat_question: "How would you rate this conversation?", csat_score: "{score} out of 5",
    csat_comment: "Anything you would like to add? (optional)", csat_submit: "Send rating",
    csat_pick: "Please choose a rating from 1 to 5.", csat_thanks: "Thank you for your feedback!",
    sending: "Sending…", not_sent: "This message could not be sent.",
    reconnecting: "Connection lost. Reconnecting…",
    verify_failed: "We could not confirm your sign-in, so you are chatting as a guest.",
    error: "Something went wrong. Please try again.", link_title: "Opens {url}",
    unread: "{count} new",
    follow_up_title: "Leave your email and we'll reply by email",
    follow_up_label: "Your email address", follow_up_submit: "Send email address",
    follow_up_thanks: "Thanks! If nobody reaches you here, we'll reply to {email} by email."
  };

  // ---------------------------------------------------------------- small helpers
  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function firstName(name) {
    return String(name || "").trim().split(/\s+/)[0] || "";
  }

  function pickLanguage(explicit) {
    var wanted = [explicit].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      if (!wanted[i]) continue;
      var base = String(wanted[i]).toLowerCase().split(/[-_]/)[0];
      if (base === "no" || base === "nn") base = "nb";
      if (SUPPORTED.indexOf(base) >= 0) return base;
    }
    return "en";
  }

  /** "rtl" for languages written right to left, so the panel mirrors for them. */
  function direction(language) {
    return RIGHT_TO_LEFT.indexOf(language) >= 0 ? "rtl" : "ltr";
  }

  var LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|https?:\/\/[^\s<>"']+/g;

  /** Text with http(s) links as anchors that show their domain; everything else stays text. */
  function richText(text, labels) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    String(text || "").replace(LINK, function (match, title, target, offset) {
      var raw = target || match;
      var trailing = target ? "" : (raw.match(/[.,;:!?)\]]+$/) || [""])[0];
      raw = raw.slice(0, raw.length - trailing.length);
      var url;
      try { url = new URL(raw); } catch (e) { return match; }
      if (url.protocol !== "http:" && url.protocol !== "https:") return match;
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var domain = url.hostname.replace(/^www\./, "");
      var anchor = el("a", {
        href: url.href, target: "_blank", rel: "noopener noreferrer nofollow",
        title: format(labels.link_title, { url: url.href })
      });
      anchor.textContent = title ? title + " (" + domain + ")" : domain;
      fragment.appendChild(anchor);
      if (trailing) fragment.appendChild(document.createTextNode(trailing));
      last = offset + match.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(String(text || "").slice(last)));
    return fragment;
  }

  // ---------------------------------------------------------------- the customer API
  function CustomerApi(serverUrl) {
    this.serverUrl = serverUrl;
  }

  /** Resolves {status, body}; rejects only when the network fails. */
  CustomerApi.prototype.call = function (method, path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.token) headers.Authorization = "Bearer " + options.token;
    if (options.key) headers["Idempotency-Key"] = options.key;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(this.serverUrl + path, {
      method: method, headers: headers, credentials: "omit",
      body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  };

  // ---------------------------------------------------------------- saved state
  function SavedState(serverUrl, customerRef) {
    this.key = "relaydesk:v1:" + serverUrl + ":" + (customerRef || "visitor");
  }
  SavedState.prototype.load = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key)) || {}; } catch (e) { return {}; }
  };
  SavedState.prototype.save = function (state) {
    try { window.localStorage.setItem(this.key, JSON.stringify(state)); } catch (e) { /* full */ }
  };

  window.RelaydeskParts = { format: format, richText: richText, firstName: firstName,
    pickLanguage: pickLanguage, direction: direction, el: el, newKey: newKey, CustomerApi: CustomerApi,
    SavedState: SavedState, LABELS_EN: LABELS_EN, SUPPORTED: SUPPORTED,
    POLL_MS: POLL_MS, ACK_TIMEOUT_MS: ACK_TIMEOUT_MS, TYPING_TIMEOUT_MS: TYPING_TIMEOUT_MS,
    AGENT_TYPING_TIMEOUT_MS: AGENT_TYPING_TIMEOUT_MS,
    MAX_RECONNECT_MS: MAX_RECONNECT_MS };

  // The view and the chat are in their own files, loaded from the same server.
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var serverUrl = String(data.relaydeskUrl || origin).replace(/\/+$/, "");
  var parts = ["view.js", "chat.js", "transport.js"];

  function loadPart(index) {
    if (index >= parts.length) {
      window.RelaydeskParts.start({
        serverUrl: serverUrl, customerRef: data.customerRef || null,
        customerSignature: data.customerSignature || null,
        displayName: data.displayName || null, language: data.language || null,
        open: data.open === "true"
      });
      return;
    }
    var part = document.createElement("script");
    part.src = serverUrl + "/widget/" + parts[index];
    part.async = false;
    part.onload = function () { loadPart(index + 1); };
    document.head.appendChild(part);
  }
  loadPart(0);
})();
