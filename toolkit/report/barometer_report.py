"""The barometer report (kind « barometre »): one wave of the neighbourhood barometer.

Methodology box, headline indicators with the significant changes since the previous wave,
one chapter per theme of the questionnaire (a chart and a table by sector), the change since
the previous wave by sector, the ambiance index, and the limits (what was suppressed or could
not be concluded). Built from the store through :mod:`toolkit.analysis` only; every number
goes through :func:`~toolkit.analysis.present` and its disclosure control; ``pii`` fields
never leave the store (``Store.frame`` leaves them out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis import (
    ambiance_index,
    compare_waves,
    means,
    present,
    proportions,
    suppress,
    top_box,
    wave_label,
)
from toolkit.analysis.present import Labels
from toolkit.errors import Problem
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
from toolkit.report.figures import likert_png, trend_png
from toolkit.report.output import words
from toolkit.report.registry import ReportError
from toolkit.report.weighting import Weighted, weigh

__all__ = ["DEFAULT_INSTRUMENT", "BarometerScope", "build", "scope"]

DEFAULT_INSTRUMENT = "barometre_ambiance"
INDEX = "indice_ambiance"
#: Question types analysed as shares.
_CHOICE = ("single_choice", "likert", "multiple_choice")


def _split(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    return [i.strip() for i in items if i.strip()] or None


def _fail(code: str, field: str, **params: object) -> ReportError:
    return ReportError(problems=[Problem(code, params, field=field)])


class BarometerScope:
    """What a barometer report covers, resolved against the store (shared with the app).

    Attributes: ``instrument``, ``waves`` (chosen, in fieldwork order), ``current``,
    ``previous`` (or ``None``), ``sectors`` (codes, or ``None`` for all), ``weighted``
    (:class:`~toolkit.report.weighting.Weighted` over the waves in scope), ``sector``
    (the sector column or ``None``).
    """

    def __init__(
        self,
        store: Any,
        instrument_id: str,
        *,
        waves: Sequence[str] | None,
        sectors: Sequence[str] | None,
        weighting: str,
        margins: str | None,
        lang: str,
    ) -> None:
        try:
            self.instrument = store.instrument(instrument_id)
        except Exception as error:  # a StoreError names the unknown instrument
            raise _fail("R002", "instrument", instrument=instrument_id) from error
        every = list(store.waves(instrument_id))
        if not every:
            raise _fail("R003", "waves", instrument=instrument_id, waves="—")
        chosen = list(waves) if waves else [every[-1]]
        unknown = [w for w in chosen if w not in every]
        if unknown:
            raise _fail("R003", "waves", instrument=unknown[0], waves=", ".join(every))
        chosen = sorted(set(chosen), key=every.index)
        self.current = chosen[-1]
        if len(chosen) > 1:
            self.previous: str | None = chosen[-2]
        else:
            at = every.index(self.current)
            self.previous = every[at - 1] if at > 0 else None
        self.waves = sorted({*chosen, *([self.previous] if self.previous else [])}, key=every.index)
        self.sector = getattr(self.instrument.analysis, "sector", None)
        frame = store.frame(instrument_id, wave=self.waves)
        frame["wave"] = frame["wave"].cat.remove_unused_categories()
        self.sectors = None
        if sectors:
            known = self._sector_codes()
            bad = [s for s in sectors if s not in known]
            if bad:
                raise _fail("R004", "sectors", sector=bad[0], sectors=", ".join(known))
            self.sectors = list(sectors)
        self.weighted: Weighted = weigh(
            frame, self.instrument, method=weighting, margins=margins, lang=lang
        )

    def _sector_codes(self) -> list[str]:
        if self.sector is None:
            return []
        choices = self.instrument.choices_of(self.sector)
        return [c.value for c in choices.choices] if choices else []

    @property
    def frame(self) -> pd.DataFrame:
        return self.weighted.frame

    @property
    def design(self) -> Any:
        return self.weighted.design

    def in_wave(self, wave: str) -> pd.DataFrame:
        return self.frame[self.frame["wave"] == wave]

    def keep_sectors(self, table: pd.DataFrame) -> pd.DataFrame:
        """Rows of the chosen sectors only (a table by sector)."""
        if self.sectors is None or self.sector not in table.columns:
            return table.reset_index(drop=True)
        return table[table[self.sector].astype(str).isin(self.sectors)].reset_index(drop=True)

    def overall(
        self, function: Any, data: pd.DataFrame, column: str, **options: Any
    ) -> pd.DataFrame:
        """``function(data, column, by=None)``, or over the chosen sectors only (a domain)."""
        if self.sectors is None or self.sector is None:
            return function(data, column, design=self.design, **options)
        scoped = data.assign(_champ=data[self.sector].astype(str).isin(self.sectors))
        table = function(scoped, column, design=self.design, by="_champ", **options)
        return table[table["_champ"]].drop(columns="_champ").reset_index(drop=True)


def scope(store: Any, **options: Any) -> BarometerScope:
    """Resolve the options of a barometer report (also used by the results app)."""
    return BarometerScope(
        store,
        options.get("instrument") or DEFAULT_INSTRUMENT,
        waves=_split(options.get("waves")),
        sectors=_split(options.get("sectors")),
        weighting=options.get("weighting") or "raking",
        margins=options.get("margins"),
        lang=options.get("lang") or "fr",
    )


class _Builder:
    """Builds the blocks; keeps the list of suppressed cells for the limits section."""

    def __init__(self, sc: BarometerScope, lang: str, threshold: int) -> None:
        self.sc = sc
        self.lang = lang
        self.threshold = threshold
        self.labels = Labels(sc.instrument, lang)
        self.hidden: list[str] = []
        self.untested: list[str] = []
        self.blocks: list[Any] = []
        self.current = sc.in_wave(sc.current)

    # ----------------------------------------------------------------- helpers
    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def suppressed(self, table: pd.DataFrame) -> pd.DataFrame:
        """Disclosure control, remembering what was hidden (for the limits section)."""
        base = "n_valid" if "n_valid" in table.columns else None
        out = suppress(table, threshold=self.threshold, base=base)
        sector = self.sc.sector
        for row in out[out["suppressed"]].itertuples(index=False):
            question = self.labels.variable(row.variable)
            where = (
                self.labels.value(sector, getattr(row, sector))
                if sector is not None and sector in out.columns
                else self.tr("report.overall")
            )
            answer = self.labels.level(row.variable, row.level) if "level" in out.columns else ""
            self.hidden.append(
                self.tr("report.limits.cell", question=question, where=where, answer=answer)
            )
        return out

    def chart_labels(self, variables: Sequence[str]) -> dict[object, str]:
        out: dict[object, str] = {}
        for variable in variables:
            out[variable] = self.labels.variable(variable)
            for choice in self.labels.choices(variable):
                out.setdefault(choice.value, choice.label.get(self.lang))
                if str(choice.value).lstrip("-").isdigit():
                    out.setdefault(int(choice.value), choice.label.get(self.lang))
        sector = self.sc.sector
        if sector:
            for choice in self.labels.choices(sector):
                out.setdefault(choice.value, choice.label.get(self.lang))
        for wave in self.sc.waves:
            out.setdefault(wave, wave_label(wave, self.lang))
        return out

    def analysable(self, questions: Sequence[Any]) -> list[Any]:
        skip = {self.sc.sector, *self.sc.weighted.variables, *self.sc.instrument.analysis.weighting}
        out: list[Any] = []
        for q in questions:
            if q.type == "likert_matrix":
                out.extend(c for c in q.children if c.type in _CHOICE or c.type == "likert_matrix")
            elif q.type in _CHOICE and q.name not in skip and not q.pii:
                out.append(q)
        return [q for q in out if self._has_answers(q.name)]

    def _has_answers(self, name: str) -> bool:
        frame = self.current
        if name in frame.columns:
            return bool(frame[name].notna().any())
        return any(c.startswith(name + "/") for c in frame.columns)

    def likert(self, name: str) -> bool:
        frame = self.current
        return (
            name in frame.columns
            and isinstance(frame[name].dtype, pd.CategoricalDtype)
            and bool(frame[name].cat.ordered)
        )

    # ----------------------------------------------------------------- sections
    def headline_items(self) -> list[str]:
        items: list[str] = []
        for question in self.sc.instrument.questions():
            if question.type == "likert_matrix":
                items.extend(c.name for c in question.children)
            elif question.type == "likert" and question.relevant is None:
                items.append(question.name)
        return [i for i in dict.fromkeys(items) if self.likert(i)]

    def top_levels(self, item: str) -> list[int]:
        categories = list(self.current[item].cat.categories)
        return categories[-2:]

    def methodology(self) -> Methodology:
        sc, lang = self.sc, self.lang
        n = len(self.current)
        sector = sc.sector
        counts = []
        if sector and sector in self.current.columns:
            for code, k in self.current[sector].value_counts(sort=False).items():
                if sc.sectors is None or str(code) in sc.sectors:
                    counts.append(f"{self.labels.value(sector, code)} {k}")
        started = self.current["started_at"].dropna()
        when = self.tr("report.method.no_dates")
        if len(started):
            first, last = started.min().date(), started.max().date()
            when = self.tr(
                "report.method.dates",
                start=long_date(first, lang),
                end=long_date(last, lang),
            )
        sample = self.tr("report.method.sample", n=n, wave=wave_label(sc.current, lang))
        if counts:
            sample += " " + self.tr("report.method.by_sector", detail=", ".join(counts))
        if sc.previous:
            sample += " " + self.tr(
                "report.method.previous",
                n=int((sc.frame["wave"] == sc.previous).sum()),
                wave=wave_label(sc.previous, lang),
            )
        items = [
            (
                self.tr("report.method.instrument"),
                f"{sc.instrument.title.get(lang)} (version {sc.instrument.version})",
            ),
            (self.tr("report.method.sample_label"), sample),
            (self.tr("report.method.fieldwork"), when),
            (self.tr("report.method.weighting"), sc.weighted.description),
            (self.tr("report.method.margins"), self.margin_text()),
            (
                self.tr("report.method.secrecy"),
                self.tr("report.method.secrecy_text", threshold=self.threshold),
            ),
        ]
        if sc.sectors is not None:
            names = ", ".join(self.labels.value(sector, s) for s in sc.sectors)
            items.append((self.tr("report.method.scope"), names))
        return Methodology(self.tr("report.method.title"), tuple(items))

    def margin_text(self) -> str:
        items = self.headline_items()
        if not items:
            return self.tr("report.method.margins_plain")
        deffs, dfs = [], []
        for item in items:
            row = self.sc.overall(top_box, self.current, item).iloc[0]
            if np.isfinite(row["deff"]):
                deffs.append(float(row["deff"]))
                dfs.append(int(row["df"]))
        deff = float(np.mean(deffs)) if deffs else 1.0
        n = len(self.current)
        df = max(min(dfs) if dfs else n - 1, 1)
        quantile = float(stats.t.ppf(0.975, df))
        whole = 100 * quantile * math.sqrt(0.25 * deff / max(n, 1))
        sector = self.sc.sector
        per = n
        if sector and sector in self.current.columns:
            sizes = self.current[sector].value_counts()
            per = int(np.median(sizes[sizes > 0])) if (sizes > 0).any() else n
        part = 100 * quantile * math.sqrt(0.25 * deff / max(per, 1))
        return self.tr(
            "report.method.margins_text",
            n=n,
            whole=round(whole),
            per=per,
            part=round(part),
        )

    def key_figures(self) -> None:
        sc = self.sc
        rows = []
        for item in self.headline_items():
            levels = self.top_levels(item)
            table = self.suppressed(self.sc.overall(top_box, self.current, item))
            shown = present(table, sc.instrument, lang=self.lang, threshold=self.threshold)
            value = shown.iloc[0][shown.columns[-2]]
            reading = ""
            if sc.previous:
                change = self._change(item, levels, by=None)
                if len(change):
                    reading = present(
                        change, sc.instrument, lang=self.lang, threshold=self.threshold
                    ).iloc[0, -1]
                    reading = self.tr(
                        "report.keys.since",
                        wave=wave_label(sc.previous, self.lang),
                        reading=reading,
                    )
            label = f"{self.labels.variable(item)} — {self.labels.level(item, f'top_{len(levels)}').lower()}"
            rows.append((label, value, reading))
        if rows:
            self.blocks.append(Heading(self.tr("report.keys.title"), 1))
            self.blocks.append(
                KeyFigures(
                    self.tr("report.keys.subtitle", wave=wave_label(sc.current, self.lang)),
                    tuple(rows),
                )
            )

    def _change(self, item: str, levels: list[Any], *, by: str | None) -> pd.DataFrame:
        sc = self.sc
        data = sc.frame[sc.frame["wave"].isin([sc.previous, sc.current])].copy()
        data["wave"] = data["wave"].cat.remove_unused_categories()
        if by is None and sc.sectors is not None and sc.sector is not None:
            data = data[data[sc.sector].astype(str).isin(sc.sectors)]
        return compare_waves(data, item, wave="wave", design=sc.design, by=by, category=levels)

    def themes(self) -> None:
        for section in self.sc.instrument.items:
            if section.type != "group":
                continue
            questions = self.analysable(section.children)
            if not questions:
                continue
            self.blocks.append(Heading(section.text(self.lang), 1))
            likert = [q.name for q in questions if self.likert(q.name)]
            others = [q for q in questions if q.name not in likert]
            if likert:
                self.likert_block(likert)
            for question in others:
                self.choice_block(question)

    def likert_block(self, items: list[str]) -> None:
        sc, lang = self.sc, self.lang
        by_scale: dict[tuple, list[str]] = {}
        for item in items:
            question = sc.instrument.question(item)
            key = (question.choices, question.relevant is not None)
            by_scale.setdefault(key, []).append(item)
        for group in by_scale.values():
            overall = pd.concat(
                [self.sc.overall(proportions, self.current, i) for i in group], ignore_index=True
            )
            hidden = self.suppressed(overall)
            self.blocks.append(
                Figure(
                    likert_png(hidden, self.chart_labels(group)),
                    self.tr("report.fig.likert", wave=wave_label(sc.current, lang)),
                    alt=", ".join(self.labels.variable(i) for i in group),
                    note=(
                        t("analysis.suppressed_note", lang, threshold=self.threshold)
                        if hidden["suppressed"].any()
                        else None
                    ),
                )
            )
            if sc.sector is None:
                continue
            tops = []
            overall_tops = []
            for item in group:
                tops.append(
                    sc.keep_sectors(top_box(self.current, item, design=sc.design, by=sc.sector))
                )
                overall_tops.append(self.sc.overall(top_box, self.current, item))
            by_sector = self.suppressed(pd.concat(tops, ignore_index=True))
            overall_top = self.suppressed(pd.concat(overall_tops, ignore_index=True))
            wide = present(by_sector, sc.instrument, lang=lang, threshold=self.threshold, wide=True)
            wide = self.with_overall_rows(wide, overall_top, group, sc.sector)
            level_text = self.labels.level(group[0], "top_2").lower()
            note = self.tr("report.table.note", threshold=self.threshold)
            if any(sc.instrument.question(i).relevant for i in group):
                note = self.tr("report.table.filtered") + " " + note
            self.blocks.append(
                Table(
                    wide,
                    self.tr(
                        "report.table.top_by_sector",
                        answer=level_text,
                        wave=wave_label(sc.current, lang),
                    ),
                    numeric_from=1,
                    note=note,
                )
            )

    def with_overall_rows(
        self, wide: pd.DataFrame, overall: pd.DataFrame, group: list[str], sector: str
    ) -> pd.DataFrame:
        """The wide table by ``sector`` with an « Ensemble » column (same rows, same layout)."""
        marker = "__ensemble__"
        as_domain = overall.assign(**{sector: marker})
        as_domain = as_domain[[sector, *overall.columns]]
        shown = present(
            as_domain, self.sc.instrument, lang=self.lang, threshold=self.threshold, wide=True
        )
        out = wide.copy()
        if marker in shown.columns and len(shown) == len(out):
            out[self.tr("report.overall")] = shown[marker].to_numpy()
        return out

    def choice_block(self, question: Any) -> None:
        sc, lang = self.sc, self.lang
        name = question.name
        overall = self.suppressed(self.sc.overall(proportions, self.current, name))
        if sc.sector is not None:
            by_sector = self.suppressed(
                sc.keep_sectors(proportions(self.current, name, design=sc.design, by=sc.sector))
            )
            wide = present(by_sector, sc.instrument, lang=lang, threshold=self.threshold, wide=True)
            wide = self.with_overall_rows(wide, overall, [name], sc.sector)
        else:
            wide = present(overall, sc.instrument, lang=lang, threshold=self.threshold)
        note = self.tr("report.table.note", threshold=self.threshold)
        if question.relevant:
            note = self.tr("report.table.filtered") + " " + note
        self.blocks.append(Heading(self.labels.variable(name), 2))
        self.blocks.append(
            Table(
                wide,
                self.tr("report.table.by_sector", wave=wave_label(sc.current, lang)),
                numeric_from=1,
                note=note,
            )
        )

    def changes(self) -> None:
        sc, lang = self.sc, self.lang
        if not sc.previous or sc.sector is None:
            return
        tables = []
        for item in self.headline_items():
            change = self._change(item, self.top_levels(item), by=sc.sector)
            change = sc.keep_sectors(change)
            for row in change[change["too_small"]].itertuples(index=False):
                self.untested.append(
                    self.tr(
                        "report.limits.untested",
                        question=self.labels.variable(item),
                        where=self.labels.value(sc.sector, getattr(row, sc.sector)),
                    )
                )
            tables.append(change)
        if not tables:
            return
        shown = present(
            pd.concat(tables, ignore_index=True), sc.instrument, lang=lang, threshold=self.threshold
        )
        self.blocks.append(
            Heading(self.tr("report.changes.title", wave=wave_label(sc.previous, lang)), 1)
        )
        self.blocks.append(Paragraph(self.tr("report.changes.intro")))
        self.blocks.append(
            Table(
                shown,
                self.tr(
                    "report.changes.caption",
                    before=wave_label(sc.previous, lang),
                    after=wave_label(sc.current, lang),
                ),
                numeric_from=None,
            )
        )

    def index(self) -> None:
        sc, lang = self.sc, self.lang
        matrix = next((q for q in sc.instrument.questions() if q.type == "likert_matrix"), None)
        if matrix is None:
            return
        items = [c.name for c in matrix.children if self.likert(c.name)]
        if len(items) < 2:
            return
        self.blocks.append(Heading(self.tr("report.index.title"), 1))
        frame = sc.frame
        result = ambiance_index(frame, items, design=sc.design, by="wave", name=INDEX)
        alpha = float(result.reliability["alpha"].iloc[0])
        names = "; ".join(self.labels.variable(i) for i in items)
        self.blocks.append(
            Paragraph(
                self.tr(
                    "report.index.definition",
                    items=names,
                    alpha=f"{alpha:.2f}".replace(".", "," if lang == "fr" else "."),
                )
            )
        )
        scored = frame.assign(**{INDEX: result.score})
        if sc.sector is not None:
            by_sector = sc.keep_sectors(
                means(scored, INDEX, design=sc.design, by=[sc.sector, "wave"])
            )
            current = self.suppressed(
                by_sector[by_sector["wave"] == sc.current]
                .drop(columns="wave")
                .reset_index(drop=True)
            )
            shown = present(current, sc.instrument, lang=lang, threshold=self.threshold, wide=True)
            self.blocks.append(
                Table(
                    shown,
                    self.tr("report.index.by_sector", wave=wave_label(sc.current, lang)),
                    numeric_from=1,
                )
            )
            if len(sc.waves) > 1:
                trend = self.suppressed(by_sector.reset_index(drop=True))
                self.blocks.append(
                    Figure(
                        trend_png(trend, self.chart_labels([INDEX])),
                        self.tr("report.index.trend"),
                        alt=self.tr("report.index.title"),
                    )
                )
        if sc.sectors is not None and sc.sector is not None:
            scoped = scored.assign(_champ=scored[sc.sector].astype(str).isin(sc.sectors))
            by_wave = means(scoped, INDEX, design=sc.design, by=["_champ", "wave"])
            by_wave = by_wave[by_wave["_champ"]].drop(columns="_champ").reset_index(drop=True)
        else:
            by_wave = means(scored, INDEX, design=sc.design, by="wave")
        by_wave = self.suppressed(by_wave)
        shown = present(by_wave, sc.instrument, lang=lang, threshold=self.threshold, wide=True)
        self.blocks.append(Table(shown, self.tr("report.index.by_wave"), numeric_from=1))

    def limits(self) -> None:
        items = list(dict.fromkeys(self.hidden)) + list(dict.fromkeys(self.untested))
        if self.sc.weighted.method == "none":
            items.append(self.tr("report.limits.unweighted"))
        items.append(self.tr("report.limits.sampling"))
        intro = (
            self.tr("report.limits.intro", threshold=self.threshold)
            if self.hidden
            else self.tr("report.limits.none", threshold=self.threshold)
        )
        self.blocks.append(Heading(self.tr("report.limits.title"), 1))
        self.blocks.append(Limits(self.tr("report.limits.title"), intro, tuple(items)))


def build(
    store: Any,
    *,
    lang: str = "fr",
    threshold: int = 5,
    instrument: str = DEFAULT_INSTRUMENT,
    waves: str | Sequence[str] | None = None,
    sectors: str | Sequence[str] | None = None,
    weighting: str = "raking",
    margins: str | None = None,
    **_: object,
) -> Document:
    """The barometer report of the latest (or last chosen) wave as a :class:`Document`.

    Parameters
    ----------
    store : Store
        Where the responses are.
    lang : {"fr", "en"}
        Language of the report.
    threshold : int
        Disclosure threshold (fewest respondents behind a published number).
    instrument : str
        The barometer instrument id.
    waves : str or sequence of str, optional
        Waves to cover (``"2025-automne,2026-printemps"``); the last one is reported and
        compared with the one before it (by default the latest wave and the previous one).
    sectors : str or sequence of str, optional
        Sector codes to cover (default: all).
    weighting : {"raking", "none"}
        Raking of each wave on the population margins, or none.
    margins : str, optional
        A margins CSV instead of ``surveys/margins/<instrument>.csv``.
    """
    with use_language(lang):
        sc = scope(
            store,
            instrument=instrument,
            waves=waves,
            sectors=sectors,
            weighting=weighting,
            margins=margins,
            lang=lang,
        )
        builder = _Builder(sc, lang, threshold)
        builder.blocks.append(Heading(t("report.method.heading", lang), 1))
        builder.blocks.append(builder.methodology())
        builder.key_figures()
        builder.themes()
        builder.changes()
        builder.index()
        builder.limits()
        title = t(
            "report.barometre.title",
            lang,
            title=sc.instrument.title.get(lang),
            wave=wave_label(sc.current, lang),
        )
        subtitle = (
            t(
                "report.barometre.subtitle",
                lang,
                wave=wave_label(sc.current, lang),
                previous=wave_label(sc.previous, lang),
            )
            if sc.previous
            else t("report.barometre.subtitle_single", lang, wave=wave_label(sc.current, lang))
        )
        return Document(
            title,
            subtitle,
            tuple(builder.blocks),
            lang=lang,
            labels=words(lang),
            stem=f"{sc.instrument.id}-{sc.current}",
        )
