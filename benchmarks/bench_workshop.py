"""Live workshop at full size: one projected trainer page and twelve phones, in Chromium.

Run from the repository root::

    .venv/bin/python benchmarks/bench_workshop.py                 # SQLite, 3 runs
    .venv/bin/python benchmarks/bench_workshop.py --repeat 5 --pg postgresql://postgres@127.0.0.1:5432/postgres

Each run starts a fresh ``toolkit serve`` (default options: preheated pools for the
collection pages) on a free port with a fresh database (a temporary SQLite file, or a
PostgreSQL database created and dropped for the run), then drives one Chromium (Debian's
``/usr/bin/chromium``, headless) with Playwright's async API: the trainer's page at 1280×800
and ``--participants`` phone pages at 390×844, each in its own browser context, all at once.

Measured (every page event is timestamped inside the page by a ``MutationObserver`` or a
capturing click listener, so that Playwright's own polling adds nothing):

- ready: ``goto`` of a phone page until its *Rejoindre* button is visible (a Voilà kernel
  started and the notebook executed), the phones opened all at once;
- join: click on *Rejoindre* until the waiting screen shows; then, from the last join, until
  the trainer's page shows "Participants : 12";
- question: the trainer's click on *Lancer* (a quiz) until each phone shows the question;
- answer: every phone has picked an option beforehand, then all click *Valider* together;
  each phone's click until its feedback shows, and the last click until the trainer's
  revealed chart shows all the answers (bars ``a`` = 8, ``b`` = 4 for twelve phones);
- idle load: CPU used by the kernels (sum over their processes) and by the Voilà server
  over 10 s while every page sits idle (each kernel polls the database once a second);
- memory: RSS and PSS summed over the workshop's kernels (the 13 started for these pages;
  the preheated pool kernels are counted apart), and the Voilà server's RSS;
- load average (``os.getloadavg``) at the start and end of each run.

Figures per run, then the median and the worst over all runs (pooled per phone for the
per-phone measures).
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
from playwright.async_api import TimeoutError as PlaywrightTimeout

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
#: After this long a blank phone page is reloaded (Voilà's kernel start timeout is 60 s).
READY_TIMEOUT_MS = 120_000
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
    """Everything measured in one run (times in seconds)."""

    trainer_ready: float = 0.0
    ready: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)
    trainer_sees_all: float = 0.0
    question: list[float] = field(default_factory=list)
    answer_ack: list[float] = field(default_factory=list)
    chart: float = 0.0
    answered_text: float = 0.0
    kernels: int = 0
    kernel_rss: float = 0.0
    kernel_pss: float = 0.0
    pool_kernels: int = 0
    pool_rss: float = 0.0
    server_rss: float = 0.0
    kernel_cpu: float = 0.0
    server_cpu: float = 0.0
    chromium_cpu: float = 0.0
    load_start: float = 0.0
    load_end: float = 0.0
    reloads: int = 0


# ------------------------------------------------------------------------------- processes
def _kernels(served: Served) -> list[psutil.Process]:
    """The ipykernel processes under the server."""
    found = []
    for proc in psutil.Process(served.process.pid).children(recursive=True):
        try:
            if any("ipykernel_launcher" in part for part in proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _voila(served: Served) -> psutil.Process | None:
    """The Voilà server: the child of ``toolkit serve`` (the kernels are its children)."""
    children = psutil.Process(served.process.pid).children()
    return children[0] if children else None


def _wait_for_pool(served: Served, timeout: float = 120.0) -> set[int]:
    """Wait until the preheated kernels exist and sit idle; return their pids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = _kernels(served)
        if kernels:
            busy = sum(_cpu_seconds(kernels, 1.0).values())
            if busy < 0.05:
                return {k.pid for k in _kernels(served)}
        else:
            time.sleep(1.0)
    return {k.pid for k in _kernels(served)}


def _cpu_seconds(procs: list[psutil.Process], seconds: float) -> dict[int, float]:
    """CPU seconds (user + system) each process used during ``seconds``."""

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


def _memory(procs: list[psutil.Process]) -> tuple[float, float]:
    """Summed RSS and PSS in MiB."""
    rss = pss = 0
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def _chromium() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["exe", "cmdline"]):
        exe = proc.info["exe"] or ""
        if "chromium" in exe and "--headless" in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


# -------------------------------------------------------------------------------- browser
async def _seen(page, selectors: list[str], text: str | None = None) -> float:
    stamp = await page.evaluate(SEEN_JS, [selectors, text, TIMEOUT_MS])
    if stamp is None:
        raise TimeoutError(f"{selectors} {text!r} not seen on {page.url}")
    return stamp / 1000


def _bar(group: str, option: str, value: int) -> str:
    return f".wk-group[data-group='{group}'] .wk-bar[data-option='{option}'][data-value='{value}']"


async def _open_phone(browser, served: Served, code: str, index: int, result: RunResult):
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    url = served.page("formation_participant.ipynb", f"code={code}")
    join = page.get_by_role("button", name="Rejoindre")
    start = time.time()
    for attempt in range(3):
        try:
            await page.goto(url, timeout=READY_TIMEOUT_MS)
            await join.wait_for(timeout=READY_TIMEOUT_MS)
            break
        except PlaywrightTimeout:
            # A blank page: the participant reloads it (Voilà gave up on the kernel).
            result.reloads += 1
            if attempt == 2:
                raise
    result.ready.append(time.time() - start)
    if VERBOSE:
        print(f"  phone {index + 1}: ready after {result.ready[-1]:.1f} s", file=sys.stderr)
    await page.evaluate(CLICKS_JS, "Rejoindre")
    await page.locator(".widget-text input").nth(1).fill(f"Participant {index + 1:02d}")
    waiting = asyncio.ensure_future(_seen(page, [".wk-waiting"]))
    await asyncio.sleep(0.05)
    await join.click()
    seen = await waiting
    result.join.append(seen - await page.evaluate("window.__clicked") / 1000)
    await page.evaluate(CLICKS_JS, "Valider")
    return page, seen


async def _run(served: Served, participants: int) -> RunResult:
    from playwright.async_api import async_playwright

    result = RunResult(load_start=os.getloadavg()[0])
    pool = _wait_for_pool(served)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        trainer = await context.new_page()
        trainer.set_default_timeout(TIMEOUT_MS)
        start = time.time()
        await trainer.goto(served.page("formation_animateur.ipynb"), timeout=TIMEOUT_MS)
        await trainer.get_by_role("button", name="Ouvrir une session").wait_for()
        result.trainer_ready = time.time() - start
        await trainer.get_by_role("button", name="Ouvrir une session").click()
        code = (await trainer.locator(".wk-code").inner_text()).strip()
        await trainer.evaluate(CLICKS_JS, "Lancer")

        # Every phone opens the page at once, joins as soon as it is ready.
        everyone = asyncio.ensure_future(_seen(trainer, [], f"Participants : {participants}"))
        opened = await asyncio.gather(
            *(_open_phone(browser, served, code, i, result) for i in range(participants))
        )
        phones = [page for page, _ in opened]
        result.trainer_sees_all = await everyone - max(seen for _, seen in opened)

        # Idle: every page open, nothing launched; the kernels only poll.
        kernels = [k for k in _kernels(served) if k.pid not in pool]
        pool_procs = [k for k in _kernels(served) if k.pid in pool]
        voila = _voila(served)
        browsers = _chromium()
        used = _cpu_seconds([*kernels, *([voila] if voila else []), *browsers], IDLE_SECONDS)
        result.kernel_cpu = sum(used.get(k.pid, 0.0) for k in kernels) / IDLE_SECONDS
        result.server_cpu = used.get(voila.pid, 0.0) / IDLE_SECONDS if voila else 0.0
        result.chromium_cpu = sum(used.get(b.pid, 0.0) for b in browsers) / IDLE_SECONDS
        result.kernels = len(kernels)
        result.kernel_rss, result.kernel_pss = _memory(kernels)
        result.pool_kernels = len(pool_procs)
        result.pool_rss = _memory(pool_procs)[0]
        result.server_rss = _memory([voila])[0] if voila else 0.0

        # Launch the quiz; time until each phone shows the question.
        option = ".widget-radio-box label"
        shown = [asyncio.ensure_future(_seen(p, [option], RIGHT)) for p in phones]
        await asyncio.sleep(0.1)
        await trainer.get_by_role("button", name="Lancer").click()
        launched = await trainer.evaluate("window.__clicked") / 1000
        result.question = [stamp - launched for stamp in await asyncio.gather(*shown)]
        await trainer.get_by_role("button", name="Afficher les résultats").click()
        await trainer.get_by_role("button", name="Masquer les résultats").wait_for()

        # Two thirds pick the right option, the rest the wrong one; then all send at once.
        right = round(participants * 2 / 3)
        for k, phone in enumerate(phones):
            await phone.get_by_text(RIGHT if k < right else WRONG).first.click()
        await asyncio.sleep(1.5)  # the radio values reach the kernels
        chart = asyncio.ensure_future(
            _seen(
                trainer,
                [_bar("adhesion", "a", right), _bar("adhesion", "b", participants - right)],
            )
        )
        answered = asyncio.ensure_future(
            _seen(trainer, [], f"{participants} participant(s) ont répondu")
        )
        acks = [asyncio.ensure_future(_seen(p, [".wk-correct, .wk-wrong"])) for p in phones]
        await asyncio.sleep(0.1)
        await asyncio.gather(
            *(p.get_by_role("button", name="Valider").first.click() for p in phones)
        )
        clicks = [await p.evaluate("window.__clicked") / 1000 for p in phones]
        got = await asyncio.gather(*acks)
        result.answer_ack = [g - c for g, c in zip(got, clicks, strict=True)]
        last = max(clicks)
        result.chart = await chart - last
        result.answered_text = await answered - last
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

    rows = []
    for label, values in (
        ("trainer page ready (goto → Ouvrir une session)", per_run("trainer_ready")),
        ("phone page ready, 12 at once (goto → Rejoindre)", pooled("ready")),
        ("join (Rejoindre → waiting screen)", pooled("join")),
        ("last join → trainer shows all participants", per_run("trainer_sees_all")),
        ("Lancer → question on the phone", pooled("question")),
        ("Valider → feedback on the phone, 12 at once", pooled("answer_ack")),
        ("last Valider → trainer chart shows all answers", per_run("chart")),
        ("last Valider → « 12 participant(s) ont répondu »", per_run("answered_text")),
    ):
        rows.append((label, _s(statistics.median(values)), _s(max(values))))
    for label, values, unit in (
        ("workshop kernels: summed RSS", per_run("kernel_rss"), "MiB"),
        ("workshop kernels: summed PSS", per_run("kernel_pss"), "MiB"),
        ("preheated pool kernels: summed RSS", per_run("pool_rss"), "MiB"),
        ("Voilà server RSS", per_run("server_rss"), "MiB"),
    ):
        rows.append((label, f"{statistics.median(values):.0f} {unit}", f"{max(values):.0f} {unit}"))
    for label, values in (
        ("idle CPU, workshop kernels (cores)", per_run("kernel_cpu")),
        ("idle CPU, Voilà server (cores)", per_run("server_cpu")),
        ("idle CPU, Chromium (cores)", per_run("chromium_cpu")),
        ("load average (1 min) at start", per_run("load_start")),
        ("load average (1 min) at end", per_run("load_end")),
        ("phone pages reloaded (blank after 120 s)", per_run("reloads")),
    ):
        rows.append((label, f"{statistics.median(values):.2f}", f"{max(values):.2f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs (fresh server each)")
    parser.add_argument("--participants", type=int, default=12)
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
                result = asyncio.run(_run(served, args.participants))
            except Exception:
                for log in workdir.glob("serve-*.log"):
                    print(log.read_text(errors="replace")[-6000:], file=sys.stderr)
                raise
            finally:
                stop_server(served)
                database.close()
            results.append(result)
            print(
                f"run {k + 1}: ready {statistics.median(result.ready):.1f}/{max(result.ready):.1f} s, "
                f"join {statistics.median(result.join):.2f}/{max(result.join):.2f} s, "
                f"question {statistics.median(result.question):.2f}/{max(result.question):.2f} s, "
                f"ack {statistics.median(result.answer_ack):.2f}/{max(result.answer_ack):.2f} s, "
                f"chart {result.chart:.2f} s, kernels {result.kernels} "
                f"({result.kernel_rss:.0f} MiB RSS), idle CPU {result.kernel_cpu:.2f} cores, "
                f"load {result.load_start:.1f}→{result.load_end:.1f}, reloads {result.reloads}",
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
