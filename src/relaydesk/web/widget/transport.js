/* relaydesk chat widget: sending with idempotency keys, the websocket, the REST fallback. */
(function () {
  "use strict";
  var P = window.RelaydeskParts;
  var Chat = P.Chat;

  // ------------------------------------------------------------ sending
  Chat.prototype.send = function (text) {
    var self = this;
    text = String(text || "").trim();
    if (!text) return;
    var item = { key: P.newKey(), text: text };
    this.state.outbox.push(item);
    this.persist();
    this.view.addPending(item.key, text);
    this.view.showChoices([]);
    this.view.hideCsat();
    this.startTyping();
    this.ensureConversation().then(function () { self.flush(); }, function () {
      self.setMode("offline");
      self.retrySoon();
    });
  };

  /**
   * Send what is not yet acknowledged, in order: all at once over the socket (the server reads
   * it in order), one at a time over REST (concurrent requests could land out of order).
   */
  Chat.prototype.flush = function () {
    if (!this.state.conversationId) return;
    var socketOpen = this.mode === "socket" && this.socket && this.socket.readyState === 1;
    for (var i = 0; i < this.state.outbox.length; i++) {
      var item = this.state.outbox[i];
      if (this.inFlight[item.key] === "rest") return;
      if (this.inFlight[item.key]) continue;
      if (socketOpen) {
        this.sendOverSocket(item);
      } else {
        this.post(item);
        return;
      }
    }
  };

  Chat.prototype.sendOverSocket = function (item) {
    var self = this;
    var socket = this.socket;
    this.inFlight[item.key] = "socket";
    this.socketQueue.push(item.key);
    socket.send(JSON.stringify({ type: "message", text: item.text, idempotency_key: item.key }));
    // A socket that takes this long to acknowledge is treated as dead; REST takes over.
    item.ackTimer = setTimeout(function () {
      if (self.socket === socket && self.inFlight[item.key] === "socket") socket.close();
    }, P.ACK_TIMEOUT_MS);
  };

  Chat.prototype.post = function (item) {
    var self = this;
    var asked = this.state.conversationId;
    this.inFlight[item.key] = "rest";
    this.api.call("POST", this.path("/messages"),
      { token: this.state.token, key: item.key, body: { text: item.text } })
      .then(function (result) {
        if (result.status === 200) {
          self.acknowledge(item.key, result.body.message.seq);
          self.receive([result.body.message].concat(result.body.replies || []));
          if (self.mode === "offline") self.setMode("rest");
          self.flush();
        } else if (result.status === 401 || result.status === 404) {
          // keeps the outbox and sends it to a new conversation, unless one was started since
          if (self.state.conversationId === asked) self.forget();
        } else if (result.status >= 400 && result.status < 500 && result.status !== 429) {
          self.reject(item.key);
          self.flush();
        } else {
          delete self.inFlight[item.key];
          self.retrySoon();
        }
      }, function () {
        delete self.inFlight[item.key];
        if (self.mode !== "socket") self.setMode("offline");
        self.retrySoon();
      });
  };

  Chat.prototype.acknowledge = function (key, seq) {
    var item = this.take(key);
    if (item) clearTimeout(item.ackTimer);
    this.view.confirmPending(key, seq);
  };

  Chat.prototype.reject = function (key) {
    this.take(key);
    this.view.failPending(key);
    this.stopTyping();
  };

  Chat.prototype.take = function (key) {
    var found = null;
    delete this.inFlight[key];
    this.state.outbox = this.state.outbox.filter(function (item) {
      if (item.key === key) found = item;
      return item.key !== key;
    });
    this.persist();
    return found;
  };

  Chat.prototype.retrySoon = function () {
    var self = this;
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(function () {
      self.retryTimer = null;
      if (!self.state.conversationId) {
        self.ensureConversation().then(function () { self.flush(); },
          function () { self.retrySoon(); });
      } else {
        self.flush();
      }
    }, 2000);
  };

  // ------------------------------------------------------------ the websocket
  Chat.prototype.socketUrl = function () {
    return this.config.serverUrl.replace(/^http/, "ws") + this.path("/stream") +
      "?token=" + encodeURIComponent(this.state.token) + "&after=" + this.cursor;
  };

  Chat.prototype.connect = function () {
    var self = this;
    if (!this.state.conversationId || this.socket || this.socketHeld) return;
    var socket;
    try {
      socket = new WebSocket(this.socketUrl());
    } catch (error) {
      this.socketDown();
      return;
    }
    this.socket = socket;
    this.socketQueue = [];
    if (this.mode === "idle") this.setMode("rest");
    socket.onopen = function () {
      if (self.socket !== socket) return;
      self.attempts = 0;
      self.stopPolling();
      self.setMode("socket");
      self.flush();
    };
    socket.onmessage = function (message) {
      if (self.socket !== socket) return;
      var frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      self.onFrame(frame);
    };
    socket.onclose = function (event) {
      if (self.socket !== socket) return;
      self.socket = null;
      if (event.code === 1008) return self.forget();
      self.socketDown();
    };
    this.startPolling();
  };

  Chat.prototype.onFrame = function (frame) {
    if (frame.type === "ping") {
      // The server's heartbeat: an answer keeps an idle socket open.
      if (this.socket && this.socket.readyState === 1) this.socket.send('{"type":"pong"}');
    } else if (frame.type === "event" && frame.event) {
      this.receive([frame.event]);
      this.cursor = Math.max(this.cursor, frame.event.seq);
      this.persist();
    } else if (frame.type === "ack") {
      this.socketQueue = this.socketQueue.filter(function (key) {
        return key !== frame.idempotency_key;
      });
      this.acknowledge(frame.idempotency_key, frame.seq);
    } else if (frame.type === "draft") {
      // Drafts are never stored: a retraction or the stored reply replaces them.
      var text = typeof frame.text === "string" && this.owner === "assistant" ? frame.text : "";
      this.view.showDraft(text, { key: "assistant", name: this.labels.assistant });
    } else if (frame.type === "typing") {
      this.agentTyping(frame.name);
    } else if (frame.type === "error") {
      // The socket answers in order, so an error belongs to the oldest unanswered message.
      var key = this.socketQueue.shift();
      if (key) this.reject(key);
    }
  };

  Chat.prototype.socketDown = function () {
    var self = this;
    Object.keys(this.inFlight).forEach(function (key) {
      if (self.inFlight[key] === "socket") delete self.inFlight[key];
    });
    this.socketQueue = [];
    if (this.mode === "socket") this.setMode("rest");
    this.startPolling();
    this.flush();
    if (this.socketHeld) return;
    var delay = Math.min(P.MAX_RECONNECT_MS, 500 * Math.pow(2, this.attempts));
    this.attempts += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(function () { self.connect(); },
      delay + Math.random() * 250);
  };

  Chat.prototype.closeSocket = function () {
    var socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
  };

  Chat.prototype.reconnectNow = function () {
    this.attempts = 0;
    clearTimeout(this.reconnectTimer);
    this.connect();
    this.flush();
  };

  // ------------------------------------------------------------ the REST fallback
  Chat.prototype.startPolling = function () {
    var self = this;
    if (this.pollTimer) return;
    this.pollTimer = setInterval(function () {
      if (self.mode === "socket") return self.stopPolling();
      self.catchUp();
    }, P.POLL_MS);
  };

  Chat.prototype.stopPolling = function () {
    clearInterval(this.pollTimer);
    this.pollTimer = null;
  };

  // ------------------------------------------------------------ a person, and a rating
  Chat.prototype.talkToPerson = function () {
    var self = this;
    if (this.owner === "queued" || this.owner === "agent") return;
    this.ensureConversation().then(function () {
      return self.api.call("POST", self.path("/escalate"), { token: self.state.token });
    }).then(function (result) {
      if (result.status !== 200) throw new Error("escalation failed");
      if (self.owner !== result.body.owner) {
        self.owner = result.body.owner;
        self.renderStatus();
      }
      self.stopTyping();
      if (self.mode !== "socket") self.catchUp();
    }).catch(function () { self.view.showNotice(self.labels.error); });
  };

  Chat.prototype.rate = function (score, comment) {
    var self = this;
    var closeSeq = this.closeSeq;
    this.api.call("POST", this.path("/csat"),
      { token: this.state.token, body: { score: score, comment: comment } })
      .then(function (result) {
        if (result.status !== 201 && result.status !== 409) throw new Error("rating failed");
        self.state.ratedClose = closeSeq;
        self.persist();
        self.view.thankForCsat();
      })
      .catch(function () { self.view.showNotice(self.labels.error); });
  };

  // ------------------------------------------------------------ start, and hooks for tests
  P.start = function (config) {
    function boot() {
      var chat = new Chat(config);
      window.relaydesk = {
        version: "1",
        open: function () { chat.setOpen(true, true); },
        close: function () { chat.setOpen(false, true); },
        send: function (text) { chat.send(text); },
        state: function () {
          return { conversationId: chat.state.conversationId || null, token: chat.state.token,
            cursor: chat.cursor, mode: chat.mode, owner: chat.owner, language: chat.language,
            outbox: chat.state.outbox.length };
        },
        /** Close the socket as a network drop would; with {hold: true} it stays down. */
        _debugDropSocket: function (options) {
          chat.socketHeld = Boolean(options && options.hold);
          var socket = chat.socket;
          if (socket) socket.close(4000, "dropped for a test");
        },
        _debugResumeSocket: function () {
          chat.socketHeld = false;
          chat.reconnectNow();
        }
      };
    }
    if (document.body) boot();
    else document.addEventListener("DOMContentLoaded", boot);
  };
})();
