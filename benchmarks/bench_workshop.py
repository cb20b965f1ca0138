"""Live workshop at full size: the trainer's panel, the projector and thirty phones, in Chromium.

Run from the repository root::

    .venv/bin/python benchmarks/bench_workshop.py                 # SQLite, 3 runs, 30 phones
    .venv/bin/python benchmarks/bench_workshop.py --repeat 5 --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_workshop.py --participants 60 -v  # another size, with progress

Each run starts a fresh ``toolkit serve`` (default options) on a free port with a fresh
database (a temporary SQLite file, or a PostgreSQL database created and dropped for the run),
then drives one Chromium (Debian's ``/usr/bin/chromium``, headless) with Playwright's async
API: the trainer's panel (a Voilà page, 1280×800), the projector page (1280×720) and phones
on the room's light page ``/salle/CODE`` (390×844), each phone in its own browser context.

Measured (page events are timestamped inside the pages by a ``MutationObserver`` or a
capturing click listener, so that Playwright's own polling adds nothing):

- ready: from the start of a phone page's navigation until it can join (DOMContentLoaded
  ended, so its script has run; the *Rejoindre* button is visible), as the page's own
  Navigation Timing gives it, and as Playwright's wall clock around ``goto`` sees it; first
  for one phone alone (``--solo`` times, one after the other), then for all the phones at
  once; the ratio of the two medians (target ≤ 2). Every phone's browser context is created
  (and shows a page of the server) before the clock starts, as a phone's browser is already
  running: 30 renderer processes starting at once would measure Chromium, not the server;
- the server alone: the same page fetched over HTTP without a browser (httpx), by one
  client and then by as many clients at once as there are phones (what the server adds,
  apart from the browsers sharing its two cores); and the server's CPU time per phone
  while the phones open the page, join and wait (independent of the machine's load);
- join: click on *Rejoindre* until the waiting screen shows, every phone as soon as it is
  ready; then, from the last join, until the panel shows all the participants;
- question: the panel's click on *Lancer* (the quiz of module 1) until each phone shows it;
- answer: every phone picks an option, then all click *Valider* together; each phone's click
  until its feedback shows, and the last click until the panel's revealed chart and the
  projector's show every answer (two thirds ``a``, one third ``b``);
- memory: the Voilà server's RSS before the phones and once they have all joined and wait
  (each holds one pending request), divided by the number of phones; ipykernel processes
  before and after (phones must start none);
- idle load: CPU of the server and of the kernels over 10 s, every page open;
- load average (``os.getloadavg``) at the start and end of each run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Served,
    start_server,
    stop_server,
)

MODULE = "01_cadre_posture.yaml"  # first module offered by the trainer's page
RIGHT, WRONG = "Il peut se retirer à tout moment", "Il doit aller au bout"
TIMEOUT_MS = 300_000
IDLE_SECONDS = 10.0
VERBOSE = "-v" in sys.argv or "--verbose" in sys.argv

#: Resolves with ``Date.now()`` once every selector matches (and ``text``, if given, is in
#: the body's text); ``null`` after ``timeout`` ms.
SEEN_JS = """
([selectors, text, timeout]) => new Promise((resolve) => {
  const ok = () => selectors.every((s) => document.querySelector(s))
      && (!text || document.body.innerText.includes(text));
  if (ok()) { resolve(Date.now()); return; }
  const observer = new MutationObserver(() => {
    if (ok()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document.body,
    {childList: true, subtree: true, attributes: true, characterData: true});
  setTimeout(() => { observer.disconnect(); resolve(null); }, timeout);
})
"""
#: Keeps the time of the last click on a button whose text is ``name`` in ``window.__clicked``.
CLICKS_JS = """
(name) => document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button && button.innerText.trim() === name) { window.__clicked = Date.now(); }
}, true)
"""


@dataclass
class RunResult:
    """Everything measured in one run (times in seconds, memory in MiB)."""

    participants: int = 0
    trainer_ready: float = 0.0
    solo: list[float] = field(default_factory=list)
    solo_wall: list[float] = field(default_factory=list)
    ready: list[float] = field(default_factory=list)
    ready_wall: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)
    trainer_sees_all: float = 0.0
    question: list[float] = field(default_factory=list)
    answer_ack: list[float] = field(default_factory=list)
    chart: float = 0.0
    projector_chart: float = 0.0
    http_solo: list[float] = field(default_factory=list)
    http_ready: list[float] = field(default_factory=list)
    server_cpu_per_phone: float = 0.0
    server_rss_before: float = 0.0
    server_rss_after: float = 0.0
    kernels_before: int = 0
    kernels_after: int = 0
    kernel_cpu: float = 0.0
    server_cpu: float = 0.0
    load_start: float = 0.0
    load_end: float = 0.0

    @property
    def ratio(self) -> float:
        return statistics.median(self.ready) / statistics.median(self.solo)

    @property
    def http_ratio(self) -> float:
        return statistics.median(self.http_ready) / statistics.median(self.http_solo)

    @property
    def rss_per_phone(self) -> float:
        return (self.server_rss_after - self.server_rss_before) / self.participants


# ------------------------------------------------------------------------------- processes
def _kernels(served: Served) -> list[psutil.Process]:
    found = []
    for proc in psutil.Process(served.process.pid).children(recursive=True):
        try:
            if any("ipykernel_launcher" in part for part in proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _voila(served: Served) -> psutil.Process:
    """The Voilà server: the child of ``toolkit serve`` (the kernels are its children)."""
    return psutil.Process(served.process.pid).children()[0]


def _rss(proc: psutil.Process) -> float:
    return proc.memory_info().rss / 2**20


def _cpu_seconds(procs: list[psutil.Process], seconds: float) -> dict[int, float]:
    def total(proc: psutil.Process) -> float | None:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            return None
        return times.user + times.system

    before = {p.pid: total(p) for p in procs}
    time.sleep(seconds)
    used = {}
    for proc in procs:
        after = total(proc)
        if after is not None and before[proc.pid] is not None:
            used[proc.pid] = after - before[proc.pid]
    return used


def _wait_for_pool(served: Served, timeout: float = 180.0) -> None:
    """Wait until the preheated kernels exist and sit idle (they are not the phones' cost)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = _kernels(served)
        if kernels and sum(_cpu_seconds(kernels, 1.0).values()) < 0.05:
            return
        time.sleep(0.5)


# -------------------------------------------------------------------------------- browser
async def _seen(page, selectors: list[str], text: str | None = None) -> float:
    stamp = await page.evaluate(SEEN_JS, [selectors, text, TIMEOUT_MS])
    if stamp is None:
        raise TimeoutError(f"{selectors} {text!r} not seen on {page.url}")
    return stamp / 1000


def _bar(group: str, option: str, value: int) -> str:
    return f".wk-group[data-group='{group}'] .wk-bar[data-option='{option}'][data-value='{value}']"


async def _blank_phone(browser, served: Served):
    """A phone's context and page, already showing a page of the server's address.

    A real phone has its browser running: creating the context and its renderer process
    (tens of MB, a process start) is not part of joining, so it happens before the clock
    starts; the page shown is a 404 of the server, so nothing of the room page is cached.
    """
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(f"{served}/salle/api/none", timeout=TIMEOUT_MS)
    return context, page


#: Seconds from the start of the navigation to the end of DOMContentLoaded, measured by the
#: page itself (the deferred script has run then: the join form works).
NAVIGATION_JS = "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000"


async def _ready(page, served: Served, code: str) -> tuple[float, float]:
    """Open the room page; (in-page seconds until it can join, wall-clock seconds)."""
    start = time.time()
    await page.goto(f"{served}/salle/{code}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Rejoindre").wait_for()
    wall = time.time() - start
    return await page.evaluate(NAVIGATION_JS), wall


async def _phone(page, served: Served, code: str, index: int, result: RunResult):
    ready, wall = await _ready(page, served, code)
    result.ready.append(ready)
    result.ready_wall.append(wall)
    if VERBOSE:
        print(f"  phone {index + 1}: ready after {ready:.2f} s", file=sys.stderr)
    await page.evaluate(CLICKS_JS, "Rejoindre")
    await page.locator("#rm-name").fill(f"Participant {index + 1:02d}")
    waiting = asyncio.ensure_future(_seen(page, [".rm-waiting"]))
    await asyncio.sleep(0.05)
    await page.get_by_role("button", name="Rejoindre").click()
    seen = await waiting
    result.join.append(seen - await page.evaluate("window.__clicked") / 1000)
    await page.evaluate(CLICKS_JS, "Valider")
    return page, seen


async def _http(served: Served, code: str, participants: int, solo: int, result: RunResult):
    """The server alone, without a browser: the room page fetched by one client, ``solo``
    times, then by ``participants`` clients at once (one connection each)."""
    import httpx

    async def fetch(client: httpx.AsyncClient) -> float:
        start = time.perf_counter()
        response = await client.get(f"{served}/salle/{code}")
        response.raise_for_status()
        return time.perf_counter() - start

    async with httpx.AsyncClient(timeout=TIMEOUT_MS / 1000) as client:
        await fetch(client)
        result.http_solo = [await fetch(client) for _ in range(solo)]
    clients = [httpx.AsyncClient(timeout=TIMEOUT_MS / 1000) for _ in range(participants)]
    try:
        result.http_ready = list(await asyncio.gather(*(fetch(c) for c in clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


async def _run(served: Served, participants: int, solo: int) -> RunResult:
    from playwright.async_api import async_playwright

    result = RunResult(participants=participants, load_start=os.getloadavg()[0])
    _wait_for_pool(served)
    voila = _voila(served)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        desk = await browser.new_context(viewport={"width": 1280, "height": 800})
        trainer = await desk.new_page()
        trainer.set_default_timeout(TIMEOUT_MS)
        start = time.time()
        await trainer.goto(served.page("formation_animateur.ipynb"), timeout=TIMEOUT_MS)
        await trainer.get_by_role("button", name="Ouvrir une session").wait_for()
        result.trainer_ready = time.time() - start
        await trainer.get_by_role("button", name="Ouvrir une session").click()
        code = (await trainer.locator(".wk-code").inner_text()).strip()
        await trainer.evaluate(CLICKS_JS, "Lancer")
        projector = await desk.new_page()
        await projector.set_viewport_size({"width": 1280, "height": 720})
        await projector.goto(f"{served}/salle/{code}/projection")
        await projector.locator(".pj-lobby").wait_for()

        # One phone alone, a few times (it does not join), then every phone at once.
        for _ in range(solo):
            context, page = await _blank_phone(browser, served)
            ready, wall = await _ready(page, served, code)
            result.solo.append(ready)
            result.solo_wall.append(wall)
            await context.close()
        blanks = await asyncio.gather(*(_blank_phone(browser, served) for _ in range(participants)))
        await _http(served, code, participants, solo, result)
        await asyncio.sleep(1.0)
        result.server_rss_before = _rss(voila)
        cpu_before = _cpu(voila)
        result.kernels_before = len(_kernels(served))
        everyone = asyncio.ensure_future(_seen(trainer, [], f"{participants} participants :"))
        opened = await asyncio.gather(
            *(_phone(page, served, code, i, result) for i, (_c, page) in enumerate(blanks))
        )
        phones = [page for page, _ in opened]
        result.server_cpu_per_phone = (_cpu(voila) - cpu_before) / participants
        result.trainer_sees_all = await everyone - max(seen for _, seen in opened)
        await asyncio.sleep(1.0)
        result.server_rss_after = _rss(voila)
        kernels = _kernels(served)
        result.kernels_after = len(kernels)
        used = _cpu_seconds([*kernels, voila], IDLE_SECONDS)
        result.kernel_cpu = sum(used.get(k.pid, 0.0) for k in kernels) / IDLE_SECONDS
        result.server_cpu = used.get(voila.pid, 0.0) / IDLE_SECONDS

        # Launch the quiz from the panel; time until each phone shows the question.
        option = ".rm-choice"
        shown = [asyncio.ensure_future(_seen(p, [option], RIGHT)) for p in phones]
        await asyncio.sleep(0.1)
        await trainer.get_by_role("button", name="Lancer").click()
        launched = await trainer.evaluate("window.__clicked") / 1000
        result.question = [stamp - launched for stamp in await asyncio.gather(*shown)]
        await trainer.get_by_role("button", name="Afficher les résultats").click()
        await trainer.get_by_role("button", name="Masquer les résultats").wait_for()
        await projector.locator("[data-revealed='true']").wait_for()

        # Two thirds pick the right option, the rest the wrong one; then all send at once.
        right = round(participants * 2 / 3)
        for k, phone in enumerate(phones):
            await phone.get_by_text(RIGHT if k < right else WRONG).first.click()
        bars = [_bar("adhesion", "a", right), _bar("adhesion", "b", participants - right)]
        chart = asyncio.ensure_future(_seen(trainer, bars))
        projected = asyncio.ensure_future(_seen(projector, bars))
        acks = [asyncio.ensure_future(_seen(p, [".rm-correct, .rm-wrong"])) for p in phones]
        await asyncio.sleep(0.1)
        await asyncio.gather(
            *(p.get_by_role("button", name="Valider").first.click() for p in phones)
        )
        clicks = [await p.evaluate("window.__clicked") / 1000 for p in phones]
        got = await asyncio.gather(*acks)
        result.answer_ack = [g - c for g, c in zip(got, clicks, strict=True)]
        last = max(clicks)
        result.chart = await chart - last
        result.projector_chart = await projected - last
        await browser.close()
    result.load_end = os.getloadavg()[0]
    return result


# ------------------------------------------------------------------------------ databases
class Database:
    """A fresh SQLite file or PostgreSQL database for one run, migrated; dropped on close."""

    def __init__(self, workdir: Path, pg_url: str | None) -> None:
        from sqlalchemy import create_engine, text

        from toolkit.store import connect
        from toolkit.store.engine import resolve_url

        self._admin = None
        if pg_url is None:
            self.url = f"sqlite:///{workdir / 'toolkit.sqlite'}"
        else:
            base = resolve_url(pg_url)
            self._name = f"toolkit_bench_{uuid.uuid4().hex[:12]}"
            self._admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._name}"'))
            self.url = base.set(database=self._name).render_as_string(hide_password=False)
        connect(self.url).engine.dispose()

    def close(self) -> None:
        from sqlalchemy import text

        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            self._admin.dispose()


# -------------------------------------------------------------------------------- report
def _s(value: float) -> str:
    return f"{value:.2f} s"


def _summary(results: list[RunResult]) -> list[tuple[str, str, str]]:
    def pooled(name: str) -> list[float]:
        return [v for r in results for v in getattr(r, name)]

    def per_run(name: str) -> list[float]:
        return [getattr(r, name) for r in results]

    n = results[0].participants
    rows = []
    for label, values in (
        ("trainer panel ready (goto → Ouvrir une session)", per_run("trainer_ready")),
        ("one phone alone: ready (goto → can join)", pooled("solo")),
        (f"{n} phones at once: ready (goto → can join)", pooled("ready")),
        ("one phone alone: same, Playwright's wall clock", pooled("solo_wall")),
        (f"{n} phones at once: same, Playwright's wall clock", pooled("ready_wall")),
        ("join (Rejoindre → waiting screen)", pooled("join")),
        ("last join → panel shows all participants", per_run("trainer_sees_all")),
        ("Lancer → question on the phone", pooled("question")),
        (f"Valider → feedback on the phone, {n} at once", pooled("answer_ack")),
        ("last Valider → panel chart shows all answers", per_run("chart")),
        ("last Valider → projector chart shows all answers", per_run("projector_chart")),
    ):
        rows.append((label, _s(statistics.median(values)), _s(max(values))))
    for label, values in (
        ("server alone (HTTP, no browser): one client", pooled("http_solo")),
        (f"server alone (HTTP, no browser): {n} clients at once", pooled("http_ready")),
    ):
        rows.append(
            (label, f"{1000 * statistics.median(values):.0f} ms", f"{1000 * max(values):.0f} ms")
        )
    ratios = [r.ratio for r in results]
    worst = [max(r.ready) / statistics.median(r.solo) for r in results]
    rows.append(
        (
            "ratio: median at once / median alone",
            f"{statistics.median(ratios):.2f}",
            f"{max(ratios):.2f}",
        )
    )
    rows.append(
        (
            "ratio: worst at once / median alone",
            f"{statistics.median(worst):.2f}",
            f"{max(worst):.2f}",
        )
    )
    http = [r.http_ratio for r in results]
    rows.append(
        (
            "ratio, server alone: median at once / median alone",
            f"{statistics.median(http):.2f}",
            f"{max(http):.2f}",
        )
    )
    cpu = [1000 * r.server_cpu_per_phone for r in results]
    rows.append(
        (
            "server CPU per phone (page, join, waiting screen)",
            f"{statistics.median(cpu):.1f} ms",
            f"{max(cpu):.1f} ms",
        )
    )
    for label, values, unit in (
        ("Voilà server RSS before the phones", per_run("server_rss_before"), "MiB"),
        (f"Voilà server RSS with {n} phones joined", per_run("server_rss_after"), "MiB"),
        ("server RSS per phone", [r.rss_per_phone for r in results], "MiB"),
    ):
        rows.append((label, f"{statistics.median(values):.1f} {unit}", f"{max(values):.1f} {unit}"))
    for label, values in (
        ("ipykernel processes before the phones", per_run("kernels_before")),
        ("ipykernel processes after the phones", per_run("kernels_after")),
        ("idle CPU, Voilà server (cores)", per_run("server_cpu")),
        ("idle CPU, kernels (cores)", per_run("kernel_cpu")),
        ("load average (1 min) at start", per_run("load_start")),
        ("load average (1 min) at end", per_run("load_end")),
    ):
        rows.append((label, f"{statistics.median(values):.2f}", f"{max(values):.2f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs (fresh server each)")
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--solo", type=int, default=5, help="loads of one phone alone per run")
    parser.add_argument("--pg", default=None, help="PostgreSQL URL (admin database)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print progress")
    parser.add_argument("--serve", nargs="*", default=[], help="extra `toolkit serve` options")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as raw:
        for k in range(args.repeat):
            workdir = Path(raw) / f"run{k}"
            workdir.mkdir()
            database = Database(workdir, args.pg)
            served = start_server(workdir, *args.serve, db_url=database.url)
            try:
                result = asyncio.run(_run(served, args.participants, args.solo))
            except Exception:
                for log in workdir.glob("serve-*.log"):
                    print(log.read_text(errors="replace")[-6000:], file=sys.stderr)
                raise
            finally:
                stop_server(served)
                database.close()
            results.append(result)
            print(
                f"run {k + 1}: alone {statistics.median(result.solo):.2f} s, "
                f"at once {statistics.median(result.ready):.2f}/{max(result.ready):.2f} s "
                f"(ratio {result.ratio:.2f}), HTTP alone {1000 * statistics.median(result.http_solo):.0f} ms "
                f"at once {1000 * statistics.median(result.http_ready):.0f} ms, "
                f"CPU {1000 * result.server_cpu_per_phone:.1f} ms/phone, join {statistics.median(result.join):.2f} s, "
                f"question {statistics.median(result.question):.2f}/{max(result.question):.2f} s, "
                f"chart {result.chart:.2f} s, projector {result.projector_chart:.2f} s, "
                f"RSS {result.server_rss_before:.0f}→{result.server_rss_after:.0f} MiB "
                f"({result.rss_per_phone:.2f} MiB/phone), kernels "
                f"{result.kernels_before}→{result.kernels_after}, "
                f"load {result.load_start:.1f}→{result.load_end:.1f}",
                flush=True,
            )
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(f"\n{backend}, {args.participants} phones, {len(results)} runs")
    print("| measure | median | worst |")
    print("|---|---|---|")
    for row in _summary(results):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
