"""Presented tables as the files people open: XLSX (one sheet per table) and CSV.

The cells are the presented text (« 42 % (± 5) », « effectif trop faible »), exactly as on
screen. Text that a spreadsheet would run as a formula is neutralised
(:mod:`toolkit.interop.formulas`): written as text in XLSX, prefixed with ``'`` in CSV.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from toolkit.interop.formulas import is_formula_like, neutralise_frame

__all__ = ["CSV_MIME", "XLSX_MIME", "to_csv", "to_xlsx"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Tableau"
    candidate, k = clean, 2
    while candidate in taken:
        suffix = f" ({k})"
        candidate, k = clean[: 31 - len(suffix)] + suffix, k + 1
    taken.add(candidate)
    return candidate


def to_xlsx(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook: one sheet per presented table (title → frame), bold header row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, frame in tables.items():
        sheet = workbook.create_sheet(_sheet_name(title, taken))
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in frame.itertuples(index=False, name=None):
            sheet.append(["" if v is None else str(v) for v in values])
            for cell in sheet[sheet.max_row]:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame.iloc[:, i - 1])])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(
                max(12, longest + 2), 60
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame, *, lang: str = "fr") -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel), ``;`` in French and ``,`` in English."""
    text = neutralise_frame(frame).to_csv(index=False, sep=";" if lang == "fr" else ",")
    return ("\ufeff" + text).encode("utf-8")
