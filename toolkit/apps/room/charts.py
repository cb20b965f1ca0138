"""Bar charts of a run's answers as HTML, shared by the trainer's page and the projector."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.apps.common.html import esc
from toolkit.i18n import t

__all__ = ["chart_html"]


def chart_html(tally: pd.DataFrame, *, show_key: bool, lang: str | None = None) -> str:
    """Horizontal bar charts (one per group) as HTML; every label is escaped.

    Each bar carries ``data-option`` and ``data-value`` attributes (the browser tests and
    the benchmark read them). Counts are scaled to the group's largest count, means to the
    group's largest mean. Looks come from the page's CSS (classes ``wk-*``); only the bar
    widths are inline.

    Examples
    --------
    A quiz question answered by four people, the expected answer marked once revealed:

    >>> import re
    >>> import pandas as pd
    >>> tally = pd.DataFrame({
    ...     "group": ["q1", "q1"], "group_label": ["Premier réflexe ?"] * 2,
    ...     "option": ["a", "b"], "label": ["Écouter", "Rappeler la règle"],
    ...     "value": [3, 1], "kind": ["count", "count"], "correct": [True, False]})
    >>> page = chart_html(tally, show_key=True, lang="fr")
    >>> re.findall(r"data-value='([^']*)'.*?width:([0-9]+)%", page)
    [('3', '100'), ('1', '33')]
    >>> re.findall(r"<span class='wk-mark'>([^<]*)</span>", page)
    ['✓ attendu']
    >>> "wk-mark" in chart_html(tally, show_key=False, lang="fr")
    False
    """
    parts = ["<div class='wk-chart'>"]
    for group, rows in tally.groupby("group", sort=False):
        values = pd.to_numeric(rows["value"], errors="coerce")
        top = values.max() if values.notna().any() and values.max() > 0 else 1
        parts.append(
            f"<div class='wk-group' data-group='{esc(group)}'>"
            f"<h4 class='wk-group-title'>{esc(rows['group_label'].iloc[0])}</h4>"
        )
        for row, value in zip(rows.itertuples(index=False), values, strict=True):
            missing = math.isnan(value)
            shown = "–" if missing else (f"{value:.1f}" if row.kind == "mean" else f"{int(value)}")
            width = 0 if missing else round(100 * value / top)
            correct = row.correct is True and show_key
            mark = (
                f" <span class='wk-mark'>✓ {esc(t('workshop.trainer.correct_mark', lang))}</span>"
                if correct
                else ""
            )
            parts.append(
                f"<div class='wk-bar{' wk-correct' if correct else ''}' "
                f"data-option='{esc(row.option)}' data-value='{shown}'>"
                f"<div class='wk-label'>{esc(row.label)}{mark}</div>"
                f"<div class='wk-track'><div class='wk-fill' style='width:{width}%'></div>"
                f"<span class='wk-value'>{esc(shown.replace('.', ',') if lang != 'en' else shown)}</span></div></div>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)
