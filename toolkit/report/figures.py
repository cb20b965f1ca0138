"""Charts of the reports in one house style, as PNG bytes.

Colour-blind-safe (ColorBrewer RdBu for agreement scales, Okabe–Ito for series, a single blue
for bars) and readable in grayscale (dark and light ends of the scale, markers and line
styles that differ per series); labels of the instrument, never codes; long labels wrapped.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from toolkit.analysis import plot_likert, plot_proportions, plot_trend

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["bars_png", "likert_png", "paired_bars_png", "proportions_png", "trend_png", "wrapped"]

_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "figure.dpi": 100,
}


def wrapped(labels: Mapping[object, str], width: int = 34) -> dict[object, str]:
    """Labels wrapped on several lines so that long questions fit beside the bars."""
    return {
        key: "\n".join(textwrap.wrap(str(text), width)) or str(text) for key, text in labels.items()
    }


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=170, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def likert_png(table: pd.DataFrame, labels: Mapping[object, str]) -> bytes:
    """Diverging bars of Likert answers (one bar per item, or per item × domain)."""
    bars = len(
        table[["variable", *[c for c in table.columns[:1] if c != "variable"]]].drop_duplicates()
    )
    with plt.rc_context(_RC):
        figure, ax = plt.subplots(figsize=(7.2, 1.0 + 0.55 * max(bars, 2)))
        plot_likert(table, labels=wrapped(labels, 38), ax=ax)
        return _png(figure)


def proportions_png(
    table: pd.DataFrame, labels: Mapping[object, str], *, level: object = None
) -> bytes:
    """Bars of one answer's share by domain with confidence-interval whiskers."""
    with plt.rc_context(_RC):
        figure, ax = plt.subplots(figsize=(7.2, 3.4))
        plot_proportions(table, level=level, labels=wrapped(labels, 14), ax=ax)
        return _png(figure)


def trend_png(table: pd.DataFrame, labels: Mapping[object, str], *, wave: str = "wave") -> bytes:
    """Lines across waves, one per domain, with confidence bands."""
    with plt.rc_context(_RC):
        figure, ax = plt.subplots(figsize=(7.2, 3.4))
        plot_trend(table, wave=wave, labels=labels, ax=ax)
        return _png(figure)


def paired_bars_png(
    names: list[str],
    before: list[float],
    after: list[float],
    *,
    before_label: str,
    after_label: str,
    ylabel: str,
) -> bytes:
    """Two bars per item (before / after, in percent): blue and orange, the second hatched."""
    import numpy as np

    with plt.rc_context(_RC):
        figure, ax = plt.subplots(figsize=(7.2, 3.6))
        x = np.arange(len(names))
        ax.bar(
            x - 0.2,
            np.nan_to_num(before),
            0.4,
            label=before_label,
            color="#56B4E9",
            edgecolor="black",
        )
        ax.bar(
            x + 0.2,
            np.nan_to_num(after),
            0.4,
            label=after_label,
            color="#E69F00",
            edgecolor="black",
            hatch="//",
        )
        ax.set_xticks(x, ["\n".join(textwrap.wrap(n, 18)) for n in names])
        ax.set_ylim(0, 100)
        ax.set_ylabel(ylabel)
        ax.legend(frameon=False, loc="upper left")
        return _png(figure)


def bars_png(names: list[str], values: list[float], *, xlabel: str) -> bytes:
    """Horizontal bars (percent), one per item, in the house blue."""
    import numpy as np

    with plt.rc_context(_RC):
        figure, ax = plt.subplots(figsize=(7.2, 0.8 + 0.5 * max(len(names), 2)))
        y = np.arange(len(names))[::-1]
        ax.barh(y, np.nan_to_num(values), color="#0072B2")
        ax.set_yticks(y, ["\n".join(textwrap.wrap(n, 40)) for n in names])
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        return _png(figure)
