"""HTML of the app's digest and indicators screens (every value escaped), and its CSS."""

from __future__ import annotations

import pandas as pd

from toolkit.apps.common.html import esc
from toolkit.followup.definitions import LEVELS
from toolkit.followup.labels import format_day
from toolkit.i18n import t

__all__ = ["FOLLOWUP_CSS", "digest_html", "indicators_html"]

#: Cards, badges and indicator blocks; overdue items in red, today's in dark orange (white
#: text on both keeps a contrast above 4.5:1).
FOLLOWUP_CSS = """
<style>
.mt-followup .mt-card { border: 1px solid #c8c8c8; border-left: 6px solid #90a4ae; border-radius: 8px;
  padding: 8px 10px; margin: 8px 0; width: 100%; background: #fff; }
.mt-followup .mt-card.mt-overdue { border-left-color: #b00020; background: #fff5f5; }
.mt-followup .mt-card.mt-today { border-left-color: #8a4b00; background: #fffaf2; }
.mt-followup .mt-badge { display: inline-block; padding: 1px 10px; border-radius: 12px;
  background: #e0e0e0; font-size: 16px; font-weight: 600; }
.mt-followup .mt-badge-late { background: #b00020; color: #fff; }
.mt-followup .mt-badge-today { background: #8a4b00; color: #fff; }
.mt-followup .mt-card-title { font-weight: 600; }
.mt-followup .mt-summary { font-style: italic; }
.mt-followup .mt-facts { color: #444; font-size: 16px; }
.mt-followup .mt-section-overdue { color: #b00020; }
.mt-followup .mt-section-today { color: #8a4b00; }
.mt-followup .mt-step-form { width: 100%; }
.mt-followup .mt-ind { border-bottom: 1px solid #e0e0e0; padding: 6px 0; }
.mt-followup .mt-ind-value { font-size: 22px; font-weight: 700; }
.mt-followup .mt-ind-def { color: #444; font-size: 16px; }
.mt-followup .mt-ind-cats { margin: 4px 0 0 0; padding-left: 1.2em; font-size: 16px; }
.mt-followup .mt-digest h4 { margin: 14px 0 4px 0; }
.mt-followup .mt-digest ul { padding-left: 1.2em; margin: 0; }
.mt-followup .mt-downloads a { margin-right: 12px; }
</style>
"""


def digest_html(frame: pd.DataFrame, *, lang: str) -> str:
    """The digest by mediator, as lists (readable on a phone, printable)."""
    if frame.empty:
        return f"<p>{esc(t('followup.app.digest_empty', lang))}</p>"
    parts = ['<div class="mt-digest">']
    for mediator, rows in frame.groupby("mediator", sort=True):
        late = int((rows["bucket"] == "overdue").sum())
        parts.append(
            f"<h4>{esc(mediator)} — {esc(t('followup.app.digest_counts', lang, late=late, total=len(rows)))}</h4><ul>"
        )
        for row in rows.to_dict("records"):
            when = t(f"followup.bucket.{row['bucket']}", lang)
            if row["bucket"] == "overdue":
                when = t("followup.app.late", lang, days=int(row["days_late"]))
            text = " — ".join(
                x for x in (row["task_label"], row["category_label"], row["sector_label"]) if x
            )
            parts.append(
                f"<li><b>{esc(format_day(row['due_date'], lang))}</b> ({esc(when)}) : {esc(text)}</li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _value(row: dict, lang: str) -> str:
    if row["suppressed"]:
        return t("followup.activity.suppressed", lang)
    value = row["value"]
    if value is None or pd.isna(value):
        return "—"
    if row["unit"] == "share":
        return t("followup.activity.percent", lang, value=round(100 * float(value)))
    if row["unit"] == "days":
        return t("followup.activity.days", lang, value=float(value))
    return t("followup.activity.count", lang, value=int(value))


def _ratio(row: dict, lang: str) -> str:
    if row["unit"] == "count" or pd.isna(row["numerator"]) or pd.isna(row["denominator"]):
        return ""
    return t(
        "followup.app.ratio",
        lang,
        num=int(row["numerator"]),
        den=int(row["denominator"]),
        num_label=row["numerator_label"],
        den_label=row["denominator_label"],
    )


def indicators_html(table: pd.DataFrame, *, lang: str) -> str:
    """The indicators by level; a distribution as a short list of its categories."""
    if table.empty:
        return f"<p>{esc(t('followup.app.no_indicator', lang))}</p>"
    parts = []
    for level in LEVELS:
        chosen = table[table["level"] == level]
        if chosen.empty:
            continue
        parts.append(f"<h3>{esc(t(f'followup.level.{level}', lang))}</h3>")
        for code, rows in chosen.groupby("indicator", sort=False):
            records = rows.to_dict("records")
            first = records[0]
            register = t(f"followup.register.{first['register']}", lang)
            parts.append(
                f'<div class="mt-ind" data-indicator="{esc(code)}"><b>{esc(first["label"])}</b> '
                f'<span class="mt-ind-def">({esc(register)})</span>'
            )
            if first["category"]:
                items = "".join(
                    f"<li>{esc(r['category_label'])} : {esc(_value(r, lang))}"
                    + (
                        f" ({esc(t('followup.app.of_total', lang, num=int(r['numerator']), den=int(r['denominator'])))})"
                        if not pd.isna(r["numerator"]) and not pd.isna(r["denominator"])
                        else ""
                    )
                    + "</li>"
                    for r in records
                    if r["suppressed"] or (not pd.isna(r["numerator"]) and r["numerator"] > 0)
                )
                parts.append(
                    f'<ul class="mt-ind-cats">{items}</ul>'
                    if items
                    else f"<div>{esc(t('followup.app.none_yet', lang))}</div>"
                )
            else:
                counts = (
                    f' data-num="{int(first["numerator"])}" data-den="{int(first["denominator"])}"'
                    if _ratio(first, lang)
                    else ""
                )
                parts.append(
                    f'<div><span class="mt-ind-value">{esc(_value(first, lang))}</span> '
                    f'<span class="mt-ind-ratio"{counts}>{esc(_ratio(first, lang))}</span></div>'
                )
            parts.append("</div>")
    return "".join(parts)
