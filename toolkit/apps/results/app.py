"""The results app (``notebooks/resultats.ipynb``): findings a coordinator can read and send.

Pick an instrument, waves, a question or a theme, a breakdown and a weighting; see each
answer's share with its margin of error, the number of respondents, Likert charts and the
significant changes since the previous wave; download every table as XLSX or CSV (the same
text as on screen) and produce the HTML and Word report. The work is done by
:func:`toolkit.report.results.results` and :mod:`toolkit.report`; this module only wires
widgets. Downloads are ``data:`` links (no file left on the server, works behind Voilà).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.common.language import language_switch
from toolkit.apps.common.report import ReportOffer, data_link
from toolkit.apps.common.style import style
from toolkit.errors import StoreError, ToolkitError
from toolkit.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.instruments import Instrument, Question
    from toolkit.store import Store

__all__ = ["RESULTS_CSS", "ResultsApp", "results_app"]

#: Tables that wrap instead of overflowing at 768 px (and scroll inside their box at 390 px).
RESULTS_CSS = """
<style>
.mt-results-app table.mt-results { border-collapse: collapse; font-size: 15px; width: 100%;
  overflow-wrap: normal; word-break: normal; hyphens: auto; }
.mt-results-app table.mt-results th, .mt-results-app table.mt-results td {
  border: 1px solid #c9d2db; padding: 4px 6px; vertical-align: top; text-align: left; }
.mt-results-app table.mt-results th { background: #eef3f8; }
.mt-results-app table.mt-results caption { text-align: left; font-weight: 600; padding: 4px 0; }
.mt-results-app .mt-note { color: #51606f; font-size: 14px; }
.mt-results-app .mt-block { margin: 12px 0 20px; }
.mt-results-app .mt-downloads a { margin-right: 14px; }
.mt-results-app .widget-image img, .mt-results-app img { max-width: 100%; height: auto; }
.mt-results-app .mt-waves .widget-checkbox { width: auto; min-width: 12em; }
</style>
"""


class ResultsApp:
    """The results page.

    Parameters
    ----------
    store
        A :class:`toolkit.store.Store` (default: connect to ``TOOLKIT_DATABASE_URL``).
    lang
        Language of the page (the switch at the top changes it).
    threshold
        Disclosure threshold of every table, chart and report.
    """

    def __init__(self, store: Store | None = None, *, lang: str = "fr", threshold: int = 5) -> None:
        self._store = store
        self.lang = lang
        self.threshold = threshold
        self._instruments: dict[str, Instrument] = {}
        self._tables: dict[str, pd.DataFrame] = {}
        self.lang_switch = language_switch(("fr", "en"), lang)
        self.heading = widgets.HTML()
        self.instrument = widgets.Dropdown(layout=widgets.Layout(width="100%"))
        self.waves_label = widgets.HTML()
        self.waves = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.waves.add_class("mt-waves")
        self.question = widgets.Dropdown(layout=widgets.Layout(width="100%"))
        self.breakdown = widgets.Dropdown(layout=widgets.Layout(width="100%"))
        self.weighting = widgets.ToggleButtons(style={"button_width": "auto"})
        self.labels = [widgets.HTML() for _ in range(4)]
        self.show_button = widgets.Button(
            button_style="primary", icon="table", layout=widgets.Layout(width="auto")
        )
        self.report = ReportOffer("barometre", lang=lang, threshold=threshold)
        self.report_button = self.report.button
        self.message = widgets.HTML()
        self.results = widgets.VBox()
        self.report_links = self.report.links
        self.downloads = widgets.HTML()
        self.root = widgets.VBox(
            [
                style(),
                widgets.HTML(RESULTS_CSS),
                widgets.HBox([self.lang_switch]),
                self.heading,
                self.labels[0],
                self.instrument,
                self.waves_label,
                self.waves,
                self.labels[1],
                self.question,
                self.labels[2],
                self.breakdown,
                self.labels[3],
                self.weighting,
                widgets.HBox([self.show_button, self.report_button]),
                self.message,
                self.report_links,
                self.downloads,
                self.results,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-results-app")
        self.show_button.on_click(lambda _b: self.refresh())
        self.report_button.on_click(lambda _b: self.produce_report())
        self.lang_switch.observe(self._language, "value")
        self.instrument.observe(lambda _c: self._instrument_changed(), "value")
        self._texts()
        self._load_instruments()

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return self.root._repr_mimebundle_(**kwargs)

    # ---------------------------------------------------------------- state
    def store(self) -> Store:
        if self._store is None:
            from toolkit.collect import database_url
            from toolkit.store import connect

            self._store = connect(database_url())
        return self._store

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def _texts(self) -> None:
        self.heading.value = (
            f"<h1>{escape(self.tr('results.title'))}</h1><p>{escape(self.tr('results.intro'))}</p>"
        )
        for widget, key in zip(
            self.labels,
            ("results.instrument", "results.question", "results.breakdown", "results.weighting"),
            strict=True,
        ):
            widget.value = f'<label class="mt-label">{escape(self.tr(key))}</label>'
        self.waves_label.value = (
            f'<label class="mt-label">{escape(self.tr("results.waves"))}</label>'
        )
        self.show_button.description = self.tr("results.show")
        self.report.texts(self.lang)
        current = self.weighting.value
        self.weighting.options = [
            (self.tr("results.weighting.raking"), "raking"),
            (self.tr("results.weighting.none"), "none"),
        ]
        self.weighting.value = current if current in ("raking", "none") else "raking"

    def _language(self, change: dict) -> None:
        self.lang = change["new"]
        self._texts()
        self._load_instruments(keep=True)

    def _load_instruments(self, keep: bool = False) -> None:
        try:
            listing = self.store().instruments()
        except StoreError:
            self.message.value = f'<p class="mt-error">{escape(self.tr("results.offline"))}</p>'
            return
        listing = listing[listing["n_submitted"] > 0]
        previous = self.instrument.value
        options = []
        for instrument_id in listing["id"]:
            instrument = self.store().instrument(str(instrument_id))
            self._instruments[str(instrument_id)] = instrument
            options.append((instrument.title.get(self.lang), str(instrument_id)))
        if not options:
            self.message.value = f"<p>{escape(self.tr('results.no_instrument'))}</p>"
            return
        self.instrument.options = options
        ids = [value for _, value in options]
        wanted = (
            previous
            if keep and previous in ids
            else ("barometre_ambiance" if "barometre_ambiance" in ids else ids[0])
        )
        if self.instrument.value == wanted:
            self._instrument_changed(keep=keep)
        else:
            self.instrument.value = wanted

    def _instrument_changed(self, keep: bool = False) -> None:
        from toolkit.report.results import analysable_questions, breakdowns

        instrument = self._instruments.get(self.instrument.value)
        if instrument is None:
            return
        ticked = {box.description for box in self.waves.children if box.value} if keep else set()
        waves = list(self.store().waves(instrument.id))
        from toolkit.analysis import wave_label

        boxes = []
        for i, wave in enumerate(waves):
            box = widgets.Checkbox(
                value=(wave in ticked) if keep else i >= len(waves) - 1,
                description=wave_label(wave, self.lang),
                indent=False,
            )
            box._wave = wave  # the code behind the label
            boxes.append(box)
        self.waves.children = boxes
        from toolkit.analysis.present import Labels

        labels = Labels(instrument, self.lang)
        question_options = []
        for section, questions in analysable_questions(instrument):
            name = next((q for q in instrument.items if q.name == section), None)
            title = name.text(self.lang) if name is not None else section
            question_options.append((self.tr("results.theme", name=title), f"theme:{section}"))
            question_options.extend(
                (f"— {labels.variable(q.name)}", f"q:{q.name}") for q in questions
            )
        previous_question = self.question.value
        self.question.options = question_options
        values = [v for _, v in question_options]
        if keep and previous_question in values:
            self.question.value = previous_question
        elif values:
            scales = [
                f"q:{q.name}"
                for _, qs in analysable_questions(instrument)
                for q in qs
                if q.type == "likert" or (q.choices and _is_scale(instrument, q))
            ]
            self.question.value = (
                scales[0] if scales else next((v for v in values if v.startswith("q:")), values[0])
            )
        frame_columns = self._columns(instrument.id)
        previous_by = self.breakdown.value
        by_options = [(self.tr("results.breakdown.none"), "")]
        by_options += [
            (labels.column(name), name) for name in breakdowns(instrument, frame_columns)
        ]
        self.breakdown.options = by_options
        self.breakdown.value = (
            previous_by if keep and previous_by in [v for _, v in by_options] else ""
        )
        self.results.children = ()
        self.downloads.value = ""
        self.report.clear()

    def _columns(self, instrument_id: str) -> pd.DataFrame:
        import pandas as pd

        waves = self.store().waves(instrument_id)
        frame = self.store().frame(instrument_id, wave=waves[-1:] or None)
        return pd.DataFrame(columns=frame.columns)

    def chosen_waves(self) -> list[str]:
        return [box._wave for box in self.waves.children if box.value]

    def _questions(self) -> list[str]:
        from toolkit.report.results import analysable_questions

        value = self.question.value or ""
        if value.startswith("q:"):
            return [value[2:]]
        instrument = self._instruments[self.instrument.value]
        for section, questions in analysable_questions(instrument):
            if value == f"theme:{section}":
                return [q.name for q in questions]
        return []

    # ---------------------------------------------------------------- actions
    def refresh(self) -> None:
        """Compute and show the results of the current choices."""
        from toolkit.analysis import table_html, wave_label
        from toolkit.report.exports import CSV_MIME, XLSX_MIME, to_csv, to_xlsx
        from toolkit.report.results import results
        from toolkit.report.weighting import weigh

        waves = self.chosen_waves()
        if not waves:
            self.message.value = f'<p class="mt-error">{escape(self.tr("results.no_wave"))}</p>'
            return
        instrument = self._instruments[self.instrument.value]
        try:
            frame = self.store().frame(instrument.id, wave=waves)
            frame["wave"] = frame["wave"].cat.remove_unused_categories()
            weighted = weigh(frame, instrument, method=self.weighting.value, lang=self.lang)
            blocks = results(
                weighted,
                instrument,
                self._questions(),
                waves=waves,
                by=self.breakdown.value or None,
                lang=self.lang,
                threshold=self.threshold,
            )
        except ToolkitError as error:
            self.message.value = f'<p class="mt-error">{escape(str(error))}</p>'
            return
        n = int((weighted.frame["wave"] == waves[-1]).sum())
        self.message.value = (
            f"<p>{escape(self.tr('results.respondents', n=n, wave=wave_label(waves[-1], self.lang)))}<br>"
            f'<span class="mt-note">{escape(self.tr("results.weighting_used", text=weighted.description))}</span></p>'
        )
        if not blocks:
            self.results.children = (widgets.HTML(f"<p>{escape(self.tr('results.nothing'))}</p>"),)
            self.downloads.value = ""
            return
        children = []
        self._tables = {}
        for index, block in enumerate(blocks):
            stem = f"resultats-{instrument.id}-{index + 1}"
            self._tables[block.title] = block.table
            links = data_link(
                to_xlsx({block.title: block.table}),
                f"{stem}.xlsx",
                XLSX_MIME,
                self.tr("results.download_xlsx"),
                "mt-xlsx",
            ) + data_link(
                to_csv(block.table, lang=self.lang),
                f"{stem}.csv",
                CSV_MIME,
                self.tr("results.download_csv"),
                "mt-csv",
            )
            html = (
                f'<div class="mt-block">{table_html(block.table, caption=block.title, css_class="mt-results")}'
                + (f'<p class="mt-note">{escape(block.note)}</p>' if block.note else "")
                + f'<p class="mt-downloads">{links}</p></div>'
            )
            children.append(widgets.HTML(html))
            if block.chart:
                image = widgets.Image(
                    value=block.chart,
                    format="png",
                    layout=widgets.Layout(max_width="100%", height="auto"),
                )
                children.append(image)
        self.results.children = tuple(children)
        self.downloads.value = (
            '<p class="mt-downloads">'
            + data_link(
                to_xlsx(self._tables),
                f"resultats-{instrument.id}.xlsx",
                XLSX_MIME,
                self.tr("results.download_all"),
                "mt-xlsx-all",
            )
            + "</p>"
        )

    def produce_report(self) -> None:
        """Write the HTML and Word report of the current choices and offer both for download."""
        waves = self.chosen_waves()
        if not waves:
            self.message.value = f'<p class="mt-error">{escape(self.tr("results.no_wave"))}</p>'
            return
        self.report.produce(
            self.store(),
            instrument=self.instrument.value,
            waves=waves,
            weighting=self.weighting.value,
        )


def _is_scale(instrument: Instrument, question: Question) -> bool:
    """A Likert matrix item (its choices are an agreement or frequency scale)."""
    return any(q.type == "likert_matrix" and question in q.children for q in instrument.questions())


def results_app(*, lang: str = "fr") -> ResultsApp:
    """The results page of ``notebooks/resultats.ipynb``; shows the latest wave at once.

    Examples
    --------
    Six responses to the shortest catalogue questionnaire, in a database of their own: the
    page opens on its first Likert question, in the latest wave, each share with its margin
    of error and the cells under five respondents held back.

    >>> import html, os, re, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from toolkit.instruments import load
    >>> from toolkit.store import connect
    >>> url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'resultats.sqlite'}"
    >>> store = connect(url)
    >>> _ = store.register(load("surveys/satisfaction_concertation.yaml"))
    >>> rows = [
    ...     {"wave": "2026-T4", "answers": {"contexte": "mediation", "date_rencontre": "2026-11-20",
    ...                                     "secteur": sector, "satisfaction_globale": score}}
    ...     for sector, score in [("gare", 4), ("gare", 3), ("gare", 4),
    ...                           ("centre", 2), ("centre", 4), ("centre", 3)]
    ... ]
    >>> _ = store.submit_many("satisfaction_concertation", rows)
    >>> store.close()
    >>> with mock.patch.dict(os.environ, {"TOOLKIT_DATABASE_URL": url}):
    ...     app = results_app()
    >>> app.chosen_waves()
    ['2026-T4']
    >>> page = html.unescape(app.results.children[0].value)
    >>> re.search(r"<caption>(.*?)</caption>", page).group(1)
    "Dans l'ensemble, êtes-vous satisfait(e) de cette rencontre ? — 2026-T4"
    >>> rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    >>> rows[-1]  # three of six: under the threshold of five, not published
    ('Très satisfait(e)', 'effectif trop faible', '6')
    """
    app = ResultsApp(lang=lang)
    if app.chosen_waves():
        app.refresh()
    return app
