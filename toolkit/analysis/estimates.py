"""Design-based proportions, means and totals, overall and by domain.

Every function takes the frame first, the analysed column, then keyword options, and returns
a tidy :class:`pandas.DataFrame` with one row per domain (× level). Standard errors come from
Taylor linearisation (:mod:`toolkit.analysis._linear`), domains are estimated as
subpopulations (the full design is kept, as R's ``svyby``), and the numbers match R's
``survey`` package (``tests/golden/``).

Non-substantive answers ("ne sait pas", "refus": the ``<column>__missing`` companion of the
store's frames) never enter an estimate; they are counted in ``n_nonsubstantive``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
import pandas as pd

from toolkit.analysis._checks import (
    Coded,
    as_columns,
    check_choice,
    check_column,
    check_frame,
    check_level,
    coded,
    fail,
    multiple_choice_columns,
    numeric_values,
)
from toolkit.analysis._checks import (
    missing_codes as companion_codes,
)
from toolkit.analysis._domains import Domains, domains
from toolkit.analysis._linear import Tabulation, tabulate
from toolkit.analysis.ci import CI_METHODS, proportion_ci, wald_ci
from toolkit.analysis.design import Design, PreparedDesign, prepare
from toolkit.analysis.missing import MissingCodes, with_missing_codes
from toolkit.i18n import Msg

__all__ = ["means", "proportions", "top_box", "totals"]


@dataclass(frozen=True, eq=False)
class ProportionArrays:
    """Proportions of one categorical item in each domain (internal, shared with the pass)."""

    tab: Tabulation
    weighted: np.ndarray  # (D, K) weighted counts
    counts: np.ndarray  # (D, K) respondents
    estimate: np.ndarray  # (D, K)
    variance: np.ndarray  # (D, K)
    df: np.ndarray  # (D,)
    rows: np.ndarray  # (D,)
    n_valid: np.ndarray  # (D,)


def _nonsubstantive(data: pd.DataFrame, column: str, dom: Domains) -> np.ndarray:
    companion = companion_codes(data, column)
    if companion is None:
        return np.zeros(dom.size, dtype=np.int64)
    rows = dom.index[companion.codes >= 0]
    return np.bincount(rows, minlength=dom.size + 1)[: dom.size]


@overload
def proportion_arrays(
    prep: PreparedDesign,
    dom: Domains,
    codes: np.ndarray,
    n_levels: int,
    *,
    base: np.ndarray | None = ...,
    full: Literal[True],
) -> tuple[ProportionArrays, np.ndarray]: ...


@overload
def proportion_arrays(
    prep: PreparedDesign,
    dom: Domains,
    codes: np.ndarray,
    n_levels: int,
    *,
    base: np.ndarray | None = ...,
    full: Literal[False] = ...,
) -> tuple[ProportionArrays, None]: ...


def proportion_arrays(
    prep: PreparedDesign,
    dom: Domains,
    codes: np.ndarray,
    n_levels: int,
    *,
    base: np.ndarray | None = None,
    full: bool = False,
) -> tuple[ProportionArrays, np.ndarray | None]:
    """Weighted shares of ``n_levels`` categories (codes, -1 = missing) in each domain.

    Returns the arrays and, when ``full``, the whole covariance matrix of the ``D·K``
    shares (domain-major).
    """
    k = n_levels
    width = k + 1
    size = dom.size
    n_cells = (size + 1) * width
    cell = np.where(codes >= 0, codes, k).astype(np.int64)
    cell += dom.index * width
    tab = tabulate(prep, cell, n_cells, base=base)
    weighted = tab.totals().reshape(size + 1, width)[:size]
    counts = tab.cell_counts().reshape(size + 1, width)[:size]
    total = weighted[:, :k].sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    share = weighted[:, :k] / safe[:, None]
    coef: np.ndarray = np.zeros((size + 1, width, size, k))
    idx = np.arange(size)
    coef[idx, :k, idx, :] = (np.eye(k)[None] - share[:, None, :]) / safe[:, None, None]
    coef = coef.reshape(n_cells, size * k)
    presence = None
    if prep.lonely_rule == "average":
        presence = np.repeat(tab.stratum_presence(width, size), k, axis=1)
    z = share_influence(tab, size, width, share, safe) if prep.clustered else None
    cov = tab.covariance([coef], full=full, presence=presence, z=z)
    variance = np.diag(cov) if full else cov
    df, rows = tab.domain_df(width, size)
    estimate = np.where(total[:, None] > 0, share, np.nan)
    arrays = ProportionArrays(
        tab=tab,
        weighted=weighted[:, :k],
        counts=counts[:, :k],
        estimate=estimate,
        variance=variance.reshape(dom.size, k),
        df=df,
        rows=rows,
        n_valid=counts[:, :k].sum(axis=1),
    )
    return arrays, (cov if full else None)


def share_influence(
    tab: Tabulation, size: int, width: int, share: np.ndarray, safe: np.ndarray
) -> np.ndarray:
    """PSU totals of the influence values of domain shares, in closed form (no matrix product).

    ``z[g, d, k] = (B[g, d, k] - p[d, k] · N[g, d]) / N[d]`` where ``B`` are the PSU's weighted
    counts and ``N`` the domain's weighted totals.
    """
    k = width - 1
    counts = tab.sums[0].reshape(-1, size + 1, width)[:, :size, :k]
    z = (counts - share[None] * counts.sum(axis=2)[:, :, None]) / safe[None, :, None]
    return z.reshape(z.shape[0], size * k)


def _srs_deff(variance: np.ndarray, p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Design effect against simple random sampling with replacement (R ``deff="replace"``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return variance / (p * (1 - p) / (n - 1))


def _item_codes(data: pd.DataFrame, column: str, include_missing: bool) -> Coded:
    item = coded(data, column, "column")
    companion = companion_codes(data, column) if include_missing else None
    if companion is None:
        return item
    codes = np.where(
        item.codes >= 0,
        item.codes.astype(np.int64),
        np.where(companion.codes >= 0, companion.codes.astype(np.int64) + len(item.levels), -1),
    )
    return Coded(codes, item.levels + companion.levels, item.ordered)


def _frame(
    dom: Domains, keep: np.ndarray, repeat: int, columns: Mapping[str, object]
) -> pd.DataFrame:
    labels = dom.labels.iloc[np.repeat(np.flatnonzero(keep), repeat)].reset_index(drop=True)
    body = pd.DataFrame(columns)
    return pd.concat([labels, body], axis=1) if len(labels.columns) else body


def _check_common(data: pd.DataFrame, column: object, level: float) -> tuple[str, float]:
    check_frame(data)
    if not isinstance(column, str):
        raise fail(
            "N016", "column", expected=Msg.of("analysis.expected.column_name"), got=repr(column)
        )
    return column, check_level(level)


def proportions(
    data: pd.DataFrame,
    column: str,
    *,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    ci_method: str = "logit",
    level: float = 0.95,
    include_missing: bool = False,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """Weighted proportions of each answer of a single- or multiple-choice question.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (e.g. ``Store.frame()``); not modified.
    column : str
        A categorical, boolean, string or numeric column; or the name of a multiple-choice
        question whose answers are the boolean columns ``<column>/<value>`` (each option is
        then the share of respondents who ticked it, among those who answered).
    design : Design, optional
        Sampling design; ``None`` means unweighted simple random sampling.
    by : str or sequence of str, optional
        Domain columns (sector, wave, sex × age band...). Rows where a ``by`` value is
        missing are left out.
    ci_method : {"logit", "wilson", "beta", "asin", "mean"}
        Confidence interval method (see :mod:`toolkit.analysis.ci`); ``"korn-graubard"``
        and ``"clopper-pearson"`` are aliases of ``"beta"``, ``"wald"`` of ``"mean"``.
    level : float
        Confidence level.
    include_missing : bool
        Also report the non-substantive codes of ``<column>__missing`` as levels (the shares
        are then taken over every answer). By default they are excluded and only counted.
    missing_codes : sequence or mapping, optional
        Values of ``column`` that are don't-know or refusal codes (``[8, 9]``, or
        ``{"column": [99]}``), as in files from other tools: they are treated as
        non-substantive answers (:func:`~toolkit.analysis.recode_missing`).

    Returns
    -------
    pandas.DataFrame
        One row per domain × level, with the ``by`` columns then:

        ``variable`` (the column), ``level`` (the answer), ``estimate`` (share between 0 and
        1), ``se`` (linearised standard error), ``ci_low``, ``ci_high``, ``deff`` (design
        effect against simple random sampling with replacement), ``n`` (respondents giving
        this answer), ``n_valid`` (respondents with a substantive answer in the domain),
        ``n_nonsubstantive`` (respondents who answered with a non-substantive code),
        ``weighted_count`` (estimated population count) and ``df`` (design degrees of
        freedom of the domain). Domains with rows but no substantive answer get NaN
        estimates and standard errors and ``n_valid = 0``. Rows of weight 0 are no
        respondents (as R's ``nobs`` and ``degf``).

    Raises
    ------
    AnalysisError
        ``N001`` unknown column, ``N005`` no usable answer at all, ``N006`` unknown
        ``ci_method``, and the design errors of :func:`~toolkit.analysis.design.prepare`.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley (ch. 2-3).

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, proportions
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> table = proportions(frame, "securite", design=design)
    >>> table[["level", "estimate", "ci_low", "ci_high", "n"]].round(3)
      level  estimate  ci_low  ci_high    n
    0     1     0.187   0.150    0.230   87
    1     2     0.308   0.247    0.376  143
    2     3     0.283   0.239    0.331  124
    3     4     0.222   0.170    0.285  100
    >>> by_sector = proportions(frame, "securite", design=design, by="secteur")
    >>> by_sector.groupby("secteur")["estimate"].sum().round(6).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    column, level = _check_common(data, column, level)
    check_choice(ci_method, CI_METHODS, "ci_method")
    if column not in data.columns and multiple_choice_columns(data, column):
        return _multiple_choice(data, column, design, by, ci_method, level)
    check_column(data, column, "column")
    data = with_missing_codes(data, missing_codes, [column])
    prep = prepare(data, design)
    dom = domains(data, as_columns(by)).excluding(prep.observed)
    item = _item_codes(data, column, include_missing)
    if not (item.codes >= 0).any():
        raise fail("N005", "column", column=column, where="")
    return _proportion_table(data, column, prep, dom, item, ci_method, level, include_missing)


def _proportion_table(
    data: pd.DataFrame,
    column: str,
    prep: PreparedDesign,
    dom: Domains,
    item: Coded,
    ci_method: str,
    level: float,
    include_missing: bool,
    variable: str | None = None,
) -> pd.DataFrame:
    k = len(item.levels)
    arrays, _ = proportion_arrays(prep, dom, item.codes, k)
    keep = arrays.rows > 0
    # A domain without any substantive answer has no estimate, hence no standard error.
    se = np.where(arrays.n_valid[:, None] > 0, np.sqrt(arrays.variance), np.nan)
    low, high = proportion_ci(
        arrays.estimate,
        se,
        arrays.df[:, None],
        arrays.rows[:, None],
        method=ci_method,
        level=level,
    )
    deff = _srs_deff(se**2, arrays.estimate, arrays.n_valid[:, None])
    nonsub = (
        np.zeros(dom.size, dtype=np.int64)
        if include_missing
        else _nonsubstantive(data, column, dom)
    )
    sel = keep
    columns = {
        "variable": variable or column,
        "level": np.tile(np.array(item.levels, dtype=object), int(sel.sum())),
        "estimate": arrays.estimate[sel].ravel(),
        "se": se[sel].ravel(),
        "ci_low": low[sel].ravel(),
        "ci_high": high[sel].ravel(),
        "deff": deff[sel].ravel(),
        "n": arrays.counts[sel].ravel().astype(np.int64),
        "n_valid": np.repeat(arrays.n_valid[sel], k).astype(np.int64),
        "n_nonsubstantive": np.repeat(nonsub[sel], k).astype(np.int64),
        "weighted_count": arrays.weighted[sel].ravel(),
        "df": np.repeat(arrays.df[sel], k).astype(np.int64),
    }
    return _frame(dom, sel, k, columns)


def _multiple_choice(
    data: pd.DataFrame,
    column: str,
    design: Design | None,
    by: str | Sequence[str] | None,
    ci_method: str,
    level: float,
) -> pd.DataFrame:
    prep = prepare(data, design)
    dom = domains(data, as_columns(by)).excluding(prep.observed)
    tables = []
    for option in multiple_choice_columns(data, column):
        item = coded(data, option, "column")
        table = _proportion_table(data, option, prep, dom, item, ci_method, level, False, column)
        table = table[table["level"] == True].copy()  # noqa: E712 (object column of booleans)
        table["level"] = option[len(column) + 1 :]
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    if dom.by:
        order = {key: i for i, key in enumerate(dom.labels.itertuples(index=False, name=None))}
        keys = [order[tuple(row)] for row in out[list(dom.by)].itertuples(index=False, name=None)]
        out = out.iloc[np.argsort(keys, kind="stable")].reset_index(drop=True)
    return out


def top_box(
    data: pd.DataFrame,
    column: str,
    *,
    boxes: int = 2,
    bottom: bool = False,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    ci_method: str = "logit",
    level: float = 0.95,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """Share of the ``boxes`` highest (or lowest) substantive answers of a Likert item.

    "Top-2 box" is the share of respondents choosing one of the two most favourable answers
    among those who gave a substantive answer; "ne sait pas" and "refus" are excluded from
    the base and counted in ``n_nonsubstantive``.

    Parameters
    ----------
    data, design, by, ci_method, level, missing_codes
        As :func:`proportions`.
    column : str
        An ordered scale: an ordered categorical (the store's Likert columns) or a numeric
        column (its sorted distinct values are the scale points).
    boxes : int
        How many scale points make the box.
    bottom : bool
        Count the lowest ``boxes`` points instead of the highest.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`proportions`, one row per domain, ``level`` being
        ``"top_2"`` (or ``"bottom_2"``...).

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, top_box
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> top_box(frame, "securite", design=design)[["level", "estimate", "n", "n_valid"]].round(3)
       level  estimate    n  n_valid
    0  top_2     0.505  224      454
    """
    column, level = _check_common(data, column, level)
    check_column(data, column, "column")
    data = with_missing_codes(data, missing_codes, [column])
    item = coded(data, column, "column")
    if not item.ordered:
        raise fail("N017", "column", column=column, dtype=str(data[column].dtype))
    n_levels = len(item.levels)
    if not isinstance(boxes, int) or not 1 <= boxes < n_levels:
        raise fail(
            "N016",
            "boxes",
            expected=Msg.of("analysis.expected.integer_between", low=1, high=n_levels - 1),
            got=repr(boxes),
        )
    inside = item.codes < boxes if bottom else item.codes >= n_levels - boxes
    codes = np.where(item.codes >= 0, inside.astype(np.int64), -1)
    if not (codes >= 0).any():
        raise fail("N005", "column", column=column, where="")
    prep = prepare(data, design)
    dom = domains(data, as_columns(by)).excluding(prep.observed)
    table = _proportion_table(
        data, column, prep, dom, Coded(codes, (False, True), True), ci_method, level, False
    )
    table = table[table["level"] == True].reset_index(drop=True)  # noqa: E712
    table["level"] = f"{'bottom' if bottom else 'top'}_{boxes}"
    return table


def _numeric_arrays(
    data: pd.DataFrame, column: str, prep: PreparedDesign, dom: Domains
) -> tuple[np.ndarray, np.ndarray, Tabulation]:
    y = numeric_values(data, column, "column")
    valid = ~np.isnan(y)
    if not valid.any():
        raise fail("N005", "column", column=column, where="")
    cell = dom.index * 2 + np.where(valid, 0, 1)
    tab = tabulate(prep, cell, (dom.size + 1) * 2, [np.where(valid, y, 0.0)])
    return y, valid, tab


def _numeric_table(
    data: pd.DataFrame,
    column: str,
    design: Design | None,
    by: str | Sequence[str] | None,
    level: float,
    kind: str,
) -> pd.DataFrame:
    prep = prepare(data, design)
    dom = domains(data, as_columns(by)).excluding(prep.observed)
    y, valid, tab = _numeric_arrays(data, column, prep, dom)
    size = dom.size
    w_sum = tab.totals(0).reshape(size + 1, 2)[:size, 0]
    wy_sum = tab.totals(1).reshape(size + 1, 2)[:size, 0]
    n_valid = tab.cell_counts().reshape(size + 1, 2)[:size, 0]
    safe = np.where(w_sum > 0, w_sum, 1.0)
    mean = wy_sum / safe
    a0 = np.zeros((size + 1, 2, size))
    a1 = np.zeros((size + 1, 2, size))
    idx = np.arange(size)
    if kind == "mean":
        a0[idx, 0, idx] = -mean / safe
        a1[idx, 0, idx] = 1 / safe
        estimate = np.where(w_sum > 0, mean, np.nan)
    else:
        a1[idx, 0, idx] = 1.0
        estimate = np.where(n_valid > 0, wy_sum, np.nan)
    presence = tab.stratum_presence(2, size) if prep.lonely_rule == "average" else None
    variance = tab.covariance([a0.reshape(-1, size), a1.reshape(-1, size)], presence=presence)
    df, rows = tab.domain_df(2, size)
    # Weighted variance of y in each domain, for the design effect (R: svyvar).
    in_domain = valid & (dom.index < size)
    d = dom.index[in_domain]
    resid = y[in_domain] - mean[d]
    ss = np.bincount(d, weights=prep.weight[in_domain] * resid**2, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = ss / safe * n_valid / (n_valid - 1)
        vsrs = s2 / n_valid if kind == "mean" else s2 * w_sum**2 / n_valid
        deff = variance / vsrs
    se = np.where(n_valid > 0, np.sqrt(variance), np.nan)
    deff = np.where(n_valid > 0, deff, np.nan)
    low, high = wald_ci(estimate, se, df, level)
    nonsub = _nonsubstantive(data, column, dom)
    keep = rows > 0
    columns = {
        "variable": column,
        "estimate": estimate[keep],
        "se": se[keep],
        "ci_low": low[keep],
        "ci_high": high[keep],
        "deff": deff[keep],
        "n": n_valid[keep].astype(np.int64),
        "n_nonsubstantive": nonsub[keep].astype(np.int64),
        "df": df[keep].astype(np.int64),
    }
    return _frame(dom, keep, 1, columns)


def means(
    data: pd.DataFrame,
    column: str,
    *,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    level: float = 0.95,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """Weighted mean of a numeric column (or of the codes of an int-coded Likert item).

    Parameters
    ----------
    data, design, by, level, missing_codes
        As :func:`proportions`.
    column : str
        A numeric, boolean or ordered categorical column with numeric categories (the
        store's Likert items). Missing values and non-substantive codes are left out.

    Returns
    -------
    pandas.DataFrame
        One row per domain: the ``by`` columns, ``variable``, ``estimate`` (the mean),
        ``se``, ``ci_low``, ``ci_high`` (Student's *t* with the domain's design degrees of
        freedom), ``deff`` (design effect against simple random sampling with replacement),
        ``n`` (respondents with a value), ``n_nonsubstantive`` and ``df``.

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, means
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> means(frame, "securite", design=design, by="sexe")[["sexe", "estimate", "se", "n"]].round(3)
        sexe  estimate     se    n
    0  Femme     2.559  0.097  214
    1  Homme     2.525  0.094  240
    """
    column, level = _check_common(data, column, level)
    check_column(data, column, "column")
    data = with_missing_codes(data, missing_codes, [column])
    return _numeric_table(data, column, design, by, level, "mean")


def totals(
    data: pd.DataFrame,
    column: str,
    *,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    level: float = 0.95,
    missing_codes: MissingCodes | None = None,
) -> pd.DataFrame:
    """Weighted total of a numeric column, or estimated population counts of each answer.

    Parameters
    ----------
    data, design, by, level, missing_codes
        As :func:`proportions`.
    column : str
        A numeric column (its total is estimated), or a categorical / string / boolean
        column (the number of people giving each answer is estimated).

    Returns
    -------
    pandas.DataFrame
        As :func:`means` (``estimate`` is the total); categorical columns have one row per
        domain × ``level`` and ``n`` counts the respondents giving that answer.

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, totals
    >>> frame = example_frame()
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> totals(frame, "sexe", design=design)[["level", "estimate", "n"]].round(0)
       level  estimate    n
    0  Femme    4510.0  223
    1  Homme    5439.0  257
    """
    column, level = _check_common(data, column, level)
    check_column(data, column, "column")
    data = with_missing_codes(data, missing_codes, [column])
    series = data[column]
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )
    if numeric:
        return _numeric_table(data, column, design, by, level, "total")
    prep = prepare(data, design)
    dom = domains(data, as_columns(by)).excluding(prep.observed)
    item = coded(data, column, "column")
    if not (item.codes >= 0).any():
        raise fail("N005", "column", column=column, where="")
    return _category_totals(data, column, prep, dom, item, level)


def _category_totals(
    data: pd.DataFrame, column: str, prep: PreparedDesign, dom: Domains, item: Coded, level: float
) -> pd.DataFrame:
    k = len(item.levels)
    width = k + 1
    size = dom.size
    cell = dom.index * width + np.where(item.codes >= 0, item.codes, k)
    tab = tabulate(prep, cell.astype(np.int64), (size + 1) * width)
    weighted = tab.totals().reshape(size + 1, width)[:size, :k]
    counts = tab.cell_counts().reshape(size + 1, width)[:size, :k]
    coef = np.zeros((size + 1, width, size, k))
    idx = np.arange(size)
    coef[idx, :k, idx, :] = np.eye(k)[None]
    presence = None
    if prep.lonely_rule == "average":
        presence = np.repeat(tab.stratum_presence(width, size), k, axis=1)
    variance = tab.covariance([coef.reshape((size + 1) * width, size * k)], presence=presence)
    variance = variance.reshape(size, k)
    df, rows = tab.domain_df(width, size)
    n_valid = counts.sum(axis=1)
    w_sum = weighted.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = weighted / w_sum[:, None]
        s2 = p * (1 - p) * (n_valid / (n_valid - 1))[:, None]
        deff = variance / (s2 * (w_sum**2 / n_valid)[:, None])
    answered = n_valid[:, None] > 0
    se = np.where(answered, np.sqrt(variance), np.nan)
    weighted = np.where(answered, weighted, np.nan)
    deff = np.where(answered, deff, np.nan)
    low, high = wald_ci(weighted, se, df[:, None], level)
    keep = rows > 0
    nonsub = _nonsubstantive(data, column, dom)
    columns = {
        "variable": column,
        "level": np.tile(np.array(item.levels, dtype=object), int(keep.sum())),
        "estimate": weighted[keep].ravel(),
        "se": se[keep].ravel(),
        "ci_low": low[keep].ravel(),
        "ci_high": high[keep].ravel(),
        "deff": deff[keep].ravel(),
        "n": counts[keep].ravel().astype(np.int64),
        "n_nonsubstantive": np.repeat(nonsub[keep], k).astype(np.int64),
        "df": np.repeat(df[keep], k).astype(np.int64),
    }
    return _frame(dom, keep, k, columns)
