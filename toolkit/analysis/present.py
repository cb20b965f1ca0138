"""The presentation layer: any estimate table of this package as the table people read.

:func:`present` turns a tidy table (:func:`~toolkit.analysis.proportions`,
:func:`~toolkit.analysis.top_box`, :func:`~toolkit.analysis.means`,
:func:`~toolkit.analysis.compare_waves`, :func:`~toolkit.analysis.compare_sectors`, the
tables of :func:`~toolkit.analysis.barometer`) into a display table: question and answer
labels of the instrument instead of codes, shares with their margin of error as people read
them (« 42 % (± 5 points) »), the number of respondents, changes flagged only when
significant, and every cell under the disclosure threshold written « effectif trop faible »
(:func:`~toolkit.analysis.suppress`, with the domain's base counted too). The results app,
the reports and the analysis notebook all show tables through it.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from toolkit.analysis._checks import check_choice
from toolkit.analysis.disclosure import suppress
from toolkit.analysis.formats import (
    format_count,
    format_margin,
    format_number,
    format_points,
    format_share,
    share_margin,
)
from toolkit.i18n import get_language, t

__all__ = ["KINDS", "LabelSource", "Labels", "Shown", "present", "show", "table_html", "wave_label"]

#: Table kinds :func:`present` knows; ``None`` lets it tell from the columns.
KINDS = ("share", "mean", "total", "change", "pairs")

_SEASONS = {
    "printemps": "present.season.spring",
    "ete": "present.season.summer",
    "été": "present.season.summer",
    "automne": "present.season.autumn",
    "hiver": "present.season.winter",
}
_WAVE = re.compile(r"^(\d{4})[-_ ]([A-Za-zéÉ]+)$")
_BOX = re.compile(r"^(top|bottom)_(\d+)$")


def wave_label(wave: object, lang: str | None = None) -> str:
    """A wave name as people say it: ``"2026-printemps"`` → « Printemps 2026 ».

    >>> wave_label("2026-printemps"), wave_label("2026-printemps", "en"), wave_label("V3")
    ('Printemps 2026', 'Spring 2026', 'V3')
    """
    text = str(wave)
    match = _WAVE.match(text)
    if match and match.group(2).lower() in _SEASONS:
        return t(
            "present.wave",
            lang,
            season=t(_SEASONS[match.group(2).lower()], lang),
            year=match.group(1),
        )
    return text


@runtime_checkable
class LabelSource(Protocol):
    """Where :func:`present` finds labels: what it reads of an instrument, nothing more.

    :class:`toolkit.instruments.Instrument` is one (``Store.instrument(id)``); this module
    does not import it, so the analysis layer stays below the instruments and the store.

    ``question(name)`` returns an object with ``name``, ``label`` (``.get(lang)``) and
    ``type``, or raises ``KeyError``; ``choices_of(name)`` returns ``None`` or an object
    whose ``choices`` each have ``value``, ``label`` (``.get(lang)``) and ``missing``. An
    optional ``analysis.sector`` names the sector column.
    """

    def question(self, name: str) -> Any: ...

    def choices_of(self, name: str) -> Any: ...


@dataclass(frozen=True)
class Labels:
    """Labels of an instrument's questions and answers in one language (internal helper)."""

    instrument: LabelSource | None
    lang: str

    def _question(self, name: str) -> Any:
        if self.instrument is None:
            return None
        try:
            return self.instrument.question(name)
        except KeyError:
            return None

    def variable(self, name: object) -> str:
        """The question's label; the composite index and unknown names made readable."""
        key = str(name)
        if key == "indice_ambiance":
            return t("present.ambiance_index", self.lang)
        question = self._question(key)
        if question is not None and question.label is not None:
            return question.label.get(self.lang)
        return key.replace("_", " ").strip().capitalize()

    def column(self, name: object) -> str:
        """Header of a domain column: short words for the sector and the wave."""
        key = str(name)
        if key in ("wave", "vague"):
            return t("present.col.wave", self.lang)
        sector = getattr(getattr(self.instrument, "analysis", None), "sector", None)
        if key in ("sector", sector, "secteur"):
            return t("present.col.sector", self.lang)
        short = {"sexe": "present.col.sex", "tranche_age": "present.col.age"}
        if key in short:
            return t(short[key], self.lang)
        return self.variable(key)

    def choices(self, variable: object) -> list[Any]:
        question = self._question(str(variable))
        if question is None or self.instrument is None:
            return []
        found = self.instrument.choices_of(question.name)
        return list(found.choices) if found is not None else []

    def value(self, variable: object, value: object) -> str:
        """Label of one answer (or domain value) of ``variable``."""
        if isinstance(value, bool | np.bool_):
            return t("present.yes" if value else "present.no", self.lang)
        if str(variable) in ("wave", "vague"):
            return wave_label(value, self.lang)
        for choice in self.choices(variable):
            if str(choice.value) == _plain(value):
                return choice.label.get(self.lang)
        return str(_plain(value))

    def level(self, variable: object, level: object) -> str:
        """Label of a table's ``level``: an answer, or « Plutôt ou tout à fait d'accord »."""
        match = _BOX.match(str(level))
        if match:
            substantive = [c for c in self.choices(variable) if not c.missing]
            k = int(match.group(2))
            chosen = substantive[-k:] if match.group(1) == "top" else substantive[:k]
            if chosen:
                names = [c.label.get(self.lang) for c in chosen]
                return t("present.or", self.lang).join(
                    [names[0], *(n[:1].lower() + n[1:] for n in names[1:])]
                )
            return t(f"present.{match.group(1)}_box", self.lang, n=k)
        return self.value(variable, level)


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(table: pd.DataFrame) -> str:
    columns = set(table.columns)
    if {"wave_from", "wave_to"} <= columns:
        return "change"
    if "p_adjusted" in columns:
        return "pairs"
    if "level" in columns and "n_valid" in columns:
        return "share"
    return "mean"


def _domain_columns(table: pd.DataFrame) -> list[str]:
    out = []
    for column in table.columns:
        if column in ("variable", "level", "estimate"):
            break
        out.append(str(column))
    return out


def present(
    table: pd.DataFrame,
    instrument: LabelSource | None = None,
    *,
    lang: str | None = None,
    threshold: int = 5,
    kind: str | None = None,
    wide: bool = False,
    details: bool = False,
) -> pd.DataFrame:
    """The display table of an estimate table, in French (or English).

    Parameters
    ----------
    table : pandas.DataFrame
        A table of this package (see the module's description); not modified.
    instrument : LabelSource, optional
        Where question and answer labels come from: an instrument (``Store.instrument(id)``)
        or anything with its ``question`` and ``choices_of`` methods (:class:`LabelSource`).
        Without it, names are only made readable.
    lang : {"fr", "en"}, optional
        Language of labels and numbers (default: the current language).
    threshold : int
        Disclosure threshold: cells of fewer respondents, and every cell of a domain whose
        base is under it, read « effectif trop faible » (:func:`~toolkit.analysis.suppress`
        with secondary suppression); in comparisons, a side under it is not shown.
    kind : {"share", "mean", "total", "change", "pairs"}, optional
        What the table holds; by default told from its columns (numeric tables are taken
        as means; say ``"total"`` for totals).
    wide : bool
        Shares and means by one domain column: one column per domain (« Centre-ville »,
        « Les Tilleuls »…) and a last row of respondents, as in a printed report.
    details : bool
        Add the confidence interval and the design effect.

    Returns
    -------
    pandas.DataFrame
        Text cells, columns named in ``lang``. Long shares: the domain columns, then
        « Question », « Réponse », « Part (marge d'erreur) », « Répondants ». Means and
        totals: the domain columns, « Indicateur », « Moyenne » (or « Total ») and
        « Répondants ». Changes: the domain columns, « Question », « Avant », « Après »
        (each headed by its wave), « Évolution », « Lecture ». Sector pairs: « Question »,
        the two sectors, « Écart », « Lecture ». No index to read, no codes.

    Examples
    --------
    >>> from toolkit.analysis import Design, example_frame, present, top_box
    >>> frame = example_frame()
    >>> table = top_box(frame, "securite", design=Design(weight="poids"), by="secteur")
    >>> shown = present(table)
    >>> list(shown.columns)
    ['Secteur', 'Question', 'Réponse', 'Part (marge d’erreur)', 'Répondants']
    >>> shown.iloc[0, 3]
    '47\\xa0% (±\\xa09\\xa0points)'
    """
    lang = lang or get_language()
    kind = check_choice(kind, KINDS, "kind") if kind is not None else _kind(table)
    labels = Labels(instrument, lang)
    if kind == "change":
        return _changes(table, labels, threshold)
    if kind == "pairs":
        return _pairs(table, labels, threshold)
    base = "n_valid" if "n_valid" in table.columns else None
    hidden = (
        suppress(table, threshold=threshold, base=base)
        if "suppressed" not in table.columns
        else table
    )
    if kind == "share":
        return _shares(hidden, labels, wide, details)
    return _numbers(hidden, labels, kind, wide, details)


def _too_few(labels: Labels) -> str:
    return t("present.too_few", labels.lang)


def _domains(
    table: pd.DataFrame, labels: Labels, domain_columns: list[str]
) -> dict[str, list[str]]:
    return {labels.column(c): [labels.value(c, v) for v in table[c]] for c in domain_columns}


def _shares(table: pd.DataFrame, labels: Labels, wide: bool, details: bool) -> pd.DataFrame:
    lang = labels.lang
    domain_columns = _domain_columns(table)
    compact = wide and len(domain_columns) == 1
    cells, intervals = [], []
    for row in table.itertuples(index=False):
        if row.suppressed or not np.isfinite(row.estimate):
            cells.append(_too_few(labels) if row.suppressed else "—")
            intervals.append("")
            continue
        margin = share_margin(row.estimate, row.ci_low, row.ci_high, lang, short=compact)
        share = format_share(row.estimate, lang)
        cells.append(t("present.share_cell", lang, share=share, margin=margin))
        low, high = format_share(row.ci_low, lang), format_share(row.ci_high, lang)
        intervals.append(t("present.interval", lang, low=low, high=high))
    questions = [labels.variable(v) for v in table["variable"]]
    answers = [labels.level(v, lv) for v, lv in zip(table["variable"], table["level"], strict=True)]
    if compact:
        return _wide(table, labels, domain_columns[0], questions, answers, cells)
    out = pd.DataFrame(_domains(table, labels, domain_columns))
    out[t("present.col.question", lang)] = questions
    out[t("present.col.answer", lang)] = answers
    out[t("present.col.share", lang)] = cells
    if details:
        out[t("present.col.interval", lang)] = intervals
        out[t("present.col.deff", lang)] = [
            "" if not np.isfinite(d) else format_number(d, lang, decimals=2) for d in table["deff"]
        ]
    out[t("present.col.respondents", lang)] = [format_count(n, lang) for n in table["n_valid"]]
    return out


def _wide(
    table: pd.DataFrame,
    labels: Labels,
    domain: str,
    questions: list[str],
    answers: list[str],
    cells: list[str],
) -> pd.DataFrame:
    """One column per domain; the last row gives the respondents (a range over questions)."""
    lang = labels.lang
    names = [labels.value(domain, v) for v in table[domain]]
    order = list(dict.fromkeys(names))
    keys = list(dict.fromkeys(zip(questions, answers, strict=True)))
    grid = {key: dict.fromkeys(order, "") for key in keys}
    bases: dict[str, set[int]] = {name: set() for name in order}
    for q, a, name, cell, n in zip(questions, answers, names, cells, table["n_valid"], strict=True):
        grid[(q, a)][name] = cell
        bases[name].add(int(n))
    several = len({q for q, _ in keys}) > 1
    one_answer = several and len({a for _, a in keys}) == 1
    question_col, answer_col = t("present.col.question", lang), t("present.col.answer", lang)
    label = t("present.col.respondents", lang)
    rows = []
    for (q, a), values in grid.items():
        first = {question_col: q} if several else {}
        answer = {} if one_answer else {answer_col: a}
        rows.append({**first, **answer, **values})
    last = {question_col: label if one_answer else ""} if several else {}
    answer = {} if one_answer else {answer_col: label}
    rows.append({**last, **answer, **{name: _range(ns, lang) for name, ns in bases.items()}})
    return pd.DataFrame(rows)


def _range(values: set[int], lang: str) -> str:
    """One base, or the smallest and largest when the questions of a row differ."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if low == high:
        return format_count(low, lang)
    return t("present.range", lang, low=format_count(low, lang), high=format_count(high, lang))


def _numbers(
    table: pd.DataFrame, labels: Labels, kind: str, wide: bool, details: bool
) -> pd.DataFrame:
    lang = labels.lang
    domain_columns = _domain_columns(table)
    decimals = 0 if kind == "total" else 1
    cells, intervals = [], []
    for row in table.itertuples(index=False):
        if row.suppressed or not np.isfinite(row.estimate):
            cells.append(_too_few(labels) if row.suppressed else "—")
            intervals.append("")
            continue
        half = (row.ci_high - row.ci_low) / 2
        value = format_number(row.estimate, lang, decimals=decimals)
        margin = "±\u00a0" + format_number(half, lang, decimals=decimals)
        cells.append(t("present.number_cell", lang, value=value, margin=margin))
        intervals.append(
            t(
                "present.interval",
                lang,
                low=format_number(row.ci_low, lang, decimals=decimals),
                high=format_number(row.ci_high, lang, decimals=decimals),
            )
        )
    questions = [labels.variable(v) for v in table["variable"]]
    bases = [format_count(n, lang) if np.isfinite(n) else "" for n in table["n"].astype(float)]
    header = t("present.col.total" if kind == "total" else "present.col.mean", lang)
    if wide and len(domain_columns) == 1:
        domain = domain_columns[0]
        names = [labels.value(domain, v) for v in table[domain]]
        rows = [
            {
                t("present.col.indicator", lang): questions[0],
                **dict(zip(names, cells, strict=True)),
            },
            {
                t("present.col.indicator", lang): t("present.col.respondents", lang),
                **dict(zip(names, bases, strict=True)),
            },
        ]
        return pd.DataFrame(rows)
    out = pd.DataFrame(_domains(table, labels, domain_columns))
    out[t("present.col.indicator", lang)] = questions
    out[header] = cells
    if details:
        out[t("present.col.interval", lang)] = intervals
    out[t("present.col.respondents", lang)] = bases
    return out


def _reading(row: Any, labels: Labels, threshold: int, *, key: str = "significant") -> str:
    if getattr(row, "too_small", False) or min(row.n_a, row.n_b) < threshold:
        return t("present.reading.too_small", labels.lang)
    if bool(getattr(row, key)) and np.isfinite(row.difference) and row.difference != 0:
        return t(
            "present.reading.up" if row.difference > 0 else "present.reading.down", labels.lang
        )
    return t("present.reading.stable", labels.lang)


@dataclass(frozen=True)
class _Side:
    n_a: float
    n_b: float
    difference: float
    significant: bool
    too_small: bool


def _value(estimate: float, n: float, labels: Labels, threshold: int, share: bool) -> str:
    if n < threshold:
        return _too_few(labels)
    if not np.isfinite(estimate):
        return "—"
    return format_share(estimate, labels.lang) if share else format_number(estimate, labels.lang)


def _change_text(row: Any, labels: Labels, share: bool, threshold: int) -> str:
    if min(row.n_a, row.n_b) < threshold or not np.isfinite(row.difference):
        return _too_few(labels) if min(row.n_a, row.n_b) < threshold else "—"
    half = (row.ci_high - row.ci_low) / 2
    if share:
        value = format_points(row.difference, labels.lang, signed=True)
        margin = "±\u00a0" + format_number(100 * half, labels.lang, decimals=0)
    else:
        sign = "+" if row.difference > 0 else ""
        value = sign + format_number(row.difference, labels.lang)
        margin = format_margin(half, labels.lang, share=False)
    return t("present.number_cell", labels.lang, value=value, margin=margin)


def _is_share(table: pd.DataFrame, first: str, second: str) -> bool:
    values = pd.concat([table[first], table[second]]).dropna()
    return bool(len(values)) and bool(((values >= 0) & (values <= 1)).all())


def _changes(table: pd.DataFrame, labels: Labels, threshold: int) -> pd.DataFrame:
    lang = labels.lang
    domain_columns = [c for c in _domain_columns(table) if c != "variable"]
    share = _is_share(table, "estimate_from", "estimate_to")
    out = pd.DataFrame(_domains(table, labels, domain_columns))
    out[t("present.col.question", lang)] = [labels.variable(v) for v in table["variable"]]
    befores, afters, changes, readings = [], [], [], []
    for row in table.itertuples(index=False):
        side = _Side(
            row.n_from,
            row.n_to,
            row.difference,
            bool(getattr(row, "significant", row.p_value < 0.05)),
            bool(getattr(row, "too_small", False)),
        )
        shown = _Shown(side.n_a, side.n_b, row.difference, row.ci_low, row.ci_high)
        before = _value(row.estimate_from, row.n_from, labels, threshold, share)
        after = _value(row.estimate_to, row.n_to, labels, threshold, share)
        befores.append((row.wave_from, before))
        afters.append((row.wave_to, after))
        changes.append(_change_text(shown, labels, share, threshold))
        readings.append(_reading(side, labels, threshold))
    pairs = {(a, b) for (a, _), (b, _) in zip(befores, afters, strict=True)}
    if len(pairs) == 1:
        # One pair of waves: the waves head the columns, the cells hold the values.
        (first, second) = next(iter(pairs))
        out[wave_label(first, lang)] = [value for _, value in befores]
        out[wave_label(second, lang)] = [value for _, value in afters]
    else:
        sep = t("present.sep", lang)
        out[t("present.col.before", lang)] = [f"{wave_label(w, lang)}{sep}{v}" for w, v in befores]
        out[t("present.col.after", lang)] = [f"{wave_label(w, lang)}{sep}{v}" for w, v in afters]
    out[t("present.col.change", lang)] = changes
    out[t("present.col.reading", lang)] = readings
    return out


@dataclass(frozen=True)
class _Shown:
    n_a: float
    n_b: float
    difference: float
    ci_low: float
    ci_high: float


def _pairs(table: pd.DataFrame, labels: Labels, threshold: int) -> pd.DataFrame:
    lang = labels.lang
    a_col = next(
        c for c in table.columns if str(c).endswith("_a") and c not in ("estimate_a", "n_a")
    )
    group = str(a_col)[:-2]
    b_col = f"{group}_b"
    share = _is_share(table, "estimate_a", "estimate_b")
    rows = []
    for row in table.itertuples(index=False):
        row_map = row._asdict()
        side = _Side(
            row.n_a,
            row.n_b,
            row.difference,
            bool(row.significant),
            bool(getattr(row, "too_small", False)),
        )
        shown = _Shown(row.n_a, row.n_b, row.difference, row.ci_low, row.ci_high)
        rows.append(
            {
                t("present.col.question", lang): labels.variable(row.variable),
                t(
                    "present.col.first", lang
                ): f"{labels.value(group, row_map[a_col])} : {_value(row.estimate_a, row.n_a, labels, threshold, share)}",
                t(
                    "present.col.second", lang
                ): f"{labels.value(group, row_map[b_col])} : {_value(row.estimate_b, row.n_b, labels, threshold, share)}",
                t("present.col.gap", lang): _change_text(shown, labels, share, threshold),
                t("present.col.reading", lang): _reading(side, labels, threshold)
                .replace(t("present.reading.up", lang), t("present.reading.higher", lang))
                .replace(t("present.reading.down", lang), t("present.reading.lower", lang))
                .replace(t("present.reading.stable", lang), t("present.reading.no_gap", lang)),
            }
        )
    return pd.DataFrame(rows)


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    css_class: str = "mt-results",
    numeric_from: int | None = None,
) -> str:
    """A presented frame as an HTML table: escaped text, no index, header row.

    ``numeric_from``: columns from this position on are right-aligned (figures).

    Examples
    --------
    >>> import pandas as pd
    >>> html = table_html(pd.DataFrame({"Réponse": ["<b>Oui</b>"], "Part": ["42 %"]}))
    >>> "&lt;b&gt;Oui&lt;/b&gt;" in html and '<th scope="col">Part</th>' in html
    True
    """
    start = len(frame.columns) if numeric_from is None else numeric_from
    head = "".join(
        f'<th scope="col"{" class=num" if i >= start else ""}>{html.escape(str(c))}</th>'
        for i, c in enumerate(frame.columns)
    )
    body = []
    for values in frame.itertuples(index=False, name=None):
        cells = "".join(
            f"<td{' class=num' if i >= start else ''}>{html.escape(_cell(v))}</td>"
            for i, v in enumerate(values)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="mt-scroll"><table class="{html.escape(css_class)}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@dataclass(frozen=True)
class Shown:
    """A presented frame that notebooks display as a clean table (see :func:`show`)."""

    frame: pd.DataFrame
    caption: str | None = None

    def _repr_html_(self) -> str:
        return table_html(self.frame, caption=self.caption)


def show(frame: pd.DataFrame, caption: str | None = None) -> Shown:
    """Wrap a presented frame so that Jupyter shows it without index, as in the app.

    Examples
    --------
    >>> import pandas as pd
    >>> shown = show(pd.DataFrame({"Part": ["42 %"]}), caption="Quartier agréable")
    >>> "<caption>Quartier agréable</caption>" in shown._repr_html_()
    True
    """
    return Shown(frame, caption)
