"""The whole barometer pass: every item's proportions overall and by sector, and its test.

For each item, one weighted ``np.bincount`` over PSU × sector × answer codes gives every
weighted number of the pass: the shares by sector, the overall shares (summing over sectors)
and the Rao–Scott test of item × sector (the cell shares of the item × sector table are the
same counts divided by the grand total). What does not depend on the item is computed once:
the design, the domain index, the PSU × domain part of the codes, and the rows per PSU ×
domain (which give every domain's degrees of freedom). The rows per domain × answer are exact
integers, so several items share one unweighted count (:func:`_row_counts`); confidence
intervals, design effects and p-values of all items are computed together at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis._checks import (
    Coded,
    check_choice,
    check_column,
    check_frame,
    check_level,
    coded,
    fail,
)
from toolkit.analysis._checks import (
    missing_codes as companion_codes,
)
from toolkit.analysis._domains import Domains, domains
from toolkit.analysis._linear import Tabulation, domain_df, stratum_presence
from toolkit.analysis.ci import CI_METHODS, proportion_ci
from toolkit.analysis.crosstab import interaction_contrasts, rao_scott_parts
from toolkit.analysis.design import Design, PreparedDesign, prepare
from toolkit.analysis.estimates import _check_common, _srs_deff

__all__ = ["BarometerResult", "barometer"]

#: Most cells of the joint domain × answers table counted by one unweighted bincount
#: (16-bit codes; a table this small is counted from cache).
_PACKED_CELLS = 1 << 16

#: Axes up to this length are summed by explicit additions (see :func:`_sum_axis`).
_SHORT_AXIS = 32

_TABLE_COLUMNS = (
    "variable",
    "level",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "n",
    "n_valid",
    "n_nonsubstantive",
    "weighted_count",
    "df",
)
_TEST_COLUMNS = ("variable", "statistic", "value", "df1", "df2", "p_value", "cramers_v")


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
    with ``by``) and :func:`~toolkit.analysis.crosstab` for each item, from one weighted pass
    over the rows per item (the row counts of several items share one unweighted pass).

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
    dom = domains(data, (by,)).excluding(prep.observed)
    columns: list[Coded] = []
    companions: list[Coded | None] = []
    for item in items:
        _check_common(data, item, level)
        check_column(data, item, "items")
        columns.append(coded(data, item, "items"))
        companions.append(companion_codes(data, item))
    size = dom.size

    # Each row's variance group × domain; the rows per group × domain give every domain's
    # df and rows, the same for all items.
    group_domain = prep.group * (size + 1) + dom.index
    per_group = np.bincount(group_domain, minlength=prep.n_groups * (size + 1))
    per_group = per_group.reshape(prep.n_groups, size + 1)[:, :size]
    by_layout = _layout(prep, per_group)
    overall_layout = _layout(prep, per_group.sum(axis=1, keepdims=True))

    factors = [(c.codes, len(c.levels) + 1) for c in columns]
    factors += [(c.codes, len(c.levels) + 1) for c in companions if c is not None]
    row_tables = iter(_row_counts(dom, factors))
    cells = [next(row_tables) for _ in columns]
    nonsubs = [
        np.zeros(size, dtype=np.int64) if c is None else next(row_tables)[:size, 1:].sum(axis=1)
        for c in companions
    ]

    squared = None if prep.clustered or prep.needs_rows else prep.weight**2
    bases: dict[int, np.ndarray] = {}
    buffer = np.empty(len(data), dtype=np.int64)
    contrasts: dict[tuple[int, int], np.ndarray] = {}
    overall: list[dict[str, np.ndarray]] = []
    by_domain: list[dict[str, np.ndarray]] = []
    tests: list[tuple[np.ndarray, np.ndarray, float, float] | None] = []
    for item, codes, slots, nonsub in zip(items, columns, cells, nonsubs, strict=True):
        k = len(codes.levels)
        width = k + 1
        n_cells = (size + 1) * width
        if width not in bases:
            # +1: the missing code -1 lands in slot 0 of each domain, moved last below.
            bases[width] = group_domain * width + 1
        # One buffer for every item's codes: no fresh pages to fault in per item.
        code = np.add(bases[width], codes.codes, out=buffer)
        shape = (prep.n_groups, n_cells, width)
        sums = _count(code, prep.weight, shape)
        squares = {} if squared is None else {(0, 0): _count(code, squared, shape)}
        rows = None
        if prep.needs_rows:
            rows = (dom.index * width + np.where(codes.codes >= 0, codes.codes, k), ())
        tab = Tabulation(prep, n_cells, (sums,), squares, rows=rows)
        totals = tab.totals()
        counts = np.concatenate([slots[:, 1:], slots[:, :1]], axis=1)
        for out, collapse, layout in (
            (overall, True, overall_layout),
            (by_domain, False, by_layout),
        ):
            out.append(
                _item_rows(
                    tab,
                    totals,
                    counts,
                    item,
                    codes.levels,
                    size,
                    collapse=collapse,
                    nonsub=nonsub,
                    layout=layout,
                )
            )
        tests.append(_item_test(tab, totals, size, k, len(data), contrasts))

    by_table = _table(by_domain, ci_method, level)
    labels = dom.labels.iloc[by_table.pop("_domain")].reset_index(drop=True)
    overall_table = _table(overall, ci_method, level)
    overall_table.pop("_domain")
    return BarometerResult(
        overall=pd.DataFrame(overall_table),
        by_domain=pd.concat([labels, pd.DataFrame(by_table)], axis=1),
        tests=_test_table(items, tests, prep.df),
    )


@dataclass(frozen=True, eq=False)
class _Layout:
    """Per domain, what every item's estimates share: design df, rows, strata present."""

    df: np.ndarray
    rows: np.ndarray
    presence: np.ndarray | None


def _layout(prep: PreparedDesign, per_group: np.ndarray) -> _Layout:
    """From the rows per variance group × domain (the same for every item)."""
    df, rows = domain_df(prep, per_group)
    presence = stratum_presence(prep, per_group) if prep.lonely_rule == "average" else None
    return _Layout(df, rows, presence)


def _row_counts(dom: Domains, factors: Sequence[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """Rows per domain × slot of each factor, several factors per unweighted bincount.

    A factor is ``(codes, width)`` with codes in ``[-1, width - 1)``; code ``c`` is counted
    in slot ``c + 1``. Counting is exact, so factors can share a count: their joint table
    with the domain (at most ``_PACKED_CELLS`` cells, in 16-bit codes whose wrap-around
    arithmetic is exact modulo 2**16) is counted in one pass and each factor's table is its
    margin. Thirty 4-point items by 10 sectors take 6 passes over the rows instead of 30.
    Returns one ``(domains + 1, width)`` table per factor, the last domain being the dump.
    """
    n_dom = dom.size + 1
    tables: list[np.ndarray] = []
    bases: dict[tuple[int, int], np.ndarray] = {}
    buffers: dict[type, tuple[np.ndarray, np.ndarray]] = {}
    start = 0
    while start < len(factors):
        stop, n_cells = start + 1, n_dom * factors[start][1]
        while stop < len(factors) and n_cells * factors[stop][1] <= _PACKED_CELLS:
            n_cells *= factors[stop][1]
            stop += 1
        pack = factors[start:stop]
        widths = [width for _, width in pack]
        strides = [int(s) for s in np.cumprod([1, *widths[:-1]])]
        dtype = np.uint16 if n_cells <= _PACKED_CELLS else np.int64
        key = (n_cells // n_dom, sum(strides))
        if key not in bases:
            bases[key] = (dom.index * key[0] + key[1]).astype(dtype)
        if dtype not in buffers:
            buffers[dtype] = (np.empty(len(dom.index), dtype), np.empty(len(dom.index), dtype))
        code, term = buffers[dtype]
        np.add(bases[key], pack[0][0], out=code, dtype=dtype, casting="unsafe")
        for (codes, _), stride in zip(pack[1:], strides[1:], strict=True):
            np.multiply(codes, stride, out=term, dtype=dtype, casting="unsafe")
            code += term
        # Factor i varies with stride strides[i]: the last axis is the first factor.
        joint = np.bincount(code, minlength=n_cells).reshape(n_dom, *reversed(widths))
        axes = range(1, len(pack) + 1)
        for i in range(len(pack)):
            axis = len(pack) - i
            tables.append(joint.sum(axis=tuple(a for a in axes if a != axis)))
        start = stop
    return tables


def _count(code: np.ndarray, weights: np.ndarray | None, shape: tuple[int, int, int]) -> np.ndarray:
    """Weighted counts per group × cell, the missing slot moved from first to last."""
    n_groups, n_cells, width = shape
    flat = np.bincount(code, weights=weights, minlength=n_groups * n_cells)
    block = flat.reshape(n_groups, -1, width)
    return np.concatenate([block[..., 1:], block[..., :1]], axis=2).reshape(n_groups, n_cells)


def _collapsed(tab: Tabulation, size: int, width: int) -> Tabulation:
    """The same tabulation with every domain merged into one (overall estimates)."""
    g = tab.sums[0].shape[0]

    def merge(a: np.ndarray) -> np.ndarray:
        return _sum_axis(a.reshape(g, size + 1, width)[:, :size], 1)

    squares = {key: merge(v) for key, v in tab.squares.items()}
    rows = None
    if tab.rows is not None:
        cell = tab.rows[0]
        rows = (np.where(cell < size * width, cell % width, -1), ())
    return Tabulation(tab.prep, width, (merge(tab.sums[0]),), squares, rows=rows)


def _sum_axis(a: np.ndarray, axis: int) -> np.ndarray:
    """``a.sum(axis)`` over a short axis, as explicit additions giving the same bits.

    numpy adds the terms of a reduced axis one after the other when the axis is not the
    last one, or is the last one and shorter than 8 (longer, it sums pairwise); there its
    per-row overhead costs ten times the additions, which this avoids.
    """
    n = a.shape[axis]
    short = n < 8 if axis in (-1, a.ndim - 1) else n <= _SHORT_AXIS
    if n < 2 or not short:
        return a.sum(axis=axis)
    terms = np.moveaxis(a, axis, 0)
    out = terms[0] + terms[1]
    for term in terms[2:]:
        out += term
    return out


def _influence(
    sums: np.ndarray, size: int, width: int, share: np.ndarray, safe: np.ndarray
) -> np.ndarray:
    """PSU totals of the influence values of domain shares (``share_influence``'s formula).

    ``sums`` holds the weighted counts per PSU × (domain × answer cell), ``size`` domains.
    ``z[g, d, k] = (B[g, d, k] - p[d, k] · N[g, d]) / N[d]``, computed on the planes of one
    answer each (see :func:`_by_answer`).
    """
    counts = sums.reshape(len(sums), -1, width)[:, :size, : width - 1]
    z = _by_answer(counts, share.T[:, None, :], _sum_axis(counts, 2)[None], safe[None, None, :])
    return z.reshape(len(z), -1)


def _by_answer(
    counts: np.ndarray, share: np.ndarray, inside: np.ndarray, scale: np.ndarray | float
) -> np.ndarray:
    """``(counts - share · inside) / scale`` for ``counts`` of shape (PSU, domain, answer).

    The operands other than ``counts`` are given in (answer, PSU, domain) order. The same
    elementwise arithmetic as on the (PSU, domain, answer) array, done on one plane per
    answer: numpy's loops then run along the domains rather than along the few answers.
    """
    z = np.empty(counts.shape)
    planes = np.moveaxis(z, 2, 0)
    np.multiply(share, inside, out=planes)
    np.subtract(np.moveaxis(counts, 2, 0), planes, out=planes)
    planes /= scale
    return z


def _item_rows(
    tab: Tabulation,
    totals: np.ndarray,
    counts: np.ndarray,
    item: str,
    levels: tuple[object, ...],
    size: int,
    *,
    collapse: bool,
    nonsub: np.ndarray,
    layout: _Layout,
) -> dict[str, np.ndarray]:
    """One item's rows, overall (``collapse``) or by domain, before intervals and deff.

    ``totals`` holds the weighted counts and ``counts`` the rows per domain × answer (dump
    domain last, missing slot last).
    """
    k = len(levels)
    width = k + 1
    if collapse:
        tab = _collapsed(tab, size, width)
        totals = tab.totals()
        n_dom = 1
        nonsub = np.array([nonsub.sum()])
        counts = counts[:size].sum(axis=0, keepdims=True)
        shape = (1, width)
    else:
        n_dom = size
        shape = (size + 1, width)
    weighted = totals.reshape(shape)[:n_dom, :k]
    counts = counts[:n_dom, :k]
    total = weighted.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    share = weighted / safe[:, None]
    presence = None if layout.presence is None else np.repeat(layout.presence, k, axis=1)
    coefficients: tuple[np.ndarray, ...] = ()
    z = None
    if tab.prep.clustered and not tab.prep.needs_rows:
        z = _influence(tab.sums[0], n_dom, width, share, safe)
    else:
        coef = np.zeros((shape[0], width, n_dom, k))
        idx = np.arange(n_dom)
        coef[idx, :k, idx, :] = (np.eye(k)[None] - share[:, None, :]) / safe[:, None, None]
        coefficients = (coef.reshape(-1, n_dom * k),)
    variance = tab.covariance(coefficients, presence=presence, z=z).reshape(n_dom, k)
    estimate = np.where(total[:, None] > 0, share, np.nan)
    n_valid = counts.sum(axis=1)
    variance = np.where(n_valid[:, None] > 0, variance, np.nan)
    keep = layout.rows > 0
    n_kept = int(keep.sum())
    return {
        "variable": np.full(n_kept * k, item, dtype=object),
        "level": np.tile(np.array(levels, dtype=object), n_kept),
        "estimate": estimate[keep].ravel(),
        "se": np.sqrt(variance)[keep].ravel(),
        "n": counts[keep].ravel().astype(np.int64),
        "n_valid": np.repeat(n_valid[keep], k).astype(np.int64),
        "n_nonsubstantive": np.repeat(nonsub[keep], k).astype(np.int64),
        "weighted_count": weighted[keep].ravel(),
        "df": np.repeat(layout.df[keep], k).astype(np.int64),
        "_variance": variance[keep].ravel(),
        "_rows": np.repeat(layout.rows[keep], k),
        "_domain": np.repeat(np.flatnonzero(keep), k),
    }


def _table(parts: list[dict[str, np.ndarray]], ci_method: str, level: float) -> dict:
    """Stack the items' rows and add the intervals and design effects of all at once."""
    stacked = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    estimate = stacked["estimate"]
    stacked["ci_low"], stacked["ci_high"] = proportion_ci(
        estimate,
        stacked["se"],
        stacked["df"],
        stacked.pop("_rows"),
        method=ci_method,
        level=level,
    )
    stacked["deff"] = _srs_deff(stacked.pop("_variance"), estimate, stacked["n_valid"])
    return {key: stacked[key] for key in (*_TABLE_COLUMNS, "_domain")}


def _item_test(
    tab: Tabulation,
    totals: np.ndarray,
    size: int,
    k: int,
    n_rows: int,
    contrasts: dict[tuple[int, int], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Rao–Scott parts of item × domain (see :func:`_rao_scott_parts`); None if degenerate."""
    width = k + 1
    weighted = totals.reshape(size + 1, width)[:size, :k]
    used_r = np.flatnonzero(weighted.sum(axis=0) > 0)
    used_c = np.flatnonzero(weighted.sum(axis=1) > 0)
    if len(used_r) < 2 or len(used_c) < 2:
        return None
    grand = weighted.sum()
    share = (weighted[np.ix_(used_c, used_r)] / grand).T  # (rows = answers, cols = domains)
    n_r, n_c = share.shape
    p = share.T.ravel()
    z = None
    coefficients: tuple[np.ndarray, ...] = ()
    if tab.prep.clustered and not tab.prep.needs_rows:
        counts = tab.sums[0].reshape(-1, size + 1, width)[:, :size, :k]
        inside = _sum_axis(_sum_axis(counts, 2), 1)
        if n_r < k or n_c < size:
            counts = counts[:, used_c][:, :, used_r]
        z = _by_answer(counts, share[:, None, :], inside[None, :, None], grand)
        z = z.reshape(len(z), n_r * n_c)
    else:
        # Cell (answer r, domain c), rows fastest; influence (1[cell] - p_cell) / grand.
        cell_index = (used_c[None, :] * width + used_r[:, None]).T.ravel()
        coef = np.zeros(((size + 1) * width, n_r * n_c))
        valid_cells = (np.arange(size)[:, None] * width + np.arange(k)[None, :]).ravel()
        coef[valid_cells, :] = -p[None, :] / grand
        coef[cell_index, np.arange(n_r * n_c)] += 1 / grand
        coefficients = (coef,)
    cov = tab.covariance(coefficients, full=True, z=z)
    if (n_r, n_c) not in contrasts:
        contrasts[(n_r, n_c)] = interaction_contrasts(n_r, n_c)
    return rao_scott_parts(share, cov, n_rows, contrasts[(n_r, n_c)])


def _test_table(
    items: list[str], parts: list[tuple[np.ndarray, np.ndarray, float, float] | None], nu: int
) -> pd.DataFrame:
    """Second-order Rao–Scott F of every item: one linear solve per table shape."""
    f, d0, v = (np.full(len(items), np.nan) for _ in range(3))
    shapes: dict[tuple[int, ...], list[int]] = {}
    for i, part in enumerate(parts):
        if part is not None:
            shapes.setdefault(part[0].shape, []).append(i)
    for index in shapes.values():
        # Only the items whose parts are not None were indexed by shape above.
        chosen = [part for i in index if (part := parts[i]) is not None]
        delta = np.linalg.solve(np.stack([p[0] for p in chosen]), np.stack([p[1] for p in chosen]))
        trace = np.trace(delta, axis1=1, axis2=2)
        d0[index] = trace**2 / np.trace(delta @ delta, axis1=1, axis2=2)
        f[index] = np.array([p[2] for p in chosen]) / trace
        v[index] = [p[3] for p in chosen]
    p_value = stats.f.sf(f, d0, d0 * nu)
    rows = [
        (item, "rao_scott_f", f[i], d0[i], d0[i] * nu, float(p_value[i]), v[i])
        for i, item in enumerate(items)
    ]
    return pd.DataFrame(rows, columns=list(_TEST_COLUMNS))
