"""The results app without a browser: controls set by code, tables, downloads, report."""

from __future__ import annotations

import base64
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from tests.helpers import html_msg, msg, msg_pattern
from toolkit.apps.results import ResultsApp
from toolkit.demo import WAVES, fill_demo
from toolkit.store import connect


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = connect(f"sqlite:///{tmp_path_factory.mktemp('results') / 'toolkit.sqlite'}")
    fill_demo(store, per_wave=100, others=3)
    return ResultsApp(store)


def _data(html: str, css: str) -> bytes:
    match = re.search(rf'class="{css}" download="[^"]+" href="data:[^;]+;base64,([^"]+)"', html)
    assert match, css
    return base64.b64decode(match.group(1))


def test_results_app__opens_on_barometer_latest_wave_and_a_scale(app):
    assert app.instrument.value == "barometre_ambiance"
    assert app.chosen_waves() == [WAVES[-1]]
    assert app.question.value == "q:quartier_agreable"
    assert app.breakdown.options[0][1] == ""


def test_results_app__by_sector__french_labels_and_margins(app):
    app.breakdown.value = "secteur"
    app.refresh()
    html = " ".join(
        w.value for w in app.results.children if hasattr(w, "value") and isinstance(w.value, str)
    )
    assert "Les Bords de l&#x27;Eau" in html or "Les Bords de l'Eau" in html
    assert "Plutôt d&#x27;accord" in html or "Plutôt d'accord" in html
    assert "±" in html
    for code in ("bords_eau", "quartier_agreable", "estimate", "nan"):
        assert code not in html


def test_results_app__xlsx_download__same_cells_as_screen(app):
    app.breakdown.value = "secteur"
    app.refresh()
    first = app.results.children[0].value
    workbook = load_workbook(io.BytesIO(_data(first, "mt-xlsx")))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "Centre-ville" in header
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert any("±" in str(c) for c in cells)
    csv = _data(first, "mt-csv").decode("utf-8-sig")
    assert "Centre-ville" in csv.splitlines()[0]
    assert ";" in csv.splitlines()[0]


def test_results_app__two_waves__change_block(app, barometre):
    for box in app.waves.children[-2:]:
        box.value = True
    app.breakdown.value = ""
    app.refresh()
    captions = [w.value for w in app.results.children if isinstance(getattr(w, "value", None), str)]
    question = barometre.question("quartier_agreable")
    label = question.label.get("fr")
    change = msg_pattern("results.change", holes={"answer": "[^<]+"}, question=label)
    assert any(change.search(unescape(c)) for c in captions)


def test_results_app__theme__one_block_per_question(app):
    app.question.value = "theme:securite"
    app.refresh()
    tables = [w for w in app.results.children if isinstance(getattr(w, "value", None), str)]
    assert len(tables) >= 4


def test_results_app__no_wave__inline_message(app):
    for box in app.waves.children:
        box.value = False
    app.refresh()
    assert html_msg("results.no_wave") in app.message.value
    app.waves.children[-1].value = True


def test_results_app__produce_report__both_files_offered(app):
    app.produce_report()
    html = app.report_links.value
    assert html_msg("report.app.ready") in html
    assert _data(html, "mt-report-docx")[:2] == b"PK"
    assert b"<!DOCTYPE html>" in _data(html, "mt-report-html")[:40]


def test_results_app__english__labels_switch(app):
    app.lang_switch.value = "en"
    try:
        assert app.show_button.description == msg("results.show", "en")
        assert app.instrument.options[0][0] == "Neighbourhood atmosphere barometer"
    finally:
        app.lang_switch.value = "fr"
