// The participant's phone page: join a room, then show what the trainer launches.
// Screens come from the server as HTML (already escaped there); this script only swaps
// them in, posts the forms back as JSON and keeps the length counters up to date.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("rm-config").textContent);
  const S = config.strings;
  const screenBox = document.getElementById("rm-screen");
  const statusLine = document.getElementById("rm-status");
  const welcome = document.getElementById("rm-welcome");
  const heading = document.getElementById("rm-heading");
  const joinForm = document.getElementById("rm-join");
  const numbers = new Intl.NumberFormat(config.lang);
  const room = { pass: null, code: null, name: null, key: "", polling: false };

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const remembered = (code) => "toolkit-room:" + code;

  function say(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function count(field) {
    const target = document.getElementById(field.dataset.counter);
    if (!target) return;
    const used = field.value.length;
    target.textContent = S.counter
      .replace("{n}", numbers.format(used))
      .replace("{maximum}", numbers.format(field.maxLength));
    target.classList.toggle("rm-near", used >= field.maxLength * 0.9);
  }

  async function call(path, options) {
    const headers = { "Content-Type": "application/json" };
    if (room.pass) headers["X-Room-Pass"] = room.pass;
    const response = await fetch(config.api + path, {
      ...options, headers, credentials: "omit", cache: "no-store",
    });
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    return { ok: response.ok, status: response.status, data };
  }

  const post = (path, body) =>
    call(path, { method: "POST", body: JSON.stringify({ ...body, lang: config.lang }) });

  function problem(box, text) {
    box.textContent = text;
    box.hidden = false;
  }

  // -- joining ------------------------------------------------------------------------------
  async function join(code, name) {
    const reply = await post("/join", { code, pseudonym: name });
    if (!reply.ok) return reply.data.message || S.error;
    room.pass = reply.data.pass;
    room.code = reply.data.code;
    room.name = name;
    try {
      localStorage.setItem(remembered(room.code), JSON.stringify({
        pass: room.pass, name, title: reply.data.title, welcome: reply.data.welcome,
      }));
    } catch (_) { /* private mode: the page still works, a reload asks again */ }
    enter(reply.data.title, reply.data.welcome);
    return null;
  }

  function enter(title, greeting) {
    if (title) { heading.textContent = title; document.title = title; }
    welcome.textContent = greeting || "";
    welcome.hidden = !greeting;
    const query = location.search.replace(/([?&])code=[^&]*&?/, "$1").replace(/[?&]$/, "");
    history.replaceState(null, "", `${config.base}/${room.code}${query}`);
    room.key = "";
    if (!room.polling) follow();
  }

  joinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = document.getElementById("rm-join-error");
    const button = document.getElementById("rm-join-button");
    const code = joinForm.elements.code.value.trim();
    const name = joinForm.elements.pseudonym.value.trim();
    box.hidden = true;
    if (!code) { problem(box, S.empty_code); joinForm.elements.code.focus(); return; }
    if (!name) { problem(box, S.empty_name); joinForm.elements.pseudonym.focus(); return; }
    button.disabled = true;
    try {
      const failed = await join(code, name);
      if (failed) problem(box, failed);
    } catch (_) {
      problem(box, S.offline);
    } finally {
      button.disabled = false;
    }
  });

  // -- following the trainer ----------------------------------------------------------------
  function show(html) {
    screenBox.innerHTML = html;
    screenBox.querySelectorAll("[data-counter]").forEach(count);
  }

  async function follow() {
    room.polling = true;
    let failures = 0;
    while (room.pass) {
      try {
        const since = encodeURIComponent(room.key);
        const reply = await call(`/state?since=${since}&lang=${config.lang}`, { method: "GET" });
        if (reply.status === 401 || reply.status === 403) {
          if (!(await rejoin())) break;
          continue;
        }
        if (!reply.ok) throw new Error(String(reply.status));
        failures = 0;
        say("");
        if (reply.data.key !== room.key) {
          room.key = reply.data.key;
          show(reply.data.html);
        }
        if (room.key === "closed") {
          try { localStorage.removeItem(remembered(room.code)); } catch (_) { /* ignore */ }
          break;
        }
      } catch (_) {
        failures += 1;
        say(S.offline);
        await sleep(Math.min(1000 * failures, 5000));
      }
    }
    room.polling = false;
  }

  async function rejoin() {
    room.pass = null;
    if (room.code && room.name) {
      try {
        if (!(await join(room.code, room.name))) return true;
      } catch (_) { /* fall through to the join form */ }
    }
    location.reload();
    return false;
  }

  // -- answering ----------------------------------------------------------------------------
  function picked(form, name) {
    return Array.from(form.querySelectorAll("input:checked"))
      .filter((input) => input.name === name)
      .map((input) => input.value);
  }

  function answer(form) {
    const item = form.dataset.item;
    const text = form.querySelector("textarea");
    switch (form.dataset.kind) {
      case "single": {
        const value = picked(form, item);
        return value.length ? { [item]: value[0] } : null;
      }
      case "multiple": {
        const value = picked(form, item);
        return value.length ? { [item]: value } : null;
      }
      case "judgement": {
        const best = picked(form, "best");
        const worst = picked(form, "worst");
        if (!best.length || !worst.length) return null;
        if (best[0] === worst[0]) return S.same;
        return { pick: { best: best[0], worst: worst[0] } };
      }
      case "grid":
        return { grid: { checked: picked(form, "checked"), comment: text ? text.value : "" } };
      case "rewrite":
        return text && text.value.trim()
          ? { [item]: { text: text.value, checked: picked(form, "checked") } } : null;
      case "ratings": {
        const values = {};
        form.querySelectorAll("input[type=radio]:checked").forEach((input) => {
          values[input.name] = parseInt(input.value, 10);
        });
        if (text && text.value.trim()) values.comment = text.value;
        return Object.keys(values).length ? values : null;
      }
      default:
        return null;
    }
  }

  function run(element) {
    const article = element.closest("[data-run]");
    return article ? parseInt(article.dataset.run, 10) : null;
  }

  screenBox.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.rm-item");
    if (!form) return;
    event.preventDefault();
    const feedback = form.querySelector(".rm-feedback");
    const values = answer(form);
    if (values === null || typeof values === "string") {
      feedback.innerHTML = "";
      const line = document.createElement("p");
      line.className = "rm-error";
      line.textContent = values || S.pick;
      feedback.append(line);
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    feedback.textContent = S.sending;
    try {
      const reply = await post("/answer", { run: run(form), values });
      if (reply.ok) {
        feedback.innerHTML = reply.data.html;
      } else {
        feedback.textContent = "";
        const line = document.createElement("p");
        line.className = "rm-error";
        line.textContent = reply.data.message || S.error;
        feedback.append(line);
      }
    } catch (_) {
      feedback.textContent = S.offline;
    } finally {
      button.disabled = false;
    }
  });

  screenBox.addEventListener("click", async (event) => {
    const button = event.target.closest("button.rm-step");
    if (!button) return;
    const play = button.closest(".rm-play");
    const scenario = button.closest(".rm-scenario");
    let path = JSON.parse(scenario.dataset.path || "[]");
    if (button.dataset.kind === "restart") path = [];
    else path = path.concat([[button.dataset.scene, parseInt(button.dataset.index, 10)]]);
    play.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const reply = await post("/step", { run: run(play), path });
      if (reply.ok) {
        play.innerHTML = reply.data.html;
        play.scrollIntoView({ block: "start" });
      } else {
        say(reply.data.message || S.error);
      }
    } catch (_) {
      say(S.offline);
    } finally {
      play.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  });

  screenBox.addEventListener("change", (event) => {
    const input = event.target;
    if (input.name !== "role" || !input.closest(".rm-roles")) return;
    const article = input.closest("article");
    article.querySelectorAll(".rm-brief").forEach((section) => {
      const role = section.dataset.role;
      section.hidden = !(role === input.value || (role === "observer-grid" && input.value === "observer"));
    });
  });

  document.addEventListener("input", (event) => {
    if (event.target.dataset && event.target.dataset.counter) count(event.target);
  });
  document.querySelectorAll("[data-counter]").forEach(count);

  // -- a reloaded page goes on where it was -------------------------------------------------
  if (config.code) {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(remembered(config.code)) || "null"); } catch (_) { saved = null; }
    if (saved && saved.pass) {
      room.pass = saved.pass;
      room.code = config.code;
      room.name = saved.name;
      enter(saved.title, saved.welcome);
    } else {
      joinForm.elements.pseudonym.focus();
    }
  }
})();
