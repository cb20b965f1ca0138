"""The coding app in Chromium: two coders in two browser contexts, blind mode, agreement.

Three segments (one with accents and an emoji before the selected words) are put in a
reliability sample; each coder codes them in their own context (390×844 and 768×1024).
Other coders' codes stay hidden until a coder has seen the whole sample; the agreement table
and the disagreement list then show the expected values, and the span selected with the
mouse is stored with offsets in code points.
"""

from __future__ import annotations

import pytest

from tests.helpers import msg
from toolkit.qual import QualProject
from toolkit.store import connect

pytestmark = pytest.mark.browser

TIMEOUT_MS = 300_000  # a kernel start on a loaded two-core machine can take minutes
TEXT = "Été 2026 👍 : les démarches à la CAF sont compliquées.\n\nLe bruit du hall empêche de dormir.\n\nRien à signaler cette semaine."
SPAN = "démarches à la CAF"
SAMPLE = "test-navigateur"


def _select(page, words: str) -> None:
    """Select ``words`` in the segment text as a mouse would (a DOM range, then mouseup)."""
    page.evaluate(
        """(words) => {
          const box = document.querySelector('.mt-span-text');
          const node = [...box.childNodes].find(n => n.nodeType === 3 && n.textContent.includes(words));
          const start = node.textContent.indexOf(words);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + words.length);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        words,
    )


def _open(browser, served, coder: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.page("codage.ipynb", f"coder={coder}"), timeout=TIMEOUT_MS)
    page.locator(".mt-span-text").wait_for()
    page.locator(".mt-coding select").first.select_option(label=msg("qual.app.blind", name=SAMPLE))
    page.get_by_text(msg("qual.app.position", n=1, total=3)).wait_for()
    return context, page


def _code(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    page.locator(".mt-code-on", has_text=label).wait_for()


def test_coding__two_coders_blind_mode__agreement_and_span_offsets(served, browser, artifacts):
    project = QualProject(connect(served.db_url))
    project.import_text(TEXT, name="navigateur.txt", pseudonym="NAV-001")
    ours = project.segments()
    ids = ours.loc[ours["pseudonym"] == "NAV-001", "segment_id"].tolist()
    assert project.draw_sample(SAMPLE, 3, segments=ids) == ids

    chloe_context, chloe = _open(browser, served, "Chloé", (390, 844))
    dom_context, dom = _open(browser, served, "Dominique", (768, 1024))
    try:
        chloe.get_by_text("Été 2026").wait_for()
        _select(chloe, SPAN)
        chloe.wait_for_function("() => window.getSelection().toString().length > 0")
        chloe.wait_for_timeout(500)
        _code(chloe, "Accès aux droits")
        chloe.locator(".mt-span-text mark").wait_for()
        chloe.get_by_text(msg("qual.app.others_hidden")).wait_for()
        chloe.screenshot(path=str(artifacts / "coding-390-blind.png"), full_page=True)

        _code(dom, "Accès aux droits")
        dom.get_by_role("button", name="Suivant").click()
        dom.get_by_text(msg("qual.app.position", n=2, total=3)).wait_for()
        _code(dom, "Relations de voisinage")
        dom.get_by_role("button", name="Suivant").click()
        dom.get_by_text(msg("qual.app.position", n=3, total=3)).wait_for()
        assert dom.get_by_text(msg("qual.app.others_hidden")).count() == 1
        dom.get_by_role("button", name=msg("qual.app.no_code")).click()
        dom.get_by_text(msg("qual.app.blind_progress", done=3, total=3)).wait_for()

        chloe.get_by_role("button", name="Suivant").click()
        chloe.get_by_text(msg("qual.app.position", n=2, total=3)).wait_for()
        _code(chloe, "Tranquillité et sécurité")
        chloe.get_by_role("button", name="Suivant").click()
        chloe.get_by_text(msg("qual.app.position", n=3, total=3)).wait_for()
        chloe.get_by_role("button", name=msg("qual.app.no_code")).click()
        chloe.get_by_role("button", name=msg("qual.app.previous")).click()
        chloe.get_by_text(msg("qual.app.others")).wait_for()
        chloe.get_by_text("Dominique : Relations de voisinage").wait_for()

        chloe.get_by_role("tab", name=msg("qual.app.tab.agreement")).click()
        table = chloe.locator("table.mt-table")
        table.wait_for()
        rows = {
            row.locator("td").first.inner_text().strip(): row.locator("td").nth(1).inner_text()
            for row in table.locator("tbody tr").all()
        }
        assert rows["Accès aux droits"].startswith("1,00")
        assert rows["Tranquillité et sécurité"].startswith("0,67")
        assert rows["Relations de voisinage"].startswith("0,67")
        choices = chloe.locator(".mt-disagreements select option")
        choices.nth(1).wait_for(state="attached")
        options = [text.replace("\xa0", " ") for text in choices.all_inner_texts()]
        assert sorted(options) == [
            msg("qual.app.disagreement", who="NAV-001", code=code, yes=yes, no=no).replace(
                "\xa0", " "
            )
            for code, yes, no in (
                ("Relations de voisinage", "Dominique", "Chloé"),
                ("Tranquillité et sécurité", "Chloé", "Dominique"),
            )
        ]
        chloe.screenshot(path=str(artifacts / "coding-390-agreement.png"), full_page=True)
        dom.get_by_role("tab", name=msg("qual.app.tab.agreement")).click()
        dom.locator("table.mt-table").wait_for()
        dom.screenshot(path=str(artifacts / "coding-768-agreement.png"), full_page=True)
        chloe.get_by_role("button", name=msg("qual.app.open")).click()
        chloe.get_by_text("Le bruit du hall").wait_for()
    finally:
        chloe_context.close()
        dom_context.close()

    codings = project.codings()
    span = codings[(codings["coder"] == "Chloé") & codings["span"]].iloc[0]
    segment_text = project.segment(int(span.segment_id))["text"]
    assert segment_text[span.start : span.end] == SPAN
    assert (span.start, span.end) == (17, 17 + len(SPAN))
    dominique = codings[codings["coder"] == "Dominique"]
    assert set(dominique["code"]) == {"acces_droits", "voisinage"}
