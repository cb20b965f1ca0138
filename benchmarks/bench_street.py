"""Field app in the street, in Chromium: how fast a reload resumes, a typed correction
counts, a lost connection is said and a found one is back.

Run from the repository root: ``.venv/bin/python benchmarks/bench_street.py [--repeat N]
[--long 90]``. One ``toolkit serve`` (preheated kernels, demo data), Debian's Chromium at
390×844 (a phone). Measured, median of ``--repeat`` runs after one warm-up:

- reload resume: ``page.reload()`` on page 3 of the barometer until page 3 and its checked
  answer are shown again (a new kernel reopens the draft from the store);
- keystroke to *Next*: the last character that makes an invalid e-mail valid, typed in the
  field, until *Suivant* is enabled (one round trip and a validation of the whole form);
- loss said: ``context.set_offline(True)`` until the French banner is shown;
- back after 5 s: ``set_offline(False)`` after 5 s offline until « Connexion rétablie » and
  *Envoyer* enabled again;
- back after ``--long`` s (one run): the same after a long drop, past the point where the
  kernel connection gives up and the page reconnects by itself.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _choose(page, name, label):
    page.locator(f".mt-q-{name} label", has_text=label).first.click()


def _open(page, served, collector: str) -> None:
    page.goto(served.page("collecte.ipynb", "instrument=barometre_ambiance"), timeout=180_000)
    page.locator(".mt-collector input").wait_for(timeout=180_000)
    page.locator(".mt-collector input").fill(collector)
    page.locator(".mt-sector select").select_option(label="Centre-ville")
    page.locator(".mt-consent-input label", has_text="Oui").click()
    _button(page, "Commencer").click()
    page.get_by_text("Page 1 sur").wait_for()
    _button(page, "Suivant").click()
    page.get_by_text("Page 2 sur").wait_for()
    _choose(page, "quartier_agreable", "Plutôt d'accord")
    _choose(page, "problemes", "Aucun de ces problèmes")
    _button(page, "Suivant").click()
    page.get_by_text("Page 3 sur").wait_for()


def _once(page, served, number: int) -> tuple[float, float, float, float]:
    _open(page, served, f"bench-rue-{number}")
    _choose(page, "insecurite_domicile", "Rarement")
    page.wait_for_timeout(2000)
    t0 = time.perf_counter()
    page.reload(timeout=180_000)
    page.get_by_text("Page 3 sur").wait_for(timeout=180_000)
    page.locator(".mt-q-insecurite_domicile input:checked").wait_for()
    reload = time.perf_counter() - t0
    _choose(page, "insecurite_quartier", "Jamais")
    _choose(page, "evolution", "Inchangée")
    _button(page, "Suivant").click()
    page.get_by_text("Page 4 sur").wait_for()
    _choose(page, "participer_reunion", "Oui")
    email = page.locator(".mt-q-contact_email input")
    email.wait_for(state="visible")
    email.press_sequentially("habitant@exemple.f")
    _button(page, "Suivant").click()
    page.locator(".mt-q-contact_email .mt-error").get_by_text("non valide").wait_for()
    t0 = time.perf_counter()
    email.press("End")
    email.press("r")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim().endsWith('Suivant') && !b.disabled)"
    )
    keystroke = time.perf_counter() - t0
    context = page.context
    t0 = time.perf_counter()
    context.set_offline(True)
    page.locator(".mt-connection-lost").wait_for()
    said = time.perf_counter() - t0
    page.wait_for_timeout(5000)
    t0 = time.perf_counter()
    context.set_offline(False)
    page.locator(".mt-connection-back").wait_for(timeout=180_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim().endsWith('Suivant') && !b.disabled)"
    )
    back = time.perf_counter() - t0
    return reload, keystroke, said, back


def _long(page, served, seconds: float) -> float:
    _open(page, served, "bench-rue-long")
    context = page.context
    context.set_offline(True)
    page.locator(".mt-connection-lost").wait_for()
    page.wait_for_timeout(seconds * 1000)
    t0 = time.perf_counter()
    context.set_offline(False)
    page.locator(".mt-connection-back").wait_for(timeout=300_000)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long", type=float, default=90.0, help="long drop (s); 0: skip")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as raw, sync_playwright() as playwright:
        tmp = Path(raw)
        db = f"sqlite:///{tmp / 'toolkit.sqlite'}"
        subprocess.run(
            [sys.executable, "-m", "toolkit", "demo", "--db", db, "--per-wave", "40"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        served = start_server(tmp / "serve", db_url=db)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            _once(page, served, 0)
            runs = [_once(page, served, n) for n in range(1, args.repeat + 1)]
            long = _long(page, served, args.long) if args.long > 0 else None
            context.close()
        finally:
            browser.close()
            stop_server(served)
    steps = ("reload resume (page 3)", "keystroke to Next", "loss said", "back after 5 s")
    print("| step | median | runs |")
    print("|---|---|---|")
    for number, step in enumerate(steps):
        values = [r[number] for r in runs]
        shown = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(f"| {step} | {statistics.median(values) * 1000:.0f} ms | {shown} ms |")
    if long is not None:
        print(f"| back after {args.long:.0f} s | {long * 1000:.0f} ms | 1 run |")


if __name__ == "__main__":
    main()
