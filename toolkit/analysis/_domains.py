"""Domains (``by=`` groups) as integer indices, with their labels."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.analysis._checks import check_column, coded

_MAX_DENSE = 20_000


@dataclass(frozen=True, eq=False)
class Domains:
    """Each row's domain in ``[0, size)``, or ``size`` (the dump slot) when a ``by`` value is NA.

    ``labels`` has one row per domain index and one column per ``by`` column (no rows and no
    columns but one unnamed domain when ``by`` is empty).
    """

    by: tuple[str, ...]
    index: np.ndarray
    size: int
    labels: pd.DataFrame

    def excluding(self, observed: np.ndarray | None) -> Domains:
        """The same domains with the rows where ``observed`` is False moved to the dump slot.

        Rows of weight 0 are no respondent of any domain (R's ``degf`` and ``nobs`` leave
        them out) while they stay in the design.
        """
        if observed is None:
            return self
        return Domains(self.by, np.where(observed, self.index, self.size), self.size, self.labels)


def domains(data: pd.DataFrame, by: tuple[str, ...]) -> Domains:
    """Combine the ``by`` columns into one domain index (level order kept, NA rows dumped)."""
    n = len(data)
    if not by:
        return Domains((), np.zeros(n, dtype=np.int64), 1, pd.DataFrame(index=range(1)))
    parts = []
    for column in by:
        check_column(data, column, "by")
        parts.append(coded(data, column, "by"))
    if len(parts) == 1:
        index = parts[0].codes.astype(np.int64)
        missing = index < 0
    else:
        index = np.zeros(n, dtype=np.int64)
        missing = np.zeros(n, dtype=bool)
        for part in parts:
            index = index * len(part.levels) + np.maximum(part.codes, 0)
            missing |= part.codes < 0
    size = int(np.prod([len(p.levels) for p in parts]))
    if size <= _MAX_DENSE:
        combos = list(itertools.product(*(p.levels for p in parts)))
        labels = pd.DataFrame(combos, columns=list(by))
        index[missing] = size
        return Domains(by, index, size, labels)
    used, inverse = np.unique(index[~missing], return_inverse=True)
    compact = np.full(n, len(used), dtype=np.int64)
    compact[~missing] = inverse
    rows = []
    for value in used:
        combo = []
        for part in reversed(parts):
            value, code = divmod(int(value), len(part.levels))
            combo.append(part.levels[code])
        rows.append(tuple(reversed(combo)))
    return Domains(by, compact, len(used), pd.DataFrame(rows, columns=list(by)))
