from pathlib import Path

from tests.helpers import html_msg
from toolkit.apps.collect import collect_app, instrument_from_query
from toolkit.apps.index import IndexApp, notebook_pages
from toolkit.store import connect


def test_index__lists_instruments_counts_and_pages(tmp_path, barometre, monkeypatch):
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "barometre_ambiance.yaml").write_text(
        Path(barometre.source).read_text(encoding="utf-8"), encoding="utf-8"
    )
    (surveys / "casse.yaml").write_text("id: [", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("index.ipynb", "collecte.ipynb", "terrain.ipynb", "analyse_barometre.ipynb"):
        (notebooks / name).write_text("{}", encoding="utf-8")
    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    app = IndexApp(store, notebooks=notebooks, surveys=surveys)
    html = app.content.value
    assert 'href="collecte.ipynb?instrument=barometre_ambiance"' in html
    assert html_msg("collect.index.counts", submitted=0, drafts=0, last="—") in html
    assert 'href="terrain.ipynb"' in html
    assert 'href="analyse_barometre.ipynb"' in html
    assert "casse.yaml" in html
    store.close()


def test_notebook_pages__sorted_ipynb_only(tmp_path):
    for name in ("b.ipynb", "a.ipynb", "c.txt"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert notebook_pages(tmp_path) == ["a.ipynb", "b.ipynb"]


def test_instrument_from_query__reads_parameter():
    assert instrument_from_query("instrument=barometre_ambiance&x=1") == "barometre_ambiance"
    assert instrument_from_query("") is None
    assert instrument_from_query(None) is None


def test_collect_app__unknown_instrument__chooser_escaped():
    page = collect_app(query="instrument=<b>nope</b>")
    html = page.children[-1].value
    assert "&lt;b&gt;nope&lt;/b&gt;" in html
    assert "<b>nope" not in html
