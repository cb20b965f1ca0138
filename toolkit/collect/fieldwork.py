"""Fieldwork follow-up: counts per sector today and this wave, quota cells against targets."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import pandas as pd

from toolkit.instruments import Instrument

__all__ = ["day_start", "quota_table", "sector_table", "start_of_today"]

_METADATA = ("sector", "wave", "team", "collector", "source")


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight of ``day`` as a tz-aware UTC datetime."""
    local = dt.datetime.combine(day, dt.time()).astimezone()
    return local.astimezone(dt.UTC)


def start_of_today(now: dt.datetime | None = None) -> dt.datetime:
    """Local midnight of today (or of ``now``), in UTC: the ``since`` of today's counts.

    Examples
    --------
    >>> afternoon = dt.datetime(2026, 3, 5, 15, 30).astimezone()  # in the machine's zone
    >>> midnight = start_of_today(afternoon)
    >>> midnight.tzinfo is dt.UTC, midnight.astimezone().date(), midnight.astimezone().hour
    (True, datetime.date(2026, 3, 5), 0)
    """
    now = now or dt.datetime.now().astimezone()
    return day_start(now.astimezone().date())


def sector_table(today: pd.DataFrame, wave: pd.DataFrame) -> pd.DataFrame:
    """Merge two ``Store.counts(by=("sector",))`` frames into one table.

    Returns
    -------
    pandas.DataFrame
        ``sector``, ``today``, ``wave`` (ints), sorted by sector; a row per sector seen in
        either frame.

    Examples
    --------
    >>> today = pd.DataFrame({"sector": ["gare"], "n": [2]})
    >>> wave = pd.DataFrame({"sector": ["gare", "centre"], "n": [7, 5]})
    >>> sector_table(today, wave)
       sector  today  wave
    0  centre      0     5
    1    gare      2     7
    """
    left = today.rename(columns={"n": "today"})[["sector", "today"]]
    right = wave.rename(columns={"n": "wave"})[["sector", "wave"]]
    merged = pd.merge(right, left, on="sector", how="outer")
    merged[["today", "wave"]] = merged[["today", "wave"]].fillna(0).astype("int64")
    merged = merged.sort_values("sector", na_position="last").reset_index(drop=True)
    return merged[["sector", "today", "wave"]]


def _levels(instrument: Instrument, name: str, observed: pd.Series) -> list[str]:
    question_name = name
    if name == "sector" and instrument.analysis.sector:
        question_name = instrument.analysis.sector
    if name == "wave" and instrument.analysis.wave:
        question_name = instrument.analysis.wave
    if name not in _METADATA or question_name != name:
        try:
            choice_list = instrument.choices_of(question_name)
        except KeyError:
            choice_list = None
        if choice_list is not None:
            return [c.value for c in choice_list.substantive()]
    return sorted(str(v) for v in observed.dropna().unique())


def quota_table(instrument: Instrument, counts: pd.DataFrame) -> pd.DataFrame:
    """Every quota cell with its count and target.

    Parameters
    ----------
    instrument
        Its ``analysis.quotas`` gives the cell columns (``by``) and the targets.
    counts
        ``Store.counts(instrument.id, by=quotas.by, ...)``: the ``by`` columns then ``n``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (every combination of the substantive choices, in list order),
        ``n``, ``target`` (``Int64``, NA when the cell has none), ``remaining`` (``Int64``,
        never below 0), ``done`` (bool). Empty (no column but ``n``) when the instrument
        declares no quotas.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> survey = loads('''
    ... id: q
    ... version: "1"
    ... title: Quotas
    ... analysis:
    ...   quotas: {by: [sexe], default_target: 3, targets: [{cell: {sexe: f}, target: 5}]}
    ... choice_lists:
    ...   sexes: [{value: f, label: Femme}, {value: h, label: Homme}]
    ... questions:
    ...   - {name: sexe, type: single_choice, choices: sexes}
    ... ''')
    >>> quota_table(survey, pd.DataFrame({"sexe": ["h"], "n": [4]}))
      sexe  n  target  remaining   done
    0    f  0       5          5  False
    1    h  4       3          0   True
    """
    quotas = instrument.analysis.quotas
    if quotas is None:
        return pd.DataFrame({"n": pd.Series([], dtype="int64")})
    by: Sequence[str] = quotas.by
    levels = [
        _levels(instrument, name, counts.get(name, pd.Series([], dtype=object))) for name in by
    ]
    observed = {
        tuple(str(row[name]) if pd.notna(row[name]) else "" for name in by): int(row["n"])
        for _, row in counts.iterrows()
    }
    rows = []
    for cell in itertools.product(*levels):
        n = observed.get(tuple(cell), 0)
        target = quotas.target(dict(zip(by, cell, strict=True)))
        remaining = None if target is None else max(target - n, 0)
        rows.append(
            {**dict(zip(by, cell, strict=True)), "n": n, "target": target, "remaining": remaining}
        )
    table = pd.DataFrame(rows, columns=[*by, "n", "target", "remaining"])
    table["n"] = table["n"].astype("int64")
    table["target"] = table["target"].astype("Int64")
    table["remaining"] = table["remaining"].astype("Int64")
    table["done"] = (table["remaining"] == 0).fillna(False).astype(bool)
    return table
