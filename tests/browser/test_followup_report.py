"""« Produire le rapport » in « Suivi », in Chromium: the activity report of the indicators'
period, downloaded as Word and HTML; screenshots at phone (390×844) and tablet (768×1024)."""

from __future__ import annotations

import html as markup
import re
from pathlib import Path

import pytest
from docx import Document as open_docx
from playwright.sync_api import expect

from toolkit.i18n import t

WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"
#: A kernel start and the indicators of six months of demo records on a loaded machine.
PAGE_MS = 300_000


def _button(scope, name):
    return scope.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


@pytest.mark.parametrize(("width", "height"), [(390, 844), (768, 1024)])
def test_followup_report__indicators_screen__word_and_html_downloaded(
    served, browser, artifacts, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(120_000)
    try:
        page.goto(served.page("suivi.ipynb"), wait_until="commit", timeout=PAGE_MS)
        expect(page.locator(".mt-followup")).to_be_visible(timeout=PAGE_MS)
        page.locator(".mt-views").get_by_role(
            "button", name=t("followup.app.view.indicators", "fr")
        ).click()
        expect(page.locator("[data-indicator]").first).to_be_visible(timeout=PAGE_MS)
        expect(page.get_by_text(t("report.app.activite_scope", "fr"))).to_be_visible()
        _button(page, t("report.app.button", "fr")).click()
        expect(page.get_by_text(t("report.app.ready", "fr"))).to_be_visible(timeout=PAGE_MS)
        page.screenshot(path=str(artifacts / f"suivi-rapport-{width}.png"), full_page=True)
        page.locator("a.mt-report-docx").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"suivi-rapport-liens-{width}.png"))
        assert page.evaluate(WIDE), f"horizontal overflow at {width} px"

        with page.expect_download(timeout=60_000) as download:
            page.locator("a.mt-report-docx").click()
        assert download.value.suggested_filename.endswith(".docx")
        report = open_docx(download.value.path())
        headings = [p.text for p in report.paragraphs if p.style.name == "Heading 1"]
        assert headings
        with page.expect_download(timeout=60_000) as download:
            page.locator("a.mt-report-html").click()
        assert download.value.suggested_filename.endswith(".html")
        html = Path(download.value.path()).read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>")
        assert markup.escape(report.core_properties.title) in html
    finally:
        context.close()
