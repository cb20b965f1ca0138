"""Don't-know and refusal codes stored as answers (8, 9, 99 in a file from elsewhere).

The store's frames already keep non-substantive answers apart (``<column>__missing``); a CSV
or SPSS file from another tool often has them as ordinary values, so that « 8 = ne sait pas »
would become a fifth answer of a four-point scale. :func:`recode_missing` moves them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit.analysis._checks import MISSING_SUFFIX, check_column, check_frame, fail
from toolkit.i18n import Msg

__all__ = ["MissingCodes", "recode_missing"]

MissingCodes = Sequence[object] | Mapping[str, Sequence[object]]


def _matches(series: pd.Series, codes: Sequence[object]) -> np.ndarray:
    """Rows whose value is one of ``codes``, comparing numbers as numbers and text as text."""
    texts = {str(c) for c in codes}
    numbers = set()
    for code in codes:
        try:
            numbers.add(float(str(code).replace(",", ".")))
        except ValueError:
            continue
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        hit = np.array([_is_code(c, texts, numbers) for c in categories], dtype=bool)
        codes_ = series.cat.codes.to_numpy()
        return np.where(codes_ >= 0, hit[np.maximum(codes_, 0)], False)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return np.isin(values, list(numbers))
    values = series.astype("string").to_numpy(dtype=object, na_value=None)
    return np.array([v is not None and v.strip() in texts for v in values], dtype=bool)


def _is_code(value: object, texts: set[str], numbers: set[float]) -> bool:
    if str(value) in texts:
        return True
    try:
        return float(str(value)) in numbers
    except ValueError:
        return False


def _label(series: pd.Series, hit: np.ndarray) -> pd.Categorical:
    values = series.astype("string").to_numpy(dtype=object, na_value=None)
    shown = [str(_plain(v)) if h else None for v, h in zip(values, hit, strict=True)]
    return pd.Categorical(shown)


def _plain(value: object) -> object:
    """``8.0`` → ``8`` so that the code reads as written."""
    try:
        number = float(str(value))
    except ValueError:
        return value
    return int(number) if number.is_integer() else value


def recode_missing(
    data: pd.DataFrame, codes: MissingCodes, *, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Make don't-know / refusal codes non-substantive answers: out of every estimate.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    codes : sequence or mapping
        The codes (``[8, 9]``), applied to ``columns``; or a mapping from column to its
        codes (``{"securite": [8, 9], "age": [99]}``).
    columns : sequence of str, optional
        Columns the codes of a sequence apply to (required with a sequence).

    Returns
    -------
    pandas.DataFrame
        A copy where those values are missing in the column (and dropped from its
        categories) and recorded in its ``<column>__missing`` companion, which the
        estimators count in ``n_nonsubstantive``.

    Raises
    ------
    AnalysisError
        ``N001`` unknown column, ``N016`` codes given as a sequence without ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.analysis import proportions, recode_missing
    >>> frame = pd.DataFrame({"q": [1, 2, 2, 8, 9, 4, 3, 8]})
    >>> clean = recode_missing(frame, [8, 9], columns=["q"])
    >>> clean["q__missing"].value_counts().sort_index().to_dict()
    {'8': 2, '9': 1}
    >>> proportions(clean, "q")[["level", "n", "n_valid", "n_nonsubstantive"]]
      level  n  n_valid  n_nonsubstantive
    0     1  1        5                 3
    1     2  2        5                 3
    2     3  1        5                 3
    3     4  1        5                 3
    """
    check_frame(data)
    if isinstance(codes, Mapping):
        plan = {str(k): list(v) for k, v in codes.items()}
    else:
        if columns is None:
            raise fail(
                "N016",
                "columns",
                expected=Msg.of("analysis.expected.columns_for_codes"),
                got="None",
            )
        plan = {str(c): list(codes) for c in columns}
    changes: dict[str, object] = {}
    for column, values in plan.items():
        check_column(data, column, "missing_codes")
        series = data[column]
        hit = _matches(series, values)
        if not hit.any():
            continue
        companion = _label(series, hit)
        name = column + MISSING_SUFFIX
        if name in data.columns:
            old = data[name].astype("string").to_numpy(dtype=object, na_value=None)
            new = np.asarray(companion, dtype=object)
            companion = pd.Categorical(
                [
                    o if o is not None else (None if pd.isna(n) else n)
                    for o, n in zip(old, new, strict=True)
                ]
            )
        if isinstance(series.dtype, pd.CategoricalDtype):
            gone = [
                c
                for c in series.cat.categories
                if _is_code(c, {str(v) for v in values}, _numbers(values))
            ]
            cleaned = series.cat.remove_categories(gone)
        elif pd.api.types.is_integer_dtype(series.dtype):
            cleaned = series.astype("Int64").mask(hit)
        else:
            cleaned = series.mask(hit)
        changes[column] = cleaned
        changes[name] = companion
    return data.assign(**changes) if changes else data.copy()


def _numbers(values: Sequence[object]) -> set[float]:
    out = set()
    for value in values:
        try:
            out.add(float(str(value)))
        except ValueError:
            continue
    return out


def with_missing_codes(
    data: pd.DataFrame, codes: MissingCodes | None, columns: Sequence[str]
) -> pd.DataFrame:
    """``data`` with ``codes`` recoded on ``columns`` (the estimators' ``missing_codes=``)."""
    if codes is None:
        return data
    if isinstance(codes, Mapping):
        return recode_missing(data, codes)
    return recode_missing(data, codes, columns=[c for c in columns if c in data.columns])
