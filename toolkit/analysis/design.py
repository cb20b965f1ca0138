"""Survey design: a frozen set of column names, and its preparation against a frame.

:class:`Design` only names columns (weight, strata, the sampling units of each stage, their
finite population corrections), how the weights were calibrated (:class:`Calibration`) and
the rule for strata with a single PSU; it holds no data, so one design serves every frame of
a barometer. :func:`prepare` resolves it against a frame once: checked weights, integer
stratum and unit indices, and the variance factors used by :mod:`toolkit.analysis._linear`.

Variance is estimated by Taylor linearisation as R's ``survey::svydesign(ids=~psu1+psu2,
strata=~strata, weights=~w, fpc=~fpc1+fpc2, nest=TRUE)``: PSU labels are taken within strata
(``nest=TRUE``). With one stage, or without a finite population correction, the first-stage
"ultimate cluster" formula is used; with several stages and the fpc of each, the variance of
each later stage is added, weighted by the sampling fractions above it (``survey:::multistage``).
Calibrated weights get the variance of the calibration residuals (``survey:::svyrecvar``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.analysis._checks import as_columns, check_choice, check_column, check_frame, fail
from toolkit.analysis._domains import domains
from toolkit.i18n import Msg

__all__ = [
    "CALIBRATION_METHODS",
    "LONELY_PSU_RULES",
    "Calibration",
    "Design",
    "PreparedDesign",
    "prepare",
]

#: Rules for a stratum holding a single PSU, as R's ``options(survey.lonely.psu=...)``.
LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust", "average")
#: How calibrated weights were obtained (:func:`~toolkit.analysis.rake`,
#: :func:`~toolkit.analysis.poststratify`).
CALIBRATION_METHODS = ("rake", "poststratify")
#: Passes over the margins when projecting on raking margins (as ``survey:::svyrecvar``).
RAKING_PASSES = 10
#: A stratum sampled at a fraction this close to 1 contributes no variance (R's threshold).
CENSUS = 1e-7


@dataclass(frozen=True)
class Calibration:
    """The margins weights were calibrated on, so that standard errors credit the calibration.

    Parameters
    ----------
    margins : tuple of tuple of str
        The calibration cells: one tuple of columns per margin (``(("secteur",), ("sexe",))``
        for raking on two margins, ``(("sexe", "tranche_age"),)`` for post-stratification on
        a crossed table).
    method : {"rake", "poststratify"}
        ``"rake"``: the variance uses residuals of an iterated projection on every margin,
        as R's ``rake()`` designs; ``"poststratify"``: residuals from each cell's weighted
        mean, as R's ``postStratify()`` designs (the cells are the first margin).
    fixed_weights : bool
        Ignore the calibration in the variance: the weights are taken as fixed design
        weights (larger, conservative standard errors for shares, wrong for totals).

    Examples
    --------
    >>> from toolkit.analysis import Calibration
    >>> Calibration.rake(["sexe", "tranche_age"], by="wave").margins
    (('wave', 'sexe'), ('wave', 'tranche_age'))
    """

    margins: tuple[tuple[str, ...], ...]
    method: str = "rake"
    fixed_weights: bool = False

    def __post_init__(self) -> None:
        check_choice(self.method, CALIBRATION_METHODS, "calibration.method")
        margins = tuple(as_columns(m) for m in self.margins)
        if not margins or not all(margins):
            raise fail(
                "N016",
                "calibration.margins",
                expected=Msg.of("analysis.expected.margins"),
                got=repr(self.margins),
            )
        object.__setattr__(self, "margins", margins)

    @classmethod
    def rake(
        cls,
        margins: Mapping[str | tuple[str, ...], object] | Sequence[str | tuple[str, ...]],
        *,
        by: str | Sequence[str] | None = None,
    ) -> Calibration:
        """Raking on ``margins`` (columns, or the mapping given to :func:`rake`), within ``by``."""
        return cls(_crossed(margins, by), "rake")

    @classmethod
    def poststratify(
        cls, strata: str | Sequence[str], *, by: str | Sequence[str] | None = None
    ) -> Calibration:
        """Post-stratification on the cells of ``strata`` (within ``by``)."""
        return cls(((*as_columns(by), *as_columns(strata)),), "poststratify")

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for m in self.margins for c in m))


def _crossed(
    margins: Mapping[str | tuple[str, ...], object] | Sequence[str | tuple[str, ...]],
    by: str | Sequence[str] | None,
) -> tuple[tuple[str, ...], ...]:
    keys = list(margins.keys()) if isinstance(margins, Mapping) else list(margins)
    return tuple((*as_columns(by), *as_columns(key)) for key in keys)


@dataclass(frozen=True)
class Design:
    """Sampling design of a survey, as column names kept apart from the data.

    Parameters
    ----------
    weight : str, optional
        Column of sampling weights (inverse inclusion probabilities, or calibrated weights).
        Must be positive or zero and present on every row; rows of weight 0 stay in the
        design (their PSU counts) but are not respondents of any estimate, as in R.
        ``None``: every row weighs 1.
    strata : str, optional
        Column of first-stage strata. ``None``: one stratum.
    psu : str or sequence of str, optional
        Column of primary sampling units (clusters), nested within strata; a list names the
        units of each stage (``["quartier", "immeuble"]``), each nested in the one before.
        ``None``: each row is its own PSU (element sampling).
    fpc : str or sequence of str, optional
        Finite population correction of each stage, constant within a stratum (first stage)
        or within the unit above (later stages): the number of units in the population, or
        the sampling fraction (between 0 and 1), as in R's ``svydesign(fpc=)``. A multistage
        design takes either the fpc of every stage or none (then the first stage is taken
        as sampled with replacement, which includes the later stages' variance).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with a stratum that holds a single PSU, following R's ``survey.lonely.psu``
        option: ``"fail"`` raises :class:`~toolkit.errors.AnalysisError` (code ``N004``);
        ``"remove"`` and ``"certainty"`` let the stratum contribute nothing to the variance;
        ``"adjust"`` centres its PSU total on the overall mean instead of the stratum mean
        (conservative); ``"average"`` replaces its contribution by the average of the other
        strata (first stage only).
    calibration : Calibration, optional
        The margins the weights were calibrated on (:func:`~toolkit.analysis.rake`,
        :func:`~toolkit.analysis.poststratify`); standard errors then come from the
        calibration residuals. ``None``: the weights are design weights.

    Examples
    --------
    >>> from toolkit.analysis import Calibration, Design
    >>> design = Design(weight="poids", strata="secteur", psu="ilot")
    >>> design.replace(lonely_psu="adjust").lonely_psu
    'adjust'
    >>> Design(psu=["ecole", "classe"], fpc=["n_ecoles", "n_classes"]).stages
    ('ecole', 'classe')
    >>> raked = Design(weight="poids", calibration=Calibration.rake(["sexe", "tranche_age"]))
    >>> raked.columns
    ('poids', 'sexe', 'tranche_age')
    """

    weight: str | None = None
    strata: str | None = None
    psu: str | Sequence[str] | None = None
    fpc: str | Sequence[str] | None = None
    lonely_psu: str = "fail"
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        check_choice(self.lonely_psu, LONELY_PSU_RULES, "lonely_psu")
        for name in ("psu", "fpc"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                object.__setattr__(self, name, tuple(value))
        if self.calibration is not None and not isinstance(self.calibration, Calibration):
            raise fail(
                "N016",
                "calibration",
                expected=Msg.of("analysis.expected.calibration"),
                got=type(self.calibration).__name__,
            )
        stages, fpcs = self.stages, self.fpcs
        if fpcs and len(fpcs) != max(len(stages), 1):
            raise fail("N020", "fpc", stages=len(stages), fpcs=len(fpcs))
        if len(stages) > 1 and fpcs and self.lonely_psu == "average":
            raise fail("N021", "lonely_psu")

    def replace(self, **changes: object) -> Design:
        """A copy of the design with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def stages(self) -> tuple[str, ...]:
        """The sampling-unit columns, first stage first."""
        return as_columns(self.psu)

    @property
    def fpcs(self) -> tuple[str, ...]:
        """The finite population correction columns, first stage first."""
        return as_columns(self.fpc)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the design reads."""
        named = (self.weight, self.strata, *self.stages, *self.fpcs)
        calibrated = self.calibration.columns if self.calibration else ()
        return tuple(dict.fromkeys(c for c in (*named, *calibrated) if c))


@dataclass(frozen=True, eq=False)
class Stage:
    """A later sampling stage (internal): units within the units of the stage above.

    ``unit`` numbers each row's unit at this stage; ``parent`` each unit's "stratum" (the
    unit above it); ``scale`` per parent: the product of the sampling fractions above times
    ``(1 - f) · n / (n - 1)``; ``center`` per parent: False where a lonely unit is kept
    uncentred (``"adjust"``).
    """

    unit: np.ndarray
    n_units: int
    parent: np.ndarray
    n_parents: int
    scale: np.ndarray
    center: np.ndarray


@dataclass(frozen=True, eq=False)
class PreparedCalibration:
    """Calibration cells of every row, one array per margin (internal)."""

    method: str
    cells: tuple[np.ndarray, ...]
    sizes: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class PreparedDesign:
    """A design resolved against one frame (internal; built by :func:`prepare`).

    ``group`` indexes the variance groups of each row: the PSU when the design is clustered
    (PSUs numbered stratum by stratum), else the stratum (rows are their own PSUs and their
    moments are accumulated per stratum). ``observed`` is False on rows of weight 0.
    ``stages`` holds the later stages of a multistage design and ``calibration`` the
    calibration cells; either makes the variance go through per-row influence values
    (:attr:`needs_rows`).
    """

    n: int
    weight: np.ndarray
    observed: np.ndarray | None
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
    df: int
    stages: tuple[Stage, ...] = ()
    calibration: PreparedCalibration | None = None

    @property
    def n_strata(self) -> int:
        return len(self.strata_labels)

    @property
    def needs_rows(self) -> bool:
        """Whether the variance needs per-row influence values (calibration, later stages)."""
        return bool(self.stages) or self.calibration is not None


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
    bad = ~(np.isfinite(w) & (w >= 0))
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
    if not (w > 0).any():
        raise fail("N003", "design.weight", column=column, count=len(w), row=data.index[0], value=0)
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


def _nested(parent: np.ndarray, child: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units numbered within ``parent`` (sorted by parent), and each unit's parent."""
    n_labels = int(child.max()) + 1
    pairs = parent * n_labels + child
    unique_pairs, unit = np.unique(pairs, return_inverse=True)
    return unit.astype(np.int64), (unique_pairs // n_labels).astype(np.int64)


def prepare(data: pd.DataFrame, design: Design | None) -> PreparedDesign:
    """Resolve ``design`` against ``data``: check it and build the variance structure.

    Raises
    ------
    AnalysisError
        ``N001`` unknown column, ``N002`` non-numeric weight, ``N003`` negative or missing
        weight (or all zero), ``N004`` stratum (or unit) with one PSU under
        ``lonely_psu="fail"``, ``N007`` inconsistent finite population correction, ``N009``
        a calibration cell with a missing value.
    """
    check_frame(data)
    design = design or Design()
    if not isinstance(design, Design):
        raise fail(
            "N016", "design", expected=Msg.of("analysis.expected.design"), got=type(design).__name__
        )
    n = len(data)
    weight = _weights(data, design.weight)
    positive = weight > 0
    observed = None if positive.all() else positive
    strata = _factor(data, design.strata, "design.strata")
    if strata is None:
        stratum = np.zeros(n, dtype=np.int64)
        labels: tuple[object, ...] = ("",)
    else:
        stratum, labels = _codes(strata)
    n_strata = len(labels)
    stage_codes = []
    for column in design.stages:
        series = _factor(data, column, "design.psu")
        stage_codes.append(_codes(series)[0])
    if not stage_codes:
        n_psu = np.bincount(stratum, minlength=n_strata)
        group = stratum
        n_groups = n_strata
        group_stratum = np.arange(n_strata)
    else:
        group, group_stratum = _nested(stratum, stage_codes[0])
        n_groups = len(group_stratum)
        n_psu = np.bincount(group_stratum, minlength=n_strata)
    group_starts = np.concatenate([[0], np.cumsum(n_psu)[:-1]]).astype(np.int64)

    fpcs = design.fpcs
    remaining = np.ones(n_strata)
    if fpcs:
        remaining = _remaining(data, fpcs[0], stratum, n_psu, labels, 1)

    lonely = (n_psu == 1) & (remaining > CENSUS)
    if lonely.any() and design.lonely_psu == "fail":
        raise fail(
            "N004", "design.lonely_psu", stratum=labels[int(np.flatnonzero(lonely)[0])], stage=1
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_psu > 1, remaining * n_psu / (n_psu - 1.0), remaining)
    center = np.ones(n_strata, dtype=bool)
    if design.lonely_psu in ("remove", "certainty", "average"):
        scale = np.where(lonely, 0.0, scale)
    elif design.lonely_psu == "adjust":
        center = ~lonely

    stages: list[Stage] = []
    if len(stage_codes) > 1 and fpcs:
        stages = _later_stages(data, design, stage_codes, group, n_psu[stratum], remaining[stratum])
    # Degrees of freedom: PSUs minus strata among rows of positive weight (R's degf).
    seen_groups = np.unique(group[positive])
    seen_strata = np.unique(stratum[positive])
    df = (
        len(seen_groups) - len(seen_strata)
        if stage_codes
        else int(positive.sum()) - len(seen_strata)
    )
    return PreparedDesign(
        n=n,
        weight=weight,
        observed=observed,
        stratum=stratum,
        strata_labels=labels,
        clustered=bool(stage_codes),
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
        df=int(df),
        stages=tuple(stages),
        calibration=_calibration(data, design.calibration, positive),
    )


def _later_stages(
    data: pd.DataFrame,
    design: Design,
    stage_codes: list[np.ndarray],
    first_unit: np.ndarray,
    first_sampled: np.ndarray,
    first_remaining: np.ndarray,
) -> list[Stage]:
    """Stages 2, 3…: units nested in the unit above, each with its own fpc (rows' arrays)."""
    stages = []
    parent_unit = first_unit
    # Product of the sampling fractions above, per row: n / N = 1 - remaining.
    above = 1.0 - first_remaining
    for s in range(1, len(stage_codes)):
        unit, unit_parent = _nested(parent_unit, stage_codes[s])
        n_parents = int(parent_unit.max()) + 1
        n_units = np.bincount(unit_parent, minlength=n_parents)
        remaining = _remaining(data, design.fpcs[s], parent_unit, n_units, None, s + 1)
        lonely = (n_units == 1) & (remaining > CENSUS)
        if lonely.any() and design.lonely_psu == "fail":
            first = int(np.flatnonzero(lonely)[0])
            row = int(np.flatnonzero(parent_unit == first)[0])
            raise fail(
                "N004",
                "design.lonely_psu",
                stratum=f"{design.stages[s - 1]} = {data[design.stages[s - 1]].iloc[row]}",
                stage=s + 1,
            )
        # The fraction above is constant within a parent: take it from any of its rows.
        parent_above = np.zeros(n_parents)
        parent_above[parent_unit] = above
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(n_units > 1, remaining * n_units / (n_units - 1.0), remaining)
        scale = parent_above * scale
        center = np.ones(n_parents, dtype=bool)
        if design.lonely_psu in ("remove", "certainty"):
            scale = np.where(lonely, 0.0, scale)
        elif design.lonely_psu == "adjust":
            center = ~lonely
        stages.append(Stage(unit, len(unit_parent), unit_parent, n_parents, scale, center))
        above = above * (1.0 - remaining[parent_unit])
        parent_unit = unit
    return stages


def _remaining(
    data: pd.DataFrame,
    column: str,
    stratum: np.ndarray,
    n_sampled: np.ndarray,
    labels: tuple[object, ...] | None,
    stage: int,
) -> np.ndarray:
    """Per stratum (or parent unit), the share of the population not sampled (``1 - f``).

    The column holds population counts when any of its values exceeds 1, else sampling
    fractions (R's rule); it must be constant within each stratum.
    """
    check_column(data, column, "design.fpc")
    values = data[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    counts = bool(np.nanmax(values) > 1) if np.isfinite(values).any() else False
    n_strata = len(n_sampled)
    frame = pd.DataFrame({"s": stratum, "v": values})
    grouped = frame.groupby("s")["v"]
    low = grouped.min().reindex(range(n_strata)).to_numpy()
    high = grouped.max().reindex(range(n_strata)).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        remaining = np.where(counts, (low - n_sampled) / low, 1.0 - low)
    bad = ~np.isfinite(low) | (low != high) | (low <= 0) | (remaining < -1e-12)
    if not counts:
        bad |= low > 1
    if bad.any():
        h = int(np.flatnonzero(bad)[0])
        name = labels[h] if labels is not None else f"{column} ({h + 1})"
        raise fail("N007", "design.fpc", stratum=name, got=f"{low[h]}..{high[h]}", stage=stage)
    return np.clip(remaining, 0.0, 1.0)


def _calibration(
    data: pd.DataFrame, calibration: Calibration | None, positive: np.ndarray
) -> PreparedCalibration | None:
    if calibration is None or calibration.fixed_weights:
        return None
    cells, sizes = [], []
    for margin in calibration.margins:
        for column in margin:
            check_column(data, column, "design.calibration")
        dom = domains(data, margin)
        missing = (dom.index == dom.size) & positive
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise fail(
                "N009",
                "design.calibration",
                margin=" × ".join(margin),
                level=f"NA (row {data.index[first]})",
            )
        cells.append(dom.index)
        sizes.append(dom.size + 1)
    return PreparedCalibration(calibration.method, tuple(cells), tuple(sizes))


def residualise(prep: PreparedDesign, z: np.ndarray) -> np.ndarray:
    """Per-row influence values ``z`` (rows × estimates) minus their calibration fit.

    ``"poststratify"``: ``z - w · Σ_cell z / Σ_cell w`` (the weighted mean of ``z / w`` in
    each cell, R's ``postStratify`` designs). ``"rake"``: ten passes over the margins of
    ``e ← e - mean_cell(e)`` on ``e = z / w`` with plain means over the cell's rows, then
    ``z = w · e`` (R's ``rake`` designs). Rows of weight 0 keep ``z = 0`` and stay out of
    the means.
    """
    cal = prep.calibration
    if cal is None:
        return z
    w = prep.weight
    positive = w > 0
    if cal.method == "poststratify":
        cell, size = cal.cells[0], cal.sizes[0]
        totals = sum_by(cell, size, z)
        weight_sums = np.bincount(cell, weights=w, minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            means = np.where(weight_sums[:, None] > 0, totals / weight_sums[:, None], 0.0)
        return z - w[:, None] * means[cell]
    safe = np.where(positive, w, 1.0)
    e = np.where(positive[:, None], z / safe[:, None], 0.0)
    members = [
        np.bincount(c[positive], minlength=s) for c, s in zip(cal.cells, cal.sizes, strict=True)
    ]
    for _ in range(RAKING_PASSES):
        for cell, size, count in zip(cal.cells, cal.sizes, members, strict=True):
            with np.errstate(divide="ignore", invalid="ignore"):
                means = sum_by(cell, size, e) / np.maximum(count, 1)[:, None]
            e = e - np.where(positive[:, None], means[cell], 0.0)
    return e * w[:, None]


def sum_by(index: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` (rows × m) within each ``index`` in ``[0, size)``."""
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, weights=values[:, j], minlength=size)
    return out
