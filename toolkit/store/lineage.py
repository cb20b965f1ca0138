"""Renames between versions of an instrument, and answers lined up across them.

When a question is renamed or a choice code changed in a new version (the instrument
builder records it, see :mod:`toolkit.builder.versions`), responses collected with the old
version still hold the old name and code. :func:`record_step` keeps what changed between
two versions (table ``instrument_renames``, migration ``0008``); :meth:`Store.frame` then
passes the answers of older versions through :func:`align_rows`, so that one column holds
the answers to one question whichever version they were given in.

An empty new name or code means the old answers no longer mean the same thing (the name or
the code was given to another question or choice): they are left out of the newer frame,
never shown as answers to something else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
)

from toolkit.instruments import Instrument
from toolkit.store import writes
from toolkit.store.engine import read_connection
from toolkit.store.schema import UTCDateTime
from toolkit.store.schema import instrument_versions as iv
from toolkit.store.schema import responses as resp

if TYPE_CHECKING:
    from toolkit.store.store import Store

__all__ = [
    "Step",
    "align",
    "align_rows",
    "answered_counts",
    "chain",
    "metadata",
    "record_step",
    "registered_versions",
    "renames",
    "response_counts",
    "steps",
]

metadata = MetaData(
    naming_convention={
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

renames = Table(
    "instrument_renames",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instrument_id", String(100), nullable=False),
    Column("from_version", String(50), nullable=False),
    Column("to_version", String(50), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("question", String(200), nullable=False),
    Column("old", String(200), nullable=False),
    Column("new", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('question', 'code')", name="kind"),
    UniqueConstraint(
        "instrument_id",
        "from_version",
        "to_version",
        "kind",
        "question",
        "old",
        name="uq_instrument_renames_step",
    ),
)


@dataclass(frozen=True)
class Step:
    """What changed names between version ``from_version`` and version ``to_version``.

    ``questions``: old name → new name; ``codes``: question (named as in ``to_version``) →
    {old code → new code}. An empty new name or code drops the old answers.
    """

    from_version: str
    to_version: str
    questions: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.questions and not any(self.codes.values())


def record_step(store: Store, instrument_id: str, step: Step) -> None:
    """Keep ``step`` (replacing what was recorded between the same two versions).

    One write transaction, through :func:`toolkit.store.writes.run`: recording the same step
    twice at once ends with one copy of it, since the second attempt deletes the first one's
    rows before writing its own.

    >>> from toolkit.store import connect
    >>> store = connect("sqlite://")
    >>> record_step(store, "mini", Step("1", "2", {"age": "age_annees"}))
    >>> record_step(store, "mini", Step("1", "2", {"age": "tranche_age"}))
    >>> steps(store, "mini")
    [Step(from_version='1', to_version='2', questions={'age': 'tranche_age'}, codes={})]
    """
    rows = [
        {"kind": "question", "question": "", "old": old, "new": new}
        for old, new in step.questions.items()
    ]
    rows += [
        {"kind": "code", "question": question, "old": old, "new": new}
        for question, codes in step.codes.items()
        for old, new in codes.items()
    ]
    at = writes.now()

    def work(conn: Connection) -> None:
        conn.execute(
            delete(renames).where(
                (renames.c.instrument_id == instrument_id)
                & (renames.c.from_version == step.from_version)
                & (renames.c.to_version == step.to_version)
            )
        )
        for row in rows:
            conn.execute(
                insert(renames).values(
                    instrument_id=instrument_id,
                    from_version=step.from_version,
                    to_version=step.to_version,
                    recorded_at=at,
                    **row,
                )
            )

    writes.run(store.engine, work)


def _steps(conn: Connection, instrument_id: str) -> list[Step]:
    query = (
        select(
            renames.c.from_version,
            renames.c.to_version,
            renames.c.kind,
            renames.c.question,
            renames.c.old,
            renames.c.new,
        )
        .where(renames.c.instrument_id == instrument_id)
        .order_by(renames.c.id)
    )
    found: dict[tuple[str, str], tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    for row in conn.execute(query):
        questions, codes = found.setdefault((row.from_version, row.to_version), ({}, {}))
        if row.kind == "question":
            questions[row.old] = row.new
        else:
            codes.setdefault(row.question, {})[row.old] = row.new
    return [Step(a, b, q, c) for (a, b), (q, c) in found.items()]


def steps(store: Store, instrument_id: str) -> list[Step]:
    """Every step recorded for ``instrument_id``, oldest first."""
    with read_connection(store.engine) as conn:
        return _steps(conn, instrument_id)


def chain(all_steps: Sequence[Step], start: str, end: str) -> list[Step]:
    """The steps leading from version ``start`` to version ``end`` (empty when none do)."""
    if start == end:
        return []
    by_start: dict[str, list[Step]] = {}
    for step in all_steps:
        by_start.setdefault(step.from_version, []).append(step)
    paths: list[tuple[str, list[Step]]] = [(start, [])]
    seen = {start}
    while paths:
        version, path = paths.pop(0)
        for step in reversed(by_start.get(version, [])):
            if step.to_version in seen:
                continue
            if step.to_version == end:
                return [*path, step]
            seen.add(step.to_version)
            paths.append((step.to_version, [*path, step]))
    return []


def _recode(value: object, codes: Mapping[str, str]) -> object:
    if isinstance(value, str):
        new = codes.get(value, value)
        return new if new != "" else None
    if isinstance(value, list):
        out = []
        for item in value:
            new = codes.get(item, item) if isinstance(item, str) else item
            if new != "":
                out.append(new)
        return out
    return value


def _align_one(answers: dict, step: Step) -> dict:
    targets = {new for new in step.questions.values() if new}
    out: dict = {}
    for key, value in answers.items():
        if key in step.questions:
            new = step.questions[key]
            if not new:
                continue
            key = new
        elif key in targets:
            continue  # the name now belongs to another question: the old answers drop out
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            value = [_align_one(entry, step) for entry in value]
        codes = step.codes.get(key)
        if codes:
            value = _recode(value, codes)
            if value is None:
                continue
        out[key] = value
    return out


def align(answers: Mapping, path: Sequence[Step]) -> dict:
    """``answers`` of an older version with names and codes of the version ``path`` leads
    to (entries of repeats included)."""
    out = dict(answers)
    for step in path:
        out = _align_one(out, step)
    return out


def _metadata_codes(path: Sequence[Step], final_name: str) -> list[Mapping[str, str]]:
    """The code changes of each step for the question called ``final_name`` at the end."""
    names = []
    name = final_name
    for step in reversed(path):
        names.append(name)
        name = next((old for old, new in step.questions.items() if new == name), name)
    names.reverse()
    return [step.codes.get(after, {}) for step, after in zip(path, names, strict=True)]


def _recode_metadata(value: object, maps: Sequence[Mapping[str, str]]) -> object:
    for codes in maps:
        if isinstance(value, str) and value in codes:
            value = codes[value] or None
    return value


#: Positions of the sector and wave in the rows of ``submitted_query``.
_SECTOR, _WAVE = 4, 5


def align_rows(
    conn: Connection, instrument: Instrument, rows: list[tuple], versions: Mapping[str, str]
) -> list[tuple]:
    """Rows of :func:`toolkit.store.frame.submitted_query` (content hash second, answers as
    JSON text last) with the answers of older versions lined up with ``instrument`` (the
    latest version); the sector and the wave follow their question's code changes."""
    if not rows:
        return rows
    all_steps = _steps(conn, instrument.id)
    if not all_steps:
        return rows
    latest = instrument.version
    roles = {_SECTOR: instrument.analysis.sector, _WAVE: instrument.analysis.wave}
    paths: dict[str, tuple[list[Step], dict[int, list[Mapping[str, str]]]]] = {}
    out = []
    for row in rows:
        version = versions.get(row[1], latest)
        if version not in paths:
            path = chain(all_steps, version, latest)
            metadata = {i: _metadata_codes(path, name) for i, name in roles.items() if name}
            paths[version] = (path, metadata)
        path, metadata = paths[version]
        if not path:
            out.append(row)
            continue
        values = list(row)
        values[-1] = json.dumps(align(json.loads(row[-1]), path), ensure_ascii=False)
        for index, maps in metadata.items():
            values[index] = _recode_metadata(values[index], maps)
        out.append(tuple(values))
    return out


def response_counts(store: Store, instrument_id: str) -> dict[str, int]:
    """Responses of ``instrument_id`` (drafts and voided ones included) by version number."""
    query = (
        select(iv.c.version, func.count(resp.c.response_id))
        .select_from(
            resp.join(
                iv,
                (resp.c.instrument_id == iv.c.instrument_id)
                & (resp.c.content_hash == iv.c.content_hash),
            )
        )
        .where(resp.c.instrument_id == instrument_id)
        .group_by(iv.c.version)
    )
    with read_connection(store.engine) as conn:
        return {str(version): int(n) for version, n in conn.execute(query)}


def answered_counts(store: Store, instrument_id: str, names: Sequence[str]) -> dict[str, int]:
    """How many responses (not voided) answer each of ``names`` at the top level or in a
    repeat entry."""
    counts = dict.fromkeys(names, 0)
    wanted = set(names)
    query = select(resp.c.answers).where(
        (resp.c.instrument_id == instrument_id) & (resp.c.status != "voided")
    )
    with read_connection(store.engine) as conn:
        for (text,) in conn.execute(query):
            present: set[str] = set()
            _present(json.loads(text), wanted, present)
            for name in present:
                counts[name] += 1
    return counts


def _present(answers: object, wanted: set[str], found: set[str]) -> None:
    if not isinstance(answers, dict):
        return
    for key, value in answers.items():
        if key in wanted and value not in (None, "", []):
            found.add(key)
        if isinstance(value, list):
            for entry in value:
                _present(entry, wanted, found)


def registered_versions(store: Store, instrument_id: str) -> list[str]:
    """Version numbers registered for ``instrument_id``, oldest first, each once."""
    query = select(iv.c.version).where(iv.c.instrument_id == instrument_id).order_by(iv.c.id)
    with read_connection(store.engine) as conn:
        return list(dict.fromkeys(str(row[0]) for row in conn.execute(query)))
