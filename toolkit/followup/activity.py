"""The activity report as a table: indicators laid out for a funder, written to XLSX or CSV.

:func:`activity_table` turns the tidy frame of :func:`~toolkit.followup.indicators` into the
table people read (labels in the reader's language, levels and registers named, suppressed
cells said as such); :func:`write_activity` writes it, with the definitions of every
indicator on a second sheet of the workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.followup.definitions import definitions
from toolkit.followup.errors import FollowupError, problem
from toolkit.followup.sheets import frame_rows, write_rows
from toolkit.i18n import Msg, get_language, t
from toolkit.interop.formulas import neutralise_frame

__all__ = ["ACTIVITY_FORMATS", "activity_table", "write_activity"]

#: Formats :func:`write_activity` writes, by file suffix.
ACTIVITY_FORMATS = (".xlsx", ".csv")


def _value_text(row: pd.Series, lang: str) -> str:
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


def activity_table(table: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The indicators as a report table: one row per figure, columns titled in ``lang``.

    Columns: level, register, indicator, category, then the ``by`` groups, the figure as
    read (« 64 % », « 6 jours », « masqué (secret statistique) »), numerator, denominator,
    and what the numerator and the denominator count.
    """
    lang = lang or get_language()
    by = [
        c.removesuffix("_label")
        for c in table.columns
        if c.endswith("_label") and c.removesuffix("_label") in ("sector", "team")
    ]
    rows = {
        t("followup.activity.col.level", lang): table["level"].map(
            lambda v: t(f"followup.level.{v}", lang)
        ),
        t("followup.activity.col.register", lang): table["register"].map(
            lambda v: t(f"followup.register.{v}", lang)
        ),
        t("followup.activity.col.indicator", lang): table["label"],
        t("followup.activity.col.category", lang): table["category_label"],
    }
    for name in by:
        rows[t(f"followup.activity.col.{name}", lang)] = table[f"{name}_label"]
    rows[t("followup.activity.col.value", lang)] = table.apply(_value_text, axis=1, lang=lang)
    rows[t("followup.activity.col.numerator", lang)] = table["numerator"].astype("Float64").round(1)
    rows[t("followup.activity.col.denominator", lang)] = table["denominator"].astype("Float64")
    rows[t("followup.activity.col.numerator_label", lang)] = table["numerator_label"]
    rows[t("followup.activity.col.denominator_label", lang)] = table["denominator_label"]
    return pd.DataFrame(rows)


def write_activity(table: pd.DataFrame, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the activity report table to ``path`` (``.xlsx`` or ``.csv``); return the path.

    Raises
    ------
    FollowupError
        ``F010`` when the suffix is neither ``.xlsx`` nor ``.csv``.
    """
    lang = lang or get_language()
    path = Path(path)
    if path.suffix.lower() not in ACTIVITY_FORMATS:
        raise FollowupError(
            problems=[
                problem(
                    "F010",
                    argument="-o",
                    expected=Msg.of("followup.expected.table_file"),
                    got=repr(str(path)),
                )
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    shown = activity_table(table, lang=lang)
    if path.suffix.lower() == ".csv":
        neutralise_frame(shown).to_csv(
            path, index=False, encoding="utf-8-sig", sep=";", decimal=","
        )
        return path
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("followup.activity.sheet", lang)[:31]
    write_rows(sheet, *frame_rows(shown))
    defined = definitions(lang)[
        ["label", "level", "register", "numerator_label", "denominator_label"]
    ]
    defined = defined.assign(
        level=defined["level"].map(lambda v: t(f"followup.level.{v}", lang)),
        register=defined["register"].map(lambda v: t(f"followup.register.{v}", lang)),
    )
    defined.columns = [
        t(f"followup.activity.col.{c}", lang)
        for c in ("indicator", "level", "register", "numerator_label", "denominator_label")
    ]
    write_rows(
        workbook.create_sheet(t("followup.activity.sheet_definitions", lang)[:31]),
        *frame_rows(defined),
    )
    workbook.save(path)
    return path
