"""Turn rows of an export (KoboToolbox, ODK Central or plain) into answers of an instrument.

Columns are matched to questions by name: the bare name (``age``), the KoboToolbox group
path (``profil/age``) or the ODK Central one (``profil-age``). A select_multiple is read from
its space-separated column, else from its ``q/choice`` 0/1 columns; a geopoint from its
``"lat lon alt acc"`` column, else from its ``_q_latitude``... (KoboToolbox),
``q-Latitude``... (ODK Central) or ``q_latitude``... (toolkit) columns. In plain files (as
written by ``toolkit export``) the apostrophe put before formula-like text is taken off.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from toolkit.instruments import Instrument, Question
from toolkit.interop.formulas import TRIGGERS

#: Namespace of the response ids derived from ids that are not UUIDs.
ID_NAMESPACE = uuid.UUID("3b0d6a52-6f0e-5d4c-9a57-6d6564696174")
_TRUE = {"1", "1.0", "true", "vrai", "yes", "oui", "x", "ok"}
_GEO_PARTS = (
    ("latitude", ("latitude", "Latitude")),
    ("longitude", ("longitude", "Longitude")),
    ("altitude", ("altitude", "Altitude")),
    ("accuracy", ("accuracy", "precision", "Accuracy")),
)


@dataclass(frozen=True)
class Dialect:
    """How one export names its columns."""

    name: str
    separator: str
    id_columns: tuple[str, ...]
    started_columns: tuple[str, ...] = ()
    collector_columns: tuple[str, ...] = ()
    meta_columns: tuple[str, ...] = ()


KOBO = Dialect(
    "kobo",
    "/",
    id_columns=("_uuid", "meta/instanceID", "instanceID"),
    started_columns=("start", "_submission_time"),
    collector_columns=("_submitted_by",),
)
ODK = Dialect(
    "odk",
    "-",
    id_columns=("meta-instanceID", "instanceID", "KEY"),
    started_columns=("start", "SubmissionDate"),
    collector_columns=("SubmitterName",),
)
PLAIN = Dialect(
    "csv",
    "/",
    id_columns=("response_id",),
    started_columns=("started_at",),
    collector_columns=("collector",),
    meta_columns=("team", "sector", "wave"),
)
DIALECTS = {d.name: d for d in (KOBO, ODK, PLAIN)}


@dataclass
class Record:
    """One response read from a file, before validation."""

    sheet: str
    row: int
    key: str | None
    answers: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    #: Field path of each entry (``menages[0].membres[1]``) -> its (sheet, row), for the report.
    entry_rows: dict[str, tuple[str, int]] = field(default_factory=dict)


def response_id(instrument_id: str, key: object) -> str:
    """A UUID for ``key``: itself when it is one (``uuid:`` prefix dropped), else a UUID5."""
    text = str(key).strip()
    if text.lower().startswith("uuid:"):
        text = text[5:]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(ID_NAMESPACE, f"{instrument_id}:{text}"))


def container_path(instrument: Instrument) -> dict[str, tuple[str, ...]]:
    """Question name -> names of its enclosing groups, matrices and repeats, outermost first.

    A ``flat`` group is not in the path: its questions are exported without it.
    """
    out: dict[str, tuple[str, ...]] = {}

    def visit(items: tuple[Question, ...], path: tuple[str, ...]) -> None:
        for item in items:
            out[item.name] = path
            visit(item.children, path if item.flat else (*path, item.name))

    visit(instrument.items, ())
    return out


class ColumnMatcher:
    """Find the value of each question in a row, whatever the dialect's column names."""

    def __init__(self, instrument: Instrument, dialect: Dialect) -> None:
        self.instrument = instrument
        self.dialect = dialect
        self.paths = container_path(instrument)

    def candidates(self, question: Question) -> list[str]:
        """Column names that may hold ``question``: full paths, paths inside its repeat, name."""
        groups = self.paths[question.name]
        names = [question.name]
        if groups and question.name.startswith(f"{groups[-1]}_"):
            # renamed on import (one name in two groups): still <group>/<name> in exports
            names.append(question.name[len(groups[-1]) + 1 :])
        repeat = self.instrument.repeat_of(question.name)
        out: dict[str, None] = {}
        for name in names:
            path = (*groups, name)
            inner = path[path.index(repeat) + 1 :] if repeat in path else path
            for separator in dict.fromkeys((self.dialect.separator, "/", "-")):
                out.setdefault(separator.join(path))
                out.setdefault(separator.join(inner))
        out.setdefault(question.name)
        return list(out)

    def used_columns(self, question: Question, columns: Iterable[str]) -> set[str]:
        """Columns of a table that this matcher reads for ``question``."""
        columns = set(columns)
        used = set()
        for base in self.candidates(question):
            used |= {base} & columns
            if question.type == "multiple_choice" and question.choices:
                for value in self.instrument.choice_lists[question.choices].values():
                    used |= {f"{base}/{value}", f"{base}-{value}"} & columns
            if question.type in ("single_choice", "likert"):
                used |= {f"{base}__missing"} & columns
            if question.type == "geopoint":
                used |= set(self.geo_columns(base)) & columns
        return used

    @staticmethod
    def geo_columns(base: str) -> list[str]:
        out = []
        for _, spellings in _GEO_PARTS:
            for spelling in spellings:
                out += [f"_{base}_{spelling}", f"{base}_{spelling}", f"{base}-{spelling}"]
        return out

    def value(self, question: Question, row: Mapping[str, object]) -> object:
        """The raw answer to ``question`` in ``row`` (``None`` when absent)."""
        for base in self.candidates(question):
            if row.get(base) not in (None, ""):
                return self.unquote(row[base])
        for base in self.candidates(question):
            found = self.split_value(question, base, row)
            if found is not None:
                return found
        return None

    def unquote(self, value: object) -> object:
        """Undo the apostrophe ``toolkit export`` puts before formula-like text (plain files)."""
        if (
            self.dialect.name == "csv"
            and isinstance(value, str)
            and len(value) > 1
            and value[0] == "'"
            and value[1] in TRIGGERS
        ):
            return value[1:]
        return value

    def split_value(self, question: Question, base: str, row: Mapping[str, object]) -> object:
        if question.type == "multiple_choice" and question.choices:
            chosen, seen = [], False
            for value in self.instrument.choice_lists[question.choices].values():
                for column in (f"{base}/{value}", f"{base}-{value}"):
                    cell = row.get(column)
                    if cell not in (None, ""):
                        seen = True
                        if str(cell).strip().lower() in _TRUE:
                            chosen.append(value)
            return chosen if seen else None
        if question.type in ("single_choice", "likert"):
            return row.get(f"{base}__missing")
        if question.type == "geopoint":
            parts: dict[str, object] = {}
            for key, spellings in _GEO_PARTS:
                for spelling in spellings:
                    for column in (
                        f"_{base}_{spelling}",
                        f"{base}_{spelling}",
                        f"{base}-{spelling}",
                    ):
                        if row.get(column) not in (None, ""):
                            parts.setdefault(key, row[column])
            return parts or None
        return None

    def answers(self, fields: Iterable[Question], row: Mapping[str, object]) -> dict:
        out = {}
        for question in fields:
            if question.type == "calculate":
                continue  # recomputed by validation
            value = self.value(question, row)
            if value is not None:
                out[question.name] = value
        return out

    def first(self, row: Mapping[str, object], columns: Iterable[str]) -> object:
        return next((row[c] for c in columns if row.get(c) not in (None, "")), None)
