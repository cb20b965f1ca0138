"""Scales built from Likert items: scores, Cronbach's alpha, item-rest correlations, index.

Item values are the numeric codes of the answers (the store's Likert columns are ordered
categoricals with int categories); non-substantive answers ("ne sait pas", "refus") are
missing values and never enter a score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis._checks import check_column, check_frame, check_level, fail, numeric_values
from toolkit.analysis.design import Design
from toolkit.analysis.estimates import means
from toolkit.i18n import Msg

__all__ = ["AmbianceIndex", "ambiance_index", "cronbach_alpha", "item_rest", "scale_score"]


def _items(
    data: pd.DataFrame, items: Sequence[str], reverse: Sequence[str] = ()
) -> tuple[list[str], np.ndarray]:
    check_frame(data)
    items = [items] if isinstance(items, str) else list(items)
    if len(items) < 2:
        raise fail("N012", "items", minimum=2, got=len(items))
    for item in [*items, *reverse]:
        check_column(data, item, "items")
    values = np.column_stack([numeric_values(data, item, "items") for item in items])
    for j, item in enumerate(items):
        if item in reverse:
            column = values[:, j]
            lo, hi = np.nanmin(column), np.nanmax(column)
            if data[item].dtype.name == "category":
                categories = np.asarray(data[item].cat.categories, dtype=float)
                lo, hi = categories.min(), categories.max()
            values[:, j] = lo + hi - column
    return items, values


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def cronbach_alpha(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    reverse: Sequence[str] = (),
    level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of a set of items, with Feldt's confidence interval.

    Respondents with a missing or non-substantive answer to any item are left out
    (listwise deletion); the values match R's ``psych::alpha`` on complete data.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    items : sequence of str
        At least two numeric or int-coded Likert columns.
    reverse : sequence of str
        Items to reverse (``min + max - value``) before scoring.
    level : float
        Confidence level of Feldt's interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``alpha`` (raw, from covariances), ``std_alpha`` (from correlations),
        ``average_r`` (mean inter-item correlation), ``ci_low``, ``ci_high`` (Feldt),
        ``n`` (complete respondents) and ``n_items``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297-334. Feldt, L. S. (1965). The approximate sampling distribution of
    Kuder-Richardson reliability coefficient twenty. *Psychometrika* 30, 357-370.

    Examples
    --------
    >>> from toolkit.analysis import LIKERT_ITEMS, cronbach_alpha, example_frame
    >>> cronbach_alpha(example_frame(), LIKERT_ITEMS)[["alpha", "ci_low", "ci_high", "n"]].round(3)
       alpha  ci_low  ci_high    n
    0  0.808   0.774    0.838  374
    """
    level = check_level(level)
    _, values = _items(data, items, reverse)
    complete = values[~np.isnan(values).any(axis=1)]
    n, k = complete.shape
    if n < 3:
        raise fail("N013", "items", got=n, minimum=3)
    cov = np.cov(complete, rowvar=False)
    corr = np.corrcoef(complete, rowvar=False)
    alpha = _alpha(cov)
    average_r = (corr.sum() - k) / (k * (k - 1))
    std_alpha = k * average_r / (1 + (k - 1) * average_r)
    tail = (1 - level) / 2
    ci_low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, n - 1, (n - 1) * (k - 1))
    ci_high = 1 - (1 - alpha) * stats.f.ppf(tail, n - 1, (n - 1) * (k - 1))
    return pd.DataFrame(
        {
            "alpha": [alpha],
            "std_alpha": [std_alpha],
            "average_r": [average_r],
            "ci_low": [ci_low],
            "ci_high": [ci_high],
            "n": [n],
            "n_items": [k],
        }
    )


def item_rest(
    data: pd.DataFrame, items: Sequence[str], *, reverse: Sequence[str] = ()
) -> pd.DataFrame:
    """Item-rest correlations and alpha if each item is dropped (complete respondents).

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``r_drop`` (correlation of the item with the sum of
        the other items, psych's ``r.drop``), ``alpha_if_dropped``, ``mean``, ``sd``, ``n``.

    Examples
    --------
    >>> from toolkit.analysis import LIKERT_ITEMS, example_frame, item_rest
    >>> item_rest(example_frame(), LIKERT_ITEMS)[["item", "r_drop", "alpha_if_dropped"]].round(3)
            item  r_drop  alpha_if_dropped
    0   securite   0.609             0.767
    1   agrement   0.639             0.753
    2   proprete   0.635             0.754
    3  voisinage   0.615             0.764
    """
    names, values = _items(data, items, reverse)
    complete = values[~np.isnan(values).any(axis=1)]
    n, k = complete.shape
    if n < 3:
        raise fail("N013", "items", got=n, minimum=3)
    cov = np.cov(complete, rowvar=False)
    rows = []
    for j, name in enumerate(names):
        rest = complete[:, [i for i in range(k) if i != j]].sum(axis=1)
        r_drop = np.corrcoef(complete[:, j], rest)[0, 1]
        others = [i for i in range(k) if i != j]
        dropped = _alpha(cov[np.ix_(others, others)]) if k > 2 else math.nan
        rows.append((name, r_drop, dropped, complete[:, j].mean(), complete[:, j].std(ddof=1), n))
    return pd.DataFrame(rows, columns=["item", "r_drop", "alpha_if_dropped", "mean", "sd", "n"])


def scale_score(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    reverse: Sequence[str] = (),
    min_answered: int | None = None,
    rescale: bool = True,
) -> pd.Series:
    """Each respondent's mean over the items they answered substantively.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    items : sequence of str
        Numeric or int-coded Likert columns on the same scale.
    reverse : sequence of str
        Items to reverse before scoring.
    min_answered : int, optional
        Fewest substantive answers for a score (default: half the items, rounded up);
        other respondents get NaN.
    rescale : bool
        Map the scale onto 0-100 (0 = lowest answer everywhere, 100 = highest), using the
        categories of the first item (or its observed range for numeric items).

    Returns
    -------
    pandas.Series
        Float scores on ``data``'s index, named ``"score"``.

    Examples
    --------
    >>> from toolkit.analysis import LIKERT_ITEMS, example_frame, scale_score
    >>> score = scale_score(example_frame(), LIKERT_ITEMS)
    >>> round(float(score.mean()), 2), int(score.isna().sum())
    (51.08, 0)
    """
    names, values = _items(data, items, reverse)
    k = len(names)
    need = math.ceil(k / 2) if min_answered is None else int(min_answered)
    if not 1 <= need <= k:
        raise fail(
            "N016",
            "min_answered",
            expected=Msg.of("analysis.expected.integer_between", low=1, high=k),
            got=repr(min_answered),
        )
    answered = (~np.isnan(values)).sum(axis=1)
    score = np.where(answered >= need, np.nansum(values, axis=1) / np.maximum(answered, 1), np.nan)
    if rescale:
        first = data[names[0]]
        if first.dtype.name == "category":
            categories = np.asarray(first.cat.categories, dtype=float)
            lo, hi = categories.min(), categories.max()
        else:
            lo, hi = np.nanmin(values), np.nanmax(values)
        score = 100 * (score - lo) / (hi - lo)
    return pd.Series(score, index=data.index, name="score")


@dataclass(frozen=True)
class AmbianceIndex:
    """Result of :func:`ambiance_index`.

    Attributes
    ----------
    score : pandas.Series
        Each respondent's index (0-100).
    estimates : pandas.DataFrame
        Weighted mean index overall or by domain (the columns of :func:`means`).
    reliability : pandas.DataFrame
        :func:`cronbach_alpha` of the items.
    items : pandas.DataFrame
        :func:`item_rest` of the items.
    """

    score: pd.Series
    estimates: pd.DataFrame
    reliability: pd.DataFrame
    items: pd.DataFrame


def ambiance_index(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    reverse: Sequence[str] = (),
    min_answered: int | None = None,
    level: float = 0.95,
    name: str = "indice_ambiance",
) -> AmbianceIndex:
    """Composite "ambiance index" (0-100) of chosen Likert items, with its reliability.

    The index is :func:`scale_score` of the items; its weighted mean is estimated with
    :func:`means` (overall or by domain), and Cronbach's alpha with Feldt's interval and
    the item-rest correlations tell whether the items measure one thing.

    Examples
    --------
    >>> from toolkit.analysis import LIKERT_ITEMS, Design, ambiance_index, example_frame
    >>> frame = example_frame()
    >>> index = ambiance_index(frame, LIKERT_ITEMS, design=Design(weight="poids", strata="secteur", psu="ilot"), by="wave")
    >>> index.estimates[["wave", "estimate", "ci_low", "ci_high"]].round(1)
         wave  estimate  ci_low  ci_high
    0  2024-1      47.5    43.1     51.8
    1  2024-2      55.1    46.8     63.5
    >>> round(float(index.reliability["alpha"].iloc[0]), 3)
    0.808
    """
    score = scale_score(data, items, reverse=reverse, min_answered=min_answered)
    frame = data.assign(**{name: score})
    estimates = means(frame, name, design=design, by=by, level=level)
    return AmbianceIndex(
        score=score.rename(name),
        estimates=estimates,
        reliability=cronbach_alpha(data, items, reverse=reverse, level=level),
        items=item_rest(data, items, reverse=reverse),
    )
