"""Import collected data (KoboToolbox, ODK Central, plain CSV/XLSX) into the store.

All or nothing per file: every row is checked with the instrument's rules first; if one is
rejected, nothing is written and the error lists every rejected row with its reason. Rows
that pass are written in one transaction (:meth:`Store.submit_many`). Response ids come from
the file (``_uuid``, ``meta-instanceID``/``KEY``, ``response_id``), so importing the same file
again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import DataImportError, Problem
from toolkit.i18n import Msg, t
from toolkit.instruments import Instrument, Question
from toolkit.interop.records import DIALECTS, KOBO, ODK, ColumnMatcher, Dialect, Record, response_id
from toolkit.interop.tables import Table, read_tables
from toolkit.store.frame import METADATA_COLUMNS
from toolkit.store.schema import responses
from toolkit.store.writes import row_problems

FORMATS = ("kobo", "odk", "csv")
#: Columns of the exports that describe the submission, not an answer (never reported).
_KNOWN_META = {
    "_id",
    "_uuid",
    "_index",
    "_parent_index",
    "_parent_table_name",
    "_submission_time",
    "_submitted_by",
    "_validation_status",
    "_notes",
    "_status",
    "_tags",
    "_version_",
    "__version__",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
    "_submission__validation_status",
    "_submission__notes",
    "_submission__status",
    "_submission__submitted_by",
    "_submission___version__",
    "_submission__tags",
    "formhub/uuid",
    "meta/instanceID",
    "meta/rootUuid",
    "meta/deprecatedID",
    "meta/instanceName",
    "meta-instanceID",
    "meta-instanceName",
    "instanceID",
    "start",
    "end",
    "today",
    "deviceid",
    "SubmissionDate",
    "KEY",
    "PARENT_KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "index",
    *METADATA_COLUMNS,
}
_REPEAT_INDEX = re.compile(r"^([^\[\]]+)\[(\d+)\]\.")


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    instrument_id: str
    source: str
    format: str
    rows: int
    imported: int
    already_present: int
    response_ids: tuple[str, ...]
    ignored_columns: tuple[str, ...] = ()


def detect_format(path: Path, tables: Sequence[Table]) -> str:
    """``odk`` for a ZIP or a table with ``SubmissionDate``/``KEY``; ``kobo`` with ``_uuid``."""
    if path.suffix.lower() == ".zip":
        return "odk"
    columns = set(tables[0].columns) if tables else set()
    if {"_uuid", "_submission_time", "_index"} & columns:
        return "kobo"
    if {"SubmissionDate", "KEY", "meta-instanceID"} & columns:
        return "odk"
    return "csv"


def _repeat_table(tables: Sequence[Table], repeat: str, dialect: Dialect) -> Table | None:
    for table in tables[1:]:
        if table.name == repeat:
            return table
    for table in tables[1:]:
        if dialect is KOBO and repeat.startswith(table.name) and len(table.name) >= 31:
            return table  # KoboToolbox cuts sheet names at 31 characters
        if dialect is ODK and table.name.endswith(f"-{repeat}"):
            return table
    return None


def _timestamp(value: object) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        stamp = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


class _Import:
    def __init__(self, instrument: Instrument, dialect: Dialect, source: str) -> None:
        self.instrument = instrument
        self.dialect = dialect
        self.source = source
        self.matcher = ColumnMatcher(instrument, dialect)
        self.problems: list[Problem] = []
        self.used: set[str] = set()
        self.ignored: dict[str, None] = {}
        self.matched = False

    def fields(self, repeat: str | None) -> list[Question]:
        return [q for q in self.instrument.fields() if self.instrument.repeat_of(q.name) == repeat]

    def note_columns(self, table: Table, fields: list[Question]) -> None:
        used = set()
        for question in fields:
            used |= self.matcher.used_columns(question, table.columns)
        self.matched = self.matched or bool(used)
        for column in table.columns:
            if (
                column
                and column not in used
                and column not in _KNOWN_META
                and not column.startswith("_")
            ):
                self.ignored.setdefault(column)

    def main_records(self, table: Table) -> list[Record]:
        fields = self.fields(None)
        self.note_columns(table, fields)
        records = []
        for number, row in table.rows:
            key = self.matcher.first(row, self.dialect.id_columns)
            record = Record(table.name, number, None if key is None else str(key))
            record.answers = self.matcher.answers(fields, row)
            if key is None:
                digest = hashlib.sha256(
                    json.dumps(row, sort_keys=True, default=str).encode()
                ).hexdigest()
                record.key = f"row:{digest}"
            record.meta = {
                "started_at": _timestamp(self.matcher.first(row, self.dialect.started_columns)),
                "collector": self.matcher.first(row, self.dialect.collector_columns),
                **{
                    c: row.get(c) for c in self.dialect.meta_columns if row.get(c) not in (None, "")
                },
            }
            record.meta["link"] = self.link_key(row, record)
            records.append(record)
        return records

    def link_key(self, row: dict, record: Record) -> object:
        if self.dialect is KOBO:
            return row.get("_index")
        if self.dialect is ODK:
            return row.get("KEY") or record.key
        return row.get("response_id")

    def attach_repeat(self, repeat: Question, table: Table, records: list[Record]) -> None:
        fields = self.fields(repeat.name)
        self.note_columns(table, fields)
        by_link = {_link(r.meta["link"]): r for r in records if r.meta.get("link") is not None}
        parent_column = {"kobo": "_parent_index", "odk": "PARENT_KEY"}.get(
            self.dialect.name, "response_id"
        )
        entries: list[tuple[Record, object, int, dict]] = []
        for number, row in table.rows:
            parent = by_link.get(_link(row.get(parent_column)))
            if parent is None:
                self.problems.append(
                    Problem(
                        "X027",
                        {
                            "sheet": table.name,
                            "row": number,
                            "column": parent_column,
                            "value": row.get(parent_column, ""),
                        },
                        file=self.source,
                        line=number,
                    )
                )
                continue
            order = row.get("_index") if self.dialect is KOBO else row.get("index", number)
            entries.append((parent, order, number, self.matcher.answers(fields, row)))
        entries.sort(key=lambda e: (_sortable(e[1]), e[2]))
        for parent, _, number, answers in entries:
            values = parent.answers.setdefault(repeat.name, [])
            parent.entry_rows[(repeat.name, len(values))] = (table.name, number)
            values.append(answers)

    def check(self, records: list[Record]) -> list[tuple[Record, str]]:
        seen: dict[str, int] = {}
        out = []
        for record in records:
            rid = response_id(self.instrument.id, record.key)
            if rid in seen:
                self.problems.append(
                    Problem(
                        "X026",
                        {
                            "sheet": record.sheet,
                            "row": record.row,
                            "id": record.key,
                            "other": seen[rid],
                        },
                        file=self.source,
                        line=record.row,
                    )
                )
                continue
            seen[rid] = record.row
            result = self.instrument.validate_answers(record.answers)
            problems = list(result.problems)
            if result.ok:
                problems += row_problems(self.instrument, _meta(record), result.answers)
            for problem in problems:
                sheet, row = record.sheet, record.row
                match = _REPEAT_INDEX.match(problem.field or "")
                if match:
                    sheet, row = record.entry_rows.get(
                        (match.group(1), int(match.group(2))), (sheet, row)
                    )
                reason = problem.text or Msg.of(
                    problem.code, **{**dict(problem.params), "field": problem.field or ""}
                )
                self.problems.append(
                    Problem(
                        "X022",
                        {"sheet": sheet, "row": row, "id": record.key, "reason": reason},
                        file=self.source,
                        line=row,
                        field=problem.field,
                    )
                )
            out.append((record, rid))
        return out


def _meta(record: Record) -> dict[str, object]:
    """The metadata of ``record`` as :meth:`Store.submit_many` will get it."""
    meta = {key: _text(record.meta.get(key)) for key in ("collector", "team", "sector", "wave")}
    return {**meta, "started_at": record.meta.get("started_at")}


def source_label(dialect: str, file_name: str) -> str:
    """``dialect:file name``, the name shortened in its middle to fit the store's column.

    >>> source_label("kobo", "barometre_ambiance_quartier_nord_vague_3_export_2025-06-30.xlsx")
    'kobo:barometre_ambiance_quartier_no…025-06-30.xlsx'
    """
    label = f"{dialect}:{file_name}"
    limit = responses.c.source.type.length
    if len(label) <= limit:
        return label
    room = limit - len(dialect) - 2  # the colon and the ellipsis
    tail = min(len(file_name) // 3, room // 3)
    return f"{dialect}:{file_name[: room - tail]}…{file_name[len(file_name) - tail :]}"


def _link(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sortable(value: object) -> tuple[int, float | str]:
    try:
        return (0, float(str(value)))
    except ValueError:
        return (1, str(value))


def _submitted_count(store: object, instrument_id: str) -> int:
    table = store.instruments()  # type: ignore[attr-defined]
    match = table[table["id"] == instrument_id]
    return int(match["n_submitted"].iloc[0]) if len(match) else 0


def import_file(
    store: object, instrument_id: str, path: str | Path, *, format: str | None = None
) -> ImportReport:
    """Import the responses of one export file into ``store`` (all or nothing).

    Parameters
    ----------
    store
        An open :class:`toolkit.store.Store` where the instrument is registered.
    instrument_id
        The instrument the file was collected with (columns are matched by question name).
    path
        KoboToolbox export (CSV with ``;`` or XLSX, "XML values and headers"), ODK Central
        export (ZIP of CSV files, or its main CSV alone) or a plain CSV/XLSX whose columns
        are the question names (as written by ``toolkit export``).
    format
        ``kobo``, ``odk`` or ``csv``; found from the file when ``None``.

    Raises
    ------
    DataImportError
        ``X022`` for every rejected row (sheet, row, id and reason), ``X026`` duplicate id,
        ``X027`` repeat entry without parent; nothing is written.
    """
    path = Path(path)
    tables = read_tables(path)
    if not tables or not tables[0].rows:
        raise DataImportError(problems=[Problem("X025", {}, file=str(path))])
    name = format or detect_format(path, tables)
    if name not in DIALECTS:
        raise DataImportError(
            problems=[Problem("X024", {"format": name, "formats": ", ".join(FORMATS)})]
        )
    dialect = DIALECTS[name]
    instrument = store.instrument(instrument_id)  # type: ignore[attr-defined]
    work = _Import(instrument, dialect, str(path))
    records = work.main_records(tables[0])
    for repeat in instrument.repeats():
        table = _repeat_table(tables, repeat.name, dialect)
        if table is not None:
            work.attach_repeat(repeat, table, records)
    if not work.matched:
        raise DataImportError(
            problems=[Problem("X028", {"instrument": instrument_id}, file=str(path))]
        )
    checked = work.check(records)
    if work.problems:
        rejected = len({(p.params.get("sheet"), p.params.get("row")) for p in work.problems})
        raise DataImportError(
            t("X023", rejected=rejected, total=len(records), file=path.name),
            problems=work.problems,
        )
    before = _submitted_count(store, instrument_id)
    rows = [
        {
            "answers": record.answers,
            "response_id": rid,
            **_meta(record),
            "source": source_label(dialect.name, path.name),
        }
        for record, rid in checked
    ]
    ids = store.submit_many(instrument_id, rows)  # type: ignore[attr-defined]
    imported = _submitted_count(store, instrument_id) - before
    return ImportReport(
        instrument_id=instrument_id,
        source=str(path),
        format=dialect.name,
        rows=len(rows),
        imported=imported,
        already_present=len(rows) - imported,
        response_ids=tuple(ids),
        ignored_columns=tuple(work.ignored),
    )


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


__all__ = ["FORMATS", "ImportReport", "detect_format", "import_file", "source_label"]
