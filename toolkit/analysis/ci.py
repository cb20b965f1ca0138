"""Confidence intervals for design-based proportions.

All methods use Student's *t* with the design degrees of freedom (PSUs minus strata in the
domain), as R's ``survey::svyciprop`` does.

=====================  ==================================================================
``ci_method``          interval
=====================  ==================================================================
``"logit"``            Wald interval on the logit scale, back-transformed
                       (``svyciprop(method="logit")``, identical to ``"xlogit"``).
``"wilson"``           Wilson score interval with the effective sample size
                       ``n_eff = p(1-p)/se²`` (Kott & Carr 1997; no R counterpart).
``"beta"``             Korn & Graubard (1998) Clopper–Pearson interval with the effective
                       sample size adjusted for the degrees of freedom
                       (``svyciprop(method="beta")``). Aliases: ``"korn-graubard"``,
                       ``"clopper-pearson"``.
``"asin"``             Wald interval on the arcsine-square-root scale
                       (``svyciprop(method="asin")``).
``"mean"``             Plain Wald interval ``p ± t·se`` (``svyciprop(method="mean")``).
                       Alias: ``"wald"``.
=====================  ==================================================================

Where the estimate is 0 or 1 (a category nobody or everybody chose in a domain) the
standard error is 0 and the logit, asin, Wilson and Wald intervals are degenerate; there the
Clopper–Pearson interval on the number of rows of the domain is returned instead (Korn &
Graubard's rule for ``n_eff`` when ``p`` is 0 or 1).

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. *Survey Methodology* 24, 193-201.

Kott, P. S. and Carr, D. A. (1997). Developing an estimation strategy for a pesticide data
program. *Journal of Official Statistics* 13, 367-383.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from toolkit.analysis._checks import check_choice

__all__ = ["CI_METHODS", "proportion_ci", "wald_ci"]

CI_METHODS = (
    "logit",
    "xlogit",
    "wilson",
    "beta",
    "korn-graubard",
    "clopper-pearson",
    "asin",
    "mean",
    "wald",
)
_CANONICAL = {"xlogit": "logit", "korn-graubard": "beta", "clopper-pearson": "beta", "wald": "mean"}


def _t(level: float, df: np.ndarray) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)


def wald_ci(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """``estimate ± t(df)·se``."""
    half = _t(level, df) * se
    return estimate - half, estimate + half


def proportion_ci(
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    rows: np.ndarray,
    *,
    method: str,
    level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds for proportions ``p`` with design standard errors ``se``.

    ``df`` are the design degrees of freedom and ``rows`` the number of rows of each
    estimate's domain (Korn–Graubard's degrees-of-freedom adjustment uses ``rows - 1``).

    Examples
    --------
    >>> import numpy as np
    >>> low, high = proportion_ci(
    ...     np.array([0.4, 0.0]), np.array([0.05, 0.0]), np.array([99, 99]), np.array([100, 100]),
    ...     method="logit", level=0.95,
    ... )
    >>> low.round(3), high.round(3)
    (array([0.306, 0.   ]), array([0.502, 0.036]))
    """
    method = _CANONICAL.get(check_choice(method, CI_METHODS, "ci_method"), method)
    p, se = np.asarray(p, float), np.asarray(se, float)
    df, rows = (
        np.broadcast_to(np.asarray(df, float), p.shape),
        np.broadcast_to(np.asarray(rows, float), p.shape),
    )
    t = _t(level, df)
    alpha = 1 - level
    degenerate = (se <= 0) | (p <= 0) | (p >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "logit":
            centre = special.logit(p)
            half = t * se / (p * (1 - p))
            low, high = special.expit(centre - half), special.expit(centre + half)
        elif method == "mean":
            low, high = p - t * se, p + t * se
        elif method == "asin":
            centre = np.arcsin(np.sqrt(p))
            half = t * se / (2 * np.sqrt(p * (1 - p)))
            low, high = np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
        elif method == "wilson":
            n = p * (1 - p) / se**2
            t2n = t**2 / n
            centre = (p + t2n / 2) / (1 + t2n)
            half = t / (1 + t2n) * np.sqrt(p * (1 - p) / n + t**2 / (4 * n**2))
            low, high = centre - half, centre + half
        else:
            n = p * (1 - p) / se**2
            n = n * (stats.t.ppf(alpha / 2, rows - 1) / stats.t.ppf(alpha / 2, df)) ** 2
            low = stats.beta.ppf(alpha / 2, n * p, n * (1 - p) + 1)
            high = stats.beta.ppf(1 - alpha / 2, n * p + 1, n * (1 - p))
        if degenerate.any():
            n0 = np.maximum(rows, 1)
            x = p * n0
            cp_low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n0 - x + 1), 0.0)
            cp_high = np.where(x < n0, stats.beta.ppf(1 - alpha / 2, x + 1, n0 - x), 1.0)
            low = np.where(degenerate, cp_low, low)
            high = np.where(degenerate, cp_high, high)
    nan = np.isnan(p)
    return np.where(nan, np.nan, low), np.where(nan, np.nan, high)
