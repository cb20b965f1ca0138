"""Typed wide frames of submitted responses (``Store.frame`` and ``Store.repeat_frame``).

The answers of every response are fetched in one query and decoded in one ``json.loads``
call; columns are then built field by field over whole lists (:mod:`toolkit.store.columns`).
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection, DateTime, Label, Select, String, select, type_coerce
from sqlalchemy.engine import Dialect

from toolkit.errors import Problem, StoreError
from toolkit.instruments import Instrument
from toolkit.instruments.model import Question
from toolkit.store.columns import TIME_UNIT, field_columns
from toolkit.store.pii import merge
from toolkit.store.schema import responses as resp

__all__ = [
    "METADATA_COLUMNS",
    "build_frame",
    "build_repeat_frame",
    "check_repeat",
    "decode_answers",
    "fetch_all",
    "gc_paused",
    "raw_timestamp",
    "submitted_query",
    "timestamps",
    "wave_filter",
]

#: The metadata columns that open every frame, in order.
METADATA_COLUMNS = (
    "response_id",
    "instrument_version",
    "collector",
    "team",
    "sector",
    "wave",
    "started_at",
    "submitted_at",
)
#: Suffix given to a question whose name is also a metadata column (e.g. a question "sector").
CLASH_SUFFIX = "__answer"


def raw_timestamp(column: Column, dialect: Dialect) -> Label:
    """Select a timestamp without per-row conversion (SQLite: its text; others: the driver's)."""
    if dialect.name == "sqlite":
        return type_coerce(column, String()).label(column.name)
    return type_coerce(column, DateTime(timezone=True)).label(column.name)


def timestamps(values: Sequence[object]) -> pd.DatetimeIndex:
    """Tz-aware UTC timestamps from ISO text or ``datetime`` objects (stored in UTC)."""
    parsed = pd.to_datetime(list(values), format="ISO8601", utc=True)
    return pd.DatetimeIndex(parsed).as_unit(TIME_UNIT)


def wave_filter(query: Select, wave: str | Sequence[str] | None) -> Select:
    if wave is None:
        return query
    waves = [wave] if isinstance(wave, str) else list(wave)
    return query.where(resp.c.wave.in_(waves))


def submitted_query(
    dialect: Dialect, instrument_id: str, wave: str | Sequence[str] | None
) -> Select:
    """Submitted responses of one instrument, oldest submission first."""
    query = select(
        resp.c.response_id,
        resp.c.content_hash,
        resp.c.collector,
        resp.c.team,
        resp.c.sector,
        resp.c.wave,
        raw_timestamp(resp.c.started_at, dialect),
        raw_timestamp(resp.c.submitted_at, dialect),
        resp.c.answers,
    ).where((resp.c.instrument_id == instrument_id) & (resp.c.status == "submitted"))
    return wave_filter(query, wave).order_by(resp.c.submitted_at, resp.c.response_id)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large frame.

    Decoding 100,000 answer objects allocates millions of containers; each allocation burst
    would trigger collections that scan them all again for nothing (they hold no cycles).
    The collector is switched back on afterwards if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fetch_all(conn: Connection, query: Select) -> list[tuple]:
    """All rows of ``query`` as plain tuples, straight from the driver's cursor.

    The selected columns need no SQLAlchemy result processing (see :func:`raw_timestamp`), so
    skipping the ``Row`` wrapping saves a sizeable share of the time of a large frame.
    """
    result = conn.execute(query)
    try:
        return cast("list[tuple]", result.cursor.fetchall())
    finally:
        result.close()


def decode_answers(texts: Sequence[str]) -> list[dict]:
    """Decode many JSON answer objects at once (one parser call for the whole column)."""
    if not texts:
        return []
    return json.loads("[" + ",".join(texts) + "]")


def _transpose(rows: Sequence[tuple], width: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


def _with_pii(
    ids: Sequence[str], records: list[dict], secrets: Mapping[str, dict] | None
) -> list[dict]:
    if not secrets:
        return records
    return [
        merge(record, secrets[rid]) if rid in secrets else record
        for rid, record in zip(ids, records, strict=True)
    ]


def _strings(values: Sequence[object]) -> object:
    return pd.array(list(values), dtype="string")


def _fields(instrument: Instrument, repeat: str | None, include_pii: bool) -> list[Question]:
    return [
        q
        for q in instrument.fields()
        if instrument.repeat_of(q.name) == repeat and (include_pii or not q.pii)
    ]


def _add_fields(
    columns: dict[str, object],
    instrument: Instrument,
    fields: Sequence[Question],
    records: Sequence[dict],
    labels: bool,
) -> None:
    for question in fields:
        values = [record.get(question.name) for record in records]
        for name, column in field_columns(instrument, question, values, labels=labels).items():
            columns[name + CLASH_SUFFIX if name in columns else name] = column


def build_frame(
    instrument: Instrument,
    rows: Sequence[tuple],
    versions: dict[str, str],
    *,
    include_pii: bool,
    labels: bool,
    pii: Mapping[str, dict] | None = None,
) -> pd.DataFrame:
    """The wide frame of ``rows`` (from :func:`submitted_query`), typed per the column contract.

    ``pii`` maps response ids to their decrypted ``pii`` answers (with ``include_pii``).
    """
    (ids, hashes, collectors, teams, sectors, waves, started, submitted, texts) = _transpose(
        rows, 9
    )
    started_at, submitted_at = timestamps(started), timestamps(submitted)
    columns: dict[str, object] = {
        "response_id": _strings(ids),
        "instrument_version": _strings([versions.get(h) for h in hashes]),
        "collector": _strings(collectors),
        "team": _strings(teams),
        "sector": _strings(sectors),
        "wave": wave_column(waves, started_at, submitted_at),
        "started_at": started_at,
        "submitted_at": submitted_at,
    }
    records = _with_pii(ids, decode_answers(texts), pii)
    _add_fields(columns, instrument, _fields(instrument, None, include_pii), records, labels)
    return pd.DataFrame(columns)


def wave_column(waves: Sequence[str | None], started: object, submitted: object) -> pd.Categorical:
    """Waves as an ordered categorical, in the order fieldwork began.

    Wave names are free text ("2025-printemps", "2025-automne"): sorting them as text puts
    autumn before spring, so each wave is placed by its earliest start (or submission) time.
    """
    when = pd.Series(started).fillna(pd.Series(submitted))
    first = when.groupby(pd.Series(waves, dtype="string"), dropna=True).min()
    order = [str(w) for w in first.sort_values(kind="stable").index]
    return pd.Categorical(waves, categories=order, ordered=True)


def check_repeat(instrument: Instrument, repeat: str) -> None:
    """Raise ``S010`` unless ``repeat`` names a repeat group of ``instrument``."""
    names = [q.name for q in instrument.repeats()]
    if repeat not in names:
        params = {
            "instrument_id": instrument.id,
            "repeat": repeat,
            "known": ", ".join(names) or "-",
        }
        raise StoreError(problems=[Problem("S010", params)])


def build_repeat_frame(
    instrument: Instrument,
    repeat: str,
    rows: Sequence[tuple],
    *,
    include_pii: bool,
    labels: bool,
    pii: Mapping[str, dict] | None = None,
) -> pd.DataFrame:
    """One row per entry of ``repeat``: its keys, then its fields.

    Keys, as KoboToolbox's parent and child sheets have them: ``response_id``; for a repeat
    inside other repeats, ``<outer>_index`` for each enclosing repeat, outermost first (the
    ``index`` of the parent entry in the parent repeat's frame); then ``index``, 0-based within
    its parent entry. A repeat with ``loop_over`` has ``item``, the choice of its entry.
    """
    ids, *_, texts = _transpose(rows, 9)
    outer = instrument.repeat_path(repeat)
    entries = [
        (response_id, indices, entry)
        for response_id, answers in zip(
            ids, _with_pii(ids, decode_answers(texts), pii), strict=True
        )
        for indices, entry in _entries(answers, (*outer, repeat))
    ]
    columns: dict[str, object] = {"response_id": _strings([e[0] for e in entries])}
    for depth, name in enumerate((*outer, "")):
        column = f"{name}_index" if name else "index"
        columns[column] = np.array([e[1][depth] for e in entries], dtype=np.int64)
    items = instrument.loop_items(repeat)
    if items:
        columns["item"] = pd.Categorical(
            [items[e[1][-1]].value if e[1][-1] < len(items) else None for e in entries],
            categories=[c.value for c in items],
        )
    fields = _fields(instrument, repeat, include_pii)
    _add_fields(columns, instrument, fields, [e[2] for e in entries], labels)
    return pd.DataFrame(columns)


def _entries(answers: dict, path: tuple[str, ...]) -> list[tuple[tuple[int, ...], dict]]:
    """The entries at the end of ``path`` (repeats, outermost first) with their indices."""
    level: list[tuple[tuple[int, ...], dict]] = [((), answers)]
    for repeat in path:
        level = [
            ((*indices, position), entry)
            for indices, container in level
            for position, entry in enumerate(container.get(repeat) or ())
            if isinstance(entry, dict)
        ]
    return level
