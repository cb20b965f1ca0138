"""Agreement report on coded segments: per code and overall, with bootstrap CIs, and the
list of disagreements to talk over.

Units are segments. For each code, a coder's decision on a segment is 1 (code applied,
whole segment or a span of it) or 0 (segment looked at, code not applied); a coder who has
not looked at the segment is missing. *Overall* pools the decisions on every (segment, code)
pair; its bootstrap resamples segments, keeping each segment's codes together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.qual.agreement import (
    _agree_features,
    _agree_from,
    _alpha_from,
    _cohen_from,
    _fleiss_features,
    _fleiss_from,
    _kripp_features,
    replicate_weights,
)
from toolkit.qual.errors import qual_error

__all__ = ["OVERALL", "STATISTICS", "agreement", "disagreements"]

OVERALL = "__overall__"
STATISTICS = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")


def _check(decisions: pd.DataFrame, columns: dict[str, str]) -> None:
    missing = [c for c in columns.values() if c not in decisions.columns]
    if missing:
        raise qual_error(
            "Q056", field=", ".join(missing), known=", ".join(map(str, decisions.columns))
        )


def agreement(
    decisions: pd.DataFrame,
    *,
    unit: str = "segment_id",
    coder: str = "coder",
    code: str = "code",
    value: str = "present",
    coders: list[str] | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 20261201,
) -> pd.DataFrame:
    """Agreement between coders, per code and overall.

    Parameters
    ----------
    decisions
        One row per (unit, coder, code) with a 0/1 ``value``, as
        :meth:`toolkit.qual.QualProject.decisions` returns.
    coders
        Coders to compare (default: every coder present).
    n_boot
        Bootstrap replicates (0: no confidence interval).
    seed
        Seed of the bootstrap (the same seed gives the same intervals).

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per code (``__overall__`` last) and statistic: ``code``,
        ``statistic`` (``percent_agreement``, ``cohen_kappa`` — two coders only,
        ``fleiss_kappa`` — units seen by every coder, ``krippendorff_alpha`` — nominal,
        missing allowed), ``estimate``, ``ci_low``, ``ci_high``, ``n_units`` (units with at
        least two decisions), ``n_coders``, ``n_coded`` (decisions with the code applied).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"segment_id": [1, 1, 2, 2, 3, 3], "coder": ["a", "b"] * 3,
    ...                   "code": "x", "present": [1, 1, 0, 0, 1, 0]})
    >>> table = agreement(d, n_boot=0)
    >>> table.loc[table["statistic"] == "percent_agreement", "estimate"].round(3).tolist()
    [0.667]
    """
    _check(decisions, {"unit": unit, "coder": coder, "code": code, "value": value})
    frame = decisions[[unit, coder, code, value]]
    if coders is not None:
        frame = frame[frame[coder].isin(coders)]
    names = sorted(frame[coder].unique()) if coders is None else list(coders)
    if len(names) < 2:
        raise qual_error("Q057", field="coders", got=len(names))
    units = np.sort(frame[unit].unique())
    codes = list(dict.fromkeys(frame[code]))
    u_index = pd.Index(units)
    c_index = {name: i for i, name in enumerate(names)}
    # counts[code][unit] = (n coded 0, n coded 1); both coders' values for Cohen.
    n_units, n_coders = len(units), len(names)
    ones = np.zeros((len(codes), n_units))
    zeros = np.zeros((len(codes), n_units))
    pair = np.full((len(codes), n_units, 2), -1, dtype=int)
    k_of = {k: i for i, k in enumerate(codes)}
    ui = u_index.get_indexer(frame[unit])
    ki = frame[code].map(k_of).to_numpy()
    vi = frame[value].astype(int).to_numpy()
    np.add.at(ones, (ki, ui), vi == 1)
    np.add.at(zeros, (ki, ui), vi == 0)
    if n_coders == 2:
        ci = frame[coder].map(c_index).to_numpy()
        pair[ki, ui, ci] = vi
    rng = np.random.default_rng(seed)
    weights = list(replicate_weights(n_units, n_boot, rng)) if n_boot > 0 and n_units > 1 else []
    features_by_code = []
    for k in range(len(codes)):
        counts = np.column_stack([zeros[k], ones[k]])
        features_by_code.append(_features(counts, pair[k] if n_coders == 2 else None, n_coders))
    rows = []
    for k, name in enumerate(codes):
        rows.extend(_rows(name, features_by_code[k], weights, level, n_coders, int(ones[k].sum())))
    pooled = (
        {key: sum(f[key] for f in features_by_code) for key in features_by_code[0]} if codes else {}
    )
    if len(codes) > 1:
        rows.extend(_rows(OVERALL, pooled, weights, level, n_coders, int(ones.sum())))
    return pd.DataFrame(
        rows,
        columns=[
            "code",
            "statistic",
            "estimate",
            "ci_low",
            "ci_high",
            "n_units",
            "n_coders",
            "n_coded",
        ],
    )


def _features(counts: np.ndarray, pair: np.ndarray | None, n_coders: int) -> dict[str, np.ndarray]:
    m = counts.sum(axis=1)
    out = {
        "pairable": (m >= 2).astype(float)[:, None],
        "agree": _agree_features(counts),
        "kripp": _kripp_features(counts),
    }
    full = m == n_coders
    with np.errstate(divide="ignore", invalid="ignore"):
        fleiss = _fleiss_features(counts)
    fleiss[~full] = 0.0
    out["fleiss"] = fleiss
    if pair is not None:
        both = (pair >= 0).all(axis=1)
        onehot = np.zeros((counts.shape[0], 4))
        onehot[both, pair[both, 0] * 2 + pair[both, 1]] = 1.0
        out["cohen"] = onehot
    return out


_BINARY = np.array([0.0, 1.0])


def _stat(kind: str, sums: np.ndarray, n_coders: int) -> np.ndarray:
    if kind == "agree":
        return _agree_from(sums)
    if kind == "kripp":
        return _alpha_from(sums, "nominal", _BINARY)
    if kind == "fleiss":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sums[:, -1] > 0, _fleiss_from(sums, float(n_coders)), np.nan)
    return _cohen_from(sums, None)


def _rows(code, features, weights, level, n_coders, n_coded) -> list[tuple]:
    names = {
        "agree": "percent_agreement",
        "cohen": "cohen_kappa",
        "fleiss": "fleiss_kappa",
        "kripp": "krippendorff_alpha",
    }
    n_units = int(features["pairable"].sum())
    out = []
    for kind, statistic in names.items():
        if kind not in features:
            continue
        f = features[kind]
        estimate = float(_stat(kind, f.sum(axis=0, keepdims=True), n_coders)[0])
        low = high = float("nan")
        if weights:
            draws = np.concatenate([_stat(kind, w @ f, n_coders) for w in weights])
            draws = draws[np.isfinite(draws)]
            if draws.size:
                tail = (1 - level) / 2 * 100
                low, high = (float(x) for x in np.percentile(draws, [tail, 100 - tail]))
        out.append((code, statistic, estimate, low, high, n_units, n_coders, n_coded))
    return out


def disagreements(
    decisions: pd.DataFrame,
    *,
    unit: str = "segment_id",
    coder: str = "coder",
    code: str = "code",
    value: str = "present",
) -> pd.DataFrame:
    """Units where coders who looked at them decided differently on a code.

    Returns
    -------
    pandas.DataFrame
        ``segment_id`` (the unit), ``code``, ``applied_by`` and ``not_applied_by``
        (coders, comma-separated, sorted), sorted by unit then code.

    Examples
    --------
    Awa and Marc agree on segment 1 and differ on segments 2 and 3, the ones to talk over
    in the reconciliation meeting:

    >>> import pandas as pd
    >>> d = pd.DataFrame({"segment_id": [1, 1, 2, 2, 3, 3], "coder": ["Awa", "Marc"] * 3,
    ...                   "code": "bruit", "present": [1, 1, 0, 1, 1, 0]})
    >>> disagreements(d)
       segment_id   code applied_by not_applied_by
    0           2  bruit       Marc            Awa
    1           3  bruit        Awa           Marc
    """
    _check(decisions, {"unit": unit, "coder": coder, "code": code, "value": value})
    rows = []
    for (u, k), group in decisions.groupby([unit, code], sort=True):
        applied = sorted(group.loc[group[value] == 1, coder].astype(str))
        not_applied = sorted(group.loc[group[value] == 0, coder].astype(str))
        if applied and not_applied:
            rows.append((u, k, ", ".join(applied), ", ".join(not_applied)))
    return pd.DataFrame(rows, columns=[unit, "code", "applied_by", "not_applied_by"])
