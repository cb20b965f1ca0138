"""Reports written as Word and HTML files, read back with python-docx and rendered in Chromium."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx

from tests.helpers import msg
from tests.report.chromium import render
from toolkit.cli import main
from toolkit.demo import census_margins
from toolkit.report import (
    Document,
    Heading,
    Paragraph,
    ReportError,
    ReportKind,
    Table,
    get_kind,
    kinds,
    register,
    render_html,
    write,
)
from toolkit.report.margins import read_margins
from toolkit.report.registry import _KINDS

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "report"
RAW_CODES = (
    "bords_eau",
    "tilleuls",
    "quartier_agreable",
    "__missing",
    "top_2",
    "insecurite_",
    "60_plus",
)
PERCENT = re.compile(r"\d\s?%")


@pytest.fixture(scope="module")
def barometre_files(demo_store, tmp_path_factory):
    document = get_kind("barometre").build(demo_store, lang="fr", threshold=5)
    folder = tmp_path_factory.mktemp("barometre")
    return document, write(document, folder, document.stem)


def _docx_text(path: Path) -> tuple[object, str, list[list[str]]]:
    doc = open_docx(str(path))
    cells = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    text = "\n".join(p.text for p in doc.paragraphs) + "\n" + "\n".join(" ".join(r) for r in cells)
    return doc, text, cells


def test_barometre_docx__headings_tables_figures__real_word_structure(barometre_files):
    document, paths = barometre_files
    docx_path = next(p for p in paths if p.suffix == ".docx")
    doc, _, _ = _docx_text(docx_path)
    styles = [p.style.name for p in doc.paragraphs]
    assert "Title" in styles
    assert styles.count("Heading 1") >= 5
    assert "Heading 2" in styles
    assert styles.count("Caption") == document.count(Table) + document.count(
        type(next(b for b in document.blocks if type(b).__name__ == "Figure"))
    )
    assert len(doc.inline_shapes) == sum(type(b).__name__ == "Figure" for b in document.blocks)
    assert len(doc.inline_shapes) >= 4
    assert len(doc.tables) >= document.count(Table)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert msg("report.index.title") in headings
    assert msg("report.limits.title") in headings
    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode("utf-8")
    assert "SEQ Figure" in xml
    assert "TOC \\o" in xml


def test_barometre_docx__no_nan_no_code_no_pii(barometre_files, demo_store):
    _, paths = barometre_files
    _, text, _ = _docx_text(next(p for p in paths if p.suffix == ".docx"))
    assert "nan" not in text.lower().split()
    assert "NaN" not in text
    for code in RAW_CODES:
        assert code not in text, code
    emails = demo_store.frame("barometre_ambiance", include_pii=True)["contact_email"].dropna()
    assert len(emails) > 0
    for email in emails:
        assert email not in text
    assert "@" not in text


def test_barometre_docx__threshold_above_sample__no_published_share(demo_store, tmp_path):
    document = get_kind("barometre").build(demo_store, lang="fr", threshold=1000)
    path = write(document, tmp_path, "tout-masque", formats=["docx"])[0]
    _, _, cells = _docx_text(path)
    # The methodology box (a one-cell table) explains margins with « 50 % »; no other cell.
    shares = [c for row in cells if len(row) > 1 for c in row if PERCENT.search(c)]
    assert shares == []
    assert any(msg("present.too_few") in c for row in cells for c in row)


def test_barometre__small_cells__listed_in_limits(barometre_files):
    document, _ = barometre_files
    limits = next(b for b in document.blocks if type(b).__name__ == "Limits")
    hidden = [i for i in limits.items if i.startswith("«")]
    text = " ".join(
        " ".join(map(str, b.frame.to_numpy().ravel()))
        for b in document.blocks
        if isinstance(b, Table)
    )
    assert (msg("present.too_few") in text) == bool(hidden)


@pytest.mark.browser
def test_barometre_html__self_contained_and_readable_in_chromium(barometre_files):
    document, paths = barometre_files
    html_path = next(p for p in paths if p.suffix == ".html")
    html = html_path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert re.search(r'src="(?!data:)', html) is None
    assert html.count("data:image/png;base64,") == sum(
        type(b).__name__ == "Figure" for b in document.blocks
    )
    assert 'href="#s1"' in html
    seen = render(html_path, ARTIFACTS, "barometre")
    assert seen["widest"] <= 794, "a table is wider than an A4 page at 96 dpi"
    assert msg("report.index.title") in seen["headings"]
    assert (ARTIFACTS / "barometre-page-1.png").stat().st_size > 10_000


def test_barometre__english__no_french_headings(demo_store):
    document = get_kind("barometre").build(demo_store, lang="en", threshold=5)
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert msg("report.limits.title", "en") in headings
    assert msg("report.index.title", "en") in headings


def test_barometre__sectors_and_no_weighting__scope_in_methodology(demo_store):
    document = get_kind("barometre").build(
        demo_store, lang="fr", threshold=5, sectors="gare,plateau", weighting="none"
    )
    box = next(b for b in document.blocks if type(b).__name__ == "Methodology")
    items = dict(box.items)
    assert items[msg("report.method.scope")] == "Quartier de la Gare, Le Plateau"
    assert items[msg("report.method.weighting")] == msg("report.weighting.none")
    tables = [b.frame for b in document.blocks if isinstance(b, Table)]
    assert not any("Centre-ville" in t.columns for t in tables)


def test_barometre__unknown_wave__r003(demo_store):
    with pytest.raises(ReportError) as excinfo:
        get_kind("barometre").build(demo_store, waves="1999-hiver")
    assert excinfo.value.codes == ["R003"]


def test_formation_report__attendance_gains_objectives_no_pseudonym(demo_store, workshop, tmp_path):
    document = get_kind("formation").build(demo_store, lang="fr", threshold=5, session=workshop)
    paths = write(document, tmp_path, document.stem)
    _, text, cells = _docx_text(next(p for p in paths if p.suffix == ".docx"))
    assert "Participant 3" not in text
    assert msg("report.formation.objectives") in text
    assert any(msg("report.formation.reading.up") in c for row in cells for c in row)
    attendance = next(b.frame for b in document.blocks if isinstance(b, Table))
    assert attendance.iloc[0].tolist()[:4] == ["8", "8", "8", "8"]
    assert "nan" not in text.lower().split()


def test_formation_report__threshold_above_group__figures_hidden(demo_store, workshop):
    document = get_kind("formation").build(demo_store, lang="fr", threshold=9, session=workshop)
    text = " ".join(
        " ".join(map(str, b.frame.to_numpy().ravel()))
        for b in document.blocks
        if isinstance(b, Table)
    )
    assert msg("present.too_few") in text
    assert sum(type(b).__name__ == "Figure" for b in document.blocks) == 0


def test_registry__new_kind__one_register_call_and_both_writers(demo_store, tmp_path):
    def build(store, *, lang, threshold, **_):
        return Document(
            "Essai", "Sous-titre", (Heading("Partie"), Paragraph("Texte")), lang=lang, stem="essai"
        )

    register(ReportKind("essai", "report.help", build))
    try:
        assert "essai" in kinds()
        paths = write(
            get_kind("essai").build(demo_store, lang="fr", threshold=5), tmp_path, "essai"
        )
        assert [p.suffix for p in paths] == [".html", ".docx"]
        assert "Partie" in render_html(get_kind("essai").build(demo_store, lang="fr", threshold=5))
    finally:
        _KINDS.pop("essai", None)


def test_registry__unknown_kind__r001():
    with pytest.raises(ReportError) as excinfo:
        get_kind("inconnu")
    assert excinfo.value.codes == ["R001"]


def test_cli__report_barometre__writes_both_files(demo_store, tmp_path, capsys):
    url = demo_store.engine.url.render_as_string(hide_password=False)
    status = main(["report", "barometre", "--db", url, "-o", str(tmp_path), "--threshold", "10"])
    assert status == 0
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".docx", ".html"]
    out = capsys.readouterr().out
    for path in tmp_path.iterdir():
        assert msg("report.written", path=path) in out


def test_cli__report_formation__unknown_session__coded_error(demo_store, tmp_path, capsys):
    url = demo_store.engine.url.render_as_string(hide_password=False)
    status = main(["report", "formation", "--db", url, "-o", str(tmp_path), "--session", "ZZZZZZ"])
    assert status == 1
    assert "T101" in capsys.readouterr().err


def test_margins__shipped_file__same_as_demo_census(tmp_path):
    shipped = read_margins(REPO_ROOT / "surveys" / "margins" / "barometre_ambiance.csv")
    for variable, series in census_margins().items():
        assert shipped[variable].to_dict() == {k: float(v) for k, v in series.items()}


def test_margins__bad_population__r010_with_line(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "variable;modalite;population\nsexe;f;8320\nsexe;h;beaucoup\n", encoding="utf-8"
    )
    with pytest.raises(ReportError) as excinfo:
        read_margins(path)
    problem = excinfo.value.problems[0]
    assert problem.code == "R010"
    assert problem.line == 3
