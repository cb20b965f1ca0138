"""« Produire le rapport » in the « Suivi » app: the activity report of the chosen period."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pytest
from docx import Document as open_docx

from toolkit.apps.common.html import esc
from toolkit.apps.followup import FollowupApp
from toolkit.errors import ToolkitError
from toolkit.followup import Register
from toolkit.followup.offline import PendingSteps
from toolkit.i18n import t
from toolkit.report import get_kind

from .conftest import Parents

TODAY = dt.date(2026, 4, 3)


@pytest.fixture
def app(sqlite_store, instruments, tmp_path):
    p = Parents(sqlite_store, instruments)
    for day in ("2026-02-20", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"):
        p.intervention(day, collector="Amina B.")
    p.intervention("2026-03-02", collector="Léa R.", team="Équipe Sud", sector="bords_eau")
    p.referral("2026-03-20", collector="Amina B.")
    return FollowupApp(
        Register(sqlite_store),
        collector="Amina B.",
        today=TODAY,
        pending=PendingSteps(tmp_path / "p.jsonl"),
    )


def _data(html: str, css: str) -> bytes:
    found = re.search(rf'class="{css}" download="[^"]+" href="data:[^;]+;base64,([^"]+)"', html)
    assert found, css
    return base64.b64decode(found.group(1))


def test_followup_report__indicators_view__button_shown_with_its_scope(app):
    app.view.value = "indicators"
    box = app.body.children[0]
    assert app.report.button in box.children[-1].children
    assert app.report.button.description == t("report.app.button", "fr")
    assert app.report_scope in app.body.children
    assert esc(t("report.app.activite_scope", "fr")) in app.report_scope.value


def test_followup_report__click__html_and_word_of_the_period_offered(app):
    app.view.value = "indicators"
    app.start.value, app.end.value = dt.date(2026, 2, 1), dt.date(2026, 3, 31)
    app.report.button.click()
    links = app.report.links.value
    assert esc(t("report.app.ready", "fr")) in links
    assert esc(t("report.app.download_docx", "fr")) in links
    html = _data(links, "mt-report-html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    word = open_docx(io.BytesIO(_data(links, "mt-report-docx")))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings
    assert all(esc(heading) in html for heading in headings)
    # The period shown is the one chosen: the report says the same as the kind on its own.
    alone = get_kind("activite").build(
        app.register().store, lang="fr", threshold=5, start="2026-02-01", end="2026-03-31"
    )
    assert esc(alone.subtitle) in html


def test_followup_report__one_sector__report_of_that_sector(app):
    app.view.value = "indicators"
    app.sector.value = "bords_eau"
    app.start.value, app.end.value = dt.date(2026, 2, 1), dt.date(2026, 3, 31)
    app.report.button.click()
    html = _data(app.report.links.value, "mt-report-html").decode("utf-8")
    alone = get_kind("activite").build(
        app.register().store,
        lang="fr",
        threshold=5,
        start="2026-02-01",
        end="2026-03-31",
        sector="bords_eau",
    )
    assert esc(alone.title) in html
    assert esc(alone.subtitle) in html


def test_followup_report__period_without_activity__coded_message_inline(app):
    app.view.value = "indicators"
    app.start.value, app.end.value = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
    app.report.button.click()
    with pytest.raises(ToolkitError) as caught:
        get_kind("activite").build(
            app.register().store, lang="fr", threshold=5, start="2025-01-01", end="2025-01-31"
        )
    assert caught.value.codes == ["R007"]
    assert "mt-error" in app.report.links.value
    assert esc(caught.value.problems[0].message("fr")) in app.report.links.value
    assert "mt-report-docx" not in app.report.links.value


def test_followup_report__english__button_and_report_in_english(app):
    app.lang_switch.value = "en"
    app.view.value = "indicators"
    assert app.report.button.description == t("report.app.button", "en")
    app.start.value, app.end.value = dt.date(2026, 2, 1), dt.date(2026, 3, 31)
    app.report.button.click()
    assert esc(t("report.app.ready", "en")) in app.report.links.value
    html = _data(app.report.links.value, "mt-report-html").decode("utf-8")
    assert '<html lang="en"' in html
