"""Survey design: a frozen set of column names, and its preparation against a frame.

:class:`Design` only names columns (weight, strata, primary sampling units, finite population
correction) and the rule for strata with a single PSU; it holds no data, so one design serves
every frame of a barometer. :func:`prepare` resolves it against a frame once: checked weights,
integer stratum and PSU indices, and the per-stratum variance factors used by
:mod:`toolkit.analysis._linear`.

Variance is estimated by Taylor linearisation with the first-stage "ultimate cluster"
approximation, exactly as R's ``survey::svydesign(ids=~psu, strata=~strata, weights=~w,
fpc=~fpc, nest=TRUE)``: PSU labels are taken within strata (``nest=TRUE``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.analysis._checks import check_choice, check_column, check_frame, fail
from toolkit.i18n import Msg

__all__ = ["LONELY_PSU_RULES", "Design", "PreparedDesign", "prepare"]

#: Rules for a stratum holding a single PSU, as R's ``options(survey.lonely.psu=...)``.
LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust", "average")


@dataclass(frozen=True)
class Design:
    """Sampling design of a survey, as column names kept apart from the data.

    Parameters
    ----------
    weight : str, optional
        Column of sampling weights (inverse inclusion probabilities, or calibrated weights).
        Must be strictly positive and present on every row. ``None``: every row weighs 1.
    strata : str, optional
        Column of strata. ``None``: one stratum.
    psu : str, optional
        Column of primary sampling units (clusters), nested within strata. ``None``: each row
        is its own PSU (element sampling).
    fpc : str, optional
        Finite population correction, constant within a stratum: either the number of PSUs
        in the stratum's population (a value of at least the number sampled), or the sampling
        fraction (a value between 0 and 1), as in R's ``svydesign(fpc=)``.
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with a stratum that holds a single PSU, following R's ``survey.lonely.psu``
        option: ``"fail"`` raises :class:`~toolkit.errors.AnalysisError` (code ``N004``);
        ``"remove"`` and ``"certainty"`` let the stratum contribute nothing to the variance;
        ``"adjust"`` centres its PSU total on the overall mean instead of the stratum mean
        (conservative); ``"average"`` replaces its contribution by the average of the other
        strata.

    Examples
    --------
    >>> from toolkit.analysis import Design
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> design.replace(lonely_psu="adjust").lonely_psu
    'adjust'
    """

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: str = "fail"

    def __post_init__(self) -> None:
        check_choice(self.lonely_psu, LONELY_PSU_RULES, "lonely_psu")

    def replace(self, **changes: object) -> Design:
        """A copy of the design with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the design reads."""
        return tuple(c for c in (self.weight, self.strata, self.psu, self.fpc) if c)


@dataclass(frozen=True, eq=False)
class PreparedDesign:
    """A design resolved against one frame (internal; built by :func:`prepare`).

    ``group`` indexes the variance groups of each row: the PSU when the design is clustered
    (PSUs numbered stratum by stratum), else the stratum (rows are their own PSUs and their
    moments are accumulated per stratum).
    """

    n: int
    weight: np.ndarray
    stratum: np.ndarray
    strata_labels: tuple[object, ...]
    clustered: bool
    group: np.ndarray
    n_groups: int
    group_stratum: np.ndarray
    group_starts: np.ndarray
    n_psu: np.ndarray
    scale: np.ndarray
    center: np.ndarray
    lonely: np.ndarray
    lonely_rule: str
    weighted: bool

    @property
    def n_strata(self) -> int:
        return len(self.strata_labels)

    @property
    def df(self) -> int:
        """Design degrees of freedom: number of PSUs minus number of strata."""
        return int(self.n_psu.sum() - self.n_strata)


def _codes(series: pd.Series) -> tuple[np.ndarray, tuple[object, ...]]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        present = np.bincount(codes + 1, minlength=len(series.cat.categories) + 1)[1:] > 0
        used = np.flatnonzero(present)
        remap = np.full(len(series.cat.categories), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        labels = tuple(series.cat.categories[used])
        return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), labels
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), tuple(uniques)


def _weights(data: pd.DataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.ones(len(data))
    check_column(data, column, "design.weight")
    series = data[column]
    if not (pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series)):
        raise fail("N002", "design.weight", column=column, dtype=str(series.dtype))
    w = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise fail(
            "N003",
            "design.weight",
            column=column,
            count=int(bad.sum()),
            row=data.index[first],
            value=w[first],
        )
    return w


def _factor(data: pd.DataFrame, column: str | None, argument: str) -> pd.Series | None:
    if column is None:
        return None
    check_column(data, column, argument)
    series = data[column]
    if series.isna().any():
        first = series.index[series.isna().to_numpy()][0]
        raise fail(
            "N016",
            argument,
            expected=Msg.of("analysis.expected.no_missing"),
            got=Msg.of("analysis.got.na_at", row=first),
        )
    return series


def prepare(data: pd.DataFrame, design: Design | None) -> PreparedDesign:
    """Resolve ``design`` against ``data``: check it and build the variance structure.

    Raises
    ------
    AnalysisError
        ``N001`` unknown column, ``N002`` non-numeric weight, ``N003`` zero, negative or
        missing weight, ``N004`` stratum with one PSU under ``lonely_psu="fail"``,
        ``N007`` inconsistent finite population correction.
    """
    check_frame(data)
    design = design or Design()
    if not isinstance(design, Design):
        raise fail(
            "N016", "design", expected=Msg.of("analysis.expected.design"), got=type(design).__name__
        )
    n = len(data)
    weight = _weights(data, design.weight)
    strata = _factor(data, design.strata, "design.strata")
    if strata is None:
        stratum = np.zeros(n, dtype=np.int64)
        labels: tuple[object, ...] = ("",)
    else:
        stratum, labels = _codes(strata)
    n_strata = len(labels)
    psu = _factor(data, design.psu, "design.psu")
    if psu is None:
        n_psu = np.bincount(stratum, minlength=n_strata)
        group = stratum
        n_groups = n_strata
        group_stratum = np.arange(n_strata)
    else:
        psu_codes, _ = _codes(psu)
        n_labels = int(psu_codes.max()) + 1
        pairs = stratum * n_labels + psu_codes
        unique_pairs, group = _dense_unique(pairs, n_strata * n_labels)
        n_groups = len(unique_pairs)
        group_stratum = unique_pairs // n_labels
        n_psu = np.bincount(group_stratum, minlength=n_strata)
    group_starts = np.concatenate([[0], np.cumsum(n_psu)[:-1]]).astype(np.int64)

    remaining = np.ones(n_strata)
    if design.fpc is not None:
        remaining = _fpc(data, design.fpc, stratum, n_psu, labels)

    lonely = n_psu == 1
    if lonely.any() and design.lonely_psu == "fail":
        raise fail("N004", "design.lonely_psu", stratum=labels[int(np.flatnonzero(lonely)[0])])
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(lonely, remaining, remaining * n_psu / (n_psu - 1.0))
    center = np.ones(n_strata, dtype=bool)
    if design.lonely_psu in ("remove", "certainty", "average"):
        scale = np.where(lonely, 0.0, scale)
    elif design.lonely_psu == "adjust":
        center = ~lonely
    return PreparedDesign(
        n=n,
        weight=weight,
        stratum=stratum,
        strata_labels=labels,
        clustered=psu is not None,
        group=group,
        n_groups=n_groups,
        group_stratum=group_stratum,
        group_starts=group_starts,
        n_psu=n_psu,
        scale=scale,
        center=center,
        lonely=lonely,
        lonely_rule=design.lonely_psu,
        weighted=design.weight is not None,
    )


def _dense_unique(values: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of non-negative ints below ``bound`` and each one's rank, in O(n)."""
    if bound > 50_000_000:
        unique, inverse = np.unique(values, return_inverse=True)
        return unique, inverse.astype(np.int64)
    present = np.bincount(values, minlength=bound) > 0
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[values].astype(np.int64)


def _fpc(
    data: pd.DataFrame,
    column: str,
    stratum: np.ndarray,
    n_psu: np.ndarray,
    labels: tuple[object, ...],
) -> np.ndarray:
    """Per stratum, the share of the population not sampled (``1 - f``)."""
    check_column(data, column, "design.fpc")
    values = data[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    remaining = np.ones(len(labels))
    low = pd.Series(values).groupby(stratum).min().to_numpy()
    high = pd.Series(values).groupby(stratum).max().to_numpy()
    for h, (lo, hi) in enumerate(zip(low, high, strict=True)):
        ok = np.isfinite(lo) and lo == hi and lo > 0
        if ok and lo <= 1:
            remaining[h] = 1.0 - lo
        elif ok and lo >= n_psu[h]:
            remaining[h] = (lo - n_psu[h]) / lo
        else:
            raise fail("N007", "design.fpc", stratum=labels[h], got=f"{lo}..{hi}")
    return remaining
