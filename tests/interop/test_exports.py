"""``export_responses``: CSV, XLSX, SPSS and Parquet, pii left out, formulas neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from toolkit.errors import DataImportError
from toolkit.interop import export_responses, import_file, neutralise
from toolkit.interop.formulas import TRIGGERS
from toolkit.store import Store

DATA = Path(__file__).parent / "data"
FORMULA_ID = "b2a4c6e8-1d3f-4a5b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def filled(visite_store: Store, kobo_xlsx: Path) -> Store:
    import_file(visite_store, "visite_test", kobo_xlsx)
    return visite_store


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_neutralise__formula_start__apostrophe_added(trigger: str) -> None:
    assert neutralise(f"{trigger}1+1") == f"'{trigger}1+1"


def test_neutralise__plain_text_and_numbers__unchanged() -> None:
    assert (neutralise("Calme"), neutralise(-2), neutralise(None)) == ("Calme", -2, None)


def test_export_csv__default__pii_left_out_and_formula_neutralised(
    filled: Store, tmp_path: Path
) -> None:
    report = export_responses(filled, "visite_test", tmp_path / "out.csv", format="csv")
    assert report.pii_left_out == ("nom_contact",)
    raw = (tmp_path / "out.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert "nom_contact" not in rows[0]
    by_id = {row["response_id"]: row for row in rows}
    assert by_id[FORMULA_ID]["commentaire"] == '\'=HYPERLINK("http://example.org")'


def test_export_csv__bom_semicolon_and_pii__as_asked(filled: Store, tmp_path: Path) -> None:
    report = export_responses(
        filled,
        "visite_test",
        tmp_path / "out.csv",
        format="csv",
        bom=True,
        sep=";",
        include_pii=True,
    )
    assert report.pii_left_out == ()
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert "nom_contact" in header
    assert "problemes/bruit" in header


def test_export_xlsx__sheets_codes_labels_repeat_codebook(filled: Store, tmp_path: Path) -> None:
    report = export_responses(filled, "visite_test", tmp_path / "out.xlsx", format="xlsx")
    workbook = load_workbook(tmp_path / "out.xlsx")
    assert workbook.sheetnames == list(report.sheets)
    codes, labels, repeat, book = (workbook[name] for name in report.sheets)
    assert repeat.title == "constats"
    header = [c.value for c in codes[1]]
    assert "nom_contact" not in header
    column = header.index("secteur") + 1
    assert {codes.cell(r, column).value for r in range(2, 5)} == {"centre", "gare"}
    assert {labels.cell(r, column).value for r in range(2, 5)} == {
        "Centre-ville",
        "Quartier de la Gare",
    }
    assert repeat.max_row == 4  # header + 3 entries
    variables = [row[0] for row in book.iter_rows(min_row=2, values_only=True)]
    assert "nom_contact" not in variables
    assert "gravite" in variables


def test_export_xlsx__formula_like_answer__text_cell_never_formula(
    filled: Store, tmp_path: Path
) -> None:
    export_responses(filled, "visite_test", tmp_path / "out.xlsx", format="xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def test_export_sav__variable_and_value_labels(filled: Store, tmp_path: Path) -> None:
    export_responses(filled, "visite_test", tmp_path / "out.sav", format="sav")
    frame, meta = pyreadstat.read_sav(str(tmp_path / "out.sav"))
    labels = meta.column_names_to_labels
    assert labels["secteur"] == "Secteur"
    assert meta.variable_value_labels["secteur"] == {
        "centre": "Centre-ville",
        "gare": "Quartier de la Gare",
    }
    assert meta.variable_value_labels["quartier_agreable"][3.0] == "Plutôt d'accord"
    assert "problemes_bruit" in frame.columns
    assert "nom_contact" not in frame.columns
    assert len(frame) == 3


def test_export_parquet__typed_frame_read_back(filled: Store, tmp_path: Path) -> None:
    export_responses(filled, "visite_test", tmp_path / "out.parquet", format="parquet")
    frame = pd.read_parquet(tmp_path / "out.parquet")
    expected = filled.frame("visite_test")
    assert list(frame.columns) == list(expected.columns)
    assert frame["nb_personnes"].dropna().sort_values().tolist() == [0, 3, 12]


def test_export__unknown_format__coded_error(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(DataImportError) as caught:
        export_responses(filled, "visite_test", tmp_path / "out.ods", format="ods")
    assert caught.value.codes == ["X040"]


def test_export_csv__read_back_by_plain_import__same_answers(
    filled: Store, tmp_path: Path, visite
) -> None:
    from toolkit.store import connect

    export_responses(filled, "visite_test", tmp_path / "out.csv", format="csv", include_pii=True)
    other = connect(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        other.register(visite)
        import_file(other, "visite_test", tmp_path / "out.csv", format="csv")
        for rid in filled.frame("visite_test")["response_id"]:
            original = dict(filled.get(rid).answers)
            original.pop("constats", None)  # repeats are not in the wide CSV
            assert other.get(rid).answers == original
    finally:
        other.close()


# ------------------------------------------------------------------ hostile answers (issue 14)

FORMULA_AFTER_CR = "rien\r=1+1"


@pytest.fixture
def hostile(visite_store: Store) -> Store:
    answers = {
        "consentement": True,
        "date_visite": "2024-03-05",
        "secteur": "centre",
        "quartier_agreable": "3",
        "commentaire": FORMULA_AFTER_CR + "\x0bfin",
    }
    visite_store.submit("visite_test", answers, collector="med\r=2+2")
    return visite_store


def test_export_csv__bare_carriage_return__row_kept_whole_formula_inside_its_cell(
    hostile: Store, tmp_path: Path
) -> None:
    store = hostile
    export_responses(store, "visite_test", tmp_path / "out.csv", format="csv")
    raw = (tmp_path / "out.csv").read_bytes()
    assert b'"rien\r=1+1\x0bfin"' in raw
    assert b'"med\r=2+2"' in raw
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["commentaire"] == "rien\r=1+1\x0bfin"
    assert rows[0]["collector"] == "med\r=2+2"
    for line in raw.split(b"\r\n")[1:]:
        assert not line.startswith((b"=", b"+", b"-", b"@"))


def test_export_xlsx__control_character__written_line_break_instead(
    hostile: Store, tmp_path: Path
) -> None:
    store = hostile
    export_responses(store, "visite_test", tmp_path / "out.xlsx", format="xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(sheet.iter_rows(min_row=2))
    # \x0b became a line break; XML readers turn the bare \r into one too.
    assert row[header.index("commentaire")].value == "rien\n=1+1\nfin"
    assert row[header.index("collector")].data_type == "s"
