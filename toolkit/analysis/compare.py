"""Differences between waves and between sectors, with design-based tests.

Both functions estimate one statistic per domain (the share of respondents giving one of
the ``category`` answers, or the mean of a numeric / int-coded Likert column) and the full
design covariance between domains, so that a difference's variance
``V(a) + V(b) - 2 Cov(a, b)`` accounts for respondents of the same PSUs (as R's
``svyby(..., covmat=TRUE)`` followed by ``svycontrast``). Tests use Student's *t* with the
design degrees of freedom (PSUs minus strata).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis._checks import (
    as_columns,
    check_choice,
    check_column,
    check_frame,
    check_level,
    coded,
    fail,
    numeric_values,
)
from toolkit.analysis._domains import Domains, domains
from toolkit.analysis._linear import tabulate
from toolkit.analysis.design import Design, PreparedDesign, prepare
from toolkit.analysis.estimates import proportion_arrays
from toolkit.analysis.missing import MissingCodes, with_missing_codes

__all__ = ["CORRECTIONS", "adjust_p_values", "compare_sectors", "compare_waves"]

CORRECTIONS = ("holm", "bonferroni", "fdr_bh", "none")


def adjust_p_values(p_values: Sequence[float], method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (as R's ``p.adjust``).

    ``"holm"`` (Holm 1979, family-wise error), ``"bonferroni"``, ``"fdr_bh"``
    (Benjamini & Hochberg 1995, false discovery rate) or ``"none"``.

    Examples
    --------
    >>> from toolkit.analysis import adjust_p_values
    >>> adjust_p_values([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    method = check_choice(method, CORRECTIONS, "correction")
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if method == "none" or m == 0:
        return p.copy()
    if method == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p)
    out = np.empty(m)
    if method == "holm":
        adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    else:
        ranked = p[order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _statistic(
    data: pd.DataFrame,
    column: str,
    prep: PreparedDesign,
    dom: Domains,
    category: Hashable | Sequence[Hashable] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per domain: estimate, covariance matrix, respondents, rows."""
    if category is not None:
        item = coded(data, column, "column")
        wanted = list(category) if isinstance(category, list | tuple) else [category]
        positions = []
        for value in wanted:
            matches = [
                i for i, lv in enumerate(item.levels) if lv == value or str(lv) == str(value)
            ]
            if not matches:
                shown = ", ".join(map(str, item.levels))
                raise fail("N018", "category", got=repr(value), column=column, available=shown)
            positions.extend(matches)
        binary = np.where(item.codes >= 0, np.isin(item.codes, positions).astype(np.int64), -1)
        arrays, cov = proportion_arrays(prep, dom, binary, 2, full=True)
        pick = np.arange(dom.size) * 2 + 1
        return arrays.estimate[:, 1], cov[np.ix_(pick, pick)], arrays.n_valid, arrays.rows
    y = numeric_values(data, column, "column")
    valid = ~np.isnan(y)
    cell = dom.index * 2 + np.where(valid, 0, 1)
    size = dom.size
    tab = tabulate(prep, cell, (size + 1) * 2, [np.where(valid, y, 0.0)])
    w_sum = tab.totals(0).reshape(size + 1, 2)[:size, 0]
    wy_sum = tab.totals(1).reshape(size + 1, 2)[:size, 0]
    safe = np.where(w_sum > 0, w_sum, 1.0)
    mean = wy_sum / safe
    a0 = np.zeros((size + 1, 2, size))
    a1 = np.zeros((size + 1, 2, size))
    idx = np.arange(dom.size)
    a0[idx, 0, idx] = -mean / safe
    a1[idx, 0, idx] = 1 / safe
    cov = tab.covariance([a0.reshape(-1, dom.size), a1.reshape(-1, dom.size)], full=True)
    counts = tab.cell_counts().reshape(size + 1, 2)[:size]
    return np.where(w_sum > 0, mean, np.nan), cov, counts[:, 0], counts.sum(axis=1)


def _differences(
    pairs: list[tuple[int, int]],
    estimate: np.ndarray,
    cov: np.ndarray,
    df: int,
    level: float,
    testable: np.ndarray,
) -> dict[str, np.ndarray]:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    diff = estimate[b] - estimate[a]
    var = cov[a, a] + cov[b, b] - 2 * cov[a, b]
    se = np.sqrt(np.maximum(var, 0))
    quantile = stats.t.ppf(0.5 + level / 2, df) if df > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(testable, diff / se, np.nan)
    p = 2 * stats.t.sf(np.abs(t), df) if df > 0 else np.full(len(t), np.nan)
    return {
        "difference": diff,
        "se": se,
        "ci_low": diff - quantile * se,
        "ci_high": diff + quantile * se,
        "t": t,
        "df": np.full(len(diff), df, dtype=np.int64),
        "p_value": p,
    }


def _setup(
    data: pd.DataFrame,
    column: str,
    group: str,
    design: Design | None,
    by: tuple[str, ...],
    level: float,
    argument: str,
) -> tuple[PreparedDesign, Domains, float]:
    check_frame(data)
    level = check_level(level)
    check_column(data, column, "column")
    check_column(data, group, argument)
    prep = prepare(data, design)
    dom = domains(data, (*by, group)).excluding(prep.observed)
    present = np.bincount(dom.index, minlength=dom.size + 1)[: dom.size] > 0
    levels = dom.labels.loc[present, group].nunique()
    if levels < 2:
        raise fail("N014", argument, column=group, got=levels)
    return prep, dom, level


def compare_waves(
    data: pd.DataFrame,
    column: str,
    *,
    wave: str,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    category: Hashable | Sequence[Hashable] | None = None,
    reference: str = "previous",
    level: float = 0.95,
    min_n: int = 30,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """Wave-over-wave change of a share or a mean, with its confidence interval and test.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents of every wave; not modified.
    column : str
        The analysed column.
    wave : str
        Column of the wave; its level order is the time order (the store's ``wave``).
    design : Design, optional
        Sampling design (``None``: unweighted simple random sampling).
    by : str or sequence of str, optional
        Compare within each domain (e.g. ``"secteur"``).
    category : level or sequence of levels, optional
        Compare the share of respondents giving one of these answers (e.g. ``[3, 4]`` for a
        top-2 box). ``None``: compare the mean of a numeric or int-coded Likert column.
    reference : {"previous", "first"}
        Compare each wave with the one before it, or with the first wave.
    level : float
        Confidence level.
    min_n : int
        Fewest respondents (substantive answers) a domain needs for its change to be
        tested: below, ``t``, ``p_value`` are NaN, ``significant`` is False and
        ``too_small`` True, so that a sector of three people is never « significatif ».
    missing_codes : sequence or mapping, optional
        Don't-know codes stored as answers (see :func:`~toolkit.analysis.proportions`).

    Returns
    -------
    pandas.DataFrame
        One row per (domain ×) pair of waves: the ``by`` columns, ``variable``,
        ``wave_from``, ``wave_to``, ``estimate_from``, ``estimate_to``, ``difference``
        (to minus from), ``se``, ``ci_low``, ``ci_high``, ``t``, ``df``, ``p_value``,
        ``significant`` (``p_value < 1 - level``), ``n_from``, ``n_to`` (respondents with a
        substantive answer) and ``too_small`` (a domain under ``min_n``).

    Examples
    --------
    >>> from toolkit.analysis import Design, compare_waves, example_frame
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> change = compare_waves(frame, "securite", wave="wave", design=design, category=[3, 4])
    >>> change[["wave_from", "wave_to", "difference", "ci_low", "ci_high", "p_value"]].round(3)
      wave_from wave_to  difference  ci_low  ci_high  p_value
    0    2024-1  2024-2       0.074  -0.081     0.23    0.342
    """
    check_choice(reference, ("previous", "first"), "reference")
    min_n = _check_min_n(min_n)
    data = with_missing_codes(data, missing_codes, [column])
    by_columns = as_columns(by)
    prep, dom, level = _setup(data, column, wave, design, by_columns, level, "wave")
    estimate, cov, n_valid, rows = _statistic(data, column, prep, dom, category)
    labels = dom.labels
    pairs: list[tuple[int, int]] = []
    groups = (
        labels.groupby(list(by_columns), sort=False, observed=True)
        if by_columns
        else [((), labels)]
    )
    for _, group in groups:
        present = [i for i in group.index if rows[i] > 0 and n_valid[i] > 0]
        for j in range(1, len(present)):
            start = present[j - 1] if reference == "previous" else present[0]
            pairs.append((start, present[j]))
    out = _table(
        data, column, labels, by_columns, wave, pairs, estimate, cov, n_valid, prep.df, level, min_n
    )
    out.insert(out.columns.get_loc("p_value") + 1, "significant", out["p_value"] < 1 - level)
    return out


def _table(
    data: pd.DataFrame,
    column: str,
    labels: pd.DataFrame,
    by_columns: tuple[str, ...],
    group: str,
    pairs: list[tuple[int, int]],
    estimate: np.ndarray,
    cov: np.ndarray,
    n_valid: np.ndarray,
    df: int,
    level: float,
    min_n: int,
    names: tuple[str, str] = ("from", "to"),
) -> pd.DataFrame:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    too_small = (n_valid[a] < min_n) | (n_valid[b] < min_n) if pairs else np.zeros(0, bool)
    first, second = names
    key = "wave" if names == ("from", "to") else group
    out = labels.iloc[a][list(by_columns)].reset_index(drop=True)
    out["variable"] = column
    out[f"{key}_{first}"] = labels[group].to_numpy()[a]
    out[f"{key}_{second}"] = labels[group].to_numpy()[b]
    out[f"estimate_{first}"] = estimate[a]
    out[f"estimate_{second}"] = estimate[b]
    for name, values in _differences(pairs, estimate, cov, df, level, ~too_small).items():
        out[name] = values
    out[f"n_{first}"] = n_valid[a].astype(np.int64)
    out[f"n_{second}"] = n_valid[b].astype(np.int64)
    out["too_small"] = too_small
    return out


def _check_min_n(min_n: object) -> int:
    if not isinstance(min_n, int) or isinstance(min_n, bool) or min_n < 2:
        raise fail("N022", "min_n", got=repr(min_n))
    return min_n


def compare_sectors(
    data: pd.DataFrame,
    column: str,
    *,
    sector: str,
    design: Design | None = None,
    category: Hashable | Sequence[Hashable] | None = None,
    correction: str = "holm",
    level: float = 0.95,
    min_n: int = 30,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """All pairwise differences between sectors, with multiple-comparison correction.

    Parameters
    ----------
    data, design, category, level
        As :func:`compare_waves`.
    column : str
        The analysed column.
    sector : str
        Column of the sectors (or any grouping to compare).
    correction : {"holm", "bonferroni", "fdr_bh", "none"}
        Adjustment of the p-values over all tested pairs (:func:`adjust_p_values`).
    min_n, missing_codes
        As :func:`compare_waves`: pairs with a sector under ``min_n`` respondents are not
        tested (``too_small``).

    Returns
    -------
    pandas.DataFrame
        One row per pair of sectors: ``variable``, ``<sector>_a``, ``<sector>_b``,
        ``estimate_a``, ``estimate_b``, ``difference`` (b minus a), ``se``, ``ci_low``,
        ``ci_high`` (not adjusted), ``t``, ``df``, ``p_value``, ``p_adjusted``,
        ``significant`` (``p_adjusted < 1 - level``), ``n_a``, ``n_b``, ``too_small``.

    Examples
    --------
    >>> from toolkit.analysis import Design, compare_sectors, example_frame
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> pairs = compare_sectors(frame, "securite", sector="secteur", design=design)
    >>> pairs[["secteur_a", "secteur_b", "difference", "p_adjusted"]].round(3)
       secteur_a  secteur_b  difference  p_adjusted
    0     Centre       Gare      -0.045       0.796
    1     Centre  Les Hauts       0.339       0.396
    2     Centre   Rive Sud       0.657       0.002
    3       Gare  Les Hauts       0.385       0.309
    4       Gare   Rive Sud       0.702       0.001
    5  Les Hauts   Rive Sud       0.317       0.396
    """
    method = check_choice(correction, CORRECTIONS, "correction")
    min_n = _check_min_n(min_n)
    data = with_missing_codes(data, missing_codes, [column])
    prep, dom, level = _setup(data, column, sector, design, (), level, "sector")
    estimate, cov, n_valid, rows = _statistic(data, column, prep, dom, category)
    present = [i for i in range(dom.size) if rows[i] > 0 and n_valid[i] > 0]
    pairs = list(combinations(present, 2))
    out = _table(
        data,
        column,
        dom.labels,
        (),
        sector,
        pairs,
        estimate,
        cov,
        n_valid,
        prep.df,
        level,
        min_n,
        ("a", "b"),
    )
    adjusted = np.full(len(out), np.nan)
    tested = ~out["too_small"].to_numpy(dtype=bool)
    adjusted[tested] = adjust_p_values(out["p_value"].to_numpy()[tested], method)
    out.insert(out.columns.get_loc("p_value") + 1, "p_adjusted", adjusted)
    out.insert(out.columns.get_loc("p_adjusted") + 1, "significant", out["p_adjusted"] < 1 - level)
    return out
