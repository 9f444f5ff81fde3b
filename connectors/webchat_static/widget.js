/*
 * Dalil web chat widget. Embed with one tag:
 *   <script src="https://SERVER/webhooks/webchat/static/widget.js" data-server="https://SERVER"
 *           defer></script>
 * Plain JavaScript, no dependencies. Every message is put on the page with textContent and
 * createElement, never parsed as HTML, so neither a catalog entry nor a visitor can inject markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__dalilWebchat) return;
  window.__dalilWebchat = true;

  var server = (script.getAttribute("data-server") || new URL(script.src).origin)
    .replace(/\/+$/, "");
  var base = server + "/webhooks/webchat";
  var KEYS = { sender: "dalil-webchat-sender", draft: "dalil-webchat-draft",
    open: "dalil-webchat-open" };
  var T = {
    title: "دليل",
    subtitle: "المساعد الافتراضي للخدمات",
    launcher: "اسأل دليل",
    openLabel: "افتح المحادثة مع دليل",
    closeLabel: "إغلاق المحادثة",
    log: "المحادثة مع دليل",
    input: "اكتب رسالتك",
    placeholder: "اكتب سؤالك هنا…",
    send: "إرسال",
    you: "أنت:",
    bot: "دليل:",
    typing: "دليل يكتب…",
    quick: "ردود مقترحة",
    empty: "مرحبًا بك. اكتب سؤالك عن أي خدمة، مثل: ما متطلبات نقل الخدمات؟",
    sendError: "عذرًا، تعذّر إرسال رسالتك. تحقّق من الاتصال ثم أعد المحاولة؛ رسالتك محفوظة.",
    historyError: "عذرًا، تعذّر تحميل المحادثة السابقة.",
    retry: "إعادة المحاولة",
    failed: "لم تُرسل بعد",
  };
  var timeFormat = new Intl.DateTimeFormat("ar-SA", { hour: "numeric", minute: "2-digit" });

  // --- storage: localStorage when the browser allows it, memory otherwise -------------
  var memory = {};
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }

  function newSenderId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  var sender = load(KEYS.sender);
  if (!sender || !/^[A-Za-z0-9_-]{1,64}$/.test(sender)) {
    sender = newSenderId();
    save(KEYS.sender, sender);
  }

  // --- DOM helpers: text only ever goes through textContent ----------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "class") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function icon(path) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }
  var ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
  var ICON_CLOSE = "M6 6l12 12M18 6L6 18";
  var ICON_SEND = "M20 12L4 4l3 8-3 8z";

  var URL_PATTERN = /https?:\/\/[^\s<>"'«»]+/gi;
  var TRAILING = /[.,;:!?،؛؟)\]}»"']+$/;

  function safeHref(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /* Appends ``text`` to ``parent``: plain text nodes, http(s) URLs as links. */
  function appendText(parent, text) {
    var last = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var url = match[0].replace(TRAILING, "");
      var href = safeHref(url);
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (href) {
        var link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer",
          dir: "ltr" }, url);
        parent.appendChild(link);
      } else {
        parent.appendChild(document.createTextNode(url));
      }
      last = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // --- the widget's skeleton -----------------------------------------------------------
  var stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", script.src).href });
  document.head.appendChild(stylesheet);

  var root = el("div", { class: "dalil-wc", dir: "rtl", lang: "ar" });
  var launcher = el("button", { type: "button", class: "dalil-wc-launcher",
    "aria-expanded": "false", "aria-controls": "dalil-wc-panel", "aria-label": T.openLabel });
  launcher.appendChild(icon(ICON_CHAT));
  launcher.appendChild(el("span", { class: "dalil-wc-launcher-text" }, T.launcher));

  var panel = el("section", { id: "dalil-wc-panel", class: "dalil-wc-panel", role: "dialog",
    "aria-labelledby": "dalil-wc-title", "aria-describedby": "dalil-wc-subtitle" });
  panel.hidden = true;

  var header = el("header", { class: "dalil-wc-header" });
  var heading = el("div", { class: "dalil-wc-heading" });
  heading.appendChild(el("h2", { id: "dalil-wc-title", class: "dalil-wc-title" }, T.title));
  heading.appendChild(el("p", { id: "dalil-wc-subtitle", class: "dalil-wc-subtitle" },
    T.subtitle));
  var closeButton = el("button", { type: "button", class: "dalil-wc-close",
    "aria-label": T.closeLabel });
  closeButton.appendChild(icon(ICON_CLOSE));
  header.appendChild(heading);
  header.appendChild(closeButton);

  var log = el("div", { class: "dalil-wc-log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", "aria-label": T.log, tabindex: "0" });
  var emptyState = el("p", { class: "dalil-wc-empty" }, T.empty);
  log.appendChild(emptyState);

  var typing = el("div", { class: "dalil-wc-typing", role: "status" });
  typing.appendChild(el("span", { class: "dalil-wc-sr" }, T.typing));
  for (var i = 0; i < 3; i++) typing.appendChild(el("span", { class: "dalil-wc-dot",
    "aria-hidden": "true" }));
  typing.hidden = true;

  var alertBox = el("div", { class: "dalil-wc-alert", role: "alert" });
  alertBox.hidden = true;
  var alertText = el("p", { class: "dalil-wc-alert-text" });
  var retryButton = el("button", { type: "button", class: "dalil-wc-retry" }, T.retry);
  alertBox.appendChild(alertText);
  alertBox.appendChild(retryButton);

  var form = el("form", { class: "dalil-wc-form", novalidate: "" });
  var label = el("label", { for: "dalil-wc-input", class: "dalil-wc-sr" }, T.input);
  var input = el("textarea", { id: "dalil-wc-input", class: "dalil-wc-input", rows: "1",
    placeholder: T.placeholder, autocomplete: "off", dir: "rtl" });
  var sendButton = el("button", { type: "submit", class: "dalil-wc-send", "aria-label": T.send });
  sendButton.appendChild(icon(ICON_SEND));
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(alertBox);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);
  document.body.appendChild(root);

  input.value = load(KEYS.draft) || "";

  // --- messages --------------------------------------------------------------------------
  // Follow new messages unless the visitor has scrolled back to read.
  var following = true;
  function scrollToEnd() { log.scrollTop = log.scrollHeight; following = true; }
  log.addEventListener("scroll", function () {
    following = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  });
  window.addEventListener("resize", function () { if (following) scrollToEnd(); });

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".dalil-wc-quick"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function quickReplies(buttons) {
    var group = el("div", { class: "dalil-wc-quick", role: "group", "aria-label": T.quick });
    buttons.forEach(function (button) {
      var title = String(button.title || "");
      var payloadText = String(button.payload || title);
      if (!title) return;
      var node = el("button", { type: "button", class: "dalil-wc-chip" }, title);
      node.addEventListener("click", function () {
        if (busy) return;
        send(payloadText, title);
        input.focus();
      });
      group.appendChild(node);
    });
    return group;
  }

  /* Renders one message {sender, text, buttons, time (ms)} and returns its row. */
  function messageRow(message, withButtons) {
    var who = message.sender === "user" ? "user" : "bot";
    var row = el("div", { class: "dalil-wc-row dalil-wc-row--" + who });
    if (message.text) {
      var bubble = el("div", { class: "dalil-wc-bubble" });
      bubble.appendChild(el("span", { class: "dalil-wc-sr" }, who === "user" ? T.you : T.bot));
      var body = el("div", { class: "dalil-wc-text", dir: "auto" });
      appendText(body, message.text);
      bubble.appendChild(body);
      var when = new Date(message.time || Date.now());
      var meta = el("div", { class: "dalil-wc-meta" });
      meta.appendChild(el("time", { datetime: when.toISOString() }, timeFormat.format(when)));
      meta.appendChild(el("span", { class: "dalil-wc-failed" }, T.failed));
      bubble.appendChild(meta);
      row.appendChild(bubble);
    }
    if (withButtons && message.buttons && message.buttons.length) {
      row.appendChild(quickReplies(message.buttons));
    }
    return row;
  }

  function addMessage(message) {
    if (emptyState.parentNode) log.removeChild(emptyState);
    var row = messageRow(message, true);
    log.appendChild(row);
    scrollToEnd();
    return row;
  }

  // --- talking to the server ---------------------------------------------------------------
  var busy = false;
  var retryAction = null;

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    sendButton.setAttribute("aria-disabled", value ? "true" : "false");
    log.setAttribute("aria-busy", value ? "true" : "false");
    if (value) scrollToEnd();
  }

  function showError(text, retry) {
    alertText.textContent = text;
    retryAction = retry;
    alertBox.hidden = false;
  }

  function hideError() {
    alertBox.hidden = true;
    retryAction = null;
  }

  function readJson(response) {
    return response.json().catch(function () { return null; }).then(function (body) {
      return { status: response.status, body: body };
    });
  }

  function showNotices(body) {
    var notices = body && Array.isArray(body.messages) ? body.messages : [];
    notices.forEach(function (notice) {
      addMessage({ sender: "bot", text: String(notice.text || "") });
    });
  }

  /* Posts a pending message; on failure it stays on screen, marked, with a retry. */
  function post(pending) {
    hideError();
    pending.row.classList.remove("dalil-wc-row--failed");
    setBusy(true);
    fetch(base + "/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: pending.text }),
    }).then(readJson).then(function (result) {
      setBusy(false);
      if (result.status === 200 && Array.isArray(result.body)) {
        result.body.forEach(function (m) {
          addMessage({ sender: "bot", text: String(m.text || ""), buttons: m.buttons });
        });
        return;
      }
      if (result.status === 400 || result.status === 413) {
        // Refused as it stands: give the visitor their words back to edit.
        pending.row.parentNode.removeChild(pending.row);
        if (!pending.title) {
          input.value = input.value ? pending.text + "\n" + input.value : pending.text;
          save(KEYS.draft, input.value);
        }
        showNotices(result.body);
        return;
      }
      throw new Error("status " + result.status);
    }).catch(function () {
      setBusy(false);
      pending.row.classList.add("dalil-wc-row--failed");
      showError(T.sendError, function () { post(pending); });
    });
  }

  /* Sends ``text`` (a typed message or a button's payload shown as ``title``). */
  function send(text, title) {
    if (busy) return;
    removeQuickReplies();
    var row = addMessage({ sender: "user", text: title || text });
    post({ text: text, title: title, row: row });
  }

  function loadHistory() {
    hideError();
    fetch(base + "/history?sender=" + encodeURIComponent(sender)).then(readJson)
      .then(function (result) {
        if (result.status !== 200 || !result.body || !Array.isArray(result.body.messages)) {
          throw new Error("status " + result.status);
        }
        var messages = result.body.messages;
        var lastUser = -1;
        messages.forEach(function (m, index) { if (m.sender === "user") lastUser = index; });
        var fragment = document.createDocumentFragment();
        messages.forEach(function (m, index) {
          fragment.appendChild(messageRow({ sender: m.sender, text: String(m.text || ""),
            buttons: m.buttons, time: Number(m.timestamp) * 1000 }, index > lastUser));
        });
        if (messages.length && emptyState.parentNode) log.removeChild(emptyState);
        log.insertBefore(fragment, emptyState.parentNode ? emptyState : log.firstChild);
        scrollToEnd();
        root.setAttribute("data-history", "loaded");
      })
      .catch(function () { showError(T.historyError, loadHistory); });
  }

  // --- opening, closing and the keyboard -----------------------------------------------------
  /* Opens the panel; ``restoring`` (after a reload) leaves the page's focus alone. */
  function openPanel(restoring) {
    panel.hidden = false;
    root.classList.add("dalil-wc--open");
    launcher.setAttribute("aria-expanded", "true");
    save(KEYS.open, "1");
    scrollToEnd();
    if (!restoring) input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    root.classList.remove("dalil-wc--open");
    launcher.setAttribute("aria-expanded", "false");
    save(KEYS.open, "0");
    launcher.focus();
  }

  function fitInput() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) openPanel(false); else closePanel();
  });
  closeButton.addEventListener("click", closePanel);
  retryButton.addEventListener("click", function () { if (retryAction) retryAction(); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  input.addEventListener("input", function () {
    save(KEYS.draft, input.value);
    fitInput();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    save(KEYS.draft, "");
    fitInput();
    send(text);
    input.focus();
  });

  loadHistory();
  if (load(KEYS.open) === "1") openPanel(true);
  fitInput();
})();
