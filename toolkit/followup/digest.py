"""The coordinator's digest: per mediator, what is overdue and what is due this week.

:func:`digest` gives the rows (one per item), :func:`digest_summary` the counts per mediator,
:func:`write_digest_xlsx` the spreadsheet to print or send: a summary sheet, then one sheet
per mediator. Column titles are in the reader's language; text typed by people is written
as text, never as a spreadsheet formula.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from toolkit.followup.agenda import Describer, agenda
from toolkit.followup.calendar import today as paris_today
from toolkit.followup.register import Register
from toolkit.followup.sheets import write_rows
from toolkit.i18n import get_language, t

__all__ = ["DIGEST_BUCKETS", "digest", "digest_summary", "write_digest_xlsx"]

#: What the digest lists.
DIGEST_BUCKETS = ("overdue", "today", "week")


def digest(
    register: Register,
    *,
    today: dt.date | None = None,
    team: str | None = None,
    sector: str | None = None,
    horizon: int = 7,
    lang: str | None = None,
) -> pd.DataFrame:
    """Overdue items and those due within ``horizon`` days, by mediator.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~toolkit.followup.agenda.agenda` plus ``mediator`` (the
        collector, or « Non attribué »), sorted by mediator, then overdue first.
    """
    lang = lang or get_language()
    items = register.items(team=team, sector=sector, open_only=True)
    frame = agenda(
        items,
        Describer(register.store),
        today=today or paris_today(),
        horizon=horizon,
        buckets=DIGEST_BUCKETS,
        lang=lang,
    )
    unassigned = t("followup.digest.unassigned", lang)
    frame.insert(0, "mediator", frame["collector"].fillna(unassigned).astype(object))
    order = {b: i for i, b in enumerate(DIGEST_BUCKETS)}
    frame["_order"] = frame["bucket"].map(order)
    frame = frame.sort_values(["mediator", "_order", "due_date", "item_id"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def digest_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts per mediator: ``mediator``, ``overdue``, ``today``, ``week``, ``total``."""
    counts = (
        frame.groupby(["mediator", "bucket"]).size().unstack(fill_value=0)
        if not frame.empty
        else pd.DataFrame()
    )
    counts = counts.reindex(columns=list(DIGEST_BUCKETS), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename_axis(columns=None).astype({"total": "int64"})


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip()[:31] or "?"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def write_digest_xlsx(frame: pd.DataFrame, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the digest of :func:`digest` to ``path`` (.xlsx); return the path.

    Sheets: the counts per mediator, then one sheet per mediator (due date, days late, what
    to do, kind, category, sector, description, date of the original record).
    """
    from openpyxl import Workbook

    lang = lang or get_language()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    summary_sheet = workbook.active
    taken: set[str] = set()
    summary_sheet.title = _sheet_name(t("followup.digest.sheet_summary", lang), taken)
    summary = digest_summary(frame)
    write_rows(
        summary_sheet,
        [t(f"followup.digest.col.{c}", lang) for c in summary.columns],
        summary.to_numpy().tolist(),
    )
    columns: tuple[str, ...] = (
        "bucket",
        "due_date",
        "days_late",
        "task_label",
        "kind_label",
        "category_label",
    )
    columns += ("sector_label", "summary", "parent_date")
    for mediator, rows in frame.groupby("mediator", sort=True):
        sheet = workbook.create_sheet(_sheet_name(str(mediator), taken))
        write_rows(
            sheet,
            [t(f"followup.digest.col.{c}", lang) for c in columns],
            [
                [
                    t(f"followup.bucket.{row['bucket']}", lang),
                    row["due_date"],
                    max(int(row["days_late"]), 0),
                    row["task_label"],
                    row["kind_label"],
                    row["category_label"],
                    row["sector_label"],
                    row["summary"] if isinstance(row["summary"], str) else None,
                    row["parent_date"],
                ]
                for _, row in rows.iterrows()
            ],
        )
    workbook.save(path)
    return path
