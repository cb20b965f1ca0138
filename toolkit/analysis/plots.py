"""Plots of the analysis tables (matplotlib): Likert bars, proportions by sector, trends.

Each function takes a tidy table of this package, draws on ``ax`` (a new figure when
``None``), returns the :class:`~matplotlib.axes.Axes` and never calls ``plt.show()``.
Labels are French by default (message catalogue); pass ``labels`` to show the question and
answer labels of the instrument (:func:`instrument_labels`). Cells hidden by
:func:`~toolkit.analysis.suppress` are drawn empty and marked "s".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from toolkit.analysis._checks import check_column, fail
from toolkit.i18n import Msg, t

__all__ = ["instrument_labels", "plot_likert", "plot_proportions", "plot_trend"]

_NEGATIVE = ("#b2182b", "#ef8a62", "#fddbc7")
_POSITIVE = ("#d1e5f0", "#67a9cf", "#2166ac")
_NEUTRAL = "#d9d9d9"
#: Okabe–Ito colours, markers and line styles: series stay apart for colour-blind readers and
#: in grayscale print.
_SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_LINES = ("-", "--", "-.", ":")


class _Label(Protocol):
    def get(self, lang: str | None = None) -> str: ...


class _Choice(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def label(self) -> _Label: ...


class _ChoiceList(Protocol):
    @property
    def choices(self) -> Sequence[_Choice]: ...


class _Question(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> _Label | None: ...


class LabelledInstrument(Protocol):
    """What :func:`instrument_labels` reads of an instrument (analysis does not import them)."""

    def fields(self) -> Iterable[_Question]: ...
    def choices_of(self, name: str) -> _ChoiceList | None: ...


def instrument_labels(instrument: LabelledInstrument, lang: str | None = None) -> dict[object, str]:
    """Question and answer labels of an instrument, for the ``labels`` of the plots.

    Reads ``instrument.fields()`` (each question's ``name`` and ``label``) and
    ``instrument.choices_of(name)`` (each choice's ``value`` and ``label``); answer values
    are keyed both as text and, when numeric, as int (the store's Likert categories).

    Examples
    --------
    >>> from toolkit.instruments import load
    >>> labels = instrument_labels(load("surveys/barometre_ambiance.yaml"))
    >>> labels["secteur"], labels["gare"]
    ('Secteur où habite la personne', 'Quartier de la Gare')
    """
    labels: dict[object, str] = {}
    for question in instrument.fields():
        if question.label is not None:
            labels[question.name] = question.label.get(lang)
        choices = instrument.choices_of(question.name)
        for choice in choices.choices if choices is not None else ():
            text = choice.label.get(lang)
            labels.setdefault(choice.value, text)
            if str(choice.value).lstrip("-").isdigit():
                labels.setdefault(int(choice.value), text)
    return labels


def _ax(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _label(labels: Mapping[object, str] | None, key: object) -> str:
    if labels and key in labels:
        return str(labels[key])
    return str(key)


def _domain_column(table: pd.DataFrame, exclude: tuple[str, ...]) -> str | None:
    for column in table.columns:
        if column in exclude:
            continue
        if column in ("variable", "level", "estimate"):
            break
        return str(column)
    return None


def _hidden(table: pd.DataFrame) -> np.ndarray:
    if "suppressed" in table.columns:
        return table["suppressed"].to_numpy(dtype=bool)
    return np.zeros(len(table), dtype=bool)


def plot_likert(
    table: pd.DataFrame,
    *,
    labels: Mapping[object, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Diverging stacked bars of Likert answers, centred between disagreement and agreement.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~toolkit.analysis.proportions` for one or several Likert items
        (concatenated), optionally ``by`` one domain column (one bar per item × domain).
        The lower half of the levels is drawn to the left of zero, the upper half to the
        right (the middle level of an odd scale is split in two).
    labels : mapping, optional
        Labels of items and answer levels (:func:`instrument_labels`).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    title : str, optional
        Title of the plot.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.analysis import LIKERT_ITEMS, example_frame, plot_likert, proportions
    >>> frame = example_frame()
    >>> table = pd.concat([proportions(frame, item) for item in LIKERT_ITEMS])
    >>> ax = plot_likert(table, labels={1: "Pas du tout", 4: "Tout à fait"})
    >>> len(ax.get_yticklabels())
    4
    """
    for column in ("variable", "level", "estimate"):
        check_column(table, column, "table")
    ax = _ax(ax)
    domain = _domain_column(table, ())
    levels = list(dict.fromkeys(table["level"]))
    k = len(levels)
    half = k / 2
    colours = [
        *_NEGATIVE[-int(k // 2) :][::1],
        *([_NEUTRAL] if k % 2 else []),
        *_POSITIVE[: int(k // 2)],
    ]
    if len(colours) != k:
        colours = list(plt.get_cmap("RdBu")(np.linspace(0.1, 0.9, k)))
    keys = ["variable"] if domain is None else ["variable", domain]
    bars = list(dict.fromkeys(table[keys].itertuples(index=False, name=None)))
    hidden = _hidden(table)
    y = np.arange(len(bars))[::-1]
    for i, bar in enumerate(bars):
        rows = table[(table[keys].apply(tuple, axis=1) == bar).to_numpy()]
        shares = {lv: 100 * est for lv, est in zip(rows["level"], rows["estimate"], strict=True)}
        secret = hidden[(table[keys].apply(tuple, axis=1) == bar).to_numpy()].any()
        values = np.array([shares.get(lv, np.nan) for lv in levels], dtype=float)
        values = np.nan_to_num(values)
        left = -values[: int(np.ceil(half))].sum() + (values[k // 2] / 2 if k % 2 else 0)
        for j, value in enumerate(values):
            label = _label(labels, levels[j]) if i == 0 else None
            ax.barh(y[i], value, left=left, color=colours[j], edgecolor="white", label=label)
            left += value
        if secret:
            ax.text(left + 1, y[i], "s", va="center")
    names = [
        " · ".join(_label(labels, part) for part in bar) if len(bar) > 1 else _label(labels, bar[0])
        for bar in bars
    ]
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(t("analysis.share_answers"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=min(k, 5), frameon=False)
    if title:
        ax.set_title(title)
    return ax


def _one_level(table: pd.DataFrame, level: object) -> pd.DataFrame:
    """The rows of one answer (``level``); it may be left out when the table holds only one."""
    levels = list(dict.fromkeys(table["level"]))
    if level is None and len(levels) > 1:
        raise fail(
            "N016",
            "level",
            expected=Msg.of("analysis.expected.one_of", options=", ".join(map(str, levels))),
            got="None",
        )
    return table[table["level"] == (levels[0] if level is None else level)]


def plot_proportions(
    table: pd.DataFrame,
    *,
    level: object | None = None,
    labels: Mapping[object, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Bars of one answer's share by domain (e.g. sector), with confidence-interval bars.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~toolkit.analysis.proportions` or :func:`~toolkit.analysis.top_box`
        with ``by`` one domain column.
    level : object, optional
        The answer to show; needed when the table holds several levels.
    labels, ax, title
        As :func:`plot_likert`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, plot_proportions, top_box
    >>> frame = example_frame()
    >>> table = top_box(frame, "securite", design=Design(weight="poids"), by="secteur")
    >>> ax = plot_proportions(table)
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['Centre', 'Gare', 'Les Hauts', 'Rive Sud']
    """
    for column in ("level", "estimate", "ci_low", "ci_high"):
        check_column(table, column, "table")
    chosen = _one_level(table, level).reset_index(drop=True)
    ax = _ax(ax)
    domain = _domain_column(chosen, ())
    names = (
        ["" if domain is None else _label(labels, v) for v in chosen[domain]]
        if domain
        else [t("analysis.overall")]
    )
    est = 100 * chosen["estimate"].to_numpy(dtype=float)
    low = 100 * chosen["ci_low"].to_numpy(dtype=float)
    high = 100 * chosen["ci_high"].to_numpy(dtype=float)
    x = np.arange(len(chosen))
    ax.bar(x, np.nan_to_num(est), color=_POSITIVE[1])
    ok = ~np.isnan(est)
    ax.errorbar(
        x[ok],
        est[ok],
        yerr=[est[ok] - low[ok], high[ok] - est[ok]],
        fmt="none",
        ecolor="black",
        capsize=4,
    )
    for xi in x[_hidden(chosen)]:
        ax.text(xi, 1, "s", ha="center")
    ax.set_xticks(x, names)
    ax.set_ylabel(t("analysis.proportion"))
    ax.set_ylim(0, max(100.0, float(np.nanmax(high)) if ok.any() else 100.0))
    if title:
        ax.set_title(title)
    return ax


def plot_trend(
    table: pd.DataFrame,
    *,
    wave: str = "wave",
    level: object | None = None,
    labels: Mapping[object, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Lines across waves with confidence bands, one line per other domain (e.g. sector).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~toolkit.analysis.means`, :func:`~toolkit.analysis.proportions` or
        :func:`~toolkit.analysis.top_box` with ``by`` including the ``wave`` column (e.g.
        ``by=["secteur", "wave"]``). Proportions are drawn in percent.
    wave : str
        The wave column (its order is the time order).
    level : object, optional
        The answer to follow, when the table holds several levels.
    labels, ax, title
        As :func:`plot_likert`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, plot_trend, top_box
    >>> frame = example_frame()
    >>> table = top_box(frame, "securite", design=Design(weight="poids"), by=["secteur", "wave"])
    >>> ax = plot_trend(table)
    >>> len(ax.get_lines())
    4
    """
    for column in (wave, "estimate", "ci_low", "ci_high"):
        check_column(table, column, "table")
    data = table
    percent = "level" in table.columns
    if percent:
        data = _one_level(table, level)
    ax = _ax(ax)
    group = _domain_column(data, (wave,))
    waves = list(dict.fromkeys(data[wave]))
    scale = 100.0 if percent else 1.0
    for key, rows in data.groupby(group, sort=False, observed=True) if group else [(None, data)]:
        x = [waves.index(v) for v in rows[wave]]
        hidden = _hidden(rows)
        est = np.where(hidden, np.nan, scale * rows["estimate"].to_numpy(dtype=float))
        name = t("analysis.overall") if key is None else _label(labels, key)
        k = len(ax.get_lines())
        (line,) = ax.plot(
            x,
            est,
            marker=_MARKERS[k % len(_MARKERS)],
            linestyle=_LINES[k % len(_LINES)],
            color=_SERIES[k % len(_SERIES)],
            label=name,
        )
        ax.fill_between(
            x,
            scale * rows["ci_low"].to_numpy(dtype=float),
            scale * rows["ci_high"].to_numpy(dtype=float),
            color=line.get_color(),
            alpha=0.15,
            linewidth=0,
        )
    ax.set_xticks(range(len(waves)), [_label(labels, v) for v in waves])
    ax.set_xlabel(t("analysis.wave"))
    ax.set_ylabel(t("analysis.proportion") if percent else t("analysis.mean"))
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    return ax
