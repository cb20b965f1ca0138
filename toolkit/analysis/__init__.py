"""Design-based analysis of survey frames: estimates, tests, weighting, disclosure, plots.

Functions take a frame (e.g. ``Store.frame()``) first, the analysed columns, then keyword
options, and return tidy DataFrames; a :class:`Design` names the weight, strata, PSU and
finite population correction columns. Estimates match R's ``survey`` package
(``tests/golden/``).
"""

from toolkit.analysis.barometer import BarometerResult, barometer
from toolkit.analysis.ci import CI_METHODS, proportion_ci
from toolkit.analysis.compare import CORRECTIONS, adjust_p_values, compare_sectors, compare_waves
from toolkit.analysis.crosstab import Crosstab, crosstab
from toolkit.analysis.design import CALIBRATION_METHODS, LONELY_PSU_RULES, Calibration, Design
from toolkit.analysis.disclosure import suppress
from toolkit.analysis.estimates import means, proportions, top_box, totals
from toolkit.analysis.example import LIKERT_ITEMS, example_frame
from toolkit.analysis.missing import recode_missing
from toolkit.analysis.plots import instrument_labels, plot_likert, plot_proportions, plot_trend
from toolkit.analysis.present import LabelSource, present, show, table_html, wave_label
from toolkit.analysis.scales import (
    AmbianceIndex,
    ambiance_index,
    cronbach_alpha,
    item_rest,
    scale_score,
)
from toolkit.analysis.weighting import poststratify, rake, trim_weights, weight_summary

__all__ = [
    "CALIBRATION_METHODS",
    "CI_METHODS",
    "CORRECTIONS",
    "LIKERT_ITEMS",
    "LONELY_PSU_RULES",
    "AmbianceIndex",
    "BarometerResult",
    "Calibration",
    "Crosstab",
    "Design",
    "LabelSource",
    "adjust_p_values",
    "ambiance_index",
    "barometer",
    "compare_sectors",
    "compare_waves",
    "cronbach_alpha",
    "crosstab",
    "example_frame",
    "instrument_labels",
    "item_rest",
    "means",
    "plot_likert",
    "plot_proportions",
    "plot_trend",
    "poststratify",
    "present",
    "proportion_ci",
    "proportions",
    "rake",
    "recode_missing",
    "scale_score",
    "show",
    "suppress",
    "table_html",
    "top_box",
    "totals",
    "trim_weights",
    "wave_label",
    "weight_summary",
]
