"""Typed pandas columns from decoded answers, one builder per question type.

Each builder takes the list of stored values of one field (``None`` where the response has no
answer) and returns ``{column name: array}``. The work is done with list comprehensions and
NumPy over whole columns, never row by row through pandas.

Column contract (``Store.frame``): single_choice → Categorical (substantive values, list
order); likert → ordered Categorical with int categories; non-substantive codes go to
``<name>__missing`` (the main column is NA there); multiple_choice → one "boolean" column
``<name>/<value>`` per choice; integer → "Int64"; decimal → float64; text, long_text, time →
"string"; date → datetime64; datetime → datetime64 UTC; geopoint → ``<name>_latitude``,
``_longitude``, ``_altitude``, ``_accuracy`` floats; consent → "boolean"; calculate → numeric
when every value is a number, else "string"; hidden → "string"; a choice question whose
choices are the answers of a repeat (``choices: ${name}``) → "string" (space-separated
values for a multiple choice).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd

from toolkit.instruments import Instrument
from toolkit.instruments.model import ChoiceList, Question

__all__ = ["GEOPOINT_PARTS", "TIME_UNIT", "field_columns"]

GEOPOINT_PARTS = ("latitude", "longitude", "altitude", "accuracy")
#: Every datetime column has this resolution, whatever pandas would infer from the values.
TIME_UNIT = "us"

Columns = dict[str, object]


def field_columns(
    instrument: Instrument, question: Question, values: Sequence[object], *, labels: bool
) -> Columns:
    """The typed column(s) of one field."""
    name = question.name
    kind = question.type
    if question.choices_from:
        # Choices are the answers given in a repeat: no fixed categories, so text.
        return {name: _strings([_joined(v) for v in values])}
    if kind in ("single_choice", "likert"):
        return _choice(name, _choice_list(instrument, question), values, kind == "likert", labels)
    if kind == "multiple_choice":
        return _multiple(name, _choice_list(instrument, question), values)
    if kind == "geopoint":
        return _geopoint(name, values)
    builder = _SIMPLE.get(kind, _as_object)
    return {name: builder(values)}


def _joined(value: object) -> object:
    return " ".join(str(v) for v in value) if isinstance(value, list) else value


def _choice_list(instrument: Instrument, question: Question) -> ChoiceList:
    found = instrument.choice_lists.get(question.choices) if question.choices else None
    return found if found is not None else ChoiceList(name=question.name, choices=())


def _categories(choices: Sequence, labels: bool, as_int: bool) -> list:
    if labels:
        texts = [c.label.get() for c in choices]
        if len(set(texts)) == len(texts):
            return texts
        return [f"{text} ({c.value})" for text, c in zip(texts, choices, strict=True)]
    if as_int:
        return [int(c.value) for c in choices]
    return [c.value for c in choices]


def _codes(values: Sequence[object], index: dict[object, int]) -> np.ndarray:
    """Category codes (-1 = NA) of ``values``; unknown values and ``None`` map to -1."""
    n = len(values)
    return np.fromiter(map(index.get, values, itertools.repeat(-1, n)), dtype=np.int32, count=n)


def _choice(
    name: str, choice_list: ChoiceList, values: Sequence[object], likert: bool, labels: bool
) -> Columns:
    substantive = choice_list.substantive()
    missing = choice_list.non_substantive()
    n_substantive = len(substantive)
    # One pass over the values: substantive codes first, then the non-substantive ones.
    index: dict[object, int] = {c.value: i for i, c in enumerate((*substantive, *missing))}
    codes = _codes(values, index)
    integer = likert and all(_is_int_text(c.value) for c in substantive)
    columns: Columns = {
        name: pd.Categorical.from_codes(
            np.where(codes < n_substantive, codes, -1),
            categories=_categories(substantive, labels, integer),
            ordered=likert,
        )
    }
    if missing:
        columns[f"{name}__missing"] = pd.Categorical.from_codes(
            np.where(codes >= n_substantive, codes - n_substantive, -1),
            categories=_categories(missing, labels, False),
        )
    return columns


def _is_int_text(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


def _multiple(name: str, choice_list: ChoiceList, values: Sequence[object]) -> Columns:
    n = len(values)
    choice_values = choice_list.values()
    index: dict[object, int] = {v: i for i, v in enumerate(choice_values)}
    answered = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    selected = np.zeros((len(choice_values), n), dtype=bool)
    rows = [
        (row, index[v])
        for row, chosen in enumerate(cast("Sequence[Iterable[object] | None]", values))
        if chosen
        for v in chosen
        if v in index
    ]
    if rows:
        row_idx, col_idx = np.array(rows, dtype=np.int64).T
        selected[col_idx, row_idx] = True
    return {
        f"{name}/{value}": pd.arrays.BooleanArray(selected[i], ~answered)
        for i, value in enumerate(choice_values)
    }


def _integers(values: Sequence[object]) -> pd.api.extensions.ExtensionArray:
    n = len(values)
    mask = np.fromiter((v is None for v in values), dtype=bool, count=n)
    data = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=n)
    return pd.arrays.IntegerArray(data, mask)


def _floats(values: Sequence[object]) -> np.ndarray:
    return np.fromiter(
        (np.nan if v is None else v for v in values), dtype=np.float64, count=len(values)
    )


def _booleans(values: Sequence[object]) -> pd.api.extensions.ExtensionArray:
    n = len(values)
    mask = np.fromiter((v is None for v in values), dtype=bool, count=n)
    data = np.fromiter((v is True for v in values), dtype=bool, count=n)
    return pd.arrays.BooleanArray(data, mask)


def _strings(values: Sequence[object]) -> pd.api.extensions.ExtensionArray:
    return pd.array(
        [v if v is None or isinstance(v, str) else str(v) for v in values], dtype="string"
    )


def _dates(values: Sequence[object]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(values), format="ISO8601")).as_unit(TIME_UNIT)


def _datetimes(values: Sequence[object]) -> pd.DatetimeIndex:
    parsed = pd.to_datetime(list(values), format="ISO8601", utc=True)
    return pd.DatetimeIndex(parsed).as_unit(TIME_UNIT)


def _calculated(values: Sequence[object]) -> object:
    present = [v for v in values if v is not None]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return _integers(values)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return _floats(values)
    return _strings(values)


def _as_object(values: Sequence[object]) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column


def _geopoint(name: str, values: Sequence[object]) -> Columns:
    points = cast("Sequence[Mapping[str, object] | None]", values)
    return {
        f"{name}_{part}": _floats([v.get(part) if v is not None else None for v in points])
        for part in GEOPOINT_PARTS
    }


_SIMPLE: dict[str, Callable[[Sequence[object]], object]] = {
    "integer": _integers,
    "decimal": _floats,
    "text": _strings,
    "long_text": _strings,
    "time": _strings,
    "date": _dates,
    "datetime": _datetimes,
    "consent": _booleans,
    "calculate": _calculated,
    "hidden": _strings,
}
