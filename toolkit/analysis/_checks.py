"""Input checks and column decoding shared by the analysis functions.

Every check raises :class:`~toolkit.errors.AnalysisError` with one coded
:class:`~toolkit.errors.Problem` (codes ``N0xx`` in ``messages/analysis.yaml``) naming the
argument, what was expected and what came.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import AnalysisError, Problem
from toolkit.i18n import Msg

MISSING_SUFFIX = "__missing"


def fail(code: str, argument: str, **params: object) -> AnalysisError:
    """Build (not raise) the error for one coded problem about ``argument``."""
    return AnalysisError(problems=[Problem(code, {"argument": argument, **params}, field=argument)])


def check_frame(data: object, argument: str = "data") -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise fail(
            "N016",
            argument,
            expected=Msg.of("analysis.expected.dataframe"),
            got=type(data).__name__,
        )
    if len(data) == 0:
        raise fail("N019", argument)
    return data


def check_column(data: pd.DataFrame, column: object, argument: str) -> str:
    if not isinstance(column, Hashable) or column not in data.columns:
        shown = ", ".join(map(str, list(data.columns)[:20]))
        raise fail("N001", argument, column=column, available=shown)
    return str(column)


def as_columns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """``None`` → ``()``, a name → ``(name,)``, a sequence → tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def check_choice(value: object, options: Iterable[str], argument: str) -> str:
    options = tuple(options)
    if value not in options:
        raise fail("N006", argument, expected=", ".join(options), got=repr(value))
    return str(value)


def check_level(level: object) -> float:
    if not isinstance(level, int | float) or not 0 < float(level) < 1:
        raise fail("N016", "level", expected=Msg.of("analysis.expected.level"), got=repr(level))
    return float(level)


def numeric_values(data: pd.DataFrame, column: str, argument: str) -> np.ndarray:
    """Float values of a numeric (or int-coded ordered categorical) column, NaN for missing."""
    series = data[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if not pd.api.types.is_numeric_dtype(categories.dtype):
            raise fail("N002", argument, column=column, dtype=f"categorical of {categories.dtype}")
        codes = series.cat.codes.to_numpy()
        values = np.asarray(categories, dtype=float)
        return np.where(codes >= 0, values[np.maximum(codes, 0)], np.nan)
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    raise fail("N002", argument, column=column, dtype=str(series.dtype))


@dataclass(frozen=True)
class Coded:
    """A column as integer codes (-1 = no substantive answer) and its ordered levels."""

    codes: np.ndarray
    levels: tuple[object, ...]
    ordered: bool


def coded(data: pd.DataFrame, column: str, argument: str) -> Coded:
    """Decode a categorical, boolean, string or numeric column into codes and levels.

    Categoricals keep their category order (all categories, observed or not); booleans give
    ``(False, True)``; other columns give their sorted distinct values.
    """
    series = data[column]
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.array.codes  # the Categorical's own codes (read-only), not a Series
        return Coded(codes, tuple(dtype.categories), bool(dtype.ordered))
    if pd.api.types.is_bool_dtype(dtype):
        values = series.to_numpy(dtype=object, na_value=None)
        codes = np.full(len(values), -1, dtype=np.int8)
        codes[values == True] = 1  # noqa: E712 (object array of True/False/None)
        codes[values == False] = 0  # noqa: E712
        return Coded(codes, (False, True), True)
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    ordered = pd.api.types.is_numeric_dtype(dtype)
    return Coded(codes, tuple(uniques), ordered)


def missing_codes(data: pd.DataFrame, column: str) -> Coded | None:
    """The ``<column>__missing`` companion (non-substantive codes), if the frame has one."""
    companion = column + MISSING_SUFFIX
    if companion not in data.columns:
        return None
    return coded(data, companion, "column")


def multiple_choice_columns(data: pd.DataFrame, column: str) -> tuple[str, ...]:
    """``<column>/<value>`` boolean columns of a multiple-choice question, in frame order."""
    prefix = column + "/"
    return tuple(str(c) for c in data.columns if isinstance(c, str) and c.startswith(prefix))
