"""Fieldwork counts (``Store.counts``): submitted responses per cell of metadata and answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import Row, Select, func, select

from toolkit.errors import Problem, StoreError
from toolkit.instruments import Instrument
from toolkit.store.frame import decode_answers, wave_filter
from toolkit.store.schema import responses as resp

__all__ = ["build_counts", "check_count_columns", "count_query"]


def check_count_columns(
    instrument: Instrument, by: Sequence[str], metadata: Sequence[str]
) -> tuple[str, ...]:
    """The names in ``by`` that are questions; raise ``S011``/``S015`` for unusable names."""
    questions = []
    for name in by:
        if name in metadata:
            continue
        try:
            question = instrument.question(name)
            nested = instrument.repeat_of(name) is not None
        except KeyError:
            question, nested = None, True
        if question is None or nested or not question.holds_answer:
            params = {"name": name, "metadata": ", ".join(metadata)}
            raise StoreError(problems=[Problem("S011", params)])
        if question.type == "multiple_choice":
            raise StoreError(problems=[Problem("S015", {"name": name})])
        questions.append(name)
    return tuple(questions)


def count_query(
    instrument_id: str,
    by: Sequence[str],
    questions: Sequence[str],
    wave: str | Sequence[str] | None,
    since: datetime | None,
) -> Select:
    """Grouped in SQL when ``by`` holds only metadata; otherwise the rows to group in pandas."""
    metadata = [resp.c[name] for name in by if name not in questions]
    if questions:
        query = select(*metadata, resp.c.answers)
    else:
        query = select(*metadata, func.count().label("n"))
        if metadata:
            query = query.group_by(*metadata)
    query = query.where((resp.c.instrument_id == instrument_id) & (resp.c.status == "submitted"))
    if since is not None:
        query = query.where(resp.c.submitted_at >= since)
    return wave_filter(query, wave)


def _code(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def build_counts(rows: Sequence[Row], by: Sequence[str], questions: Sequence[str]) -> pd.DataFrame:
    """Tidy counts: the ``by`` columns ("string", NA when unknown) and ``n``, sorted by cell."""
    by = list(by)
    if not questions:
        table = pd.DataFrame([tuple(r) for r in rows], columns=[*by, "n"])
    else:
        metadata = [name for name in by if name not in questions]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(metadata) + 1)]
        answers = decode_answers(columns[-1])
        data: dict[str, Sequence[object]] = dict(zip(metadata, columns[:-1], strict=True))
        for name in questions:
            data[name] = [_code(a.get(name)) for a in answers]
        cells = pd.DataFrame({name: pd.array(list(data[name]), dtype="string") for name in by})
        table = cells.groupby(by, dropna=False, sort=False).size().rename("n").reset_index()
    table = table.astype({**dict.fromkeys(by, "string"), "n": "int64"})
    if by:
        table = table.sort_values(by, na_position="last", kind="stable", ignore_index=True)
    return table
