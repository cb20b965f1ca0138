"""The sheets of a form as written: the row of every question and list, and unused columns.

pyxform's JSON has lost the rows; :class:`SheetIndex` keeps, from the sheets as read, the row
of each question (by name) and of each choice list, so that every problem can name them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping

from pyxform.xls2json_backends import DefinitionData

from toolkit.i18n import Msg
from toolkit.interop.xlsform.locate import Findings, header, language_of, raw_column
from toolkit.interop.xlsform.subset import (
    CHOICE_MEDIA_COLUMNS,
    RANGE,
    SETTINGS_COLUMNS,
    survey_column_used,
)

#: ``select_one_from_file`` and ``select_multiple_from_file`` (spaces read as ``_``).
FROM_FILE = ("select_one_from_file", "select_multiple_from_file")

__all__ = ["SheetIndex", "check_columns"]

_LIST_NAME = ("list_name", "list name")


class SheetIndex:
    """Rows of the survey, choices and external_choices sheets, by question or list name."""

    def __init__(self, workbook: DefinitionData) -> None:
        #: Question name -> (row, cells as read); the first row of a name wins until the
        #: questions are mapped, which give each its own row (see :meth:`take`).
        self.rows: dict[str, tuple[int, dict]] = {}
        #: Every row of each name, in sheet order (XLSForm allows one name in two groups).
        self.occurrences: dict[str, deque[tuple[int, dict]]] = {}
        #: List name -> row of its first choice, and the values written in the sheet.
        self.choice_rows: dict[str, int] = {}
        self.choice_values: dict[str, set[str]] = {}
        #: Rows of the external_choices sheet by list name.
        self.external: dict[str, list[tuple[int, dict]]] = {}
        for number, raw in enumerate(workbook.survey or [], start=2):
            name_key = raw_column(raw, ("name",))
            if name_key and raw.get(name_key):
                name = str(raw[name_key]).strip()
                self.rows.setdefault(name, (number, raw))
                self.occurrences.setdefault(name, deque()).append((number, raw))
        for number, raw in enumerate(workbook.choices or [], start=2):
            list_key = raw_column(raw, _LIST_NAME)
            if list_key and raw.get(list_key):
                list_name = str(raw[list_key]).strip()
                self.choice_rows.setdefault(list_name, number)
                value_key = raw_column(raw, ("name", "value"))
                if value_key and raw.get(value_key) not in (None, ""):
                    self.choice_values.setdefault(list_name, set()).add(str(raw[value_key]).strip())
        for number, raw in enumerate(workbook.external_choices or [], start=2):
            list_key = raw_column(raw, _LIST_NAME)
            if list_key and raw.get(list_key):
                self.external.setdefault(str(raw[list_key]).strip(), []).append((number, raw))

    def take(self, name: str) -> tuple[int, dict] | None:
        """The next row of ``name`` in sheet order (questions are mapped in that order)."""
        waiting = self.occurrences.get(name)
        return waiting.popleft() if waiting else None

    def row_of(self, name: str) -> tuple[int | None, dict]:
        """Row and cells of question ``name`` (``(None, {})`` for a question pyxform made)."""
        return self.rows.get(name, (None, {}))

    def column_of(self, name: str, spellings: tuple[str, ...], default: str) -> str:
        """The header as written of the first of ``spellings`` in the row of ``name``."""
        _, raw = self.row_of(name)
        return raw_column(raw, spellings) or default


def check_columns(workbook: DefinitionData, findings: Findings) -> None:
    """Warn about the entities sheet (``X011``) and every column the model does not use (``X009``)."""
    if workbook.entities:
        findings.warn("X011", "entities", 2, None, feature=Msg.of("feature.entities"))
    _ignored(findings, "survey", workbook.survey or [], _survey_column_known)
    _ignored(findings, "choices", workbook.choices or [], _choice_column_known)
    _ignored(findings, "external_choices", workbook.external_choices or [], _choice_column_known)
    _ignored(findings, "settings", workbook.settings or [], _settings_column_known)


def _ignored(
    findings: Findings, sheet: str, rows: list[dict], known: Callable[[str], bool]
) -> None:
    reported: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        for raw_key, value in raw.items():
            key = "" if raw_key is None else str(raw_key)
            if value in (None, "") or key in reported or known(key):
                continue
            if sheet == "survey" and header(key) == "parameters" and _reads_parameters(raw):
                continue  # range bounds and step; columns of a choice file
            reported.add(key)
            findings.warn("X009", sheet, number, key)


def _reads_parameters(raw: Mapping[str, object]) -> bool:
    """A ``range`` (start, end, step) or a choice file (value and label columns)."""
    for key, value in raw.items():
        if header(key) == "type":
            words = str(value or "").strip().lower().replace(" ", "_")
            return words == RANGE or words.startswith(FROM_FILE)
    return False


def _survey_column_known(key: str) -> bool:
    if key.lower().startswith("mediation_"):
        return True
    column = header(key)
    subkey = language_of(key) if column in ("bind", "control") else None
    return survey_column_used(column, subkey)


def _choice_column_known(key: str) -> bool:
    # Other choice columns are filter columns, kept as such.
    return bool(key) and header(key) not in CHOICE_MEDIA_COLUMNS and not key.startswith("$")


def _settings_column_known(key: str) -> bool:
    return key.strip().lower() in SETTINGS_COLUMNS or key.lower().startswith("mediation_")
