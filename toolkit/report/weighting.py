"""The weighting of a barometer's waves, as the results app and the reports apply it.

``"none"``: every respondent counts once; ``"raking"``: each wave is raked to the
instrument's population margins (:mod:`toolkit.report.margins`) on the variables its
``analysis.weighting`` names, and the design says so, so that margins of error credit the
calibration. In both, the sample is taken as stratified by sector within each wave (the
quotas' design); waves are independent samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.analysis import Calibration, Design, rake
from toolkit.analysis.present import Labels
from toolkit.i18n import t
from toolkit.report.margins import instrument_margins, read_margins

__all__ = ["STRATUM", "WEIGHT", "WEIGHTINGS", "Weighted", "weigh"]

WEIGHTINGS = ("raking", "none")
#: Columns added to the frame: the weight and the stratum (wave × sector).
WEIGHT = "_poids"
STRATUM = "_strate"


@dataclass(frozen=True, eq=False)
class Weighted:
    """A frame ready for estimation, its design and how it was weighted (plain words)."""

    frame: pd.DataFrame
    design: Design
    method: str
    description: str
    variables: tuple[str, ...] = ()


def _stratum(frame: pd.DataFrame, sector: str | None) -> pd.Series:
    wave = frame["wave"].astype("string").fillna("")
    if sector is None or sector not in frame.columns:
        return wave
    return wave + "|" + frame[sector].astype("string").fillna("")


def weigh(
    frame: pd.DataFrame,
    instrument: Any,
    *,
    method: str = "raking",
    margins: str | Path | None = None,
    lang: str = "fr",
) -> Weighted:
    """Weight ``frame`` (one or several waves) and build its design.

    Falls back to ``"none"`` (and says so in ``description``) when raking is asked but the
    instrument has no margins file, or names no weighting variable found in it.
    """
    sector = getattr(instrument.analysis, "sector", None)
    data = frame.assign(**{STRATUM: _stratum(frame, sector)})
    population = read_margins(margins) if margins else instrument_margins(instrument.id)
    wanted = [v for v in instrument.analysis.weighting if v in data.columns]
    usable = [v for v in wanted if population and v in population]
    if method == "raking" and usable and population:
        chosen = {v: population[v] for v in usable}
        data[WEIGHT] = rake(data, chosen, by="wave")
        design = Design(
            weight=WEIGHT, strata=STRATUM, calibration=Calibration.rake(chosen, by="wave")
        )
        names = ", ".join(_name(instrument, v, lang) for v in usable)
        text = t("report.weighting.raking", lang, variables=names)
        return Weighted(data, design, "raking", text, tuple(usable))
    data[WEIGHT] = 1.0
    key = "report.weighting.none" if method == "none" else "report.weighting.no_margins"
    return Weighted(data, Design(strata=STRATUM), "none", t(key, lang))


def _name(instrument: Any, variable: str, lang: str) -> str:
    return Labels(instrument, lang).column(variable).lower()
