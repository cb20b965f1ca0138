"""What the results app shows for a question or a theme: presented tables and charts.

No widgets here: :class:`~toolkit.apps.results.ResultsApp` only wires its controls to
:func:`results`. Each :class:`Result` holds a title, the presented table (what the screen,
the XLSX and the CSV show), and a chart as PNG bytes when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.analysis import compare_waves, present, proportions, suppress, wave_label
from toolkit.analysis.present import Labels
from toolkit.i18n import t
from toolkit.report.figures import bars_png, likert_png
from toolkit.report.weighting import Weighted

__all__ = ["Result", "analysable_questions", "breakdowns", "results"]

_CHOICE = ("single_choice", "likert", "multiple_choice")


@dataclass(frozen=True, eq=False)
class Result:
    """One block of results: a title, the presented table and an optional chart."""

    title: str
    table: pd.DataFrame
    chart: bytes | None = None
    note: str | None = None


def analysable_questions(instrument: Any) -> list[tuple[str, list[Any]]]:
    """The themes (sections) of an instrument with their choice questions (matrix items too)."""
    out = []
    for section in instrument.items:
        children = section.children if section.type == "group" else (section,)
        questions: list[Any] = []
        for q in children:
            if q.type == "likert_matrix":
                questions.extend(c for c in q.children if c.type in _CHOICE)
            elif q.type in _CHOICE and not q.pii:
                questions.append(q)
        if questions:
            out.append((section.name, questions))
    return out


def breakdowns(instrument: Any, frame: pd.DataFrame) -> list[str]:
    """Columns one can break results down by: the sector, then any single-choice question."""
    sector = getattr(instrument.analysis, "sector", None)
    names: list[str] = [sector] if isinstance(sector, str) and sector in frame.columns else []
    for q in instrument.fields():
        if (
            q.type == "single_choice"
            and not q.pii
            and q.name in frame.columns
            and q.name not in names
        ):
            names.append(q.name)
    return names


def _likert(frame: pd.DataFrame, name: str) -> bool:
    return (
        name in frame.columns
        and isinstance(frame[name].dtype, pd.CategoricalDtype)
        and bool(frame[name].cat.ordered)
    )


def _answered(frame: pd.DataFrame, name: str) -> bool:
    if name in frame.columns:
        return bool(frame[name].notna().any())
    return any(str(c).startswith(name + "/") for c in frame.columns)


def results(
    weighted: Weighted,
    instrument: Any,
    questions: Sequence[str],
    *,
    waves: Sequence[str],
    by: str | None,
    lang: str = "fr",
    threshold: int = 5,
) -> list[Result]:
    """Results of ``questions`` for the chosen waves (the last one in full), broken down ``by``.

    For each question: the distribution of answers in the last wave (by ``by`` when given,
    one column per group) and, for scales, a Likert chart; with several waves, the change of
    the share of favourable answers between the last two, flagged only when significant.
    """
    labels = Labels(instrument, lang)
    design = weighted.design
    frame = weighted.frame
    current = frame[frame["wave"] == waves[-1]]
    out: list[Result] = []
    for name in questions:
        if not _answered(current, name):
            continue
        title = labels.variable(name)
        table = proportions(current, name, design=design, by=by)
        hidden = suppress(table, threshold=threshold, base="n_valid")
        shown = present(hidden, instrument, lang=lang, threshold=threshold, wide=by is not None)
        question_column = t("present.col.question", lang)
        if question_column in shown.columns and shown[question_column].nunique() <= 1:
            shown = shown.drop(columns=question_column)  # the title names the question
        chart = None
        if _likert(current, name):
            overall = suppress(
                proportions(current, name, design=design, by=by) if by else table,
                threshold=threshold,
                base="n_valid",
            )
            chart = likert_png(overall, _chart_labels(labels, name, by, current))
        elif by is None:
            rows = hidden[~hidden["suppressed"]]
            names = [labels.level(name, lv) for lv in rows["level"]]
            chart = (
                bars_png(
                    names,
                    list(100 * rows["estimate"].fillna(0)),
                    xlabel=t("analysis.share_answers", lang),
                )
                if names
                else None
            )
        wave_text = wave_label(waves[-1], lang)
        out.append(
            Result(
                f"{title} — {wave_text}", shown, chart, t("results.note", lang, threshold=threshold)
            )
        )
        if len(waves) > 1 and _likert(frame, name):
            levels = list(frame[name].cat.categories)[-2:]
            data = frame[frame["wave"].isin(waves[-2:])].copy()
            data["wave"] = data["wave"].cat.remove_unused_categories()
            if data["wave"].nunique() == 2:
                change = compare_waves(
                    data, name, wave="wave", design=design, by=by, category=levels
                )
                top = labels.level(name, f"top_{len(levels)}").lower()
                out.append(
                    Result(
                        t("results.change", lang, question=title, answer=top),
                        present(change, instrument, lang=lang, threshold=threshold),
                    )
                )
    return out


def _chart_labels(
    labels: Labels, name: str, by: str | None, frame: pd.DataFrame
) -> dict[object, str]:
    out: dict[object, str] = {name: labels.variable(name)}
    for choice in labels.choices(name):
        out.setdefault(choice.value, choice.label.get(labels.lang))
        if str(choice.value).isdigit():
            out.setdefault(int(choice.value), choice.label.get(labels.lang))
    if by:
        for value in frame[by].dropna().unique():
            out.setdefault(value, labels.value(by, value))
    return out
