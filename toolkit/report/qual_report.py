"""The qualitative findings report (kind « qualitatif »): what residents say, coded.

Built on :mod:`toolkit.qual`: how many respondents and how many extracts carry each code of
the codebook (with design-based margins of error and small-cell suppression from
:func:`toolkit.qual.code_frequencies`), the same by sector, the agreement between coders
(:func:`toolkit.qual.agreement`), and representative quotes (:func:`toolkit.qual.quotes`)
widened to whole sentences, capped in length, signed with a pseudonym only, with e-mail
addresses and phone numbers masked. Answers to ``pii`` questions never enter the corpus, so
they cannot reach the report; coders are counted, not named.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from toolkit.analysis.formats import format_count, format_number, format_share, share_margin
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
from toolkit.report.figures import bars_png
from toolkit.report.output import words
from toolkit.report.registry import ReportError

__all__ = ["build", "mask_contacts", "readable_quote"]

#: Krippendorff's (2004) reading of alpha: reliable from 0.800, tentative from 0.667.
RELIABLE, TENTATIVE = 0.8, 0.667
#: Instrument whose sector question names sectors when the corpus has none of its own.
SECTOR_SOURCE = "barometre_ambiance"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def mask_contacts(text: str, lang: str | None = None) -> str:
    """E-mail addresses and French phone numbers in a quote replaced by a mark.

    >>> mask_contacts("Écrivez-moi à awa.diop@exemple.fr ou au 06 12 34 56 78.")
    'Écrivez-moi à [adresse masquée] ou au [numéro masqué].'
    """
    text = _EMAIL.sub(t("report.qualitatif.masked_email", lang), text)
    return _PHONE.sub(t("report.qualitatif.masked_phone", lang), text)


def readable_quote(text: str, start: int, end: int, max_chars: int) -> str:
    """The sentence(s) around ``text[start:end]``, cut at a word with « … » past ``max_chars``.

    A coded passage often starts or ends inside a word; a reader needs whole sentences. The
    passage is widened to the sentences that hold it; when those are too long, to words.

    >>> readable_quote("Bonjour. Le soir, les jeunes font du bruit. Merci.", 12, 25, 280)
    'Le soir, les jeunes font du bruit.'
    >>> readable_quote("un deux trois quatre cinq six", 9, 11, 12)
    '… trois…'
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = next((m.end() for m in _SENTENCE_END.finditer(text, end)), len(text))
    if end > start and text[end - 1 : end] in ".!?…":
        right = end
    quote = " ".join(text[left:right].split())
    if len(quote) <= max_chars:
        return quote
    # Too long as sentences: the passage widened to whole words, then capped.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    core = " ".join(text[start:end].split())
    if len(core) > max_chars - 2:
        cut = core[: max_chars - 2]
        core = cut[: cut.rfind(" ")] if " " in cut else cut
        tail = "…"
    else:
        tail = "…" if end < len(text) else ""
    head = "… " if start > 0 else ""
    return head + core.rstrip(" ,;:") + tail


def _share_cell(row: Any, lang: str) -> str:
    if bool(row.suppressed):
        return t("present.too_few", lang)
    if not np.isfinite(row.estimate):
        return "—"
    return t(
        "present.share_cell",
        lang,
        share=format_share(row.estimate, lang),
        margin=share_margin(row.estimate, row.ci_low, row.ci_high, lang),
    )


def _count_cell(row: Any, lang: str) -> str:
    if bool(row.suppressed) or not np.isfinite(row.n):
        return t("present.too_few", lang)
    return format_count(row.n, lang)


def _sector_labels(store: Any, instrument_ids: list[str], lang: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for instrument_id in [*instrument_ids, SECTOR_SOURCE]:
        try:
            instrument = store.instrument(instrument_id)
        except StoreError:
            continue
        name = getattr(instrument.analysis, "sector", None)
        choices = instrument.choices_of(name) if name else None
        for choice in choices.choices if choices is not None else ():
            labels.setdefault(str(choice.value), choice.label.get(lang))
    return labels


class _Builder:
    def __init__(self, lang: str, threshold: int) -> None:
        self.lang = lang
        self.threshold = threshold
        self.blocks: list[Any] = []
        self.hidden: list[str] = []

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)


def build(
    store: Any,
    *,
    lang: str = "fr",
    threshold: int = 5,
    instrument: str | None = None,
    by: str = "sector",
    quotes: int = 3,
    max_chars: int = 280,
    n_boot: int = 1000,
    **_: object,
) -> Document:
    """The findings report of the store's qualitative project.

    Parameters
    ----------
    store : toolkit.store.Store
        Holds the corpus, the codebook and the codings (only read).
    lang : {"fr", "en"}
        Language of the report.
    threshold : int
        Disclosure threshold: a code carried by fewer respondents is not counted in
        public (nor quoted), with secondary suppression across sectors.
    instrument : str, optional
        Keep the open answers of this instrument only (default: the whole corpus, with the
        interview transcripts).
    by : str
        Attribute of the respondents for the breakdown (``sector`` by default).
    quotes : int
        Quotes per code (at most one per respondent).
    max_chars : int
        Longest quote, in characters.
    n_boot : int
        Bootstrap replicates of the agreement intervals (0: none).

    Raises
    ------
    ReportError
        ``R008`` no codebook or no coding yet; ``R002`` no open answer of ``instrument``;
        ``R006`` a non-positive ``quotes`` or ``max_chars``.
    """
    from toolkit.qual import QualProject
    from toolkit.qual.analysis import code_frequencies, coding_matrix
    from toolkit.qual.analysis import quotes as pick_quotes

    for name, value in (("quotes", quotes), ("max_chars", max_chars)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ReportError(problems=[Problem("R006", {"field": name, "got": repr(value)})])
    with use_language(lang):
        project = QualProject(store)
        if not project.codebook_ids():
            raise ReportError(problems=[Problem("R008", {})])
        book = project.codebook()
        names = [c.id for c in book.active()]
        segments = project.segments()
        if instrument is not None:
            segments = segments[segments["instrument_id"] == instrument]
            if segments.empty:
                raise ReportError(
                    problems=[Problem("R002", {"instrument": instrument}, field="instrument")]
                )
        segments = segments.reset_index(drop=True)
        codings = project.codings()
        codings = codings[
            codings["segment_id"].isin(set(segments["segment_id"])) & codings["code"].isin(names)
        ]
        if codings.empty:
            raise ReportError(problems=[Problem("R008", {})])
        b = _Builder(lang, threshold)
        cases = coding_matrix(segments, codings, unit="case", codes=names)
        extracts = coding_matrix(segments, codings, unit="segment", codes=names)
        people = code_frequencies(cases, codes=names, codebook=book, threshold=threshold, lang=lang)
        passages = code_frequencies(
            extracts, codes=names, codebook=book, threshold=threshold, lang=lang
        )
        coders = codings["coder"].nunique()
        _methodology(b, book, segments, coders, store)
        _key_figures(b, segments, cases, people)
        _frequencies(b, people, passages)
        sector_labels = _sector_labels(
            store, sorted(segments["instrument_id"].dropna().unique()), lang
        )
        by_domain = None
        if by in cases.columns and cases[by].nunique() >= 2:
            by_domain = code_frequencies(
                cases.assign(**{by: cases[by].fillna("").astype(str)}),
                codes=names,
                by=by,
                codebook=book,
                threshold=threshold,
                lang=lang,
            )
            _by_domain(b, by_domain, by, sector_labels)
        _agreement(b, project, segments, names, book, n_boot)
        chosen = pick_quotes(
            segments,
            codings,
            codes=names,
            per_code=quotes,
            max_chars=max_chars,
            attributes=(by,) if by in segments.columns else (),
        )
        _quotes(b, chosen, segments, codings, people, by, sector_labels, cases, max_chars, book)
        _limits(b)
        title = book.title.get(lang)
        return Document(
            b.tr("report.qualitatif.title", title=title),
            b.tr(
                "report.qualitatif.subtitle",
                n=len(cases),
                segments=len(segments),
            ),
            tuple(b.blocks),
            lang=lang,
            labels=words(lang),
            stem=f"qualitatif-{book.id}" + (f"-{instrument}" if instrument else ""),
        )


def _methodology(b: _Builder, book: Any, segments: pd.DataFrame, coders: int, store: Any) -> None:
    answers = segments[segments["kind"] == "response"]
    files = segments[segments["kind"] != "response"]
    titles = []
    for instrument_id in sorted(answers["instrument_id"].dropna().unique()):
        try:
            titles.append(store.instrument(instrument_id).title.get(b.lang))
        except StoreError:
            titles.append(b.tr("report.qualitatif.unknown_instrument"))
    parts = []
    if len(answers):
        parts.append(
            b.tr(
                "report.qualitatif.corpus.answers",
                n=len(answers),
                people=answers["case_id"].nunique(),
                instruments=", ".join(f"« {x} »" for x in titles),
            )
        )
    if len(files):
        parts.append(
            b.tr(
                "report.qualitatif.corpus.files",
                n=len(files),
                documents=files["document_id"].nunique(),
            )
        )
    b.blocks.append(Heading(b.tr("report.method.heading"), 1))
    b.blocks.append(
        Methodology(
            b.tr("report.method.title"),
            (
                (
                    b.tr("report.qualitatif.method.corpus"),
                    b.tr("report.qualitatif.corpus.sep").join(parts),
                ),
                (
                    b.tr("report.qualitatif.method.codebook"),
                    b.tr(
                        "report.qualitatif.method.codebook_text",
                        title=book.title.get(b.lang),
                        version=book.version,
                        n=len(book.active()),
                    ),
                ),
                (
                    b.tr("report.qualitatif.method.coding"),
                    b.tr("report.qualitatif.method.coding_text", coders=coders),
                ),
                (b.tr("report.method.margins"), b.tr("report.qualitatif.method.margins_text")),
                (
                    b.tr("report.method.secrecy"),
                    b.tr("report.qualitatif.method.secrecy_text", threshold=b.threshold),
                ),
            ),
        )
    )


def _key_figures(
    b: _Builder, segments: pd.DataFrame, cases: pd.DataFrame, people: pd.DataFrame
) -> None:
    shown = people[~people["suppressed"].astype(bool) & people["estimate"].notna()]
    items = [
        (
            b.tr("report.qualitatif.keys.people"),
            format_count(len(cases), b.lang),
            b.tr("report.qualitatif.keys.extracts", n=len(segments)),
        )
    ]
    for row in shown.sort_values("estimate", ascending=False, kind="stable").head(3).itertuples():
        items.append(
            (
                row.label,
                format_share(row.estimate, b.lang),
                b.tr("report.qualitatif.keys.code_reading", n=int(row.n), total=int(row.n_valid)),
            )
        )
    b.blocks.append(Heading(b.tr("report.keys.title"), 1))
    b.blocks.append(KeyFigures(b.tr("report.qualitatif.keys.subtitle"), tuple(items)))


def _frequencies(b: _Builder, people: pd.DataFrame, passages: pd.DataFrame) -> None:
    b.blocks.append(Heading(b.tr("report.qualitatif.frequencies"), 1))
    b.blocks.append(Paragraph(b.tr("report.qualitatif.frequencies_intro")))
    extracts = passages.set_index("code")
    rows = []
    for row in people.itertuples(index=False):
        other = extracts.loc[row.code]
        if bool(row.suppressed):
            b.hidden.append(b.tr("report.qualitatif.hidden.code", code=row.label))
        rows.append(
            {
                b.tr("report.qualitatif.col.code"): row.label,
                b.tr("report.qualitatif.col.people_share"): _share_cell(row, b.lang),
                b.tr("report.qualitatif.col.people"): _count_cell(row, b.lang),
                b.tr("report.qualitatif.col.extracts_share"): _share_cell(other, b.lang),
                b.tr("report.qualitatif.col.extracts"): _count_cell(other, b.lang),
            }
        )
    b.blocks.append(
        Table(
            pd.DataFrame(rows),
            b.tr("report.qualitatif.frequencies_caption"),
            numeric_from=1,
            note=b.tr("report.qualitatif.frequencies_note", threshold=b.threshold),
        )
    )
    shown = people[~people["suppressed"].astype(bool) & (people["estimate"] > 0)]
    if len(shown) >= 2:
        b.blocks.append(
            Figure(
                bars_png(
                    shown["label"].to_list(),
                    [100 * float(v) for v in shown["estimate"]],
                    xlabel=b.tr("report.qualitatif.figure_axis"),
                ),
                b.tr("report.qualitatif.figure_caption"),
                alt=b.tr("report.qualitatif.frequencies"),
            )
        )


def _by_domain(b: _Builder, table: pd.DataFrame, by: str, labels: dict[str, str]) -> None:
    b.blocks.append(Heading(b.tr("report.qualitatif.by_sector"), 1))
    values = list(dict.fromkeys(table[by]))
    order = {code: i for i, code in enumerate(labels)}
    values.sort(key=lambda v: (order.get(v, len(order)), v))
    name = lambda v: labels.get(v) or b.tr("report.qualitatif.no_sector")  # noqa: E731
    rows = []
    for _code, group in table.groupby("code", sort=False):
        cells = {name(v): "—" for v in values}
        for row in group.itertuples(index=False):
            if row.n_valid < b.threshold:
                # The whole domain is too small: not even a zero is published.
                cells[name(getattr(row, by))] = b.tr("present.too_few")
            elif bool(row.suppressed) or not np.isfinite(row.estimate):
                cells[name(getattr(row, by))] = _share_cell(row, b.lang)
            else:
                cells[name(getattr(row, by))] = t(
                    "present.share_cell",
                    b.lang,
                    share=format_share(row.estimate, b.lang),
                    margin=share_margin(row.estimate, row.ci_low, row.ci_high, b.lang, short=True),
                )
        rows.append({b.tr("report.qualitatif.col.code"): group.iloc[0]["label"], **cells})
    bases = table.drop_duplicates(by).set_index(by)["n_valid"]
    rows.append(
        {
            b.tr("report.qualitatif.col.code"): b.tr("report.qualitatif.col.people"),
            **{name(v): format_count(bases.get(v, 0), b.lang) for v in values},
        }
    )
    b.blocks.append(
        Table(
            pd.DataFrame(rows),
            b.tr("report.qualitatif.by_sector_caption"),
            numeric_from=1,
            note=b.tr("report.table.note", threshold=b.threshold),
        )
    )


def _reading(alpha: float, lang: str) -> str:
    if not np.isfinite(alpha):
        return "—"
    key = "reliable" if alpha >= RELIABLE else "tentative" if alpha >= TENTATIVE else "weak"
    return t(f"report.qualitatif.agreement.{key}", lang)


def _statistic(stats: pd.DataFrame, name: str, lang: str, *, with_ci: bool = False) -> str:
    """An agreement statistic with two decimals, and its interval when asked."""
    if name not in stats.index or not np.isfinite(stats.at[name, "estimate"]):
        return "—"
    text = format_number(float(stats.at[name, "estimate"]), lang, decimals=2)
    low, high = stats.at[name, "ci_low"], stats.at[name, "ci_high"]
    if with_ci and np.isfinite(low) and np.isfinite(high):
        interval = t(
            "present.interval",
            lang,
            low=format_number(float(low), lang, decimals=2),
            high=format_number(float(high), lang, decimals=2),
        )
        text = f"{text} ({interval})"
    return text


def _agreement(
    b: _Builder, project: Any, segments: pd.DataFrame, names: list[str], book: Any, n_boot: int
) -> None:
    from toolkit.qual.reliability import OVERALL, agreement, disagreements

    b.blocks.append(Heading(b.tr("report.qualitatif.agreement"), 1))
    decisions = project.decisions(segments=segments["segment_id"])
    decisions = decisions[decisions["code"].isin(names)]
    n_coders = decisions["coder"].nunique()
    if n_coders < 2:
        b.blocks.append(Paragraph(b.tr("report.qualitatif.agreement_single")))
        b.hidden.append(b.tr("report.qualitatif.hidden.agreement"))
        return
    table = agreement(decisions, n_boot=n_boot)
    apart = disagreements(decisions)["code"].value_counts()
    kappa = "cohen_kappa" if n_coders == 2 else "fleiss_kappa"
    b.blocks.append(Paragraph(b.tr("report.qualitatif.agreement_intro", coders=n_coders)))
    rows = []
    for code, group in table.groupby("code", sort=False):
        stats = group.set_index("statistic")
        label = b.tr("report.overall") if code == OVERALL else book.path(code, b.lang)
        alpha = stats.loc["krippendorff_alpha"] if "krippendorff_alpha" in stats.index else None

        agreed = stats.at["percent_agreement", "estimate"]
        rows.append(
            {
                b.tr("report.qualitatif.col.code"): label,
                b.tr("report.qualitatif.col.reading"): _reading(
                    float(alpha["estimate"]) if alpha is not None else np.nan, b.lang
                ),
                b.tr("report.qualitatif.col.observed"): format_share(float(agreed), b.lang)
                if np.isfinite(agreed)
                else "—",
                b.tr(f"report.qualitatif.col.{kappa}"): _statistic(stats, kappa, b.lang),
                b.tr("report.qualitatif.col.alpha"): _statistic(
                    stats, "krippendorff_alpha", b.lang, with_ci=True
                ),
                b.tr("report.qualitatif.col.disagreements"): format_count(
                    int(apart.sum()) if code == OVERALL else int(apart.get(code, 0)), b.lang
                ),
            }
        )
    per_code = table[table["code"] != OVERALL]
    units = int(per_code["n_units"].max()) if len(per_code) else 0
    b.blocks.append(
        Table(
            pd.DataFrame(rows),
            b.tr("report.qualitatif.agreement_caption", units=units),
            numeric_from=2,
            note=b.tr("report.qualitatif.agreement_note"),
        )
    )


def _quotes(
    b: _Builder,
    chosen: pd.DataFrame,
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    people: pd.DataFrame,
    by: str,
    labels: dict[str, str],
    cases: pd.DataFrame,
    max_chars: int,
    book: Any,
) -> None:
    b.blocks.append(Heading(b.tr("report.qualitatif.quotes"), 1))
    b.blocks.append(Paragraph(b.tr("report.qualitatif.quotes_intro", max_chars=max_chars)))
    published = set(people.loc[~people["suppressed"].astype(bool), "code"])
    texts = segments.set_index("segment_id")["text"]
    spans = codings[codings["span"].astype(bool)]
    # A sector is named beside a quote only when enough respondents of the corpus live there.
    sizes = cases[by].value_counts() if by in cases.columns else pd.Series(dtype=int)
    rows, seen = [], set()
    for row in chosen.itertuples(index=False):
        if row.code not in published:
            continue
        text = str(texts.loc[row.segment_id])
        mine = spans[(spans["segment_id"] == row.segment_id) & (spans["code"] == row.code)]
        start, end = (
            (int(mine["start"].iloc[0]), int(mine["end"].iloc[0])) if len(mine) else (0, len(text))
        )
        quote = mask_contacts(readable_quote(text, start, end, max_chars), b.lang)
        if (row.code, quote) in seen:
            continue
        seen.add((row.code, quote))
        where = getattr(row, by, None) if by in chosen.columns else None
        sector = (
            labels.get(str(where), "")
            if where is not None and sizes.get(where, 0) >= b.threshold
            else ""
        )
        rows.append(
            {
                b.tr("report.qualitatif.col.code"): book.path(row.code, b.lang),
                b.tr("report.qualitatif.col.quote"): f"« {quote} »",
                b.tr("report.qualitatif.col.who"): ", ".join(
                    p for p in (str(row.pseudonym), sector) if p
                ),
            }
        )
    quoted = {r[b.tr("report.qualitatif.col.code")] for r in rows}
    missing = [book.path(c, b.lang) for c in people["code"] if c in published]
    for label in (m for m in missing if m not in quoted):
        b.hidden.append(b.tr("report.qualitatif.hidden.quote", code=label))
    if rows:
        b.blocks.append(
            Table(pd.DataFrame(rows), b.tr("report.qualitatif.quotes_caption"), numeric_from=None)
        )
    else:
        b.blocks.append(Paragraph(b.tr("report.qualitatif.no_quotes", threshold=b.threshold)))


def _limits(b: _Builder) -> None:
    b.blocks.append(Heading(b.tr("report.limits.title"), 1))
    items = list(dict.fromkeys(b.hidden)) or [
        b.tr("report.qualitatif.limits.none", threshold=b.threshold)
    ]
    items += [
        b.tr("report.qualitatif.limits.not_representative"),
        b.tr("report.qualitatif.limits.codes_overlap"),
    ]
    b.blocks.append(
        Limits(
            b.tr("report.limits.title"),
            b.tr("report.qualitatif.limits.intro", threshold=b.threshold),
            tuple(items),
        )
    )
