"""Where a problem of a form lies: sheet, row and column, in the manner of pyxform's messages.

Every problem the importer reports is a :class:`~toolkit.errors.Problem` whose parameters
carry ``sheet``, ``row`` and ``column`` and whose file is ``form.xlsx[sheet]``, so that
``toolkit xlsform import`` prints ``form.xlsx[survey]:12: X005 [ligne 12] feuille « survey »,
colonne « calculation » : …``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from toolkit.errors import Problem

__all__ = ["SHEET_ORDER", "Findings", "header", "language_of", "raw_column", "warning_order"]

SHEET_ORDER = ("survey", "choices", "external_choices", "settings", "entities")
_SPLIT = re.compile(r"::?")


def header(key: object) -> str:
    """A column header without its language suffix, lower case: ``LABEL::EN`` -> ``label``."""
    return _SPLIT.split(str(key).strip(), maxsplit=1)[0].strip().lower()


def language_of(key: object) -> str:
    """The language part of a column header: ``label::English (en)`` -> ``English (en)``."""
    parts = _SPLIT.split(str(key).strip(), maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[1].strip() else "default"


def raw_column(raw: Mapping[str, object], spellings: Iterable[str]) -> str | None:
    """The header, as written in the sheet, of the first column spelled one of ``spellings``."""
    wanted = set(spellings)
    return next((key for key in raw if header(key) in wanted), None)


@dataclass
class Findings:
    """The errors and warnings found while reading one form, each located."""

    source: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def where(self, sheet: str) -> str:
        return f"{self.source}[{sheet}]"

    def located(
        self, code: str, sheet: str, row: int | None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(
            code,
            {"sheet": sheet, "row": row or "?", "column": column or "", **params},
            file=self.where(sheet),
            line=row,
        )

    def error(
        self, code: str, sheet: str, row: int | None, column: str | None = None, **params: object
    ) -> None:
        self.errors.append(self.located(code, sheet, row, column, **params))

    def warn(
        self, code: str, sheet: str, row: int | None, column: str | None = None, **params: object
    ) -> None:
        self.warnings.append(self.located(code, sheet, row, column, **params))

    def sorted_warnings(self) -> tuple[Problem, ...]:
        return tuple(sorted(self.warnings, key=warning_order))


def warning_order(problem: Problem) -> tuple[int, int]:
    """Warnings sheet by sheet (survey first), row by row, in the order found within a row."""
    sheet = str(problem.params.get("sheet", ""))
    order = SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else len(SHEET_ORDER)
    return order, problem.line or 0
