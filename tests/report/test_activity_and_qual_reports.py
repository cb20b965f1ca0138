"""The « activite » and « qualitatif » report kinds, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as open_docx

from tests.helpers import msg
from tests.report.chromium import render
from toolkit.cli import main
from toolkit.demo import fill_demo
from toolkit.demo.followup import FOLLOWED, fill_followup_demo
from toolkit.demo.qual import fill_qual_demo
from toolkit.followup.definitions import INDICATORS
from toolkit.i18n import t
from toolkit.qual import QualProject
from toolkit.report import Figure, Heading, ReportError, Table, get_kind, kinds, write
from toolkit.report.qual_report import mask_contacts, readable_quote
from toolkit.store import Store, connect

#: The day the follow-up demo is played up to (the report's period ends there).
DEMO_DAY = dt.date(2026, 6, 30)
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}
#: Codes that must never reach a reader: indicator, level, register, taxonomy and code ids.
RAW_CODES = (
    *(ind.code for ind in INDICATORS),
    "realisation",
    "tranquillite_publique",
    "cohesion_sociale",
    "R-ACC",
    "M-NAV",
    "bords_eau",
    "tilleuls",
    "acces_droits",
    "cadre_vie",
    "participation_idees",
    "__overall__",
    "krippendorff_alpha",
    "percent_agreement",
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
COUNT = re.compile(r"\d[\d\u202f\xa0 ]*")


@pytest.fixture(scope="module")
def activity_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Barometer waves, six months of follow-up records played to 30 June 2026, the qual demo."""
    path = tmp_path_factory.mktemp("activite") / "toolkit.sqlite"
    store = connect(f"sqlite:///{path}")
    fill_demo(store, per_wave=60, others=0, skip=FOLLOWED)
    fill_followup_demo(store, today=DEMO_DAY)
    fill_qual_demo(store)
    yield store
    store.close()


def _docx(path: Path) -> tuple[object, str, list[list[str]]]:
    doc = open_docx(str(path))
    cells = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    text = "\n".join(p.text for p in doc.paragraphs) + "\n" + "\n".join(" ".join(r) for r in cells)
    return doc, text, cells


def _pii_values(store: Store) -> list[str]:
    values = []
    for instrument_id in ("intervention_mediation", "orientation_partenaire", "besoins_habitants"):
        instrument = store.instrument(instrument_id)
        pii = [q.name for q in instrument.fields() if q.pii]
        frame = store.frame(instrument_id, include_pii=True)
        for name in pii:
            if name in frame.columns:
                values += [str(v) for v in frame[name].dropna() if len(str(v)) >= 4]
    return values


def _numbers(text: str) -> list[int]:
    return [int(re.sub(r"\D", "", m)) for m in COUNT.findall(text) if re.sub(r"\D", "", m)]


# ---------------------------------------------------------------------- activite


@pytest.fixture(scope="module")
def activite(activity_store, tmp_path_factory):
    document = get_kind("activite").build(activity_store, lang="fr", threshold=5, **PERIOD)
    paths = write(document, tmp_path_factory.mktemp("activite-files"), document.stem)
    return document, paths


def test_activite_docx__levels_as_headings_real_tables_and_figures(activite):
    document, paths = activite
    doc, _, _ = _docx(next(p for p in paths if p.suffix == ".docx"))
    styles = [p.style.name for p in doc.paragraphs]
    chapters = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for level in (
        msg("followup.level.realisation"),
        msg("followup.level.resultat"),
        msg("followup.level.impact"),
        msg("report.activite.sectors"),
        msg("report.limits.title"),
    ):
        assert level in chapters
    assert msg("followup.ind.interventions_by_conflict_type") in [
        p.text for p in doc.paragraphs if p.style.name == "Heading 2"
    ]
    assert styles.count("Caption") == document.count(Table) + document.count(Figure)
    assert len(doc.tables) >= document.count(Table)
    assert len(doc.inline_shapes) == document.count(Figure) >= 3
    assert document.stem == "activite-2026-01-01-2026-06-30"


def test_activite_docx__no_nan_no_code_no_pii(activite, activity_store):
    _, paths = activite
    _, text, _ = _docx(next(p for p in paths if p.suffix == ".docx"))
    assert "nan" not in text.lower().split()
    for code in RAW_CODES:
        assert code not in text, code
    pii = _pii_values(activity_store)
    assert pii, "the demo must carry pii values for this test to mean anything"
    for value in pii:
        assert value not in text


def test_activite__resident_counts__none_under_threshold(activity_store):
    threshold = 8
    document = get_kind("activite").build(activity_store, lang="fr", threshold=threshold, **PERIOD)
    residents = {t(f"followup.ind.{ind.code}", "fr") for ind in INDICATORS if ind.residents}
    checked = 0
    current = None
    for block in document.blocks:
        if isinstance(block, Heading):
            current = block.text
        if not isinstance(block, Table):
            continue
        frame = block.frame
        # One row per single-figure indicator.
        if msg("report.activite.col.detail") in frame.columns:
            for label, detail in zip(
                frame[msg("report.activite.col.indicator")],
                frame[msg("report.activite.col.detail")],
                strict=True,
            ):
                if label in residents and not detail.startswith("médiane"):
                    numbers = _numbers(detail.split("(")[0])
                    if len(numbers) == 2:
                        num, den = numbers
                        assert num == 0 or num >= threshold, (label, detail)
                        assert den - num == 0 or den - num >= threshold, (label, detail)
                        checked += 1
        elif msg("report.activite.col.count") in frame.columns and current in residents:
            for cell in frame[msg("report.activite.col.count")]:
                for n in _numbers(cell):
                    assert n == 0 or n >= threshold, (current, cell)
                    checked += 1
    assert checked > 10


def test_activite__one_sector__scope_and_no_sector_comparison(activity_store):
    document = get_kind("activite").build(
        activity_store, lang="fr", threshold=5, sector="gare", **PERIOD
    )
    box = dict(next(b for b in document.blocks if type(b).__name__ == "Methodology").items)
    assert box[msg("report.method.scope")] == "Quartier de la Gare"
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert msg("report.activite.sectors") not in headings
    assert document.stem.startswith("activite-gare")


def test_activite__unknown_sector__r004(activity_store):
    with pytest.raises(ReportError) as excinfo:
        get_kind("activite").build(activity_store, sector="lune")
    assert excinfo.value.codes == ["R004"]


def test_activite__period_without_records__r007(activity_store):
    with pytest.raises(ReportError) as excinfo:
        get_kind("activite").build(activity_store, start="1990-01-01", end="1990-12-31")
    assert excinfo.value.codes == ["R007"]


def test_activite__english__levels_in_english(activity_store):
    document = get_kind("activite").build(activity_store, lang="en", threshold=5, **PERIOD)
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    levels = ("followup.level.realisation", "followup.level.resultat", "followup.level.impact")
    assert {msg(key, "en") for key in (*levels, "report.limits.title")} <= set(headings)


def test_cli__report_activite__both_files(activity_store, tmp_path, capsys):
    url = activity_store.engine.url.render_as_string(hide_password=False)
    status = main(["report", "activite", "--db", url, "-o", str(tmp_path), "--start", "2026-04-01"])
    assert status == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".html"]
    out = capsys.readouterr().out
    for path in tmp_path.iterdir():
        assert msg("report.written", path=path) in out


def test_cli__report_activite__bad_date__coded_error(activity_store, tmp_path, capsys):
    url = activity_store.engine.url.render_as_string(hide_password=False)
    status = main(["report", "activite", "--db", url, "-o", str(tmp_path), "--end", "juin"])
    assert status == 1
    assert "F010" in capsys.readouterr().err


@pytest.mark.browser
def test_activite_html__fits_a4_in_chromium(activite):
    _, paths = activite
    html = next(p for p in paths if p.suffix == ".html")
    assert "<script" not in html.read_text(encoding="utf-8")
    seen = render(html, ARTIFACTS, "activite")
    assert seen["widest"] <= 794, "a table is wider than an A4 page at 96 dpi"
    assert msg("followup.level.impact") in seen["headings"]


# ---------------------------------------------------------------------- qualitatif


@pytest.fixture(scope="module")
def qualitatif(activity_store, tmp_path_factory):
    document = get_kind("qualitatif").build(activity_store, lang="fr", threshold=5, n_boot=50)
    paths = write(document, tmp_path_factory.mktemp("qualitatif-files"), document.stem)
    return document, paths


def test_qualitatif_docx__sections_tables_figure(qualitatif):
    document, paths = qualitatif
    doc, _, _ = _docx(next(p for p in paths if p.suffix == ".docx"))
    chapters = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for title in (
        msg("report.qualitatif.frequencies"),
        msg("report.qualitatif.by_sector"),
        msg("report.qualitatif.agreement"),
        msg("report.qualitatif.quotes"),
        msg("report.limits.title"),
    ):
        assert title in chapters
    styles = [p.style.name for p in doc.paragraphs]
    assert styles.count("Caption") == document.count(Table) + document.count(Figure)
    assert len(doc.inline_shapes) == document.count(Figure) >= 1
    agreement = next(
        b.frame
        for b in document.blocks
        if isinstance(b, Table) and msg("report.qualitatif.col.cohen_kappa") in b.frame.columns
    )
    assert agreement.iloc[-1, 0] == msg("report.overall")


def test_qualitatif_docx__no_nan_no_code_no_pii_no_coder(qualitatif, activity_store):
    _, paths = qualitatif
    _, text, _ = _docx(next(p for p in paths if p.suffix == ".docx"))
    assert "nan" not in text.lower().split()
    for code in RAW_CODES:
        assert code not in text, code
    for value in _pii_values(activity_store):
        assert value not in text
    for coder in QualProject(activity_store).coders()["name"]:
        assert coder not in text
    assert re.search(r"\b(?:BH|ENT)-\d{3,4}\b", text), "quotes are signed with a pseudonym"


@pytest.mark.browser
def test_qualitatif_html__fits_a4_in_chromium(qualitatif):
    _, paths = qualitatif
    html = next(p for p in paths if p.suffix == ".html")
    seen = render(html, ARTIFACTS, "qualitatif")
    assert seen["widest"] <= 794, "a table is wider than an A4 page at 96 dpi"
    assert msg("report.qualitatif.quotes") in seen["headings"]


def test_qualitatif__nothing_under_threshold__counts_and_quotes(activity_store):
    threshold = 12
    document = get_kind("qualitatif").build(
        activity_store, lang="fr", threshold=threshold, n_boot=0
    )
    tables = [b.frame for b in document.blocks if isinstance(b, Table)]
    frequencies = next(f for f in tables if msg("report.qualitatif.col.people") in f.columns)
    published = []
    for theme, cell in zip(
        frequencies[msg("report.qualitatif.col.code")],
        frequencies[msg("report.qualitatif.col.people")],
        strict=True,
    ):
        for n in _numbers(cell):
            assert n == 0 or n >= threshold, (theme, cell)
            published.append(theme)
    hidden = set(
        frequencies.loc[
            frequencies[msg("report.qualitatif.col.people")] == msg("present.too_few"),
            msg("report.qualitatif.col.code"),
        ]
    )
    assert published
    assert hidden
    quotes = next((f for f in tables if msg("report.qualitatif.col.quote") in f.columns), None)
    assert quotes is not None
    assert not set(quotes[msg("report.qualitatif.col.code")]) & hidden


def test_qualitatif__quotes__whole_sentences_capped_masked(activity_store, tmp_path):
    store = connect(f"sqlite:///{tmp_path / 'q.sqlite'}")
    fill_qual_demo(store)
    project = QualProject(store)
    project.import_text(
        "Personne : Écrivez-moi à awa.k@exemple.fr, je suis seule.",
        name="entretien_contact",
        pseudonym="ENT-900",
        attributes={"sector": "gare"},
    )
    segment = project.segments().query("pseudonym == 'ENT-900'").iloc[0]
    start = segment["text"].index("awa.k")
    for coder in ("Awa", "Bérénice"):
        # A short passage inside the sentence: the quote must widen it to the sentence.
        project.code(int(segment["segment_id"]), "isolement", coder, start=start, end=start + 9)
    document = get_kind("qualitatif").build(store, lang="fr", threshold=5, n_boot=0, max_chars=120)
    quotes = next(
        b.frame
        for b in document.blocks
        if isinstance(b, Table) and msg("report.qualitatif.col.quote") in b.frame.columns
    )
    text = " ".join(quotes[msg("report.qualitatif.col.quote")])
    assert "awa.k@exemple.fr" not in text
    masked = msg("report.qualitatif.masked_email")
    assert f"« Personne : Écrivez-moi à {masked}, je suis seule. »" in list(
        quotes[msg("report.qualitatif.col.quote")]
    )
    for quote in quotes[msg("report.qualitatif.col.quote")]:
        assert len(quote) <= 120 + 4  # the quote and its « » marks
    store.close()


def test_qualitatif__no_codebook__r008(tmp_path):
    store = connect(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(ReportError) as excinfo:
        get_kind("qualitatif").build(store)
    assert excinfo.value.codes == ["R008"]
    store.close()


def test_qualitatif__bad_quotes__r006(activity_store):
    with pytest.raises(ReportError) as excinfo:
        get_kind("qualitatif").build(activity_store, quotes=0)
    assert excinfo.value.codes == ["R006"]


def test_cli__report_qualitatif__both_files(activity_store, tmp_path):
    url = activity_store.engine.url.render_as_string(hide_password=False)
    status = main(["report", "qualitatif", "--db", url, "-o", str(tmp_path), "--quotes", "2"])
    assert status == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".html"]


def test_readable_quote__span_inside_words__widened_to_sentence():
    text = "Bonjour. Les encombrants restent des semaines sur le trottoir. Voilà."
    assert readable_quote(text, 14, 30, 280) == (
        "Les encombrants restent des semaines sur le trottoir."
    )


def test_mask_contacts__phone_with_country_code__masked():
    masked = msg("report.qualitatif.masked_phone")
    assert mask_contacts("Appelez le +33 6 12 34 56 78") == f"Appelez le {masked}"


def test_registry__four_kinds_listed():
    assert {"activite", "barometre", "formation", "qualitatif"} <= set(kinds())
