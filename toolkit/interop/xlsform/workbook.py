"""Open a form file with pyxform's readers; what cannot be read becomes a coded problem."""

from __future__ import annotations

from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from toolkit.errors import InstrumentError, Problem

__all__ = ["open_workbook"]


def open_workbook(path: Path) -> DefinitionData:
    """The sheets of ``path`` as pyxform reads them (every file type, any case of names).

    Raises
    ------
    InstrumentError
        ``X001`` unreadable, ``X002`` duplicate column (located in an ``.xlsx``).
    """
    source = str(path)
    try:
        return get_xlsform(xlsform=source)
    except PyXFormError as exc:
        message = str(exc)
        located = _duplicate_column(path, message) if "Duplicate column" in message else None
        raise InstrumentError(
            problems=[located or Problem("X001", {"error": message}, file=source)]
        ) from None
    except (OSError, ValueError) as exc:
        raise InstrumentError(
            problems=[Problem("X001", {"error": str(exc)}, file=source)]
        ) from None


def _duplicate_column(path: Path, message: str) -> Problem | None:
    """Locate pyxform's ``Duplicate column header: label`` in the workbook (xlsx only)."""
    column = message.split(":", 1)[1].strip()
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return Problem("X002", {"sheet": "?", "row": 1, "column": column}, file=str(path), line=1)
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
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
