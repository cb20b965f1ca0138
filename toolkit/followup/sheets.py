"""Writing a worksheet: header, rows, dates as dates, text never run as a formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from toolkit.interop.formulas import is_formula_like

__all__ = ["frame_rows", "write_rows"]


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value == "":
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def frame_rows(frame: pd.DataFrame) -> tuple[list[str], list[list[object]]]:
    """The header and the rows of ``frame``, ready for :func:`write_rows`."""
    return [str(c) for c in frame.columns], [
        list(v) for v in frame.itertuples(index=False, name=None)
    ]


def write_rows(sheet: object, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Fill an openpyxl worksheet; the first row stays frozen, columns fit their text."""
    sheet.append(list(header))  # type: ignore[attr-defined]
    for values in rows:
        sheet.append([_cell(v) for v in values])  # type: ignore[attr-defined]
    for cells in sheet.iter_rows(min_row=2):  # type: ignore[attr-defined]
        for cell in cells:
            if is_formula_like(cell.value):
                cell.data_type = "s"  # text, never a formula (see toolkit.interop.formulas)
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]
    for column in sheet.columns:  # type: ignore[attr-defined]
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)  # type: ignore[attr-defined]
