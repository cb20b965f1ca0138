"""The workshop report (kind « formation »): evaluation of one workshop (Qualiopi 8 and 11).

Attendance, satisfaction (Kirkpatrick level 1), learning gains between the pre- and post-test
(level 2, Wilcoxon signed-rank test) and, for each objective of the module, the share of
participants who master it at entry (positioning, indicator 8) and at the end (indicator 11).
Read through the public functions of :mod:`toolkit.training` (the live-session frames and
:func:`~toolkit.training.evaluation`); pseudonyms never appear, only counts and shares, and
a figure resting on fewer participants than the threshold is not shown.
"""

from __future__ import annotations

import math
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from toolkit.analysis.formats import format_count, format_number, format_points, format_share
from toolkit.errors import Problem
from toolkit.i18n import t, use_language
from toolkit.report.blocks import Document, Figure, Heading, Limits, Methodology, Paragraph, Table
from toolkit.report.figures import bars_png, paired_bars_png
from toolkit.report.output import words
from toolkit.report.registry import ReportError

__all__ = ["build"]

#: Satisfied: an answer of 4 or 5 on the 1-5 scale.
SATISFIED_FROM = 4
#: Share of participants that must master an objective at the end for it to count as met.
TARGET = 0.75


def _finite(value: object) -> TypeGuard[int | float | np.floating]:
    return isinstance(value, int | float | np.floating) and math.isfinite(float(value))


class _Builder:
    def __init__(self, lang: str, threshold: int) -> None:
        self.lang = lang
        self.threshold = threshold
        self.hidden: list[str] = []
        self.blocks: list[Any] = []

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def share(self, value: object, n: int, what: str) -> str:
        if n < self.threshold:
            self.hidden.append(what)
            return self.tr("present.too_few")
        return format_share(float(value), self.lang) if _finite(value) else "—"


def build(
    store: Any, *, lang: str = "fr", threshold: int = 5, session: str = "", **_: object
) -> Document:
    """The evaluation report of the workshop whose room code is ``session``."""
    from toolkit.training.sessions import LiveSessions
    from toolkit.training.stats import evaluation

    with use_language(lang):
        sessions = LiveSessions(store.engine)
        info = sessions.info(session)
        module = info.module
        assessment = sessions.assessment_frame(info.code)
        satisfaction = sessions.satisfaction_frame(info.code)
        joined = sessions.participants(info.code)
        if assessment.empty and satisfaction.empty:
            raise ReportError(problems=[Problem("R005", {"code": info.code}, field="session")])
        tables = evaluation(module, assessment, satisfaction if len(satisfaction) else None)
        b = _Builder(lang, threshold)
        pre = set(assessment.loc[assessment["phase"] == "pre", "participant"])
        post = set(assessment.loc[assessment["phase"] == "post", "participant"])
        rated = set(satisfaction["participant"])
        day = pd.to_datetime(joined["joined_at"]).min() if len(joined) else None
        title = module.title.get(lang)
        date_text = day.strftime("%d/%m/%Y") if day is not None and not pd.isna(day) else "—"

        b.blocks.append(Heading(b.tr("report.method.heading"), 1))
        b.blocks.append(
            Methodology(
                b.tr("report.method.title"),
                (
                    (
                        b.tr("report.formation.module"),
                        b.tr("report.formation.module_text", title=title, minutes=module.duration),
                    ),
                    (b.tr("report.formation.date"), date_text),
                    (
                        b.tr("report.formation.measure"),
                        b.tr(
                            "report.formation.measure_text",
                            k=len(module.assessment.questions),
                            mastery=format_share(module.mastery, lang),
                            target=format_share(TARGET, lang),
                        ),
                    ),
                    (
                        b.tr("report.method.secrecy"),
                        b.tr("report.formation.secrecy", threshold=threshold),
                    ),
                ),
            )
        )
        b.blocks.append(Heading(b.tr("report.formation.attendance"), 1))
        counts = pd.DataFrame(
            {
                b.tr("report.formation.col.joined"): [format_count(len(joined), lang)],
                b.tr("report.formation.col.pre"): [format_count(len(pre), lang)],
                b.tr("report.formation.col.post"): [format_count(len(post), lang)],
                b.tr("report.formation.col.both"): [format_count(len(pre & post), lang)],
                b.tr("report.formation.col.rated"): [format_count(len(rated), lang)],
            }
        )
        b.blocks.append(Table(counts, b.tr("report.formation.attendance_caption"), numeric_from=0))
        _satisfaction(b, tables.get("satisfaction"))
        _gains(b, tables["prepost"], module)
        _objectives(b, tables["objectives"])
        b.blocks.append(Heading(b.tr("report.limits.title"), 1))
        items = list(dict.fromkeys(b.hidden)) or [
            b.tr("report.formation.nothing_hidden", threshold=threshold)
        ]
        items.append(b.tr("report.formation.limits_small"))
        b.blocks.append(
            Limits(
                b.tr("report.limits.title"),
                b.tr("report.formation.limits_intro", threshold=threshold),
                tuple(items),
            )
        )
        return Document(
            b.tr("report.formation.title", title=title),
            b.tr("report.formation.subtitle", date=date_text, code=info.code),
            tuple(b.blocks),
            lang=lang,
            labels=words(lang),
            stem=f"formation-{module.id}-{info.code}",
        )


def _satisfaction(b: _Builder, table: pd.DataFrame | None) -> None:
    b.blocks.append(Heading(b.tr("report.formation.satisfaction"), 1))
    if table is None or table.empty:
        b.blocks.append(Paragraph(b.tr("report.formation.no_satisfaction")))
        return
    rows, names, shares = [], [], []
    for row in table.itertuples(index=False):
        if row.item is None or (isinstance(row.item, float) and math.isnan(row.item)):
            label = b.tr("report.overall")
        else:
            label = t(f"training.satisfaction.{row.item}", b.lang)
        n = int(row.n)
        mean = (
            format_number(float(row.mean), b.lang)
            if n >= b.threshold and _finite(row.mean)
            else b.tr("present.too_few")
        )
        share = b.share(row.share_satisfied, n, b.tr("report.formation.hidden", what=label))
        rows.append(
            {
                b.tr("report.formation.col.item"): label,
                b.tr("report.formation.col.mean"): mean,
                b.tr("report.formation.col.satisfied"): share,
                b.tr("present.col.respondents"): format_count(n, b.lang),
            }
        )
        if label != b.tr("report.overall") and n >= b.threshold:
            names.append(label)
            shares.append(100 * float(row.share_satisfied))
    b.blocks.append(
        Table(pd.DataFrame(rows), b.tr("report.formation.satisfaction_caption"), numeric_from=1)
    )
    if names:
        b.blocks.append(
            Figure(
                bars_png(names, shares, xlabel=b.tr("report.formation.col.satisfied")),
                b.tr("report.formation.satisfaction_figure"),
                alt=b.tr("report.formation.satisfaction"),
            )
        )


def _gains(b: _Builder, table: pd.DataFrame, module: Any) -> None:
    b.blocks.append(Heading(b.tr("report.formation.gains"), 1))
    prompts = {q.id: q.prompt.get(b.lang) for q in module.assessment.questions}
    rows = []
    for row in table.itertuples(index=False):
        overall = row.item is None or (isinstance(row.item, float) and math.isnan(row.item))
        label = (
            b.tr("report.formation.all_questions")
            if overall
            else prompts.get(row.item, str(row.item))
        )
        n = int(row.n)
        if n < b.threshold:
            b.hidden.append(b.tr("report.formation.hidden", what=label))
            before = after = gain = reading = b.tr("present.too_few")
        else:
            before = format_share(float(row.mean_pre), b.lang) if _finite(row.mean_pre) else "—"
            after = format_share(float(row.mean_post), b.lang) if _finite(row.mean_post) else "—"
            gain = format_points(float(row.gain), b.lang, signed=True) if _finite(row.gain) else "—"
            significant = _finite(row.p_value) and float(row.p_value) < 0.05
            key = (
                "report.formation.reading.up"
                if significant and row.gain > 0
                else "report.formation.reading.down"
                if significant
                else "report.formation.reading.none"
            )
            reading = b.tr(key)
        rows.append(
            {
                b.tr("report.formation.col.question"): label,
                b.tr("report.formation.col.before"): before,
                b.tr("report.formation.col.after"): after,
                b.tr("report.formation.col.gain"): gain,
                b.tr("present.col.reading"): reading,
                b.tr("report.formation.col.pairs"): format_count(n, b.lang),
            }
        )
    b.blocks.append(Paragraph(b.tr("report.formation.gains_intro")))
    b.blocks.append(
        Table(pd.DataFrame(rows), b.tr("report.formation.gains_caption"), numeric_from=1)
    )


def _objectives(b: _Builder, table: pd.DataFrame) -> None:
    b.blocks.append(Heading(b.tr("report.formation.objectives"), 1))
    rows, names, before, after = [], [], [], []
    for row in table.itertuples(index=False):
        label = str(row.label)
        pre = b.share(
            row.share_pre, int(row.n_pre), b.tr("report.formation.hidden_pre", what=label)
        )
        post = b.share(
            row.share_post, int(row.n_post), b.tr("report.formation.hidden_post", what=label)
        )
        met = (
            "—"
            if pd.isna(row.met) or int(row.n_post) < b.threshold
            else b.tr("present.yes" if bool(row.met) else "present.no")
        )
        rows.append(
            {
                b.tr("report.formation.col.objective"): label,
                b.tr("report.formation.col.entry"): pre,
                b.tr("report.formation.col.end"): post,
                b.tr("report.formation.col.met"): met,
            }
        )
        if int(row.n_pre) >= b.threshold and int(row.n_post) >= b.threshold:
            names.append(label)
            before.append(100 * float(row.share_pre) if _finite(row.share_pre) else np.nan)
            after.append(100 * float(row.share_post) if _finite(row.share_post) else np.nan)
    b.blocks.append(
        Paragraph(b.tr("report.formation.objectives_intro", target=format_share(TARGET, b.lang)))
    )
    b.blocks.append(
        Table(pd.DataFrame(rows), b.tr("report.formation.objectives_caption"), numeric_from=1)
    )
    if names:
        b.blocks.append(
            Figure(
                paired_bars_png(
                    names,
                    before,
                    after,
                    before_label=b.tr("report.formation.col.entry"),
                    after_label=b.tr("report.formation.col.end"),
                    ylabel=b.tr("report.formation.mastering"),
                ),
                b.tr("report.formation.objectives_figure"),
                alt=b.tr("report.formation.objectives"),
            )
        )
