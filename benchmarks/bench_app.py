"""Field app speed in Chromium: first rendered form, page change, submit, against bare Voilà.

Run from the repository root: ``.venv/bin/python benchmarks/bench_app.py [--repeat N]``.

One ``toolkit serve`` per configuration (preheated kernels on and off) serves a copy of
``notebooks/`` plus ``bare.ipynb``, a notebook holding one ipywidgets button and a label:
the floor of what any Voilà page costs on the same server in the same run. Measured with
Playwright (Debian's ``/usr/bin/chromium``), after one warm-up view per page:

- first form: ``goto`` until the start screen's *Commencer* button is visible (bare: the
  button is visible);
- page change, first visit: click *Suivant* on page 1 until "Page 2 sur" and page 2's first
  question are shown (bare: click until the label changes), i.e. one widget round trip plus
  our validation and whatever the browser must build;
- back: click *Précédent* until page 1's question is shown again;
- forward again: click *Suivant* until page 2 is shown again (a page already visited);
- submit: click *Envoyer* until "Questionnaire enregistré" (bare: click round trip).

Before each timed click the benchmark waits ``--think`` seconds (default 1.5), as a mediator
reads the question before answering: the app builds the next page in the background during
that time.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

BARE = """import ipywidgets as w
button = w.Button(description="Go")
label = w.Label("0")
button.on_click(lambda _b: setattr(label, "value", str(int(label.value) + 1)))
w.VBox([button, label])"""


def _notebooks(tmp: Path) -> Path:
    folder = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, folder / "bare.ipynb")
    return folder


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _shown(page, number: int, question: str) -> None:
    page.get_by_text(f"Page {number} sur").wait_for()
    page.locator(f".mt-q-{question}").first.wait_for(state="visible")


def _form_once(page, served, think: float) -> tuple[float, ...]:
    t0 = time.perf_counter()
    page.goto(served.page("collecte.ipynb", "instrument=barometre_ambiance"), timeout=120_000)
    _button(page, "Commencer").wait_for(state="visible", timeout=120_000)
    first = time.perf_counter() - t0
    page.locator(".mt-collector input").fill("bench")
    page.locator(".mt-collector input").press("Tab")
    page.locator(".mt-sector select").select_option(label="Centre-ville")
    page.locator(".mt-consent-input label", has_text="Oui").click()
    _button(page, "Commencer").click()
    _shown(page, 1, "secteur")
    page.wait_for_timeout(think * 1000)
    t0 = time.perf_counter()
    _button(page, "Suivant").click()
    _shown(page, 2, "problemes")
    change = time.perf_counter() - t0
    page.wait_for_timeout(think * 1000)
    t0 = time.perf_counter()
    _button(page, "Précédent").click()
    _shown(page, 1, "secteur")
    back = time.perf_counter() - t0
    page.wait_for_timeout(think * 1000)
    t0 = time.perf_counter()
    _button(page, "Suivant").click()
    _shown(page, 2, "problemes")
    again = time.perf_counter() - t0
    answers = {
        "quartier_agreable": "Plutôt d'accord",
        "problemes": "Bruit",
        "gene_bruit": "Souvent",
    }
    for name, label in answers.items():
        page.locator(f".mt-q-{name} label", has_text=label).first.click()
    _button(page, "Suivant").click()
    page.get_by_text("Page 3 sur").wait_for()
    for name, label in {
        "insecurite_domicile": "Jamais",
        "insecurite_quartier": "Jamais",
        "evolution": "Inchangée",
    }.items():
        page.locator(f".mt-q-{name} label", has_text=label).first.click()
    _button(page, "Suivant").click()
    page.get_by_text("Page 4 sur").wait_for()
    _button(page, "Suivant").click()
    page.get_by_text("Page 5 sur").wait_for()
    page.locator(".mt-q-sexe label", has_text="Homme").click()
    page.locator(".mt-q-tranche_age label", has_text="25 à 39 ans").click()
    page.wait_for_timeout(300)
    t0 = time.perf_counter()
    _button(page, "Envoyer le questionnaire").click()
    page.get_by_text("Questionnaire enregistré").wait_for()
    submit = time.perf_counter() - t0
    return first, change, back, again, submit


def _bare_once(page, served) -> tuple[float, float]:
    t0 = time.perf_counter()
    page.goto(served.page("bare.ipynb"), timeout=120_000)
    _button(page, "Go").wait_for(state="visible", timeout=120_000)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    _button(page, "Go").click()
    page.get_by_text("1", exact=True).wait_for()
    click = time.perf_counter() - t0
    return first, click


def _median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--think", type=float, default=1.5, help="pause before a timed click (s)")
    parser.add_argument(
        "--pool", type=int, choices=(0, 1), action="append", help="only this pool size (repeatable)"
    )
    args = parser.parse_args()
    import os

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as raw, sync_playwright() as playwright:
        tmp = Path(raw)
        os.environ["TOOLKIT_NOTEBOOKS"] = str(_notebooks(tmp))
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for pool in args.pool or (1, 0):
            run = tmp / f"pool{pool}"
            run.mkdir()
            served = start_server(run, "--pool", str(pool))
            try:
                page = browser.new_page(viewport={"width": 768, "height": 1024})
                _form_once(page, served, args.think)
                _bare_once(page, served)
                form = [_form_once(page, served, args.think) for _ in range(args.repeat)]
                bare = [_bare_once(page, served) for _ in range(args.repeat)]
                if pool:
                    time.sleep(3)  # let the pools refill between views
                page.close()
            finally:
                stop_server(served)
            label = "preheated (pool 1)" if pool else "no preheat"
            steps = (
                "first render",
                "page change, first visit / click",
                "back to page 1 / click",
                "page 2 again / click",
                "submit / click",
            )
            for number, step in enumerate(steps):
                floor = [b[0] if number == 0 else b[1] for b in bare]
                rows.append((label, step, _median_ms([f[number] for f in form]), _median_ms(floor)))
        browser.close()
    print("| server | step | collecte (barometre) | bare Voilà |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
