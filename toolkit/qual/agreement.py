"""Agreement between coders: percent agreement, Cohen's kappa, Fleiss' kappa and
Krippendorff's alpha, with bootstrap confidence intervals.

Every coefficient here is a function of sums over units (a contingency table, a coincidence
matrix…). Each unit contributes a small feature vector; the estimate uses the plain sum and a
bootstrap replicate the sum weighted by how many times each unit was drawn. Replicates are
then one matrix product, which keeps 10,000 segments × 3 coders × 1,000 replicates fast.
Written for this project (the ``krippendorff`` package is GPL-3); checked against published
worked examples in ``tests/golden/agreement_examples.md``.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20, 37–46. Cohen, J. (1968). Weighted kappa. *Psychological
Bulletin*, 70, 213–220. Fleiss, J. L. (1971). Measuring nominal scale agreement among many
raters. *Psychological Bulletin*, 76, 378–382. Krippendorff, K. (2011). Computing
Krippendorff's alpha-reliability. Annenberg School for Communication, University of
Pennsylvania. Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
reliability measure for coding data. *Communication Methods and Measures*, 1, 77–89.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from toolkit.qual.errors import qual_error

__all__ = [
    "LEVELS",
    "bootstrap_ci",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS = (None, "linear", "quadratic")


# -- input shaping -----------------------------------------------------------------------------
def _matrix(data: object) -> np.ndarray:
    """Coders × units as an object array with ``None`` for missing."""
    if isinstance(data, pd.DataFrame):
        values = data.astype(object).to_numpy()
    else:
        values = np.asarray(data, dtype=object)
    if values.ndim != 2:
        raise qual_error("Q050", field="data", got=values.ndim)
    out = np.empty(values.shape, dtype=object)
    for index, value in np.ndenumerate(values):
        out[index] = (
            None
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
            else value
        )
    return out


def _categories(values: Sequence[object], given: Sequence[object] | None) -> list[object]:
    if given is not None:
        return list(given)
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique, key=float)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return sorted(unique, key=str)


def _counts(
    matrix: np.ndarray, categories: Sequence[object] | None = None
) -> tuple[np.ndarray, list[object]]:
    """Units × categories counts of the non-missing values of a coders × units matrix."""
    present = [v for v in matrix.ravel() if v is not None]
    cats = _categories(present, categories)
    index = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((matrix.shape[1], len(cats)))
    for (_, unit), value in np.ndenumerate(matrix):
        if value is not None:
            if value not in index:
                raise qual_error("Q052", field="categories", got=value)
            counts[unit, index[value]] += 1
    return counts, cats


# -- sufficient statistics -> coefficients -----------------------------------------------------
def _kripp_features(counts: np.ndarray) -> np.ndarray:
    """Per-unit contribution to the coincidence matrix, flattened (units × C²)."""
    m = counts.sum(axis=1)
    keep = m >= 2
    c = counts[keep]
    scale = 1.0 / (m[keep] - 1.0)
    outer = c[:, :, None] * c[:, None, :]
    idx = np.arange(c.shape[1])
    outer[:, idx, idx] -= c
    features = np.zeros((counts.shape[0], c.shape[1] ** 2))
    features[keep] = (outer * scale[:, None, None]).reshape(c.shape[0], -1)
    return features


def _delta(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference δ²(c, k) for each pair of categories (replicates × C × C)."""
    size = values.shape[0]
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(size), (n_c.shape[0], size, size))
    if level == "interval":
        d = (values[:, None] - values[None, :]) ** 2
        return np.broadcast_to(d, (n_c.shape[0], size, size))
    if level == "ratio":
        total = values[:, None] + values[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(total == 0, 0.0, ((values[:, None] - values[None, :]) / total) ** 2)
        return np.broadcast_to(d, (n_c.shape[0], size, size))
    cumulative = np.cumsum(n_c, axis=1)
    lo = np.minimum.outer(np.arange(size), np.arange(size))
    hi = np.maximum.outer(np.arange(size), np.arange(size))
    before = np.where(lo > 0, np.take(cumulative, lo - 1, axis=1) if size else 0, 0.0)
    between = np.take(cumulative, hi, axis=1) - before
    d = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2.0) ** 2
    return d


def _alpha_from(sums: np.ndarray, level: str, values: np.ndarray) -> np.ndarray:
    size = values.shape[0]
    o = sums.reshape(-1, size, size)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    delta = _delta(level, values, n_c)
    observed = (o * delta).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def _cohen_from(sums: np.ndarray, weights: str | None) -> np.ndarray:
    size = round(float(np.sqrt(sums.shape[1])))
    table = sums.reshape(-1, size, size)
    total = table.sum(axis=(1, 2))
    i, j = np.indices((size, size))
    if weights is None:
        w = (i != j).astype(float)
    elif weights == "linear":
        w = np.abs(i - j) / max(size - 1, 1)
    else:
        w = ((i - j) / max(size - 1, 1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = table / total[:, None, None]
        expected = p.sum(axis=2)[:, :, None] * p.sum(axis=1)[:, None, :]
        observed_d = (w * p).sum(axis=(1, 2))
        expected_d = (w * expected).sum(axis=(1, 2))
        kappa = 1.0 - observed_d / expected_d
    return np.where(expected_d > 0, kappa, np.nan)


def _fleiss_features(counts: np.ndarray) -> np.ndarray:
    m = counts.sum(axis=1)
    p_i = (np.square(counts).sum(axis=1) - m) / (m * (m - 1.0))
    return np.column_stack([p_i, counts, np.ones(counts.shape[0])])


def _fleiss_from(sums: np.ndarray, raters: float) -> np.ndarray:
    p_bar = sums[:, 0] / sums[:, -1]
    p_j = sums[:, 1:-1] / (sums[:, -1:] * raters)
    p_e = np.square(p_j).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_bar - p_e) / (1.0 - p_e)
    return np.where(p_e < 1, kappa, np.nan)


def _agree_features(counts: np.ndarray) -> np.ndarray:
    m = counts.sum(axis=1)
    keep = m >= 2
    share = np.zeros(counts.shape[0])
    share[keep] = (counts[keep] * (counts[keep] - 1)).sum(axis=1) / (m[keep] * (m[keep] - 1))
    return np.column_stack([share, keep.astype(float)])


def _agree_from(sums: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums[:, 1] > 0, sums[:, 0] / sums[:, 1], np.nan)


# -- public coefficients -----------------------------------------------------------------------
def krippendorff_alpha(
    data: object, level: str = "nominal", *, values: Sequence[object] | None = None
) -> float:
    """Krippendorff's alpha for any number of coders, missing codings allowed.

    Parameters
    ----------
    data
        Coders × units (rows are coders), a DataFrame or array; ``NaN``/``None`` where a
        coder did not code a unit. Units with fewer than two values are not pairable and
        left out, as the coefficient requires.
    level
        ``nominal``, ``ordinal``, ``interval`` or ``ratio``.
    values
        The categories in order (ordinal data given as text); default: the values found,
        sorted numerically when they are numbers.

    Returns
    -------
    float
        Alpha (NaN when the pairable values show no variation at all).

    Examples
    --------
    Krippendorff's (2011) reliability data, 4 observers × 12 units:

    >>> import numpy as np
    >>> nan = np.nan
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data), 3), round(krippendorff_alpha(data, "interval"), 3)
    (0.743, 0.849)
    """
    if level not in LEVELS:
        raise qual_error("Q051", field="level", got=level, allowed=", ".join(LEVELS))
    counts, cats = _counts(_matrix(data), values)
    numeric = _numeric_values(cats, level)
    sums = _kripp_features(counts).sum(axis=0, keepdims=True)
    return float(_alpha_from(sums, level, numeric)[0])


def _numeric_values(cats: Sequence[object], level: str) -> np.ndarray:
    if level in ("interval", "ratio"):
        try:
            return np.array([float(c) for c in cats])  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise qual_error("Q053", field="data", level=level) from None
    return np.arange(len(cats), dtype=float)


def cohen_kappa(
    a: Sequence[object],
    b: Sequence[object],
    weights: str | None = None,
    *,
    categories: Sequence[object] | None = None,
) -> float:
    """Cohen's kappa between two coders, unweighted or weighted.

    Parameters
    ----------
    a, b
        The two coders' codes for the same units; units where either is missing are left out.
    weights
        ``None`` (unweighted), ``"linear"`` or ``"quadratic"`` disagreement weights over the
        ordered categories, spaced by rank (as R's ``irr::kappa2`` "equal" and "squared").
    categories
        The categories in order (default: the values found, sorted).

    Examples
    --------
    Cohen's kappa example of 50 units (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no):

    >>> first = ["oui"] * 25 + ["non"] * 25
    >>> second = ["oui"] * 20 + ["non"] * 5 + ["oui"] * 10 + ["non"] * 15
    >>> round(cohen_kappa(first, second), 6)
    0.4
    """
    if weights not in WEIGHTS:
        raise qual_error("Q051", field="weights", got=weights, allowed="None, linear, quadratic")
    first, second = list(a), list(b)
    if len(first) != len(second):
        raise qual_error("Q054", field="b", n_a=len(first), n_b=len(second))
    matrix = _matrix([first, second])
    pairs = [
        (x, y) for x, y in zip(matrix[0], matrix[1], strict=True) if x is not None and y is not None
    ]
    cats = _categories([v for p in pairs for v in p], categories)
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        table[index[x], index[y]] += 1
    return float(_cohen_from(table.reshape(1, -1), weights)[0])


def fleiss_kappa(table: object) -> float:
    """Fleiss' kappa from a units × categories table of counts (same number of raters per unit).

    Examples
    --------
    >>> fleiss_kappa([[3, 0], [0, 3], [2, 1]])
    0.55
    """
    counts = np.asarray(pd.DataFrame(table).to_numpy(), dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        raise qual_error("Q050", field="table", got=counts.ndim)
    raters = counts.sum(axis=1)
    if np.any(raters != raters[0]) or raters[0] < 2:
        raise qual_error("Q055", field="table")
    sums = _fleiss_features(counts).sum(axis=0, keepdims=True)
    return float(_fleiss_from(sums, raters[0])[0])


def percent_agreement(data: object) -> float:
    """Share of agreeing pairs of codings, averaged over units coded at least twice.

    Examples
    --------
    Three coders (rows) on four segments (columns), 1 when the code was applied; the third
    coder skipped the last segment. Segments 1, 3 and 4 agree fully, segment 2 in one pair
    of three, so the mean is (1 + 1/3 + 1 + 1) / 4:

    >>> round(percent_agreement([[1, 1, 0, 1], [1, 0, 0, 1], [1, 1, 0, None]]), 4)
    0.8333
    """
    counts, _ = _counts(_matrix(data))
    return float(_agree_from(_agree_features(counts).sum(axis=0, keepdims=True))[0])


# -- bootstrap -----------------------------------------------------------------------------------
def replicate_weights(n_units: int, n_boot: int, rng: np.random.Generator, chunk: int = 250):
    """Yield chunks of bootstrap weights (replicates × units: times each unit was drawn)."""
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        yield rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=size).astype(float)
        done += size


def bootstrap_ci(
    features: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    rng: np.random.Generator | None = None,
) -> tuple[float, float, float]:
    """(estimate, ci_low, ci_high): percentile bootstrap over units.

    ``features`` is units × k; ``statistic`` maps sums (replicates × k) to estimates.
    """
    estimate = float(statistic(features.sum(axis=0, keepdims=True))[0])
    if n_boot <= 0 or features.shape[0] < 2:
        return estimate, float("nan"), float("nan")
    rng = rng if rng is not None else np.random.default_rng(0)
    draws = np.concatenate(
        [statistic(w @ features) for w in replicate_weights(features.shape[0], n_boot, rng)]
    )
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return estimate, float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return estimate, float(low), float(high)
