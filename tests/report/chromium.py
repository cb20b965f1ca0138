"""Rendering a report's HTML file in Debian's Chromium, in a process of its own.

Playwright's sync API cannot start twice in one process, and ``tests/browser`` starts it too:
each rendering runs ``python -c RENDER`` and reads back what the page measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Screenshots of the first pages at A4 width (794 px at 96 dpi), a PDF, and measurements.
RENDER = """
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright
html, folder, stem = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.goto(html.as_uri())
    page.emulate_media(media="print")
    for index in range(3):
        page.evaluate(f"window.scrollTo(0, {1123 * index})")
        page.screenshot(path=str(folder / f"{stem}-page-{index + 1}.png"))
    page.pdf(path=str(folder / f"{stem}.pdf"), format="A4")
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('table')].map(t => t.scrollWidth))")
    headings = page.locator("h1").all_inner_texts()
    browser.close()
print(json.dumps({"widest": widest, "headings": headings}))
"""


def render(html: Path, folder: Path, stem: str) -> dict:
    """Render ``html``; screenshots ``<stem>-page-N.png`` in ``folder``; what the page measured."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(html), str(folder), stem],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
