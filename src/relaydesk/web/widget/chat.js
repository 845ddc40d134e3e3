/* relaydesk chat widget: the conversation, its connection, the outbox and the test hooks. */
(function () {
  "use strict";
  var P = window.RelaydeskParts;

  function Chat(config) {
    var self = this;
    this.config = config;
    this.api = new P.CustomerApi(config.serverUrl);
    this.saved = new P.SavedState(config.serverUrl, config.customerRef);
    this.state = this.saved.load();
    this.state.outbox = this.state.outbox || [];
    // The last seq read in order from the stream or /events. A page load rebuilds the
    // transcript from the server rather than keeping conversation text in localStorage.
    this.cursor = 0;
    this.seen = {};             // seq -> true for every event shown
    this.owner = "assistant";
    this.agentName = null;
    this.queue = {};
    this.unread = 0;
    this.live = !this.state.conversationId;  // history read on load is not news
    this.inFlight = {};         // idempotency key -> "socket" | "rest"
    this.socket = null;
    this.socketHeld = false;
    this.attempts = 0;
    this.language = P.pickLanguage(config.language);
    this.labels = Object.assign({}, P.LABELS_EN);
    this.view = new P.View(config.serverUrl, this.labels, {
      toggle: function () { self.setOpen(self.view.panel.hidden, true); },
      close: function () { self.setOpen(false, true); },
      send: function (text) { self.send(text); },
      talkToPerson: function () { self.talkToPerson(); },
      rate: function (score, comment) { self.rate(score, comment); },
      followUp: function (email) { self.leaveFollowUp(email); }
    });
    this.replyByEmail = false;  // offered only when the server can send email
    this.loadLabels(this.language);
    this.loadChannelOffers();
    this.renderStatus();
    this.setMode("idle");
    if (this.state.open || config.open) this.setOpen(true, false);
    window.addEventListener("online", function () { self.reconnectNow(); });
    if (this.state.conversationId || this.state.outbox.length) this.resume();
  }

  Chat.prototype.persist = function () {
    this.saved.save({
      conversationId: this.state.conversationId, token: this.state.token,
      cursor: this.cursor, open: this.state.open, ratedClose: this.state.ratedClose,
      followUpLeft: this.state.followUpLeft,
      outbox: this.state.outbox.map(function (item) { return { key: item.key, text: item.text }; })
    });
  };

  Chat.prototype.setOpen = function (open, focus) {
    this.state.open = open;
    this.view.setOpen(open, focus);
    if (open) this.unread = 0;
    this.view.setUnread(this.unread);
    this.persist();
  };

  Chat.prototype.setMode = function (mode) {
    this.mode = mode;
    this.view.setConnection(mode);
    if (mode === "offline") this.view.showNotice(this.labels.reconnecting);
    else if (this.view.notice.textContent === this.labels.reconnecting) this.view.showNotice("");
  };

  // ------------------------------------------------------------ language
  Chat.prototype.loadLabels = function (language) {
    var self = this;
    if (language === "en") return this.applyLabels("en", {});
    return fetch(this.config.serverUrl + "/widget/i18n/" + language + ".json")
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (labels) { if (labels) self.applyLabels(language, labels); })
      .catch(function () { /* keep the labels we have */ });
  };

  Chat.prototype.loadChannelOffers = function () {
    var self = this;
    return fetch(this.config.serverUrl + "/v1/channels")
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (offers) {
        self.replyByEmail = Boolean(offers && offers.reply_by_email);
        self.renderFollowUp();
      })
      .catch(function () { /* no offer we cannot keep */ });
  };

  Chat.prototype.applyLabels = function (language, labels) {
    this.language = language;
    this.labels = Object.assign({}, P.LABELS_EN, labels);
    this.view.applyLabels(this.labels);
    this.view.setLanguage(language, P.direction(language));
    this.renderStatus();
  };

  /** Without an explicit language, follow the language the conversation was detected in. */
  Chat.prototype.followDetectedLanguage = function () {
    var self = this;
    if (this.config.language || !this.state.token || this.checkingLanguage) return;
    this.checkingLanguage = true;
    this.api.call("GET", "/v1/conversations/" + this.state.conversationId,
      { token: this.state.token })
      .then(function (result) {
        var detected = result.body && result.body.language;
        var base = detected ? String(detected).toLowerCase().split(/[-_]/)[0] : null;
        if (base && base !== self.language && P.SUPPORTED.indexOf(base) >= 0) {
          self.loadLabels(base);
        }
      })
      .catch(function () { /* try again after the next answer */ })
      .then(function () { self.checkingLanguage = false; });
  };

  // ------------------------------------------------------------ the conversation
  Chat.prototype.ensureConversation = function () {
    var self = this;
    if (this.state.conversationId) return Promise.resolve(true);
    if (this.starting) return this.starting;
    var body = { display_name: this.config.displayName || "Visitor", language: this.language };
    if (this.config.customerRef) {
      body.customer_ref = this.config.customerRef;
      body.customer_signature = this.config.customerSignature;
    }
    this.starting = this.startWith(body).then(function (result) {
      if (result.status === 401 && body.customer_ref) {
        self.view.showNotice(self.labels.verify_failed);
        delete body.customer_ref;
        delete body.customer_signature;
        return self.startWith(body);
      }
      return result;
    }).then(function (result) {
      self.starting = null;
      if (result.status !== 201) throw new Error("start failed");
      self.state.conversationId = result.body.conversation.id;
      self.state.token = result.body.token;
      self.persist();
      self.connect();
      return true;
    }, function (error) {
      self.starting = null;
      throw error;
    });
    return this.starting;
  };

  Chat.prototype.startWith = function (body) {
    return this.api.call("POST", "/v1/conversations", { body: body });
  };

  Chat.prototype.path = function (suffix) {
    return "/v1/conversations/" + encodeURIComponent(this.state.conversationId) + suffix;
  };

  /** After a reload: the transcript from the server, then the live stream. */
  Chat.prototype.resume = function () {
    var self = this;
    this.catchUp().then(function () {
      self.live = true;
      self.state.outbox.forEach(function (item) { self.view.addPending(item.key, item.text); });
      if (!self.state.outbox.length) return self.connect();
      self.ensureConversation().then(function () { self.connect(); self.flush(); },
        function () { self.retrySoon(); });
    });
  };

  /** The server no longer knows this conversation (or its token): start afresh. */
  Chat.prototype.forget = function () {
    this.state = { open: this.state.open, outbox: this.state.outbox };
    this.cursor = 0;
    this.seen = {};
    this.inFlight = {};
    this.owner = "assistant";
    this.view.clearTranscript();
    this.renderStatus();
    this.stopPolling();
    this.closeSocket();
    this.persist();
    var self = this;
    if (!this.state.outbox.length) return;
    this.ensureConversation().then(function () { self.flush(); },
      function () { self.retrySoon(); });
  };

  /** Read /events after the cursor until nothing is left. */
  Chat.prototype.catchUp = function () {
    var self = this;
    if (!this.state.conversationId) return Promise.resolve();
    if (this.catchingUp) return this.catchingUp;
    var asked = this.state.conversationId;
    this.catchingUp = this.api.call("GET", this.path("/events?after=" + this.cursor),
      { token: this.state.token })
      .then(function (result) {
        self.catchingUp = null;
        if (self.state.conversationId !== asked) return null;  // forgotten meanwhile
        if (result.status === 401 || result.status === 404) return self.forget();
        if (result.status !== 200) return null;
        if (self.mode === "offline") self.setMode("rest");
        self.receive(result.body.events);
        var more = result.body.cursor > self.cursor;
        self.cursor = Math.max(self.cursor, result.body.cursor);
        self.persist();
        return more ? self.catchUp() : null;  // a page may hold only hidden events
      }, function () {
        self.catchingUp = null;
        if (self.mode !== "socket") self.setMode("offline");
      });
    return this.catchingUp;
  };

  // ------------------------------------------------------------ events
  Chat.prototype.receive = function (events) {
    var self = this;
    var answered = false;
    events.slice().sort(function (a, b) { return a.seq - b.seq; }).forEach(function (event) {
      if (self.seen[event.seq]) return;
      self.seen[event.seq] = true;
      if (event.kind === "owner_changed") self.applyOwnerChange(event);
      else self.noteQueue(event.data || {});
      if (event.kind !== "message") return;
      if (event.source === "customer") {
        if (!self.view.hasSeq(event.seq) && !self.view.adoptPending(event)) {
          self.view.addMessage(event, { key: "you", name: self.labels.you });
        }
      } else {
        if (event.source === "assistant") self.view.showDraft("");
        self.view.addMessage(event, self.speakerOf(event));
        answered = true;
        if (self.live && self.view.panel.hidden) self.unread += 1;
      }
      self.considerChoices(event);
    });
    if (answered) {
      this.stopTyping();
      this.followDetectedLanguage();
      this.view.setUnread(this.unread);
    }
  };

  Chat.prototype.speakerOf = function (event) {
    if (event.source === "agent") {
      var name = P.firstName(event.data && event.data.agent_name) || this.agentName;
      return { key: "agent", name: name || this.labels.agent };
    }
    if (event.source === "assistant") return { key: "assistant", name: this.labels.assistant };
    return { key: "system", name: this.labels.title };
  };

  /** Quick replies belong to the newest message only. */
  Chat.prototype.considerChoices = function (event) {
    if (event.seq < (this.newestMessageSeq || 0)) return;
    this.newestMessageSeq = event.seq;
    var choices = event.source !== "customer" && event.data && event.data.choices;
    this.view.showChoices(Array.isArray(choices) ? choices : []);
  };

  Chat.prototype.applyOwnerChange = function (event) {
    var data = event.data || {};
    var to = data.to;
    var labels = this.labels;
    if (to === "queued") {
      this.queue = {};
      this.noteQueue(data);
      this.stopTyping();
    } else if (to === "agent") {
      this.agentName = P.firstName(data.agent_name) || null;
      this.view.addNotice(event.seq, P.format(labels.agent_joined,
        { name: this.agentName || labels.agent }));
    } else if (to === "assistant" && this.owner !== "assistant") {
      this.view.addNotice(event.seq, labels.assistant_back);
      this.view.hideCsat();
      this.stopTyping();
    } else if (to === "closed") {
      this.view.addNotice(event.seq, labels.closed);
      this.closeSeq = event.seq;
      this.stopTyping();
      this.view.hideCsat();
      if (this.state.ratedClose !== event.seq) this.view.showCsat();
    }
    if (to) this.owner = to;
    this.renderStatus();
  };

  /** The queue position and wait may also come with a notice while the customer waits. */
  Chat.prototype.noteQueue = function (data) {
    if (data.wait_minutes === undefined && data.queue_position === undefined) return;
    if (data.queue_position !== undefined) this.queue.position = data.queue_position;
    if (data.wait_minutes !== undefined) this.queue.minutes = data.wait_minutes;
    this.renderStatus();
  };

  Chat.prototype.renderStatus = function () {
    var labels = this.labels;
    var lines;
    if (this.owner === "queued") {
      var minutes = this.queue.minutes;
      lines = [labels.queued,
        this.queue.position ? P.format(labels.queue_position,
          { position: this.queue.position }) : "",
        typeof minutes === "number" ? (minutes < 1 ? labels.wait_soon
          : P.format(labels.wait_minutes, { minutes: Math.round(minutes) })) : ""];
    } else if (this.owner === "agent") {
      lines = [P.format(labels.with_agent, { name: this.agentName || labels.agent })];
    } else if (this.owner === "closed") {
      lines = [labels.closed];
    } else {
      lines = [labels.with_assistant];
    }
    this.view.setStatus(lines);
    this.view.setPersonAvailable(this.owner === "assistant" || this.owner === "closed");
    this.renderFollowUp();
  };

  // ------------------------------------------------------------ follow-up by email
  /** While waiting for a person, the customer may leave an email address instead. */
  Chat.prototype.renderFollowUp = function () {
    var left = this.state.conversationId && this.state.followUpLeft === this.state.conversationId;
    if (this.owner !== "queued" || !this.replyByEmail) this.view.hideFollowUp();
    else if (!left) this.view.showFollowUp();
  };

  Chat.prototype.leaveFollowUp = function (email) {
    var self = this;
    this.api.call("POST", this.path("/follow-up"),
      { token: this.state.token, body: { email: email } })
      .then(function (result) {
        if (result.status !== 200) {
          var said = result.body && typeof result.body.message === "string";
          return self.view.followUpBusy(false, said ? result.body.message : self.labels.error);
        }
        // Only that it was left is kept: the address itself stays out of localStorage.
        self.state.followUpLeft = self.state.conversationId;
        self.persist();
        self.view.thankForFollowUp(email);
        if (self.mode !== "socket") self.catchUp();
      }, function () { self.view.followUpBusy(false, self.labels.error); });
  };

  // ------------------------------------------------------------ typing
  Chat.prototype.startTyping = function () {
    var self = this;
    if (this.owner !== "assistant" && this.owner !== "closed") return;
    this.view.setTyping(this.labels.assistant);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () { self.stopTyping(); }, P.TYPING_TIMEOUT_MS);
  };

  /** The agent is writing a reply: shown until it arrives, or briefly after the last signal. */
  Chat.prototype.agentTyping = function (name) {
    var self = this;
    if (this.owner !== "agent") return;
    this.view.setTyping(P.firstName(name) || this.agentName || this.labels.agent);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () { self.stopTyping(); },
      P.AGENT_TYPING_TIMEOUT_MS);
  };

  Chat.prototype.stopTyping = function () {
    clearTimeout(this.typingTimer);
    this.view.setTyping(null);
  };

  P.Chat = Chat;
})();
