"""Read the tables of a data file (CSV, XLSX sheets, CSV files inside a ZIP) as rows of text.

Every row keeps its number as a spreadsheet shows it (the header is row 1), so that a
rejected row can be found in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import DataImportError, Problem

#: An HXL hashtag with its attributes: ``#loc+name``, ``#date+start``, ``#indicator+num``.
_HXL = re.compile(r"^#[a-z][a-z0-9_]*(\s*[+][a-z][a-z0-9_]*)*$", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """One sheet or CSV file: its name, its columns and its rows (column -> value)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, object]], ...] = field(default=())


def _cell(value: object) -> object:
    """Cells as text or numbers; dates become ISO 8601 text (answers must be JSON)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_hxl_row(values: Sequence[object]) -> bool:
    """The row of HXL hashtags KoboToolbox writes under the header (``#loc+name``...)."""
    cells = [str(v).strip() for v in values if not _empty(v)]
    return bool(cells) and all(_HXL.match(c) for c in cells)


def read_csv_text(text: str, name: str) -> Table:
    """A CSV table; the separator (``;``, ``,`` or tab) is found from the header line.

    A row of HXL hashtags under the header (KoboToolbox's default) is skipped.
    """
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    columns = tuple(h.strip() for h in header)
    rows = []
    for number, values in enumerate(reader, start=2):
        if number == 2 and is_hxl_row(values):
            continue
        row = {c: _cell(v) for c, v in zip(columns, values, strict=False) if c and not _empty(v)}
        if row:
            rows.append((number, row))
    return Table(name, columns, tuple(rows))


def _decode(data: bytes, source: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataImportError(problems=[Problem("X020", {"error": "encoding"}, file=source)])


def read_csv(path: Path) -> list[Table]:
    return [read_csv_text(_decode(path.read_bytes(), str(path)), path.stem)]


def read_xlsx(path: Path) -> list[Table]:
    """Every sheet of a workbook, in order."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows_iter = sheet.iter_rows(values_only=True)
            header = next(rows_iter, ())
            columns = tuple("" if h is None else str(h).strip() for h in header)
            rows = []
            for number, values in enumerate(rows_iter, start=2):
                if number == 2 and is_hxl_row(values):
                    continue
                row = {
                    c: _cell(v)
                    for c, v in zip(columns, values, strict=False)
                    if c and not _empty(v)
                }
                if row:
                    rows.append((number, row))
            tables.append(Table(sheet.title, columns, tuple(rows)))
    finally:
        workbook.close()
    return tables


def read_zip(path: Path) -> list[Table]:
    """The CSV files of a ZIP archive (ODK Central export), main file first."""
    tables = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.lower().endswith(".csv") and not info.is_dir():
                text = _decode(archive.read(info), f"{path}:{info.filename}")
                tables.append(read_csv_text(text, Path(info.filename).stem))
    tables.sort(key=lambda t: ("PARENT_KEY" in t.columns, t.name))
    return tables


def read_tables(path: str | Path) -> list[Table]:
    """The tables of ``path`` according to its extension (``.csv``, ``.xlsx``, ``.zip``).

    Raises
    ------
    DataImportError
        ``X020`` when the file cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(path)
        if suffix == ".zip":
            return read_zip(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return read_csv(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error) as exc:
        raise DataImportError(
            problems=[Problem("X020", {"error": str(exc)}, file=str(path))]
        ) from None
    raise DataImportError(problems=[Problem("X021", {"suffix": suffix or "?"}, file=str(path))])
