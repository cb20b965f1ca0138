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
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import String

from toolkit.errors import DataImportError, Problem
from toolkit.i18n import LANGUAGES, Msg, t
from toolkit.instruments import Instrument, Question, validate_answers
from toolkit.interop.records import (
    DIALECTS,
    KOBO,
    PLAIN,
    ColumnMatcher,
    Dialect,
    Record,
    response_id,
)
from toolkit.interop.repeats import Parent, RepeatReader, match_sheets
from toolkit.interop.tables import Table, read_tables
from toolkit.store.frame import METADATA_COLUMNS
from toolkit.store.schema import responses
from toolkit.store.store import Store
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
    "username",
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
#: A column of an older export that flattens repeats: ``enfants[1]/prenom``.
_FLATTENED = re.compile(r"\[\d+\][/-]")


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
    #: Sheets or files that match no repeat (``X029``), left out.
    warnings: tuple[Problem, ...] = ()


def detect_format(path: Path, tables: Sequence[Table]) -> str:
    r"""``odk`` for a ZIP or a table with ``SubmissionDate``/``KEY``; ``kobo`` with ``_uuid``.

    Otherwise ``csv``: a plain table whose columns are the question names.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> from toolkit.interop.tables import read_tables
    >>> folder = Path(tempfile.mkdtemp())
    >>> kobo = folder / "export_kobo.csv"
    >>> _ = kobo.write_text("_uuid;secteur\nu-1;gare\n", encoding="utf-8")
    >>> odk = folder / "export_odk.csv"
    >>> _ = odk.write_text("SubmissionDate,KEY,secteur\n2026-03-02,uuid:1,gare\n")
    >>> plain = folder / "saisie.csv"
    >>> _ = plain.write_text("secteur,personnes\ngare,12\n", encoding="utf-8")
    >>> with zipfile.ZipFile(folder / "central.zip", "w") as archive:
    ...     archive.write(odk, "tournee.csv")
    >>> [detect_format(p, read_tables(p)) for p in (kobo, odk, plain, folder / "central.zip")]
    ['kobo', 'odk', 'csv', 'odk']
    """
    if path.suffix.lower() == ".zip":
        return "odk"
    columns = set(tables[0].columns) if tables else set()
    if {"_uuid", "_submission_time", "_index"} & columns:
        return "kobo"
    if {"SubmissionDate", "KEY", "meta-instanceID"} & columns:
        return "odk"
    return "csv"


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
        self.repeats = RepeatReader(instrument, dialect, source)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.ignored: dict[str, None] = {}
        self.matched = False

    def fields(self, repeat: str | None) -> list[Question]:
        return [q for q in self.instrument.fields() if self.instrument.repeat_of(q.name) == repeat]

    def used_columns(self, table: Table, repeat: str | None) -> set[str]:
        used = set()
        for question in self.fields(repeat):
            used |= self.matcher.used_columns(question, table.columns)
        for question in self.instrument.questions():
            if question.type == "metadata" and self.instrument.repeat_of(question.name) == repeat:
                used |= set(self.matcher.candidates(question)) & set(table.columns)
        return used

    def note_columns(self, table: Table, used: set[str]) -> None:
        self.matched = self.matched or bool(used)
        # The keys of the toolkit's own repeat sheets: <outer>_index, index, item.
        keys = {f"{q.name}_index" for q in self.instrument.repeats()} | {"item"}
        for column in table.columns:
            if (
                column
                and column not in used
                and column not in _KNOWN_META
                and column not in keys
                and not column.startswith("_")
            ):
                self.ignored.setdefault(column)

    def main_records(self, table: Table) -> list[Record]:
        fields = self.fields(None)
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
            records.append(record)
        self.repeats.add_responses(records, [row for _, row in table.rows])
        return records

    def read_repeats(self, tables: Sequence[Table], records: list[Record]) -> None:
        """Entries of every repeat: from its sheet or file, else from the main row's columns."""
        main = tables[0]
        sheets, unmatched = match_sheets(self.instrument, tables, self.dialect)
        for table in unmatched:
            if self.dialect is PLAIN and table.name in _toolkit_sheets():
                continue  # the labels and the codebook of a toolkit export
            self.warnings.append(
                Problem(
                    "X029",
                    {"sheet": table.name, "row": 1, "column": "", "rows": len(table.rows)},
                    file=self.source,
                    line=1,
                )
            )
        in_columns: dict[str | None, list] = {
            None: [
                (Parent(r, "", r.answers), row, (main.name, number))
                for r, (number, row) in zip(records, main.rows, strict=True)
            ]
        }
        for repeat in self.instrument.repeats():
            parent = self.instrument.repeat_of(repeat.name)
            sheet = sheets.get(repeat.name)
            if sheet is not None:
                self.note_columns(sheet, self.used_columns(sheet, repeat.name))
                self.repeats.attach_table(repeat, sheet)
            elif parent in in_columns:
                in_columns[repeat.name] = self.repeats.attach_columns(repeat, in_columns[parent])
        used = self.used_columns(main, None) | self.repeats.used
        self.matched = self.matched or bool(self.repeats.used)
        self.problems += self.repeats.problems
        flattened = [c for c in main.columns if c not in used and _FLATTENED.search(c)]
        for column in flattened:
            self.problems.append(
                Problem(
                    "X030",
                    {"sheet": main.name, "row": 1, "column": column},
                    file=self.source,
                    line=1,
                )
            )
        self.note_columns(main, used | set(flattened))

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
            result = validate_answers(
                self.instrument,
                record.answers,
                meta={
                    "collector": _text(record.meta.get("collector")),
                    "started_at": record.meta.get("started_at"),
                    "response_id": rid,
                },
            )
            problems = list(result.problems)
            if result.ok:
                problems += row_problems(self.instrument, _meta(record), result.answers)
            for problem in problems:
                sheet, row = _entry_row(record, problem.field or "")
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
    column_type = responses.c.source.type
    # The store declares the column String(n); SQLAlchemy types a column's type TypeEngine.
    limit = column_type.length if isinstance(column_type, String) else None
    if limit is None or len(label) <= limit:
        return label
    room = limit - len(dialect) - 2  # the colon and the ellipsis
    tail = min(len(file_name) // 3, room // 3)
    return f"{dialect}:{file_name[: room - tail]}…{file_name[len(file_name) - tail :]}"


def _entry_row(record: Record, field: str) -> tuple[str, int]:
    """The sheet and row of the entry a field path is in (the deepest), else the response's."""
    prefixes = [p for p in record.entry_rows if field.startswith(f"{p}.") or field == p]
    if not prefixes:
        return record.sheet, record.row
    return record.entry_rows[max(prefixes, key=len)]


def _submitted_count(store: Store, instrument_id: str) -> int:
    table = store.instruments()
    match = table[table["id"] == instrument_id]
    return int(match["n_submitted"].iloc[0]) if len(match) else 0


def import_file(
    store: Store, instrument_id: str, path: str | Path, *, format: str | None = None
) -> ImportReport:
    r"""Import the responses of one export file into ``store`` (all or nothing).

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

    Examples
    --------
    A KoboToolbox CSV export (``;``, with its ``_uuid`` and ``_submission_time`` columns):

    >>> import tempfile
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> store = connect("sqlite://")
    >>> _ = store.register(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]},"
    ...     " {name: remarque, type: text, label: Remarque}]}"
    ... ))
    >>> export = Path(tempfile.mkdtemp()) / "tournee_kobo.csv"
    >>> _ = export.write_text(
    ...     "_uuid;_submission_time;secteur;remarque;appareil\n"
    ...     "u-1;2026-03-02T18:04:00;gare;Calme ce soir;tablette 2\n"
    ...     "u-2;2026-03-02T19:30:00;centre;Musique forte;tablette 2\n",
    ...     encoding="utf-8",
    ... )
    >>> report = import_file(store, "tournee", export)
    >>> report.format, report.imported, report.ignored_columns
    ('kobo', 2, ('appareil',))
    >>> import_file(store, "tournee", export).already_present  # the same file again
    2
    """
    path = Path(path)
    tables = read_tables(path)
    name = format or detect_format(path, tables)
    return import_tables(
        store, instrument_id, tables, format=name, source=str(path), label=path.name
    )


def import_tables(
    store: Store,
    instrument_id: str,
    tables: Sequence[Table],
    *,
    format: str,
    source: str,
    label: str,
) -> ImportReport:
    r"""Import responses already read as tables (the main one first), all or nothing.

    ``source`` names where they come from in messages (a file, a server's form) and ``label``
    is its short name, kept with each response (``odk:visite.zip``).

    Examples
    --------
    Two rows typed by hand, then a file with one row the instrument refuses:

    >>> from toolkit.instruments import loads
    >>> from toolkit.interop.tables import read_csv_text
    >>> from toolkit.store import connect
    >>> store = connect("sqlite://")
    >>> _ = store.register(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]},"
    ...     " {name: personnes, type: integer, label: Personnes rencontrées, maximum: 50}]}"
    ... ))
    >>> good = read_csv_text("response_id;secteur;personnes\nT-01;gare;12\nT-02;centre;7\n",
    ...                      "tournee")
    >>> report = import_tables(store, "tournee", [good], format="csv",
    ...                        source="tournee.csv", label="tournee.csv")
    >>> report.rows, report.imported, report.already_present
    (2, 2, 0)
    >>> bad = read_csv_text("response_id;secteur;personnes\nT-03;gare;4\nT-04;port;80\n",
    ...                     "tournee")
    >>> import_tables(store, "tournee", [bad], format="csv",
    ...               source="tournee_2.csv", label="tournee_2.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataImportError: tournee_2.csv : 1 ligne rejetée sur 2 ; rien n'a été importé. ...
    tournee_2.csv:3: X022 [ligne 3] feuille « tournee », réponse « T-04 » rejetée : « port » ne ...
    tournee_2.csv:3: X022 [ligne 3] feuille « tournee », réponse « T-04 » rejetée : La valeur ...
    >>> int(store.instruments().set_index("id").loc["tournee", "n_submitted"])  # not T-03
    2
    """
    if not tables or not tables[0].rows:
        raise DataImportError(problems=[Problem("X025", {}, file=source)])
    if format not in DIALECTS:
        raise DataImportError(
            problems=[Problem("X024", {"format": format, "formats": ", ".join(FORMATS)})]
        )
    dialect = DIALECTS[format]
    if dialect is KOBO:
        tables = [_without_na(table) for table in tables]
    instrument = store.instrument(instrument_id)
    work = _Import(instrument, dialect, source)
    records = work.main_records(tables[0])
    work.read_repeats(tables, records)
    if not work.matched:
        raise DataImportError(
            problems=[Problem("X028", {"instrument": instrument_id}, file=source)]
        )
    checked = work.check(records)
    if work.problems:
        rejected = len({(p.params.get("sheet"), p.params.get("row")) for p in work.problems})
        raise DataImportError(
            t("X023", rejected=rejected, total=len(records), file=label),
            problems=work.problems,
        )
    before = _submitted_count(store, instrument_id)
    rows = [
        {
            "answers": record.answers,
            "response_id": rid,
            **_meta(record),
            "source": source_label(dialect.name, label),
        }
        for record, rid in checked
    ]
    ids = store.submit_many(instrument_id, rows)
    imported = _submitted_count(store, instrument_id) - before
    return ImportReport(
        instrument_id=instrument_id,
        source=source,
        format=dialect.name,
        rows=len(rows),
        imported=imported,
        already_present=len(rows) - imported,
        response_ids=tuple(ids),
        ignored_columns=tuple(work.ignored),
        warnings=tuple(work.warnings),
    )


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _toolkit_sheets() -> set[str]:
    """Sheets of ``toolkit export --format xlsx`` that hold no responses, in each language."""
    return {
        t(key, lang)
        for key in ("export.sheet_labels", "export.sheet_codebook")
        for lang in LANGUAGES
    }


def _without_na(table: Table) -> Table:
    """Older KoboCAT and Ona exports write ``n/a`` for a question not asked: no answer."""
    rows = tuple(
        (number, {k: v for k, v in row.items() if v != "n/a"}) for number, row in table.rows
    )
    return replace(table, rows=rows)


__all__ = [
    "FORMATS",
    "ImportReport",
    "detect_format",
    "import_file",
    "import_tables",
    "source_label",
]
