// The projected page: follows the room's state and sends the trainer's next / previous /
// reveal commands (buttons, or a presentation remote's keys).
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("rm-config").textContent);
  const screen = document.getElementById("pj-screen");
  const statusLine = document.getElementById("pj-status");
  const revealButton = document.querySelector("[data-action=reveal]");
  let key = "";
  let run = null;
  let focus = 0;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function say(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function revealed() {
    const current = screen.querySelector("[data-revealed]");
    return current ? current.dataset.revealed === "true" : null;
  }

  // A quiz of several questions is shown one question at a time: next / previous move
  // through its questions first, then to the next / previous exercise.
  function items() {
    return Array.from(screen.querySelectorAll(".wk-group, .pj-question"));
  }

  function place() {
    const all = items();
    focus = Math.max(0, Math.min(focus, all.length - 1));
    all.forEach((item, index) => { item.hidden = all.length > 1 && index !== focus; });
    const counter = screen.querySelector(".pj-of");
    if (counter) {
      counter.hidden = all.length < 2;
      counter.textContent = config.strings.of
        .replace("{n}", String(focus + 1)).replace("{total}", String(all.length));
    }
  }

  function update() {
    const current = screen.querySelector("[data-run]");
    const now = current ? current.dataset.run : null;
    if (now !== run) { run = now; focus = 0; }
    place();
    const state = revealed();
    revealButton.hidden = state === null;
    revealButton.textContent = state ? config.strings.hide : config.strings.reveal;
  }

  async function follow() {
    let failures = 0;
    for (;;) {
      try {
        const response = await fetch(
          `${config.state}?since=${encodeURIComponent(key)}&lang=${config.lang}`,
          { credentials: "same-origin", cache: "no-store" },
        );
        const data = await response.json();
        if (!response.ok) { say(data.message || config.strings.offline); await sleep(3000); continue; }
        failures = 0;
        say("");
        if (data.key !== key) {
          key = data.key;
          screen.innerHTML = data.html;
          update();
        }
      } catch (_) {
        failures += 1;
        say(config.strings.offline);
        await sleep(Math.min(1000 * failures, 5000));
      }
    }
  }

  async function control(action) {
    if (action === "fullscreen") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
      return;
    }
    const all = items();
    if (action === "next" && all.length > 1 && focus < all.length - 1) { focus += 1; place(); return; }
    if (action === "previous" && all.length > 1 && focus > 0) { focus -= 1; place(); return; }
    if (action === "reveal") {
      const state = revealed();
      if (state === null) return;
      action = state ? "hide" : "reveal";
    }
    try {
      const response = await fetch(config.control, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-XSRFToken": config.xsrf },
        body: JSON.stringify({ action }),
      });
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        say(data.message || config.strings.offline);
      }
    } catch (_) {
      say(config.strings.offline);
    }
  }

  document.querySelector(".pj-controls").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) control(button.dataset.action);
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const keys = {
      ArrowRight: "next", PageDown: "next", " ": "next",
      ArrowLeft: "previous", PageUp: "previous",
      b: "reveal", B: "reveal", ".": "reveal", r: "reveal", R: "reveal",
      f: "fullscreen", F: "fullscreen",
    };
    const action = keys[event.key];
    if (action) { event.preventDefault(); control(action); }
  });

  update();
  follow();
})();
