"""Two-way tables with the Rao–Scott corrected test of independence.

A plain Pearson chi-square on weighted counts is wrong for survey data (it takes the sum of
the weights for the sample size and ignores clustering), so it is not offered. With a
design, the test is Pearson's statistic with the Rao–Scott second-order correction
(``svychisq(statistic="F")``, the default) and the first-order corrected chi-square
(``statistic="Chisq"``). Without a design (simple random sample, unweighted), the plain
Pearson chi-square and, for 2 × 2 tables, Fisher's exact test are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis._checks import check_column, check_frame, check_level, coded, fail
from toolkit.analysis._domains import Domains
from toolkit.analysis.design import Design, PreparedDesign, prepare
from toolkit.analysis.estimates import proportion_arrays

__all__ = ["Crosstab", "crosstab", "rao_scott"]


@dataclass(frozen=True)
class Crosstab:
    """Result of :func:`crosstab`: the tidy ``table`` and the ``test`` rows."""

    table: pd.DataFrame
    test: pd.DataFrame


@dataclass(frozen=True)
class RaoScott:
    """Rao–Scott statistics of one table (internal)."""

    pearson: float
    f: float
    ndf: float
    ddf: float
    p_f: float
    chisq: float
    df: int
    p_chisq: float
    cramers_v: float


def interaction_contrasts(r: int, c: int) -> np.ndarray:
    """The interaction contrasts of an ``r × c`` table, orthogonal to the main effects.

    Cells are ordered rows-fastest, as R's ``interaction(rows, cols)`` in ``svychisq``.
    """
    rows = np.tile(np.arange(r), c)
    cols = np.repeat(np.arange(c), r)
    x1 = np.column_stack(
        [np.ones(r * c), *(rows == i for i in range(1, r)), *(cols == j for j in range(1, c))]
    )
    inter = np.column_stack(
        [(rows == i) & (cols == j) for j in range(1, c) for i in range(1, r)]
    ).astype(float)
    q, _ = np.linalg.qr(x1)
    return inter - q @ (q.T @ inter)


def rao_scott_parts(
    share: np.ndarray, cov: np.ndarray, n_rows: int, cmat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The matrices of the Rao–Scott design effects, Pearson's statistic and Cramér's V.

    ``cmat`` comes from :func:`interaction_contrasts` (computed once per table shape by the
    barometer pass); :func:`rao_scott` finishes one table, the barometer many at once.
    """
    r, c = share.shape
    mean = share.T.ravel()
    inv = np.where(mean > 0, 1 / np.where(mean > 0, mean, 1), 0.0)
    denom = (cmat * (inv / n_rows)[:, None]).T @ cmat
    numr = (cmat * inv[:, None]).T @ cov @ (cmat * inv[:, None])
    expected = share.sum(axis=1, keepdims=True) * share.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(n_rows * np.nansum((share - expected) ** 2 / expected))
    return denom, numr, pearson, float(np.sqrt(pearson / n_rows / (min(r, c) - 1)))


def rao_scott(share: np.ndarray, cov: np.ndarray, n_rows: int, nu: int) -> RaoScott:
    """Rao–Scott corrections for an ``r × c`` table of cell shares (column-major cells).

    ``share`` is ``(r, c)``, ``cov`` the ``(rc, rc)`` design covariance of the shares with
    cells ordered rows-fastest, ``n_rows`` the sample size used by R (``N``) and ``nu`` the
    design degrees of freedom. Follows ``survey::svychisq`` (Rao & Scott 1984).
    """
    r, c = share.shape
    denom, numr, pearson, v = rao_scott_parts(share, cov, n_rows, interaction_contrasts(r, c))
    delta = np.linalg.solve(denom, numr)
    trace = np.trace(delta)
    d0 = trace**2 / np.trace(delta @ delta)
    f = pearson / trace
    df = (r - 1) * (c - 1)
    chisq = pearson * df / trace
    return RaoScott(
        pearson=pearson,
        f=f,
        ndf=d0,
        ddf=d0 * nu,
        p_f=float(stats.f.sf(f, d0, d0 * nu)),
        chisq=chisq,
        df=df,
        p_chisq=float(stats.chi2.sf(chisq, df)),
        cramers_v=v,
    )


def _used(codes: np.ndarray, levels: tuple[object, ...]) -> tuple[np.ndarray, tuple[object, ...]]:
    present = np.unique(codes[codes >= 0])
    remap = np.full(len(levels), -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), tuple(levels[i] for i in present)


def crosstab(
    data: pd.DataFrame,
    row: str,
    col: str,
    *,
    design: Design | None = None,
    level: float = 0.95,
) -> Crosstab:
    """Weighted two-way table, row and column percentages, and the test of independence.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; not modified.
    row, col : str
        Categorical (or string, boolean, numeric) columns. Rows where either is missing are
        left out; levels nobody chose are dropped (as R's ``svychisq``).
    design : Design, optional
        Sampling design. ``None``: unweighted simple random sample, tested with Pearson's
        chi-square (and Fisher's exact test for 2 × 2 tables).
    level : float
        Confidence level of the cell shares' intervals (logit method).

    Returns
    -------
    Crosstab
        ``table``: one row per cell with ``row``, ``col`` (the levels, in columns named after
        the two variables), ``n`` (respondents), ``weighted_count``, ``share`` (of the whole
        table), ``se`` (of the share), ``row_pct``, ``col_pct`` (percentages, 0-100).

        ``test``: one row per statistic with ``statistic`` (``"rao_scott_f"``,
        ``"rao_scott_chisq"``; without design ``"pearson"``, ``"fisher"``), ``value``,
        ``df1``, ``df2`` (NaN when not an F test), ``p_value``, and ``cramers_v`` (from the
        weighted shares).

    References
    ----------
    Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
    tables with cell proportions estimated from survey data. *Annals of Statistics* 12, 46-60.

    Examples
    --------
    >>> from toolkit.analysis import Design, crosstab, example_frame
    >>> frame = example_frame()
    >>> result = crosstab(frame, "securite", "secteur", design=Design(weight="poids", strata="secteur", psu="ilot"))
    >>> result.test[["statistic", "value", "df1", "p_value"]].round(3)
             statistic   value   df1  p_value
    0      rao_scott_f   3.772  5.46    0.002
    1  rao_scott_chisq  33.947  9.00    0.000
    """
    check_frame(data)
    level = check_level(level)
    check_column(data, row, "row")
    check_column(data, col, "col")
    prep = prepare(data, design)
    r_codes, r_levels = _used(*_codes_levels(data, row, "row"))
    c_codes, c_levels = _used(*_codes_levels(data, col, "col"))
    if len(r_levels) < 2:
        raise fail("N014", "row", column=row, got=len(r_levels))
    if len(c_levels) < 2:
        raise fail("N014", "col", column=col, got=len(c_levels))
    n_r, n_c = len(r_levels), len(c_levels)
    both = (r_codes >= 0) & (c_codes >= 0)
    if prep.observed is not None:
        both &= prep.observed
    cell = np.where(both, c_codes * n_r + r_codes, -1)
    one = Domains((), np.zeros(len(data), dtype=np.int64), 1, pd.DataFrame(index=range(1)))
    one = one.excluding(prep.observed)
    arrays, cov = proportion_arrays(prep, one, cell, n_r * n_c, full=True)
    share = arrays.estimate.reshape(n_c, n_r).T
    counts = arrays.counts.reshape(n_c, n_r).T
    weighted = arrays.weighted.reshape(n_c, n_r).T
    se = np.sqrt(arrays.variance).reshape(n_c, n_r).T
    table = pd.DataFrame(
        {
            row: np.repeat(np.array(r_levels, dtype=object), n_c),
            col: np.tile(np.array(c_levels, dtype=object), n_r),
            "n": counts.ravel().astype(np.int64),
            "weighted_count": weighted.ravel(),
            "share": share.ravel(),
            "se": se.ravel(),
            "row_pct": (100 * weighted / weighted.sum(axis=1, keepdims=True)).ravel(),
            "col_pct": (100 * weighted / weighted.sum(axis=0, keepdims=True)).ravel(),
        }
    )
    test = _tests(prep, design, share, cov, counts, int(both.sum()), len(data))
    return Crosstab(table=table, test=test)


def _codes_levels(
    data: pd.DataFrame, column: str, argument: str
) -> tuple[np.ndarray, tuple[object, ...]]:
    item = coded(data, column, argument)
    return item.codes.astype(np.int64), item.levels


def _tests(
    prep: PreparedDesign,
    design: Design | None,
    share: np.ndarray,
    cov: np.ndarray,
    counts: np.ndarray,
    n_complete: int,
    n_rows: int,
) -> pd.DataFrame:
    if design is None:
        chi2, p_value, dof, _ = stats.chi2_contingency(counts, correction=False)
        v = np.sqrt(chi2 / counts.sum() / (min(counts.shape) - 1))
        rows = [("pearson", chi2, float(dof), np.nan, p_value, v)]
        if counts.shape == (2, 2):
            _, p_fisher = stats.fisher_exact(counts)
            rows.append(("fisher", np.nan, np.nan, np.nan, p_fisher, v))
    else:
        rs = rao_scott(share, cov, n_rows, prep.df)
        rows = [
            ("rao_scott_f", rs.f, rs.ndf, rs.ddf, rs.p_f, rs.cramers_v),
            ("rao_scott_chisq", rs.chisq, float(rs.df), np.nan, rs.p_chisq, rs.cramers_v),
        ]
    return pd.DataFrame(rows, columns=["statistic", "value", "df1", "df2", "p_value", "cramers_v"])
