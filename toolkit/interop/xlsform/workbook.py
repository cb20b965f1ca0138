"""Open a form file with pyxform's readers; what cannot be read becomes a coded problem.

Before pyxform reads a file, the sheets are looked at the way a person would: a header cell
that is a number (``X067``), a file without a ``survey`` sheet, such as a data export given
by mistake (``X068``), a ``survey `` sheet whose name has a space (``X069``). What pyxform's
readers still cannot read (a truncated sheet, a corrupt ZIP member...) is ``X001``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from toolkit.errors import InstrumentError, Problem

__all__ = ["MAX_FORM_BYTES", "letter", "open_workbook"]

#: A form is a few hundred kilobytes; larger files are refused before they are read.
MAX_FORM_BYTES = 50_000_000
_SHEETS = ("survey", "choices", "settings", "external_choices", "entities")
_SPREADSHEETS = (".xlsx", ".xlsm")


def open_workbook(path: Path) -> DefinitionData:
    """The sheets of ``path`` as pyxform reads them (every file type, any case of names).

    Raises
    ------
    InstrumentError
        ``X001`` unreadable, ``X002`` duplicate column (located in an ``.xlsx``), ``X067``
        a header cell that is not text, ``X068`` not a form, ``X069`` a sheet name with
        spaces around it.
    """
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InstrumentError(
            problems=[Problem("X001", {"error": str(exc)}, file=source)]
        ) from None
    if size > MAX_FORM_BYTES:
        error = f"{size} > {MAX_FORM_BYTES} bytes"
        raise InstrumentError(problems=[Problem("X001", {"error": error}, file=source)])
    problems = _look(path)
    if problems:
        raise InstrumentError(problems=problems)
    try:
        return get_xlsform(xlsform=source)
    except PyXFormError as exc:
        message = str(exc)
        located = _duplicate_column(path, message) if "Duplicate column" in message else None
        raise InstrumentError(
            problems=[located or Problem("X001", {"error": message}, file=source)]
        ) from None
    except Exception as exc:  # pyxform's readers, on a damaged file, raise anything
        error = f"{type(exc).__name__}: {exc}"
        raise InstrumentError(problems=[Problem("X001", {"error": error}, file=source)]) from None


def _look(path: Path) -> list[Problem]:
    """Problems seen in the sheet names and header rows before pyxform reads the file."""
    suffix = path.suffix.lower()
    if suffix in _SPREADSHEETS:
        sheets = _spreadsheet_headers(path)
    elif suffix == ".csv":
        sheets = _csv_sheets(path)
    else:
        return []
    if sheets is None:
        return []  # pyxform's reader says what is wrong
    problems: list[Problem] = []
    names = [name.lower() for name in sheets]
    if "survey" not in names:
        spaced = next((n for n in sheets if n.strip().lower() == "survey"), None)
        if spaced is not None:
            problems.append(Problem("X069", {"sheet": spaced}, file=f"{path}[{spaced}]"))
        else:
            found = ", ".join(sheets) if path.suffix.lower() in _SPREADSHEETS else ""
            problems.append(Problem("X068", {"sheets": found or "-"}, file=str(path)))
    for sheet, header in sheets.items():
        if sheet.strip().lower() not in _SHEETS:
            continue
        for index, cell in enumerate(header):
            if cell is not None and not isinstance(cell, str):
                problems.append(
                    Problem(
                        "X067",
                        {"sheet": sheet, "row": 1, "column": f"{letter(index)}1", "value": cell},
                        file=f"{path}[{sheet}]",
                        line=1,
                    )
                )
    return problems


def _spreadsheet_headers(path: Path) -> dict[str, tuple[object, ...]] | None:
    """The first row of every sheet of an ``.xlsx`` (None when openpyxl cannot open it)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # a damaged file: pyxform's reader reports it (X001)
        return None
    try:
        return {
            str(sheet.title): next(sheet.iter_rows(max_row=1, values_only=True), ())
            for sheet in workbook.worksheets
        }
    except Exception:  # a sheet cut short: pyxform's reader reports it
        return None
    finally:
        workbook.close()


def _csv_sheets(path: Path) -> dict[str, tuple[object, ...]] | None:
    """Sheet names of pyxform's CSV layout: the first cell of a row names a sheet."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    return {row[0].strip(): () for row in rows if row and row[0].strip()}


def _duplicate_column(path: Path, message: str) -> Problem | None:
    """Locate pyxform's ``Duplicate column header: label`` in the workbook (xlsx only)."""
    column = message.split(":", 1)[1].strip()
    if path.suffix.lower() not in _SPREADSHEETS:
        return Problem("X002", {"sheet": "?", "row": 1, "column": column}, file=str(path), line=1)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None
    try:
        for sheet in workbook.worksheets:
            header = next(sheet.iter_rows(max_row=1, values_only=True), ())
            cells = [str(v).strip() for v in header if v is not None]
            if column in cells and cells.count(column) > 1:
                index = [
                    i for i, v in enumerate(header) if v is not None and str(v).strip() == column
                ][1]
                return Problem(
                    "X002",
                    {"sheet": sheet.title, "row": 1, "column": f"{column} ({letter(index)}1)"},
                    file=f"{path}[{sheet.title}]",
                    line=1,
                )
    finally:
        workbook.close()
    return None


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: ``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
