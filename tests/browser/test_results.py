"""The results app served by Voilà, in Chromium: barometer by sector, XLSX download, report."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document as open_docx
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.helpers import html_msg, msg

WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"
SLOW = 240_000  # a kernel start and a first computation on a loaded two-core machine


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _open(page, served):
    # Voilà's "load" event waits for the kernel; wait for the app itself instead.
    page.goto(served.page("resultats.ipynb"), wait_until="commit", timeout=SLOW)
    expect(page.locator(".mt-results-app")).to_be_visible(timeout=SLOW)
    expect(page.locator("table.mt-results").first).to_be_visible(timeout=SLOW)


def test_results__barometer_by_sector__labels_margins_downloads_report(served, page, artifacts):
    _open(page, served)
    selects = page.locator(".mt-results-app select")
    expect(selects.nth(0)).to_have_value("Baromètre d'ambiance du quartier")
    page.locator(".mt-waves input[type=checkbox]").last.check()
    selects.nth(2).select_option(label=msg("present.col.sector"))
    _button(page, msg("results.show")).click()
    table = page.locator("table.mt-results").first
    expect(table.locator("th", has_text="Centre-ville")).to_be_visible(timeout=SLOW)
    expect(table).to_contain_text("Plutôt d'accord")
    expect(table).to_contain_text("±")
    text = page.locator(".mt-results-app").inner_text()
    for code in ("bords_eau", "quartier_agreable", "estimate", "ci_low", "NaN"):
        assert code not in text
    page.screenshot(path=str(artifacts / "resultats-768.png"), full_page=True)
    table.screenshot(path=str(artifacts / "resultats-768-tableau.png"))
    assert page.evaluate(WIDE), "horizontal overflow at 768 px"

    with page.expect_download(timeout=60_000) as download:
        page.locator("a.mt-xlsx").first.click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert "Centre-ville" in header

    _button(page, msg("report.app.button")).click()
    expect(page.get_by_text(msg("report.app.ready"))).to_be_visible(timeout=SLOW)
    with page.expect_download(timeout=60_000) as download:
        page.locator("a.mt-report-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    report = open_docx(download.value.path())
    assert any(p.style.name == "Heading 1" for p in report.paragraphs)
    with page.expect_download(timeout=60_000) as download:
        page.locator("a.mt-report-html").click()
    written = Path(download.value.path()).read_text(encoding="utf-8")
    title = "report.index.title"
    assert msg(title) in written or html_msg(title) in written


def test_results__phone_width__no_page_overflow(served, browser, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.set_default_timeout(30_000)
    phone.set_default_navigation_timeout(120_000)
    try:
        _open(phone, served)
        phone.screenshot(path=str(artifacts / "resultats-390.png"), full_page=True)
        phone.locator("table.mt-results").first.screenshot(
            path=str(artifacts / "resultats-390-tableau.png")
        )
        assert phone.evaluate(WIDE), "horizontal overflow at 390 px"
    finally:
        context.close()
