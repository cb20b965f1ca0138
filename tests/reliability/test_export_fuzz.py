"""Fuzzing the exports with hostile answers and metadata: every format is written, a CSV row
stays one row with its formulas neutralised, an XLSX cell keeps its text as text."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.reliability.targets import check_coded, fuzz_settings, watchdog
from toolkit.errors import StoreError
from toolkit.instruments import load
from toolkit.interop import export_responses, neutralise
from toolkit.interop.exports import xml_text
from toolkit.interop.formulas import TRIGGERS
from toolkit.store import Store, connect

DATA = Path(__file__).resolve().parents[1] / "interop" / "data"
VISITE = load(DATA / "visite_test.yaml")
SNIPPETS = ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1+1", "a\r=1+1", "a\n=1+1", "\x0b", "\x1f")
#: Text as people paste it: any character but lone surrogates (which the store refuses).
texts = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(SNIPPETS), min_size=2, max_size=4).map("".join),
)


@pytest.fixture
def visite_store(tmp_path: Path) -> Iterator[Store]:
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    store.register(VISITE)
    yield store
    store.close()


def _submit(store: Store, comment: str, contact: str, collector: str) -> str | None:
    answers = {
        "consentement": True,
        "date_visite": "2024-03-05",
        "secteur": "centre",
        "quartier_agreable": "3",
        "commentaire": comment,
        "nom_contact": contact,
    }
    try:
        return store.submit(
            "visite_test", answers, response_id=str(uuid.uuid4()), collector=collector
        )
    except StoreError as error:  # a NUL in the collector: refused with a code
        check_coded(error)
        return None


def _cell(frame: pd.DataFrame, response_id: str, column: str) -> object:
    return frame.loc[frame["response_id"] == response_id, column].iloc[0]


@given(texts, texts, texts)
@fuzz_settings(10)
def test_export__hostile_text__every_format_written_and_read_back(
    visite_store: Store, tmp_path: Path, comment: str, contact: str, collector: str
) -> None:
    response_id = _submit(visite_store, comment, contact, collector)
    with watchdog("export"):
        frame = visite_store.frame("visite_test", include_pii=True)
        for fmt in ("csv", "xlsx", "sav", "parquet"):
            export_responses(
                visite_store, "visite_test", tmp_path / f"out.{fmt}", format=fmt, include_pii=True
            )
        with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == len(frame)
        for row in rows:
            assert not any(v.startswith(TRIGGERS) for v in row.values()), row
        book = load_workbook(tmp_path / "out.xlsx")
        assert book.worksheets[0].max_row == len(frame) + 1
        assert len(pyreadstat.read_sav(tmp_path / "out.sav")[0]) == len(frame)
        assert len(pd.read_parquet(tmp_path / "out.parquet")) == len(frame)
    if response_id is None:
        return
    row = next(r for r in rows if r["response_id"] == response_id)
    for column in ("commentaire", "nom_contact", "collector"):
        stored = _cell(frame, response_id, column)
        expected = "" if pd.isna(stored) else neutralise(stored)
        assert row[column] == expected
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    line = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == response_id)
    cell = line[header.index("commentaire")]
    stored = _cell(frame, response_id, "commentaire")
    # XML readers turn every \r\n and lone \r into \n (XML 1.0, 2.11).
    expected = None if pd.isna(stored) else xml_text(stored).replace("\r\n", "\n")
    assert cell.value == (expected.replace("\r", "\n") if expected is not None else None)
