"""Disclosure control of published tables: small cells and secondary suppression.

Primary suppression hides every cell counting fewer than ``threshold`` respondents (but at
least one). Secondary suppression then hides more cells so that no hidden cell can be
recovered by subtraction from a published total: along every dimension of the table, a group
of cells that sums to a margin never holds exactly one hidden cell (the smallest other cell
of the group is hidden too, repeatedly until stable). This is the classic "no singleton in
a line" rule; it protects against subtraction from row and column totals, not against every
linear combination across several published tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.analysis._checks import fail
from toolkit.i18n import Msg

__all__ = ["STATISTIC_COLUMNS", "suppress"]

#: Columns blanked (set to NaN) in a suppressed row.
STATISTIC_COLUMNS = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "n",
    "weighted_count",
    "share",
    "row_pct",
    "col_pct",
)
_NOT_DIMENSIONS = frozenset(
    {
        *STATISTIC_COLUMNS,
        "variable",
        "n_valid",
        "n_nonsubstantive",
        "df",
        "suppressed",
        "suppression",
        "too_small",
    }
)


def _dimensions(table: pd.DataFrame) -> list[str]:
    dims = []
    for column in table.columns:
        if column in _NOT_DIMENSIONS:
            continue
        dtype = table[column].dtype
        if isinstance(dtype, pd.CategoricalDtype) or not pd.api.types.is_float_dtype(dtype):
            dims.append(str(column))
    return dims


def suppress(
    table: pd.DataFrame,
    *,
    threshold: int = 5,
    count: str = "n",
    dimensions: Sequence[str] | None = None,
    base: str | None = None,
) -> pd.DataFrame:
    """Hide small cells of a published table, with secondary suppression.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy table of this package (:func:`~toolkit.analysis.proportions`,
        :func:`~toolkit.analysis.crosstab` ``.table``...); not modified.
    threshold : int
        Cells with ``1 <= count < threshold`` respondents are hidden (default 5).
    count : str
        Column of unweighted respondent counts.
    dimensions : sequence of str, optional
        Columns along which cells add up to a published margin (e.g. ``["secteur",
        "level"]``). Default: every non-statistic column except ``variable`` (the ``by``
        columns and ``level``, or the two variables of a crosstab).
    base : str, optional
        Column of the domain's base (e.g. ``"n_valid"``): every cell of a domain whose base
        is under ``threshold`` is hidden too (primary), zero cells included, since a share of
        three respondents tells what each of them answered.

    Returns
    -------
    pandas.DataFrame
        A copy where hidden rows have NaN in :data:`STATISTIC_COLUMNS`, plus ``suppressed``
        (bool) and ``suppression`` (``"primary"``, ``"secondary"`` or ``""``).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.analysis import suppress
    >>> table = pd.DataFrame({"secteur": ["A", "A", "A", "B", "B", "B"],
    ...                       "level": [1, 2, 3, 1, 2, 3],
    ...                       "estimate": [0.5, 0.47, 0.03, 0.3, 0.3, 0.4],
    ...                       "n": [50, 47, 3, 30, 30, 40]})
    >>> suppress(table)[["secteur", "level", "estimate", "suppression"]]  # doctest: +NORMALIZE_WHITESPACE
      secteur  level  estimate suppression
    0       A      1       0.5
    1       A      2       NaN   secondary
    2       A      3       NaN     primary
    3       B      1       0.3
    4       B      2       NaN   secondary
    5       B      3       NaN   secondary
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise fail(
            "N016",
            "threshold",
            expected=Msg.of("analysis.expected.positive_integer"),
            got=repr(threshold),
        )
    if count not in table.columns:
        raise fail("N015", "count", column=count)
    dims = list(dimensions) if dimensions is not None else _dimensions(table)
    n = pd.to_numeric(table[count], errors="coerce").to_numpy(dtype=float)
    primary = (n >= 1) & (n < threshold)
    if base is not None:
        if base not in table.columns:
            raise fail("N015", "base", column=base)
        bases = pd.to_numeric(table[base], errors="coerce").to_numpy(dtype=float)
        primary |= (bases >= 1) & (bases < threshold)
    hidden = primary.copy()
    keys = [table[d].astype(str).to_numpy() for d in dims]
    groupings = []
    for j in range(len(dims)):
        others = [keys[i] for i in range(len(dims)) if i != j]
        if not others:
            groupings.append(np.zeros(len(table), dtype=np.int64))
            continue
        joined = pd.MultiIndex.from_arrays(others) if len(others) > 1 else pd.Index(others[0])
        groupings.append(pd.factorize(joined)[0])
    changed = True
    while changed:
        changed = False
        for j, group in enumerate(groupings):
            for g in np.unique(group):
                members = np.flatnonzero(group == g)
                if len(members) < 2 or hidden[members].sum() != 1:
                    continue
                candidates = members[~hidden[members]]
                hidden[_complement(candidates, n, hidden, groupings, j)] = True
                changed = True
    out = table.copy()
    blank = [c for c in STATISTIC_COLUMNS if c in out.columns]
    if hidden.any() and blank:
        out[blank] = out[blank].astype(float)
        out.loc[hidden, blank] = np.nan
    out["suppressed"] = hidden
    out["suppression"] = np.where(primary, "primary", np.where(hidden, "secondary", ""))
    return out


def _complement(
    candidates: np.ndarray,
    n: np.ndarray,
    hidden: np.ndarray,
    groupings: list[np.ndarray],
    current: int,
) -> int:
    """The cell to hide with a lone hidden cell: prefer one that completes another line.

    Score: lines of the other dimensions where hiding it creates a lone hidden cell, minus
    lines where it pairs an existing lone one; ties go to the smallest (non-empty) cell.
    """
    best, best_key = int(candidates[0]), None
    for c in candidates:
        score = 0
        for j, group in enumerate(groupings):
            if j == current:
                continue
            already = hidden[group == group[c]].sum()
            score += 1 if already == 0 else (-1 if already == 1 else 0)
        key = (n[c] <= 0, score, n[c])
        if best_key is None or key < best_key:
            best, best_key = int(c), key
    return best
