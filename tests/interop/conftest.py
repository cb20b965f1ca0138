"""Fixtures of the interoperability tests.

The KoboToolbox and ODK Central exports in ``data/`` were written by hand for these tests,
following the layout of the real exports: KoboToolbox "XML values and headers" CSV with ``;``
(group paths ``g/q``, select_multiple as a space-separated column plus ``q/choice`` 0/1
columns, geopoint ``_q_latitude``..., ``_uuid``, ``_submission_time``, ``_index``) and its
XLSX (one sheet per repeat, linked by ``_parent_index``); ODK Central CSV ZIP (group paths
joined by ``-``, ``SubmissionDate``, ``meta-instanceID``, ``KEY``, repeat file with
``PARENT_KEY``). The XLSX and ZIP files are assembled here from those CSV files, cell for cell.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from toolkit.instruments import Instrument, load
from toolkit.store import Store, connect

DATA = Path(__file__).parent / "data"


def _number(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


@pytest.fixture
def visite() -> Instrument:
    return load(DATA / "visite_test.yaml")


@pytest.fixture
def visite_store(tmp_path: Path, visite: Instrument) -> Iterator[Store]:
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    store.register(visite)
    yield store
    store.close()


@pytest.fixture
def kobo_xlsx(tmp_path: Path) -> Path:
    """KoboToolbox XLSX export: main sheet named after the form title, a sheet per repeat."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, name in (
        ("Visite de test", "kobo_visite.csv"),
        ("constats", "kobo_visite_constats.csv"),
    ):
        sheet = workbook.create_sheet(title)
        with open(DATA / name, encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter=";"), start=1):
                for column, value in enumerate(row, start=1):
                    if value:
                        cell = sheet.cell(number, column, value if number == 1 else _number(value))
                        cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    path = tmp_path / "visite_test_-_all_versions_-_2024-03-07.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def odk_zip(tmp_path: Path) -> Path:
    """ODK Central export: ``visite_test.csv`` and ``visite_test-constats.csv`` in a ZIP."""
    path = tmp_path / "visite_test.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(DATA / "odk_visite.csv", "visite_test.csv")
        archive.write(DATA / "odk_visite-constats.csv", "visite_test-constats.csv")
    return path
