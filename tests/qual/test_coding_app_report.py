"""« Produire le rapport » in the coding app: the qualitative findings, as HTML and Word."""

from __future__ import annotations

import base64
import io
import re

import pytest
from docx import Document as open_docx

from toolkit.apps.coding import CodingApp
from toolkit.apps.common.html import esc
from toolkit.demo.qual import fill_qual_demo
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.report import get_kind
from toolkit.store import connect


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = connect(f"sqlite:///{tmp_path_factory.mktemp('qual') / 'toolkit.sqlite'}")
    fill_qual_demo(store)
    yield store
    store.close()


def _data(html: str, css: str) -> bytes:
    found = re.search(rf'class="{css}" download="[^"]+" href="data:[^;]+;base64,([^"]+)"', html)
    assert found, css
    return base64.b64decode(found.group(1))


def test_coding_report__agreement_tab__button_labelled_from_the_catalogue(demo_store):
    app = CodingApp(demo_store, coder="Awa")
    assert app.report.button in app.agreement_page.children[0].children
    assert app.report.links in app.agreement_page.children
    assert app.report.button.description == t("report.app.button", "fr")


def test_coding_report__click__html_and_word_offered(demo_store):
    app = CodingApp(demo_store, coder="Awa")
    app.report.button.click()
    links = app.report.links.value
    assert esc(t("report.app.ready", "fr")) in links
    html = _data(links, "mt-report-html").decode("utf-8")
    alone = get_kind("qualitatif").build(demo_store, lang="fr", threshold=5)
    assert esc(alone.title) in html
    word = open_docx(io.BytesIO(_data(links, "mt-report-docx")))
    assert word.core_properties.title == alone.title
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"]


def test_coding_report__no_coding_yet__coded_message_inline(project):
    app = CodingApp(project.store, coder="Awa")
    app.report.button.click()
    with pytest.raises(ToolkitError) as caught:
        get_kind("qualitatif").build(project.store, lang="fr", threshold=5)
    assert caught.value.codes == ["R008"]
    assert esc(t("R008", "fr")) in app.report.links.value
    assert "mt-report-html" not in app.report.links.value


def test_coding_report__english__button_and_report_in_english(demo_store):
    app = CodingApp(demo_store, coder="Awa")
    app.lang_switch.value = "en"
    assert app.report.button.description == t("report.app.button", "en")
    app.report.button.click()
    assert esc(t("report.app.ready", "en")) in app.report.links.value
    assert '<html lang="en"' in _data(app.report.links.value, "mt-report-html").decode()
