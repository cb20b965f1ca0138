"""The activity report (kind « activite »): the follow-up indicators a funder asks for.

Built on :func:`toolkit.followup.indicators` alone: the indicators come organised by level
(réalisations, résultats, impacts, as in the social-utility evaluation guide), each with its
numerator and its denominator named in words, and with the small cells of the indicators
that count residents already suppressed there. This module lays them out: a methodology
box, key figures, one chapter per level (single figures in one table, each distribution in
its own table and chart), a comparison of sectors, and the limits (what was hidden, what
the registers cannot say).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from toolkit.analysis.formats import format_count, format_share
from toolkit.errors import Problem, StoreError
from toolkit.i18n import t, use_language
from toolkit.report.blocks import (
    Document,
    Figure,
    Heading,
    KeyFigures,
    Limits,
    Methodology,
    Paragraph,
    Table,
)
from toolkit.report.dates import long_date
from toolkit.report.figures import bars_png
from toolkit.report.output import words
from toolkit.report.registry import ReportError

__all__ = ["HEADLINES", "build"]

#: Indicators shown as key figures, in this order (when they have a figure to show).
HEADLINES = (
    "deferred_agreement",
    "agreements_kept_30",
    "agreements_kept_90",
    "referrals_taken_up",
    "technical_informed",
    "residents_know_mediators",
)
#: The instrument whose sector question names the sectors of the activity records.
SECTOR_SOURCE = "intervention_mediation"


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


class _Builder:
    def __init__(self, lang: str, threshold: int) -> None:
        self.lang = lang
        self.threshold = threshold
        self.blocks: list[Any] = []

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def value(self, row: pd.Series) -> str:
        """The indicator's figure as read: « 64 % », « 9 jours », « 12 », or hidden."""
        if bool(row["suppressed"]):
            return self.tr("present.too_few")
        value = _number(row["value"])
        if value is None:
            return "—"
        if row["unit"] == "share":
            return format_share(value, self.lang)
        if row["unit"] == "days":
            return self.tr("report.activite.days", n=round(value))
        return format_count(value, self.lang)

    def detail(self, row: pd.Series) -> str:
        """What the figure divides, in words, with the counts that may be published."""
        num, den = _number(row["numerator"]), _number(row["denominator"])
        if row["unit"] == "count":
            return self.tr("report.activite.detail.count", what=row["numerator_label"])
        if row["unit"] == "days":
            if num is None or den is None:
                return self.tr("report.activite.detail.days_hidden", what=row["numerator_label"])
            return self.tr(
                "report.activite.detail.days",
                num=format_count(num, self.lang),
                what=row["numerator_label"],
                den=format_count(den, self.lang),
                base=row["denominator_label"],
            )
        if num is None:
            if den is None:
                return self.tr(
                    "report.activite.detail.hidden",
                    what=row["numerator_label"],
                    base=row["denominator_label"],
                )
            return self.tr(
                "report.activite.detail.base_only",
                what=row["numerator_label"],
                den=format_count(den, self.lang),
                base=row["denominator_label"],
            )
        return self.tr(
            "report.activite.detail.share",
            num=format_count(num, self.lang),
            what=row["numerator_label"],
            den=format_count(den or 0, self.lang),
            base=row["denominator_label"],
        )


def _check_sector(store: Any, sector: str | None, lang: str) -> tuple[str | None, str | None]:
    """The sector code and its label; ``R004`` for a code the activity records do not know."""
    if not sector:
        return None, None
    try:
        choices = store.instrument(SECTOR_SOURCE).choices_of("secteur")
    except StoreError:
        choices = None
    known = [c for c in choices.choices if not c.missing] if choices is not None else []
    for choice in known:
        if choice.value == sector:
            return sector, choice.label.get(lang)
    raise ReportError(
        problems=[
            Problem(
                "R004",
                {"sector": sector, "sectors": ", ".join(c.value for c in known) or "—"},
                field="sector",
            )
        ]
    )


def _period(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    day = lambda d: long_date(d, lang)  # noqa: E731
    if start and end:
        return t("report.activite.period.both", lang, start=day(start), end=day(end))
    if start:
        return t("report.activite.period.since", lang, start=day(start))
    if end:
        return t("report.activite.period.until", lang, end=day(end))
    return t("report.activite.period.all", lang)


def _date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def build(
    store: Any,
    *,
    lang: str = "fr",
    threshold: int = 5,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    sector: str | None = None,
    **_: object,
) -> Document:
    """The activity report of the follow-up registers for a period (and one sector).

    Parameters
    ----------
    store : toolkit.store.Store
        Holds the activity records and their follow-up registers (only read).
    lang : {"fr", "en"}
        Language of the report.
    threshold : int
        Disclosure threshold passed to :func:`toolkit.followup.indicators`.
    start, end : ISO date text or datetime.date, optional
        First and last day of the period (inclusive); open-ended when not given.
    sector : str, optional
        Code of one sector: the whole report then covers that sector only.

    Raises
    ------
    ReportError
        ``R004`` an unknown sector, ``R007`` no activity record in the period.
    toolkit.followup.FollowupError
        ``F010`` a bad date.
    """
    from toolkit.followup.indicators import indicators

    with use_language(lang):
        code, sector_label = _check_sector(store, sector, lang)
        b = _Builder(lang, threshold)
        if code is None:
            table = indicators(store, start=start, end=end, threshold=threshold, lang=lang)
            by_sector = indicators(
                store, start=start, end=end, by="sector", threshold=threshold, lang=lang
            )
        else:
            by_sector = indicators(
                store, start=start, end=end, by="sector", threshold=threshold, lang=lang
            )
            table = by_sector[by_sector["sector"] == code].reset_index(drop=True)
        if not _has_activity(table):
            raise ReportError(
                problems=[Problem("R007", {"period": _period(_date(start), _date(end), lang)})]
            )
        period = _period(_date(start), _date(end), lang)
        scope = sector_label or b.tr("report.activite.all_sectors")
        _methodology(b, period, scope)
        _key_figures(b, table)
        from toolkit.followup.definitions import LEVELS

        for level in LEVELS:
            _level(b, table[table["level"] == level], level)
        if code is None:
            _sectors(b, by_sector, table, _sector_order(store))
        _limits(b, table)
        return Document(
            b.tr("report.activite.title"),
            b.tr("report.activite.subtitle", period=period, scope=scope),
            tuple(b.blocks),
            lang=lang,
            labels=words(lang),
            stem="activite" + (f"-{code}" if code else "") + _stem_dates(start, end),
        )


def _stem_dates(start: object, end: object) -> str:
    first, last = _date(start), _date(end)
    return (f"-{first.isoformat()}" if first else "") + (f"-{last.isoformat()}" if last else "")


def _has_activity(table: pd.DataFrame) -> bool:
    counted = table["denominator"].where(table["unit"] != "count", table["value"])
    return bool((counted.fillna(0) > 0).any() or table["suppressed"].any())


def _methodology(b: _Builder, period: str, scope: str) -> None:
    b.blocks.append(Heading(b.tr("report.method.heading"), 1))
    b.blocks.append(
        Methodology(
            b.tr("report.method.title"),
            (
                (b.tr("report.activite.method.period"), period),
                (b.tr("report.method.scope"), scope),
                (
                    b.tr("report.activite.method.sources"),
                    b.tr("report.activite.method.sources_text"),
                ),
                (b.tr("report.activite.method.levels"), b.tr("report.activite.method.levels_text")),
                (
                    b.tr("report.activite.method.reading"),
                    b.tr("report.activite.method.reading_text"),
                ),
                (
                    b.tr("report.method.secrecy"),
                    b.tr("report.activite.method.secrecy_text", threshold=b.threshold),
                ),
            ),
        )
    )


def _key_figures(b: _Builder, table: pd.DataFrame) -> None:
    items = []
    singles = table[table["category"] == ""].set_index("indicator")
    for code in HEADLINES:
        if code not in singles.index:
            continue
        row = singles.loc[code]
        if bool(row["suppressed"]) or _number(row["denominator"]) in (None, 0.0):
            continue
        items.append((row["label"], b.value(row), b.detail(row)))
    if items:
        b.blocks.append(Heading(b.tr("report.keys.title"), 1))
        b.blocks.append(KeyFigures(b.tr("report.activite.keys_subtitle"), tuple(items)))


def _level(b: _Builder, rows: pd.DataFrame, level: str) -> None:
    if rows.empty:
        return
    b.blocks.append(Heading(t(f"followup.level.{level}", b.lang), 1))
    b.blocks.append(Paragraph(b.tr(f"report.activite.level.{level}")))
    singles = rows[rows["category"] == ""]
    if not singles.empty:
        frame = pd.DataFrame(
            {
                b.tr("report.activite.col.indicator"): singles["label"].to_list(),
                b.tr("report.activite.col.register"): [
                    t(f"followup.register.{r}", b.lang) for r in singles["register"]
                ],
                b.tr("report.activite.col.detail"): [b.detail(r) for _, r in singles.iterrows()],
                b.tr("report.activite.col.value"): [b.value(r) for _, r in singles.iterrows()],
            }
        )
        b.blocks.append(
            Table(
                frame,
                b.tr("report.activite.singles_caption", level=t(f"followup.level.{level}", b.lang)),
                numeric_from=3,
            )
        )
    for _code, group in rows[rows["category"] != ""].groupby("indicator", sort=False):
        _distribution(b, group)


def _distribution(b: _Builder, group: pd.DataFrame) -> None:
    first = group.iloc[0]
    b.blocks.append(Heading(first["label"], 2))
    total = _number(first["denominator"]) if group["denominator"].notna().all() else None
    frame = pd.DataFrame(
        {
            b.tr("report.activite.col.category"): group["category_label"].to_list(),
            b.tr("report.activite.col.share"): [b.value(r) for _, r in group.iterrows()],
            b.tr("report.activite.col.count"): [
                b.tr("present.too_few")
                if bool(r["suppressed"]) or _number(r["numerator"]) is None
                else format_count(float(r["numerator"]), b.lang)
                for _, r in group.iterrows()
            ],
        }
    )
    if total is not None:
        frame.loc[len(frame)] = [
            b.tr("report.activite.total"),
            format_share(1.0, b.lang) if total else "—",
            format_count(total, b.lang),
        ]
    b.blocks.append(
        Table(
            frame,
            b.tr(
                "report.activite.distribution_caption",
                indicator=first["label"],
                register=t(f"followup.register.{first['register']}", b.lang),
            ),
            numeric_from=1,
            note=b.tr(
                "report.activite.distribution_note",
                what=first["numerator_label"],
                base=first["denominator_label"],
            ),
        )
    )
    shown = group[~group["suppressed"].astype(bool) & group["value"].notna()]
    shown = shown[shown["value"] > 0]
    if len(shown) >= 2:
        b.blocks.append(
            Figure(
                bars_png(
                    shown["category_label"].to_list(),
                    [100 * float(v) for v in shown["value"]],
                    xlabel=b.tr("report.activite.figure_axis", base=first["denominator_label"]),
                ),
                first["label"],
                alt=first["label"],
            )
        )


def _sector_order(store: Any) -> list[str]:
    try:
        choices = store.instrument(SECTOR_SOURCE).choices_of("secteur")
    except StoreError:
        return []
    return [c.value for c in choices.choices] if choices is not None else []


def _sectors(b: _Builder, by_sector: pd.DataFrame, overall: pd.DataFrame, order: list[str]) -> None:
    singles = by_sector[(by_sector["category"] == "") & (by_sector["unit"] != "count")]
    rank = {code: i for i, code in enumerate(order)}
    codes = sorted(dict.fromkeys(singles["sector"]), key=lambda c: (rank.get(c, len(rank)), c))
    if len(codes) < 2:
        return
    names = dict(zip(singles["sector"], singles["sector_label"], strict=True))
    everyone = overall[overall["category"] == ""].set_index("indicator")
    b.blocks.append(Heading(b.tr("report.activite.sectors"), 1))
    b.blocks.append(Paragraph(b.tr("report.activite.sectors_intro")))
    rows = []
    for indicator, group in singles.groupby("indicator", sort=False):
        cells = {names[c]: "—" for c in codes}
        for _, row in group.iterrows():
            cells[names[row["sector"]]] = b.value(row)
        rows.append(
            {
                b.tr("report.activite.col.indicator"): group.iloc[0]["label"],
                **cells,
                b.tr("report.overall"): b.value(everyone.loc[indicator]),
            }
        )
    b.blocks.append(
        Table(
            pd.DataFrame(rows),
            b.tr("report.activite.sectors_caption"),
            numeric_from=1,
            note=b.tr("report.activite.sectors_note", threshold=b.threshold),
        )
    )


def _limits(b: _Builder, table: pd.DataFrame) -> None:
    b.blocks.append(Heading(b.tr("report.limits.title"), 1))
    hidden = table[table["suppressed"].astype(bool)]
    items = []
    for _code, group in hidden.groupby("indicator", sort=False):
        first = group.iloc[0]
        if first["category"]:
            items.append(
                b.tr(
                    "report.activite.limits.categories",
                    indicator=first["label"],
                    n=len(group),
                    categories=", ".join(group["category_label"]),
                )
            )
        else:
            items.append(b.tr("report.activite.limits.single", indicator=first["label"]))
    if not items:
        items.append(b.tr("report.activite.limits.none", threshold=b.threshold))
    empty = table[(table["category"] == "") & (table["unit"] != "count") & ~table["suppressed"]]
    empty = empty[empty["denominator"].fillna(0) == 0]
    if not empty.empty:
        items.append(
            b.tr(
                "report.activite.limits.empty",
                indicators=", ".join(f"« {x} »" for x in empty["label"]),
            )
        )
    items += [
        b.tr("report.activite.limits.registers"),
        b.tr("report.activite.limits.sync"),
        b.tr("report.activite.limits.barometer"),
    ]
    b.blocks.append(
        Limits(
            b.tr("report.limits.title"),
            b.tr("report.activite.limits.intro", threshold=b.threshold),
            tuple(items),
        )
    )
