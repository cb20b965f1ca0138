"""The whole barometer pass: every item's proportions overall and by sector, and its test.

For each item, one weighted ``np.bincount`` over PSU × sector × answer codes gives every
number of the pass: the shares by sector, the overall shares (summing over sectors) and the
Rao–Scott test of item × sector (the cell shares of the item × sector table are the same
counts divided by the grand total). The design is resolved once for all items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.analysis._checks import (
    check_choice,
    check_column,
    check_frame,
    check_level,
    coded,
    fail,
)
from toolkit.analysis._domains import domains
from toolkit.analysis._linear import Tabulation
from toolkit.analysis.ci import CI_METHODS, proportion_ci
from toolkit.analysis.crosstab import rao_scott
from toolkit.analysis.design import Design, prepare
from toolkit.analysis.estimates import _check_common, _nonsubstantive, _srs_deff, share_influence

__all__ = ["BarometerResult", "barometer"]


@dataclass(frozen=True)
class BarometerResult:
    """Tables of :func:`barometer`.

    Attributes
    ----------
    overall : pandas.DataFrame
        Columns of :func:`~toolkit.analysis.proportions`, every item stacked.
    by_domain : pandas.DataFrame
        The same by the ``by`` column.
    tests : pandas.DataFrame
        One row per item: ``variable``, ``statistic`` (``"rao_scott_f"``), ``value``,
        ``df1``, ``df2``, ``p_value``, ``cramers_v``.
    """

    overall: pd.DataFrame
    by_domain: pd.DataFrame
    tests: pd.DataFrame


def barometer(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    by: str,
    design: Design | None = None,
    ci_method: str = "logit",
    level: float = 0.95,
) -> BarometerResult:
    """Proportions of every item overall and by ``by``, and each item × ``by`` Rao–Scott test.

    Gives the same numbers as calling :func:`~toolkit.analysis.proportions` (overall and
    with ``by``) and :func:`~toolkit.analysis.crosstab` for each item, from one pass over the
    rows per item.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; not modified.
    items : sequence of str
        Single-choice or Likert columns.
    by : str
        Domain column (the sector).
    design, ci_method, level
        As :func:`~toolkit.analysis.proportions`.

    Returns
    -------
    BarometerResult

    Examples
    --------
    >>> from toolkit.analysis import LIKERT_ITEMS, Design, barometer, example_frame
    >>> result = barometer(example_frame(), LIKERT_ITEMS, by="secteur",
    ...                    design=Design(weight="poids", strata="secteur", psu="ilot"))
    >>> result.tests[["variable", "value", "p_value"]].round(3)
        variable  value  p_value
    0   securite  3.772    0.002
    1   agrement  1.431    0.203
    2   proprete  2.006    0.058
    3  voisinage  2.055    0.056
    """
    check_frame(data)
    level = check_level(level)
    check_choice(ci_method, CI_METHODS, "ci_method")
    items = [items] if isinstance(items, str) else list(items)
    if not items:
        raise fail("N012", "items", minimum=1, got=0)
    check_column(data, by, "by")
    prep = prepare(data, design)
    dom = domains(data, (by,))
    size = dom.size
    bases: dict[int, np.ndarray] = {}
    overall, by_domain, tests = [], [], []
    for item in items:
        _check_common(data, item, level)
        check_column(data, item, "items")
        codes = coded(data, item, "items")
        k = len(codes.levels)
        width = k + 1
        n_cells = (size + 1) * width
        if width not in bases:
            # +1: the missing code -1 lands in slot 0 of each domain, moved last below.
            bases[width] = prep.group * n_cells + dom.index * width + 1
        code = bases[width] + codes.codes

        shape = (prep.n_groups, n_cells, width)
        sums = _count(code, prep.weight, shape)
        counts = _count(code, None, shape)
        squares = {} if prep.clustered else {(0, 0): _count(code, prep.weight**2, shape)}
        tab = Tabulation(prep, n_cells, (sums,), squares, counts)
        nonsub = _nonsubstantive(data, item, dom)
        overall.append(
            _item_rows(
                tab,
                item,
                codes.levels,
                size,
                k,
                collapse=True,
                nonsub=nonsub,
                ci_method=ci_method,
                level=level,
            )
        )
        by_domain.append(
            _item_rows(
                tab,
                item,
                codes.levels,
                size,
                k,
                collapse=False,
                nonsub=nonsub,
                ci_method=ci_method,
                level=level,
            )
        )
        tests.append(_item_test(tab, item, size, k, len(data)))
    by_table = _stack(by_domain)
    labels = dom.labels.iloc[by_table.pop("_domain")].reset_index(drop=True)
    overall_table = _stack(overall)
    overall_table.pop("_domain")
    return BarometerResult(
        overall=pd.DataFrame(overall_table),
        by_domain=pd.concat([labels, pd.DataFrame(by_table)], axis=1),
        tests=pd.DataFrame(
            tests, columns=["variable", "statistic", "value", "df1", "df2", "p_value", "cramers_v"]
        ),
    )


def _count(code: np.ndarray, weights: np.ndarray | None, shape: tuple[int, int, int]) -> np.ndarray:
    """Weighted counts per group × cell, the missing slot moved from first to last."""
    n_groups, n_cells, width = shape
    flat = np.bincount(code, weights=weights, minlength=n_groups * n_cells)
    block = flat.reshape(n_groups, -1, width)
    return np.concatenate([block[..., 1:], block[..., :1]], axis=2).reshape(n_groups, n_cells)


def _stack(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _collapsed(tab: Tabulation, size: int, width: int) -> Tabulation:
    """The same tabulation with every domain merged into one (overall estimates)."""
    g = tab.sums[0].shape[0]

    def merge(a: np.ndarray) -> np.ndarray:
        return a.reshape(g, size + 1, width)[:, :size].sum(axis=1)

    squares = {key: merge(v) for key, v in tab.squares.items()}
    return Tabulation(tab.prep, width, (merge(tab.sums[0]),), squares, merge(tab.counts))


def _padded(tab: Tabulation, width: int) -> Tabulation:
    """A collapsed (one-domain) tabulation with an empty dump domain, as share_influence expects."""
    sums = np.concatenate([tab.sums[0], np.zeros_like(tab.sums[0])], axis=1)
    return Tabulation(tab.prep, 2 * width, (sums,), {}, tab.counts)


def _item_rows(
    tab: Tabulation,
    item: str,
    levels: tuple[object, ...],
    size: int,
    k: int,
    *,
    collapse: bool,
    nonsub: np.ndarray,
    ci_method: str,
    level: float,
) -> dict[str, np.ndarray]:
    width = k + 1
    if collapse:
        tab = _collapsed(tab, size, width)
        n_dom = 1
        nonsub = np.array([nonsub.sum()])
        shape = (1, width)
    else:
        n_dom = size
        shape = (size + 1, width)
    weighted = tab.totals().reshape(shape)[:n_dom, :k]
    counts = tab.cell_counts().reshape(shape)[:n_dom, :k]
    total = weighted.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    share = weighted / safe[:, None]
    coef = np.zeros((shape[0], width, n_dom, k))
    idx = np.arange(n_dom)
    coef[idx, :k, idx, :] = (np.eye(k)[None] - share[:, None, :]) / safe[:, None, None]
    presence = None
    if tab.prep.lonely_rule == "average":
        presence = np.repeat(tab.stratum_presence(width, n_dom), k, axis=1)
    z = (
        share_influence(tab, n_dom, width, share, safe)
        if tab.prep.clustered and not collapse
        else None
    )
    if tab.prep.clustered and collapse:
        z = share_influence(_padded(tab, width), 1, width, share, safe)
    variance = tab.covariance([coef.reshape(-1, n_dom * k)], presence=presence, z=z).reshape(
        n_dom, k
    )
    df, rows = tab.domain_df(width, n_dom)
    estimate = np.where(total[:, None] > 0, share, np.nan)
    se = np.sqrt(variance)
    n_valid = counts.sum(axis=1)
    low, high = proportion_ci(
        estimate, se, df[:, None], rows[:, None], method=ci_method, level=level
    )
    deff = _srs_deff(variance, estimate, n_valid[:, None])
    keep = rows > 0
    n_kept = int(keep.sum())
    table = {
        "variable": np.full(n_kept * k, item, dtype=object),
        "level": np.tile(np.array(levels, dtype=object), n_kept),
        "estimate": estimate[keep].ravel(),
        "se": se[keep].ravel(),
        "ci_low": low[keep].ravel(),
        "ci_high": high[keep].ravel(),
        "deff": deff[keep].ravel(),
        "n": counts[keep].ravel().astype(np.int64),
        "n_valid": np.repeat(n_valid[keep], k).astype(np.int64),
        "n_nonsubstantive": np.repeat(nonsub[keep], k).astype(np.int64),
        "weighted_count": weighted[keep].ravel(),
        "df": np.repeat(df[keep], k).astype(np.int64),
        "_domain": np.repeat(np.flatnonzero(keep), k),
    }
    return table


def _item_test(tab: Tabulation, item: str, size: int, k: int, n_rows: int) -> tuple:
    """Rao–Scott F test of item × domain from the same tabulation."""
    width = k + 1
    weighted = tab.totals().reshape(size + 1, width)[:size, :k]
    used_r = np.flatnonzero(weighted.sum(axis=0) > 0)
    used_c = np.flatnonzero(weighted.sum(axis=1) > 0)
    if len(used_r) < 2 or len(used_c) < 2:
        return (item, "rao_scott_f", np.nan, np.nan, np.nan, np.nan, np.nan)
    grand = weighted.sum()
    share = (weighted[np.ix_(used_c, used_r)] / grand).T  # (rows = answers, cols = domains)
    n_r, n_c = share.shape
    # Cell (answer r, domain c), rows fastest; influence (1[cell] - p_cell) / grand.
    cell_index = (used_c[None, :] * width + used_r[:, None]).T.ravel()  # col-major over (r, c)
    coef = np.zeros(((size + 1) * width, n_r * n_c))
    valid_cells = (np.arange(size)[:, None] * width + np.arange(k)[None, :]).ravel()
    p = share.T.ravel()
    coef[valid_cells, :] = -p[None, :] / grand
    coef[cell_index, np.arange(n_r * n_c)] += 1 / grand
    z = None
    if tab.prep.clustered:
        counts = tab.sums[0].reshape(-1, size + 1, width)[:, :size, :k]
        inside = counts.sum(axis=(1, 2))
        selected = counts[:, used_c][:, :, used_r].reshape(counts.shape[0], n_r * n_c)
        z = (selected - p[None, :] * inside[:, None]) / grand
    cov = tab.covariance([coef], full=True, z=z)
    rs = rao_scott(share, cov, n_rows, tab.prep.df)
    return (item, "rao_scott_f", rs.f, rs.ndf, rs.ddf, rs.p_f, rs.cramers_v)
