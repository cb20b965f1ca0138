"""Weighting: post-stratification, raking to margins, trimming, and weight diagnostics.

The functions return a new weight :class:`pandas.Series` aligned on the frame's index; the
frame is never modified. Put the weights in a column (``frame.assign(poids_cale=w)``) and
name it in a :class:`~toolkit.analysis.Design`.

Name the calibration in the design so that standard errors use the calibration residuals,
as R's ``rake()`` and ``postStratify()`` designs do (``Design(weight="poids",
calibration=Calibration.rake(margins))``). Without it the weights are taken as fixed design
weights: shares get standard errors that are usually somewhat too large (the gain of the
calibration is not credited) but may also be too small, and totals get standard errors
several times too large; ``Calibration(..., fixed_weights=True)`` asks for that explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from toolkit.analysis._checks import as_columns, check_column, check_frame, fail, numeric_values
from toolkit.analysis._domains import domains
from toolkit.i18n import Msg

__all__ = ["poststratify", "rake", "trim_weights", "weight_summary"]

Margin: TypeAlias = Mapping[Hashable, float] | pd.Series | pd.DataFrame


def _base_weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    check_column(data, weight, "weight")
    w = numeric_values(data, weight, "weight")
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise fail(
            "N003",
            "weight",
            column=weight,
            count=int(bad.sum()),
            row=data.index[first],
            value=w[first],
        )
    return w


def _population(
    columns: tuple[str, ...], totals: Margin, argument: str
) -> dict[tuple[object, ...], float]:
    """Normalise a margin (mapping, Series, or DataFrame with a ``total`` column) to a dict."""
    if isinstance(totals, pd.DataFrame):
        if "total" not in totals.columns:
            raise fail("N015", argument, column="total")
        keys = totals[list(columns)].itertuples(index=False, name=None)
        out = dict(zip(keys, totals["total"].astype(float), strict=True))
    else:
        items = totals.items()
        out = {(k if isinstance(k, tuple) else (k,)): float(v) for k, v in items}
    for key, value in out.items():
        if not np.isfinite(value) or value <= 0:
            raise fail("N011", argument, level=" × ".join(map(str, key)), got=value)
    return out


def _cells(
    data: pd.DataFrame, columns: tuple[str, ...], population: dict, argument: str
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's population cell index and the cells' population totals."""
    dom = domains(data, columns)
    keys = list(dom.labels.itertuples(index=False, name=None))
    lookup = {tuple(str(v) for v in k): v for k, v in population.items()}
    target = np.full(dom.size, np.nan)
    present = np.bincount(dom.index, minlength=dom.size + 1)[: dom.size] > 0
    for i, key in enumerate(keys):
        value = population.get(key, lookup.get(tuple(str(v) for v in key)))
        if value is not None:
            target[i] = value
        elif present[i]:
            raise fail(
                "N009", argument, margin=" × ".join(columns), level=" × ".join(map(str, key))
            )
    if (dom.index == dom.size).any():
        first = int(np.flatnonzero(dom.index == dom.size)[0])
        raise fail(
            "N009", argument, margin=" × ".join(columns), level=f"NA (row {data.index[first]})"
        )
    return dom.index, target


def poststratify(
    data: pd.DataFrame,
    strata: str | Sequence[str],
    population: Margin,
    *,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.Series:
    """Post-stratified weights: within each cell, weights sum to the population count.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; not modified.
    strata : str or sequence of str
        Post-stratification columns (e.g. ``["sexe", "tranche_age"]``).
    population : mapping, Series or DataFrame
        Population count of each cell: a mapping (or Series) from level, or from a tuple of
        levels when there are several columns; or a DataFrame with the ``strata`` columns
        and a ``total`` column (e.g. INSEE census counts).
    weight : str, optional
        Initial weights (default 1).
    by : str or sequence of str, optional
        Post-stratify each group (e.g. each ``wave``) to the same population separately.

    Returns
    -------
    pandas.Series
        The new weights, named ``"weight"``, on ``data``'s index.

    Raises
    ------
    AnalysisError
        ``N009`` a cell of the data has no population count (or a row has a missing
        value), ``N011`` a population count is not positive.

    Examples
    --------
    >>> from toolkit.analysis import example_frame, poststratify
    >>> frame = example_frame()
    >>> w = poststratify(frame, "sexe", {"Femme": 5200, "Homme": 4800}, weight="poids")
    >>> w.groupby(frame["sexe"], observed=True).sum().round(6).tolist()
    [5200.0, 4800.0]
    """
    check_frame(data)
    if by is not None:
        return _per_group(
            data, by, lambda part: poststratify(part, strata, population, weight=weight)
        )
    columns = as_columns(strata)
    for column in columns:
        check_column(data, column, "strata")
    w = _base_weights(data, weight)
    cell, target = _cells(
        data, columns, _population(columns, population, "population"), "population"
    )
    current = np.bincount(cell, weights=w, minlength=len(target))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(current > 0, target / current, 1.0)
    return pd.Series(w * factor[cell], index=data.index, name="weight")


def rake(
    data: pd.DataFrame,
    margins: Mapping[str | tuple[str, ...], Margin],
    *,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    max_iter: int = 100,
    tolerance: float = 1e-10,
) -> pd.Series:
    """Raking (iterative proportional fitting) of the weights to several margins.

    Post-stratifies to each margin in turn until every margin is met, as R's
    ``survey::rake``. Joint margins (e.g. sex × age band) are given with a tuple of columns.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; not modified.
    margins : mapping
        From a column (or a tuple of columns) to the population counts of its levels, in
        any form :func:`poststratify` accepts.
    weight : str, optional
        Initial weights (default 1).
    by : str or sequence of str, optional
        Rake each group (e.g. each ``wave``) to the same margins separately; the matching
        design is ``Calibration.rake(margins, by=...)``.
    max_iter : int
        Maximum number of passes over the margins.
    tolerance : float
        Convergence: largest relative gap between a margin's weighted total and its target.

    Returns
    -------
    pandas.Series
        The raked weights, named ``"weight"``.

    Raises
    ------
    AnalysisError
        ``N010`` no convergence (incompatible margins, or an empty cell), and the errors of
        :func:`poststratify`.

    Examples
    --------
    >>> from toolkit.analysis import example_frame, rake
    >>> frame = example_frame()
    >>> margins = {
    ...     "sexe": {"Femme": 5200, "Homme": 4800},
    ...     "tranche_age": {"15-29": 2500, "30-44": 2700, "45-59": 2600, "60+": 2200},
    ... }
    >>> w = rake(frame, margins, weight="poids")
    >>> w.groupby(frame["tranche_age"], observed=True).sum().round(3).tolist()
    [2500.0, 2700.0, 2600.0, 2200.0]
    """
    check_frame(data)
    if by is not None:
        return _per_group(
            data,
            by,
            lambda part: rake(part, margins, weight=weight, max_iter=max_iter, tolerance=tolerance),
        )
    w = _base_weights(data, weight)
    prepared = []
    for key, totals in margins.items():
        columns = as_columns(key)
        for column in columns:
            check_column(data, column, "margins")
        cell, target = _cells(data, columns, _population(columns, totals, "margins"), "margins")
        prepared.append((cell, target))
    gap = np.inf
    for _ in range(max_iter):
        for cell, target in prepared:
            current = np.bincount(cell, weights=w, minlength=len(target))
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 1.0)
            w = w * factor[cell]
        gap = 0.0
        for cell, target in prepared:
            current = np.bincount(cell, weights=w, minlength=len(target))
            used = current > 0
            gap = max(gap, float(np.max(np.abs(current[used] / target[used] - 1))))
        if gap <= tolerance:
            return pd.Series(w, index=data.index, name="weight")
    raise fail("N010", "margins", iterations=max_iter, gap=f"{gap:.3g}")


def _per_group(
    data: pd.DataFrame, by: str | Sequence[str], weigh: Callable[[pd.DataFrame], pd.Series]
) -> pd.Series:
    """Apply ``weigh`` to each group of ``by`` and put the weights back in ``data``'s order."""
    columns = list(as_columns(by))
    for column in columns:
        check_column(data, column, "by")
    parts = [weigh(part) for _, part in data.groupby(columns, sort=False, observed=True)]
    if data[columns].isna().any(axis=None):
        first = data.index[data[columns].isna().any(axis=1).to_numpy()][0]
        raise fail("N009", "by", margin=" × ".join(columns), level=f"NA (row {first})")
    return pd.concat(parts).reindex(data.index).rename("weight")


def trim_weights(
    data: pd.DataFrame,
    weight: str,
    *,
    lower: float | None = None,
    upper: float | None = None,
    strict: bool = True,
) -> pd.Series:
    """Trim weights to ``[lower, upper]`` and share the trimmed amount among the others.

    The total of the weights is kept: what is cut above ``upper`` (or added below
    ``lower``) is spread equally over the weights that were inside the bounds, as R's
    ``survey::trimWeights``; with ``strict`` the operation repeats until every weight is
    inside the bounds.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    weight : str
        Column of weights.
    lower, upper : float, optional
        Bounds (e.g. ``upper=3.5 * mean``); ``None`` means unbounded.
    strict : bool
        Repeat until the bounds hold (R's ``strict=TRUE``).

    Returns
    -------
    pandas.Series
        The trimmed weights, named ``"weight"``.

    Examples
    --------
    >>> from toolkit.analysis import example_frame, trim_weights
    >>> frame = example_frame()
    >>> trimmed = trim_weights(frame, "poids", upper=30.0)
    >>> bool(trimmed.max() <= 30.0), abs(round(float(trimmed.sum() - frame["poids"].sum()), 6))
    (True, 0.0)
    """
    check_frame(data)
    w = _base_weights(data, weight)
    low = -np.inf if lower is None else float(lower)
    high = np.inf if upper is None else float(upper)
    if not low < high or (np.isfinite(low) and np.isfinite(high) and low * len(w) > w.sum()):
        raise fail(
            "N016", "upper", expected=Msg.of("analysis.expected.bounds"), got=f"[{lower}, {upper}]"
        )
    for _ in range(1000):
        outside = (w < low) | (w > high)
        if not outside.any() or outside.all():
            break
        clipped = np.clip(w, low, high)
        clipped[~outside] += (w - clipped).sum() / (~outside).sum()
        w = clipped
        if not strict:
            break
    return pd.Series(w, index=data.index, name="weight")


def weight_summary(
    data: pd.DataFrame, weight: str, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Diagnostics of a weight column, overall and by domain.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    weight : str
        Column of weights.
    by : str or sequence of str, optional
        Domain columns.

    Returns
    -------
    pandas.DataFrame
        One row per domain: ``n`` (rows), ``sum``, ``mean``, ``min``, ``max``, ``ratio``
        (max / min), ``cv`` (coefficient of variation, population form), ``n_effective``
        (Kish: ``(Σw)² / Σw²``) and ``deff_weighting`` (Kish's design effect due to unequal
        weights, ``n / n_effective = 1 + cv²``).

    References
    ----------
    Kish, L. (1965). *Survey Sampling*. Wiley (§11.7).

    Examples
    --------
    >>> from toolkit.analysis import example_frame, weight_summary
    >>> summary = weight_summary(example_frame(), "poids")
    >>> summary[["n", "min", "max", "n_effective", "deff_weighting"]].round(2)
         n   min   max  n_effective  deff_weighting
    0  480  8.37  54.6       434.05            1.11
    """
    check_frame(data)
    w = _base_weights(data, weight)
    dom = domains(data, as_columns(by))
    size = dom.size + 1
    n = np.bincount(dom.index, minlength=size)[: dom.size]
    total = np.bincount(dom.index, weights=w, minlength=size)[: dom.size]
    squares = np.bincount(dom.index, weights=w * w, minlength=size)[: dom.size]
    frame = pd.DataFrame({"d": dom.index, "w": w})
    low = frame.groupby("d")["w"].min().reindex(range(dom.size)).to_numpy()
    high = frame.groupby("d")["w"].max().reindex(range(dom.size)).to_numpy()
    keep = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        cv = np.sqrt(np.maximum(squares / n - mean**2, 0)) / mean
        n_eff = total**2 / squares
    body = pd.DataFrame(
        {
            "n": n[keep],
            "sum": total[keep],
            "mean": mean[keep],
            "min": low[keep],
            "max": high[keep],
            "ratio": (high / low)[keep],
            "cv": cv[keep],
            "n_effective": n_eff[keep],
            "deff_weighting": (n / n_eff)[keep],
        }
    )
    labels = dom.labels.iloc[np.flatnonzero(keep)].reset_index(drop=True)
    return pd.concat([labels, body], axis=1) if len(labels.columns) else body
