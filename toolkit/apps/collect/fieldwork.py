"""Fieldwork view: today's and this wave's counts per sector, quota cells against targets.

The counts are read when the page is opened (a preheated kernel waits for the request
first) and again every :data:`~toolkit.apps.common.refresh.REFRESH_SECONDS` while it stays
open; codes are shown as their labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.common.html import esc, table
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.page import PageBridge, page_query
from toolkit.apps.common.refresh import REFRESH_SECONDS, Repeater
from toolkit.apps.common.style import style
from toolkit.collect import (
    current_wave,
    database_url,
    find_instrument,
    instrument_files,
    quota_table,
    sector_table,
    start_of_today,
)
from toolkit.collect.labels import column_label, value_label
from toolkit.errors import InstrumentError, StoreError
from toolkit.i18n import t
from toolkit.instruments import Instrument, load

if TYPE_CHECKING:
    from toolkit.store import Store

__all__ = ["FieldworkView", "fieldwork_app"]


class FieldworkView:
    """Counts for one instrument and wave, refreshed on demand.

    Parameters
    ----------
    store
        A :class:`toolkit.store.Store` (``None``: connect to ``TOOLKIT_DATABASE_URL``).
    instruments
        The instruments offered (default: the valid files of ``surveys/``).
    """

    def __init__(
        self,
        store: Store | None = None,
        instruments: list[Instrument] | None = None,
        *,
        lang: str = "fr",
        refresh_every: float = REFRESH_SECONDS,
    ) -> None:
        self._store = store
        self.lang = lang
        if instruments is None:
            instruments = []
            for path in instrument_files():
                try:
                    instruments.append(load(path))
                except InstrumentError:
                    continue
        self.instruments = {i.id: i for i in instruments}
        self.lang_switch = language_switch(("fr", "en"), lang)
        self.lang_switch.observe(self._language, "value")
        self.instrument = widgets.Dropdown(
            options=[(i.title.get(lang), i.id) for i in instruments],
            value=next(iter(self.instruments), None),
        )
        self.wave = widgets.Text(value=self._latest_wave(), continuous_update=False)
        self.refresh_button = widgets.Button(icon="refresh", button_style="primary")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.sectors = widgets.HTML()
        self.quotas = widgets.HTML()
        self.next_cells = widgets.HTML()
        self.message = widgets.HTML()
        self.heading = widgets.HTML()
        self.labels = [widgets.HTML(), widgets.HTML()]
        self.bridge = PageBridge(lang=lang)
        self.root = widgets.VBox(
            [
                style(),
                self.bridge,
                widgets.HBox([self.lang_switch]),
                self.heading,
                self.labels[0],
                self.instrument,
                self.labels[1],
                self.wave,
                self.refresh_button,
                self.message,
                self.next_cells,
                self.sectors,
                self.quotas,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-fieldwork")
        self.instrument.observe(self._instrument_changed, "value")
        self.wave.observe(lambda _c: self.refresh(), "value")
        self.refresh()
        self.repeater = Repeater(self.refresh, refresh_every)
        self.repeater.start()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        return self.root._repr_mimebundle_(**kwargs)

    def _latest_wave(self) -> str:
        """The wave fieldwork is on: the latest one with responses, else this quarter."""
        instrument_id = self.instrument.value
        if instrument_id is None:
            return current_wave()
        try:
            waves = self.store().waves(instrument_id)
        except StoreError:
            return current_wave()
        return waves[-1] if waves else current_wave()

    def _instrument_changed(self, _change: dict) -> None:
        latest = self._latest_wave()
        if self.wave.value != latest:
            self.wave.value = latest  # refreshes through the wave observer
        else:
            self.refresh()

    def _language(self, change: dict) -> None:
        self.lang = change["new"]
        chosen = self.instrument.value
        with self.instrument.hold_trait_notifications():
            self.instrument.options = [
                (i.title.get(self.lang), i.id) for i in self.instruments.values()
            ]
            self.instrument.value = chosen
        self.refresh()

    def store(self) -> Store:
        if self._store is None:
            from toolkit.store import connect

            self._store = connect(database_url())
        return self._store

    def refresh(self) -> None:
        """Read the counts again and redraw the tables."""
        tr = lambda key, **p: t(key, self.lang, **p)  # noqa: E731
        self.heading.value = f"<h2>{esc(tr('collect.fieldwork.title'))}</h2>"
        self.bridge.set_language(self.lang, tr("collect.fieldwork.page_title"))
        self.labels[
            0
        ].value = f'<span class="mt-label">{esc(tr("collect.fieldwork.instrument"))}</span>'
        self.labels[1].value = f'<span class="mt-label">{esc(tr("collect.start.wave"))}</span>'
        self.refresh_button.description = tr("collect.fieldwork.refresh")
        self.message.value = ""
        instrument = self.instruments.get(self.instrument.value or "")
        if instrument is None:
            self.message.value = esc(tr("collect.fieldwork.no_instrument"))
            return
        wave = self.wave.value.strip() or None
        try:
            store = self.store()
            store.register(instrument)
            today = store.counts(instrument.id, by=("sector",), since=start_of_today())
            in_wave = store.counts(instrument.id, by=("sector",), wave=wave)
            quotas = instrument.analysis.quotas
            cells = (
                quota_table(instrument, store.counts(instrument.id, by=quotas.by, wave=wave))
                if quotas
                else None
            )
        except StoreError as error:
            self.message.value = f'<span class="mt-error">{esc(error)}</span>'
            return
        sectors = sector_table(today, in_wave)
        lang = self.lang

        def labels(name: str, value: object) -> str:
            return value_label(instrument, name, value, lang)

        self.sectors.value = f"<h3>{esc(tr('collect.fieldwork.sectors'))}</h3>" + table(
            [
                tr("collect.start.sector"),
                tr("collect.fieldwork.today"),
                tr("collect.fieldwork.wave", wave=wave or "—"),
            ],
            [[labels("sector", s), a, b] for s, a, b in sectors.itertuples(index=False)],
        )
        if quotas is None or cells is None or cells.empty:
            self.quotas.value = f"<p>{esc(tr('collect.fieldwork.no_quotas'))}</p>"
            self.next_cells.value = ""
            return
        by = list(quotas.by)
        headers = [column_label(instrument, n, self.lang) for n in by] + [
            tr("collect.fieldwork.n"),
            tr("collect.fieldwork.target"),
            tr("collect.fieldwork.remaining"),
        ]
        rows = [
            [*(labels(n, r[n]) for n in by), r["n"], _na(r["target"]), _na(r["remaining"])]
            for _, r in cells.iterrows()
        ]
        self.quotas.value = f"<h3>{esc(tr('collect.fieldwork.quotas'))}</h3>" + table(headers, rows)
        todo = (
            cells[cells["remaining"].fillna(0) > 0]
            .sort_values("remaining", ascending=False)
            .head(5)
        )
        if todo.empty:
            self.next_cells.value = f'<p class="mt-ok">{esc(tr("collect.fieldwork.all_done"))}</p>'
        else:
            items = "".join(
                f"<li>{esc(' · '.join(labels(n, r[n]) for n in by))} : {esc(tr('collect.fieldwork.missing', count=r['remaining']))}</li>"
                for _, r in todo.iterrows()
            )
            self.next_cells.value = f"<h3>{esc(tr('collect.fieldwork.next'))}</h3><ul>{items}</ul>"


def _na(value: object) -> object:
    try:
        return "—" if value is None or value != value else value
    except (TypeError, ValueError):
        return "—"


def fieldwork_app(
    instrument_id: str | None = None, *, query: str | None = None, lang: str | None = None
) -> FieldworkView:
    """The fieldwork view for ``notebooks/terrain.ipynb``, computed when the page is opened.

    On ``instrument_id`` (else the page's ``?instrument=``, else the first instrument), in
    ``lang`` (else the page's ``?lang=``, French by default). ``query`` is the page's query
    string; by default it is read once the page is requested (see
    :func:`~toolkit.apps.common.page.page_query`).

    Examples
    --------
    One response of this quarter's wave in a database of its own, the catalogue reduced to
    its shortest questionnaire: the view opens on that wave, one row per sector (its label),
    today's count and the wave's.

    >>> import os, re, shutil, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from toolkit.instruments import load
    >>> from toolkit.store import connect
    >>> folder = Path(tempfile.mkdtemp())
    >>> surveys = folder / "surveys"
    >>> surveys.mkdir()
    >>> _ = shutil.copy("surveys/satisfaction_concertation.yaml", surveys)
    >>> url = f"sqlite:///{folder / 'terrain.sqlite'}"
    >>> store = connect(url)
    >>> _ = store.register(load(surveys / "satisfaction_concertation.yaml"))
    >>> answers = {"contexte": "mediation", "date_rencontre": "2026-11-20", "secteur": "gare"}
    >>> _ = store.submit("satisfaction_concertation", answers, wave="2026-T4")
    >>> store.close()
    >>> env = {"TOOLKIT_DATABASE_URL": url, "TOOLKIT_SURVEYS": str(surveys)}
    >>> with mock.patch.dict(os.environ, env):
    ...     view = fieldwork_app(query="?instrument=satisfaction_concertation")
    >>> view.instrument.value, view.wave.value
    ('satisfaction_concertation', '2026-T4')
    >>> re.findall(r"<td>(.*?)</td>", view.sectors.value)
    ['Quartier de la Gare', '1', '1']
    """
    params = page_query(query)
    instrument_id = instrument_id or params.get("instrument")
    asked = params.get("lang", "")
    chosen = lang or (asked if asked in ("fr", "en") else "fr")
    view = FieldworkView(lang=chosen)
    if instrument_id and instrument_id in view.instruments:
        view.instrument.value = instrument_id
    elif instrument_id:
        found = find_instrument(instrument_id)
        if found is not None:
            view.instruments[found.id] = found
    return view
