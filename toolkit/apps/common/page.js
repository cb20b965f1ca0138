// The page bridge of the Médiation Toolkit apps (see page.py): page title and language,
// the page address, phone keyboards, growing text boxes, and the connection banner.

const KINDS = {
  integer: { inputmode: "numeric", pattern: "[0-9]*" },
  decimal: { inputmode: "decimal" },
  email: { type: "email", inputmode: "email", autocomplete: "off" },
  tel: { type: "tel", inputmode: "tel" },
};

function applyKinds(root) {
  for (const [kind, attrs] of Object.entries(KINDS)) {
    for (const input of root.querySelectorAll(`.mt-kind-${kind} input`)) {
      for (const [name, value] of Object.entries(attrs)) {
        if (input.getAttribute(name) !== value) input.setAttribute(name, value);
      }
    }
  }
  for (const area of root.querySelectorAll(".mt-kind-long_text textarea")) {
    if (!area.dataset.mtGrow) {
      area.dataset.mtGrow = "1";
      area.addEventListener("input", () => grow(area));
    }
    grow(area);
  }
}

function grow(area) {
  if (!area.offsetParent) return;
  area.style.height = "auto";
  area.style.height = `${Math.max(area.scrollHeight + 4, 96)}px`;
}

function render({ model, el }) {
  el.classList.add("mt-bridge");
  const banner = document.createElement("div");
  banner.className = "mt-connection";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  el.appendChild(banner);

  const head = () => {
    document.title = model.get("title") || document.title;
    document.documentElement.lang = model.get("lang") || "fr";
  };
  const address = () => {
    const url = new URL(window.location.href);
    for (const [key, value] of Object.entries(model.get("query") || {})) {
      if (value === null || value === "") url.searchParams.delete(key);
      else url.searchParams.set(key, String(value));
    }
    if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url);
  };
  model.on("change:title", head);
  model.on("change:lang", head);
  model.on("change:query", address);
  head();
  address();


  // Answers first, then the click. ipywidgets holds back a model's changes while an earlier
  // one awaits the kernel's reply (its throttle buffer), but sends a button's click at once:
  // under load the click could reach the kernel before the last letters typed. A click on a
  // button that needs the server waits until no model holds changes back, then goes.
  const manager = model.widget_manager;
  const known = new Set();
  const learn = () => {
    const models = manager && manager._models ? Object.values(manager._models) : [];
    for (const promise of models) {
      Promise.resolve(promise).then((m) => known.add(m)).catch(() => {});
    }
  };
  const unsent = () => [...known].some((m) => m && !m._closed && m._msg_buffer);
  const orderly = (event) => {
    const button = event.target && event.target.closest ? event.target.closest("button.mt-needs-server") : null;
    if (!button) return;
    if (button.dataset.mtReplay) {
      delete button.dataset.mtReplay;
      return;
    }
    learn();
    if (!unsent()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const started = Date.now();
    const retry = () => {
      if (unsent() && Date.now() - started < 10000) {
        setTimeout(retry, 40);
        return;
      }
      button.dataset.mtReplay = "1";
      button.click();
    };
    setTimeout(retry, 40);
  };
  document.addEventListener("click", orderly, true);
  learn();

  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      applyKinds(document.body);
      learn();
    }, 100);
  });
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["style", "class"] });
  applyKinds(document.body);

  // Connection: the browser's own network state, the kernel WebSocket's state and a ping
  // answered by the kernel (a kernel restarted behind a live socket answers nothing).
  const kernel = model.widget_manager && model.widget_manager.kernel;
  let network = navigator.onLine;
  let socket = kernel && kernel.connectionStatus ? kernel.connectionStatus : "connected";
  let sent = 0;
  let answered = 0;
  let lost = false;
  let restarted = false;
  let backTimer = null;

  // The network and the socket say a loss at once; pings only catch a kernel gone behind a
  // live socket, so they wait for seven unanswered (about twenty seconds): a kernel merely
  // slow on a loaded server must not block the mediator.
  const blocked = () => !network || socket !== "connected" || sent - answered > 7;
  const update = () => {
    if (restarted && network && socket === "connected") {
      window.location.reload();
      return;
    }
    const off = blocked();
    document.body.classList.toggle("mt-offline", off);
    for (const button of document.querySelectorAll(".mt-needs-server button, button.mt-needs-server")) {
      if (off && !button.disabled) {
        button.disabled = true;
        button.dataset.mtBlocked = "1";
      } else if (!off && button.dataset.mtBlocked) {
        delete button.dataset.mtBlocked;
        button.disabled = false;
      }
    }
    if (off) {
      lost = true;
      clearTimeout(backTimer);
      banner.textContent = model.get("offline_text");
      banner.className = "mt-connection mt-connection-lost";
      banner.hidden = false;
    } else if (lost) {
      lost = false;
      banner.textContent = model.get("back_text");
      banner.className = "mt-connection mt-connection-back";
      banner.hidden = false;
      backTimer = setTimeout(() => { banner.hidden = true; }, 4000);
    }
  };
  // After a long drop the kernel connection gives up ("disconnected"): try again once the
  // network is back; if the server answers but the kernel is gone (server restarted), reload:
  // the page address carries the draft, so the new kernel reopens it from the store.
  let reconnecting = false;
  const serverAnswers = async () => {
    try {
      await fetch(window.location.href, { method: "HEAD", cache: "no-store" });
      return true;
    } catch (_error) {
      return false;
    }
  };
  const reconnect = async () => {
    if (!kernel || reconnecting || !network || kernel.connectionStatus !== "disconnected") return;
    reconnecting = true;
    try {
      await kernel.reconnect();
    } catch (_error) {
      if (await serverAnswers()) window.location.reload();
    } finally {
      reconnecting = false;
    }
  };
  if (kernel && kernel.connectionStatusChanged) {
    kernel.connectionStatusChanged.connect((_sender, status) => {
      socket = status;
      update();
    });
  }
  if (kernel && kernel.statusChanged) {
    kernel.statusChanged.connect((_sender, status) => {
      if (status === "restarting" || status === "autorestarting" || status === "dead") restarted = true;
    });
  }
  const onNetwork = () => {
    network = navigator.onLine;
    update();
    reconnect();
  };
  window.addEventListener("online", onNetwork);
  window.addEventListener("offline", onNetwork);
  model.on("msg:custom", (message) => {
    if (message && message.pong) {
      answered = Math.max(answered, message.pong);
      update();
    }
  });
  const every = Math.max(1000, model.get("ping_ms") || 3000);
  const pinger = setInterval(() => {
    sent += 1;
    model.send({ ping: sent });
    update();
    reconnect();
  }, every);
  const hide = () => model.send({ event: "hide" });
  window.addEventListener("pagehide", hide);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") hide();
  });
  update();

  return () => {
    clearInterval(pinger);
    observer.disconnect();
    window.removeEventListener("online", onNetwork);
    window.removeEventListener("offline", onNetwork);
    window.removeEventListener("pagehide", hide);
    document.removeEventListener("click", orderly, true);
  };
}

export default { render };
