"""Linearisation variance from weighted counts per variance group × cell.

Every estimator of this package (ratio means, proportions, totals, cell shares of a
crosstab, their differences) has an influence value that is linear in a few per-row
variables ``u_j`` (``w``, ``w·y``) with coefficients that depend only on the row's *cell*
(domain × category)::

    z_i = sum_j u_j[i] * A_j[cell_i, :]

So one weighted ``np.bincount`` of each ``u_j`` over ``group × cell`` codes carries all the
information the variance needs; no per-row Python runs after it.

* Clustered designs: ``group`` is the PSU; PSU totals are ``Z = sum_j B_j @ A_j`` and the
  variance is ``sum_h scale_h · sum_{i in h} (Z_i - mean_h Z)(Z_i - mean_h Z)ᵀ``.
* Element sampling: ``group`` is the stratum; the within-stratum sum of squares comes from
  the second moments ``Q_jl = Σ u_j u_l`` per stratum × cell, since each row has one cell.

The formulas and the lonely-PSU rules reproduce ``survey:::onestrat`` and
``survey:::onestage`` (R package ``survey`` 4.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.analysis.design import PreparedDesign, residualise, sum_by


@dataclass(frozen=True, eq=False)
class Tabulation:
    """Weighted sums of ``u_j`` and row counts per variance group × cell.

    ``counts`` may be left out (``None``) by a caller that counts rows itself and only asks
    for :meth:`covariance` (the barometer pass counts rows of several items at once).
    """

    prep: PreparedDesign
    n_cells: int
    sums: tuple[np.ndarray, ...]
    squares: dict[tuple[int, int], np.ndarray]
    counts: np.ndarray | None = None
    #: Each row's cell and the per-row values ``v_j`` (``u_j = w · v_j``), kept when the
    #: design needs per-row influence values (calibration, later stages).
    rows: tuple[np.ndarray, tuple[np.ndarray, ...]] | None = None

    def totals(self, j: int = 0) -> np.ndarray:
        """Σ u_j per cell over the whole sample."""
        return self.sums[j].sum(axis=0)

    def cell_counts(self) -> np.ndarray:
        """Number of rows per cell."""
        return self._counts().sum(axis=0)

    def _counts(self) -> np.ndarray:
        if self.counts is None:
            raise ValueError("the tabulation was built without its row counts")
        return self.counts

    def covariance(
        self,
        coefficients: Sequence[np.ndarray],
        *,
        full: bool = False,
        presence: np.ndarray | None = None,
        z: np.ndarray | None = None,
    ) -> np.ndarray:
        """Design covariance of the estimators whose influence is ``Σ_j u_j A_j[cell]``.

        ``coefficients`` holds one ``(n_cells, m)`` matrix per ``u_j``. Returns the ``(m, m)``
        covariance when ``full``, else the ``m`` variances. ``presence`` (strata × m, bool)
        says which strata hold the domain of each estimator; only the ``"average"``
        lonely-PSU rule needs it. ``z`` may pass the PSU totals of the influence values
        (``Σ_j B_j @ A_j``) when the caller has them in closed form (clustered designs).
        """
        prep = self.prep
        if prep.needs_rows:
            out = row_covariance(prep, self.row_influence(coefficients), full=full)
        elif prep.clustered:
            if z is None:
                z = sum(s @ a for s, a in zip(self.sums, coefficients, strict=False))
            means = np.add.reduceat(z, prep.group_starts, axis=0) / prep.n_psu[:, None]
            means[~prep.center] = 0.0
            zc = z - means[prep.group_stratum]
            weights = prep.scale[prep.group_stratum]
            if full:
                out = _cross_product(zc * weights[:, None], zc)
            else:
                out = np.einsum("gm,gm,g->m", zc, zc, weights)
        else:
            m = coefficients[0].shape[1]
            out = np.zeros((m, m)) if full else np.zeros(m)
            for (j, k), q in self.squares.items():
                if j >= len(coefficients) or k >= len(coefficients):
                    continue
                qs = prep.scale @ q
                a, b = coefficients[j], coefficients[k]
                term = (a * qs[:, None]).T @ b if full else np.einsum("cm,cm,c->m", a, b, qs)
                out = out + term if j == k else out + term + (term.T if full else term)
            t = sum(s @ a for s, a in zip(self.sums, coefficients, strict=False))
            factor = np.where(prep.center, prep.scale / prep.n_psu, 0.0)
            out = out - (
                (t * factor[:, None]).T @ t if full else np.einsum("hm,hm,h->m", t, t, factor)
            )
        if prep.lonely_rule == "average" and prep.lonely.any():
            present = np.ones((prep.n_strata, out.shape[0]), bool) if presence is None else presence
            n_strata = present.sum(axis=0)
            n_ok = (present & ~prep.lonely[:, None]).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(n_ok > 0, n_strata / n_ok, np.nan)
            out = out * np.sqrt(np.outer(ratio, ratio)) if full else out * ratio
        return out

    def row_influence(self, coefficients: Sequence[np.ndarray]) -> np.ndarray:
        """Per-row influence values ``w · (A_0[cell] + Σ_j v_j · A_j[cell])`` (rows × m).

        Rows whose cell is outside ``[0, n_cells)`` get 0.
        """
        if self.rows is None:
            raise ValueError("the tabulation was built without its rows")
        cell, values = self.rows
        inside = (cell >= 0) & (cell < self.n_cells)
        index = np.where(inside, cell, 0)
        z = coefficients[0][index]
        for v, a in zip(values, coefficients[1:], strict=False):
            z = z + v[:, None] * a[index]
        return z * (self.prep.weight * inside)[:, None]

    def stratum_presence(self, cells_per_domain: int, n_domains: int) -> np.ndarray:
        """(strata × domains) True where the stratum holds at least one row of the domain."""
        counts = self._counts()
        per_group = counts.reshape(counts.shape[0], -1, cells_per_domain).sum(axis=2)
        return stratum_presence(self.prep, per_group[:, :n_domains])

    def domain_df(self, cells_per_domain: int, n_domains: int) -> tuple[np.ndarray, np.ndarray]:
        """Per domain: design degrees of freedom and number of rows, as R's subset designs.

        Degrees of freedom = PSUs with at least one row of the domain minus strata with at
        least one row of the domain (``survey::degf`` of ``subset(design, domain)``).
        """
        counts = self._counts()
        per_group = counts.reshape(counts.shape[0], -1, cells_per_domain)
        return domain_df(self.prep, per_group[:, :n_domains].sum(axis=2))


#: OpenBLAS runs a matrix product of m·n·k multiply-adds on one thread below 4 × 65 536
#: (``GEMM_MULTITHREAD_THRESHOLD`` × ``SMP_THRESHOLD_MIN``); above, it starts its threads,
#: which costs milliseconds to tens of milliseconds on a busy machine for a product that
#: takes 0.1 ms on one core.
_ONE_THREAD_PRODUCT = 4 * 65_536


def _cross_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a.T @ b`` over the rows (PSUs), in slices small enough for one BLAS thread.

    A barometer's covariances are small (tens of cells) over a thousand PSUs: summing the
    products of slices of rows keeps each one on one thread. Large tables, where threads
    pay, get one product.
    """
    m, n = a.shape[1], b.shape[1]
    rows = _ONE_THREAD_PRODUCT // max(m * n, 1)
    if rows >= len(a) or rows < 16:
        return a.T @ b
    out = a[:rows].T @ b[:rows]
    for start in range(rows, len(a), rows):
        out += a[start : start + rows].T @ b[start : start + rows]
    return out


def row_covariance(prep: PreparedDesign, z: np.ndarray, *, full: bool) -> np.ndarray:
    """Design covariance from per-row influence values: calibration residuals, then stages.

    The first stage sums the residuals per PSU (or takes each row as its unit) and applies
    the usual between-PSU formula; each later stage adds, within every unit above it, the
    variance between its own units scaled by the sampling fractions above
    (``survey:::multistage``).
    """
    z = residualise(prep, z)
    if prep.clustered:
        totals = sum_by(prep.group, prep.n_groups, z)
        parent = prep.group_stratum
    else:
        totals, parent = z, prep.stratum
    out = _between(totals, parent, prep.n_strata, prep.n_psu, prep.scale, prep.center, full)
    for stage in prep.stages:
        totals = sum_by(stage.unit, stage.n_units, z)
        n_units = np.bincount(stage.parent, minlength=stage.n_parents)
        out = out + _between(
            totals, stage.parent, stage.n_parents, n_units, stage.scale, stage.center, full
        )
    return out


def _between(
    totals: np.ndarray,
    parent: np.ndarray,
    n_parents: int,
    n_units: np.ndarray,
    scale: np.ndarray,
    center: np.ndarray,
    full: bool,
) -> np.ndarray:
    """``Σ_h scale_h Σ_{i in h} (t_i - mean_h t)(t_i - mean_h t)ᵀ`` over units ``t_i``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sum_by(parent, n_parents, totals) / np.maximum(n_units, 1)[:, None]
    means[~center] = 0.0
    centred = totals - means[parent]
    weights = scale[parent]
    if full:
        return _cross_product(centred * weights[:, None], centred)
    return np.einsum("gm,gm,g->m", centred, centred, weights)


def stratum_presence(prep: PreparedDesign, per_group: np.ndarray) -> np.ndarray:
    """(strata × domains) True where the stratum holds a row of the domain.

    ``per_group`` holds the number of rows per variance group × domain.
    """
    if prep.clustered:
        per_group = np.add.reduceat(per_group, prep.group_starts, axis=0)
    return per_group > 0


def domain_df(prep: PreparedDesign, per_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Design degrees of freedom and number of rows of each domain (see Tabulation.domain_df).

    ``per_group`` holds the number of rows per variance group × domain.
    """
    rows = per_group.sum(axis=0)
    if prep.clustered:
        n_units = (per_group > 0).sum(axis=0)
        n_strata = (np.add.reduceat(per_group, prep.group_starts, axis=0) > 0).sum(axis=0)
    else:
        n_units = rows
        n_strata = (per_group > 0).sum(axis=0)
    return n_units - n_strata, rows


def tabulate(
    prep: PreparedDesign,
    cell: np.ndarray,
    n_cells: int,
    values: Sequence[np.ndarray] = (),
    *,
    base: np.ndarray | None = None,
) -> Tabulation:
    """Accumulate ``u_0 = w`` and ``u_j = w · values[j-1]`` per group × cell.

    ``cell`` holds each row's cell in ``[0, n_cells)``; rows outside every domain go to the
    cells of an extra "dump" domain that callers leave out. ``base`` may pass the
    precomputed ``group * n_cells`` codes (the barometer pass reuses them across items).
    """
    width = n_cells
    if base is None:
        base = prep.group * width
    code = base + cell
    size = prep.n_groups * width
    w = prep.weight
    us = [w, *(w * v for v in values)]

    def count(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(code, weights=weights, minlength=size).reshape(prep.n_groups, width)

    sums = tuple(count(u) for u in us)
    squares: dict[tuple[int, int], np.ndarray] = {}
    if not prep.clustered and not prep.needs_rows:
        for j in range(len(us)):
            for k in range(j, len(us)):
                squares[(j, k)] = count(us[j] * us[k])
    counts = count(None)
    rows = (cell, tuple(values)) if prep.needs_rows else None
    return Tabulation(prep, n_cells, sums, squares, counts, rows)
