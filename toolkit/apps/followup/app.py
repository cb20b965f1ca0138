"""« Suivi »: the day's follow-up work of a mediator, the coordinator's digest, the indicators.

The app opens on « En retard / À faire aujourd'hui » for the mediator's team (and sector,
when chosen): overdue items first, the most overdue at the top, each with one button per
possible step. Every child widget is a public attribute so that tests drive the app from
Python; a browser test drives the same app served by Voilà.
"""

from __future__ import annotations

import base64
import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as widgets

from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.report import ReportOffer
from toolkit.apps.common.style import style
from toolkit.apps.followup.card import ItemCard
from toolkit.apps.followup.panels import FOLLOWUP_CSS, digest_html, indicators_html
from toolkit.collect import database_url
from toolkit.errors import StoreUnavailableError, ToolkitError
from toolkit.followup import FollowupConflict, Item, Register, events
from toolkit.followup.agenda import Describer, agenda
from toolkit.followup.calendar import today as paris_today
from toolkit.followup.labels import label
from toolkit.followup.offline import PendingStep, PendingSteps, replay
from toolkit.i18n import t

__all__ = ["VIEWS", "FollowupApp", "default_period", "followup_app", "params_from_query"]

#: The app's screens, in the order of the switch.
VIEWS = ("todo", "week", "digest", "indicators")


def _error_text(error: ToolkitError, lang: str) -> str:
    return " ".join(p.message(lang) for p in error.problems) or str(error)


#: Cards shown at once in each section of a list; « Afficher … de plus » adds as many again.
PAGE_SIZE = 20


class FollowupApp:
    """The « Suivi » app.

    Parameters
    ----------
    register
        A :class:`~toolkit.followup.Register` (default: on ``TOOLKIT_DATABASE_URL``).
    collector, team, sector
        Who uses the page and what it shows first (``?collector=…&team=…&sector=…``). With a
        name and no team, the team is the one that name's follow-ups belong to.
    pending
        Where steps wait when the database cannot be reached (default: beside the journal).
    today
        The day (default: today in Europe/Paris; tests fix it).
    """

    def __init__(
        self,
        register: Register | None = None,
        *,
        collector: str = "",
        team: str | None = None,
        sector: str | None = None,
        lang: str = "fr",
        pending: PendingSteps | None = None,
        today: dt.date | None = None,
    ) -> None:
        self._register = register
        self.lang = lang if lang in ("fr", "en") else "fr"
        self.pending = pending or PendingSteps()
        self.fixed_today = today
        self.items: list[Item] = []
        self.cards: dict[str, ItemCard] = {}
        self.unsettled: list[tuple[PendingStep, FollowupConflict]] = []
        self.offline = False
        self.describer: Describer | None = None
        self._quiet = False
        self._team_auto = team is None

        self.lang_switch = language_switch(("fr", "en"), self.lang)
        self.lang_switch.observe(self._language, "value")
        self.heading = widgets.HTML()
        self.status = widgets.HTML()
        self.retry = widgets.Button(icon="refresh", layout=widgets.Layout(width="auto"))
        self.retry.on_click(lambda _b: self.refresh())
        self.collector = widgets.Text(value=collector, continuous_update=False)
        self.collector.add_class("mt-collector")
        self.team = widgets.Dropdown(options=[("", None)], value=None)
        self.team.add_class("mt-team")
        self.sector = widgets.Dropdown(options=[("", None)], value=None)
        self.sector.add_class("mt-sector")
        self._wanted = (team, sector)
        self.labels = [widgets.HTML() for _ in range(3)]
        self.view = widgets.ToggleButtons(
            options=[("", v) for v in VIEWS], value="todo", style={"button_width": "auto"}
        )
        self.view.add_class("mt-views")
        self.notice = widgets.HTML()
        self.body = widgets.VBox()
        self.start = widgets.DatePicker()
        self.end = widgets.DatePicker()
        self.compute = widgets.Button(
            button_style="primary", icon="calculator", layout=widgets.Layout(width="auto")
        )
        self.compute.on_click(lambda _b: self.show_indicators())
        self.indicators = widgets.HTML()
        self.report = ReportOffer("activite", lang=self.lang)
        self.report.button.on_click(lambda _b: self.produce_report())
        self.report_scope = widgets.HTML()
        self.digest = widgets.HTML()
        identity = widgets.VBox(
            [self.labels[0], self.collector, self.labels[1], self.team, self.labels[2], self.sector]
        )
        identity.add_class("mt-question")
        self.root = widgets.VBox(
            [
                style(),
                widgets.HTML(FOLLOWUP_CSS),
                widgets.HBox([self.lang_switch]),
                self.heading,
                self.status,
                widgets.HBox([self.retry]),
                identity,
                self.view,
                self.notice,
                self.body,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-followup")
        self.collector.observe(self._collector_changed, "value")
        self.team.observe(self._filter_changed, "value")
        self.sector.observe(self._filter_changed, "value")
        self.view.observe(lambda _c: self.render(), "value")
        self.refresh()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        return self.root._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ plumbing

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def today(self) -> dt.date:
        return self.fixed_today or paris_today()

    def register(self) -> Register:
        if self._register is None:
            from toolkit.store import connect

            self._register = Register(connect(database_url()))
        return self._register

    def _language(self, change: dict) -> None:
        self.lang = change["new"]
        self._labels()
        self._fill_filters()
        self.render()

    def _labels(self) -> None:
        self.heading.value = f"<h2>{esc(self.tr('followup.app.title'))}</h2>"
        texts = ("followup.app.collector", "followup.app.team", "followup.app.sector")
        for widget, key in zip(self.labels, texts, strict=True):
            widget.value = f'<span class="mt-label">{esc(self.tr(key))}</span>'
        self.collector.placeholder = self.tr("followup.app.collector_placeholder")
        self.retry.description = self.tr("followup.app.retry")
        self.compute.description = self.tr("followup.app.compute")
        self.report.texts(self.lang)
        self.report_scope.value = (
            f'<p class="mt-hint">{esc(self.tr("report.app.activite_scope"))}</p>'
        )
        keep = self.view.value
        self.view.options = [(self.tr(f"followup.app.view.{v}"), v) for v in VIEWS]
        self.view.value = keep

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Open the follow-ups of new records, send waiting steps, read the items again."""
        self._labels()
        try:
            register = self.register()
            register.sync()
            report = replay(register, self.pending) if self.pending.pending() else None
            self.items = register.items(open_only=True)
            self.describer = Describer(register.store)
            self.offline = False
        except StoreUnavailableError:
            self.offline = True
            report = None
        if report is not None:
            self.unsettled = list(report.conflicts)
            if report.applied:
                self.notice.value = f'<div class="mt-ok" role="status">{esc(self.tr("followup.app.replayed", count=len(report.applied)))}</div>'
        self._update_status()
        self._fill_filters()
        self.render()

    def _update_status(self) -> None:
        waiting = len(self.pending.pending())
        if self.offline:
            text = self.tr("followup.app.offline", count=waiting)
            self.status.value = f'<div class="mt-warn" role="status">{esc(text)}</div>'
        elif waiting:
            text = self.tr("followup.app.waiting", count=waiting)
            self.status.value = f'<div class="mt-warn" role="status">{esc(text)}</div>'
        else:
            self.status.value = ""
        self.retry.layout.display = None if (self.offline or waiting) else "none"

    def _fill_filters(self) -> None:
        wanted_team, wanted_sector = self._wanted
        teams = sorted({i.team for i in self.items if i.team})
        team = self.team.value if self.team.value in teams else wanted_team
        if self._team_auto and self.collector.value.strip():
            mine = Counter(
                i.team for i in self.items if i.collector == self.collector.value.strip() and i.team
            )
            if mine:
                team = mine.most_common(1)[0][0]
        sectors = sorted(
            {(i.parent_instrument, i.sector) for i in self.items if i.sector}, key=lambda p: p[1]
        )
        seen: dict[str, str] = {}
        for instrument_id, code in sectors:
            seen.setdefault(
                code,
                self.describer.sector(instrument_id, code, self.lang) if self.describer else code,
            )
        sector = self.sector.value if self.sector.value in seen else wanted_sector
        self._quiet = True
        try:
            self.team.options = [
                (self.tr("followup.app.all_teams"), None),
                *((x, x) for x in teams),
            ]
            # ``index`` rather than ``value = None``: a drop-down whose value is None shows
            # an empty box instead of its « all » option.
            self.team.index = [v for _, v in self.team.options].index(
                team if team in teams else None
            )
            self.sector.options = [
                (self.tr("followup.app.all_sectors"), None),
                *sorted(((name, code) for code, name in seen.items()), key=lambda p: p[0]),
            ]
            self.sector.index = [v for _, v in self.sector.options].index(
                sector if sector in seen else None
            )
        finally:
            self._quiet = False

    def _collector_changed(self, _change: dict) -> None:
        self._fill_filters()
        self.render()

    def _filter_changed(self, change: dict) -> None:
        if self._quiet:
            return
        if change["owner"] is self.team:
            self._team_auto = False
        self.render()

    def shown_items(self) -> list[Item]:
        """The open items of the chosen team and sector."""
        return [
            i
            for i in self.items
            if (self.team.value is None or i.team == self.team.value)
            and (self.sector.value is None or i.sector == self.sector.value)
        ]

    # ------------------------------------------------------------------ screens

    def render(self) -> None:
        {
            "todo": lambda: self._render_list(("overdue", "today")),
            "week": lambda: self._render_list(("week",)),
            "digest": self.show_digest,
            "indicators": self._render_indicators,
        }[self.view.value]()

    def _render_list(self, buckets: tuple[str, ...]) -> None:
        if self.describer is None:
            self.body.children = [
                widgets.HTML(f"<p>{esc(self.tr('followup.app.no_data_offline'))}</p>")
            ]
            return
        rows = agenda(
            self.shown_items(), self.describer, today=self.today(), buckets=buckets, lang=self.lang
        )
        children: list[widgets.Widget] = []
        if self.unsettled:
            children.append(self._unsettled_box())
        self.cards = {}
        for bucket in buckets:
            part = rows[rows["bucket"] == bucket]
            title = self.tr(f"followup.app.section.{bucket}", count=len(part))
            heading = widgets.HTML(f'<h3 class="mt-section mt-section-{bucket}">{esc(title)}</h3>')
            children.append(heading)
            if part.empty:
                children.append(
                    widgets.HTML(f"<p>{esc(self.tr(f'followup.app.empty.{bucket}'))}</p>")
                )
                continue
            box = widgets.VBox()
            box.add_class(f"mt-list-{bucket}")
            more = widgets.Button(layout=widgets.Layout(width="auto"))
            more.add_class(f"mt-more-{bucket}")
            records = part.to_dict("records")
            more.on_click(lambda _b, r=records, x=box, m=more: self._show_more(r, x, m))
            self._show_more(records, box, more)
            children += [box, more]
        self.body.children = children

    def _show_more(self, records: list[dict], box: widgets.VBox, more: widgets.Button) -> None:
        """Add the next :data:`PAGE_SIZE` cards of ``records`` to ``box``.

        A team's list can hold hundreds of items; each card is a dozen widgets, and building
        them all at once took minutes on a phone (845 cards, 25,000 widgets). The page shows
        the most urgent first and the rest on demand.
        """
        by_id = {i.item_id: i for i in self.items}
        start = len(box.children)
        cards = []
        for row in records[start : start + PAGE_SIZE]:
            card = ItemCard(
                row,
                self.record,
                lang=self.lang,
                today=self.today(),
                defaults=self._defaults(by_id[row["item_id"]]),
            )
            self.cards[row["item_id"]] = card
            cards.append(card.root)
        box.children = (*box.children, *cards)
        left = len(records) - len(box.children)
        more.description = self.tr("followup.app.show_more", count=min(left, PAGE_SIZE), left=left)
        more.layout.display = None if left > 0 else "none"

    def _defaults(self, item: Item) -> dict[str, str]:
        if item.kind != "referral" or self.describer is None:
            return {}
        found = item.data.get("parent")
        parent = found if isinstance(found, Mapping) else {}
        other = parent.get("structure_other")
        if other:
            return {"partner": str(other)}
        name = self.describer.choice(
            item.parent_instrument, "structure", parent.get("structure"), self.lang
        )
        return {"partner": name} if name else {}

    def _unsettled_box(self) -> widgets.Widget:
        rows: list[widgets.Widget] = [
            widgets.HTML(
                f'<h3 class="mt-section mt-section-overdue">{esc(self.tr("followup.app.unsettled"))}</h3>'
            )
        ]
        for step, conflict in self.unsettled:
            current = conflict.current
            text = self.tr(
                "followup.app.unsettled_step",
                step=label("event", step.event, self.lang, kind=current.kind),
                kind=label("kind", current.kind, self.lang),
                state=label("state", current.state, self.lang, kind=current.kind),
            )
            keep = widgets.Button(
                description=self.tr("followup.app.keep_theirs"),
                button_style="primary",
                layout=widgets.Layout(width="auto"),
            )
            keep.on_click(lambda _b, s=step: self.settle(s, keep_theirs=True))
            buttons = [keep]
            if step.event in events(current.kind, current.state):
                mine = widgets.Button(
                    description=self.tr("followup.app.record_mine"),
                    button_style="warning",
                    layout=widgets.Layout(width="auto"),
                )
                mine.on_click(
                    lambda _b, s=step, c=conflict: self.settle(s, keep_theirs=False, conflict=c)
                )
                buttons.append(mine)
            rows += [widgets.HTML(f'<div class="mt-warn">{esc(text)}</div>'), widgets.HBox(buttons)]
        box = widgets.VBox(rows)
        box.add_class("mt-unsettled")
        return box

    def settle(
        self, step: PendingStep, *, keep_theirs: bool, conflict: FollowupConflict | None = None
    ) -> None:
        """Close a step replayed into a conflict: drop it, or record it on the new version."""
        if not keep_theirs and conflict is not None:
            try:
                self.register().apply(
                    step.item_id,
                    step.event,
                    by=step.by,
                    expected_version=conflict.current.version,
                    date=step.date,
                    now=None,  # the clock of the moment, as live; no field can stand for it
                    **dict(step.fields),
                )
            except ToolkitError as error:
                self.notice.value = (
                    f'<div class="mt-error" role="alert">{esc(_error_text(error, self.lang))}</div>'
                )
                return
        self.pending.done(step.entry)
        self.unsettled = [(s, c) for s, c in self.unsettled if s.entry != step.entry]
        self.refresh()

    # ------------------------------------------------------------------ recording a step

    def record(
        self, card: ItemCard, event: str, fields: dict[str, object], date: dt.date, version: int
    ) -> bool:
        """Record ``event`` on the card's item; say what happened in the card or the page."""
        name = self.collector.value.strip()
        if not name:
            card.error(self.tr("followup.app.name_required"))
            return False
        item_id = card.row["item_id"]
        try:
            self.register().apply(
                item_id, event, by=name, expected_version=version, date=date, now=None, **fields
            )
        except FollowupConflict as conflict:
            theirs = conflict.current.version
            card.show_conflict(
                conflict,
                event,
                fields,
                date,
                keep=self.refresh,
                force=lambda: self.record(card, event, fields, date, theirs),
            )
            return False
        except StoreUnavailableError:
            self.pending.add(
                item_id, event, by=name, expected_version=version, date=date, now=None, **fields
            )
            card.error(self.tr("followup.app.kept_here"))
            card.actions.children = ()
            card.close_form()
            self.offline = True
            self._update_status()
            return False
        except ToolkitError as error:
            card.error(_error_text(error, self.lang))
            return False
        step = label("event", event, self.lang, kind=card.row["kind"])
        title = " — ".join(x for x in (card.row["kind_label"], card.row["category_label"]) if x)
        self.notice.value = f'<div class="mt-ok" role="status">{esc(self.tr("followup.app.recorded", step=step, title=title))}</div>'
        self.items = self.register().items(open_only=True)
        self.render()
        return True

    # ------------------------------------------------------------------ digest and indicators

    def show_digest(self) -> None:
        from toolkit.followup.digest import digest, write_digest_xlsx
        from toolkit.followup.ics import ics_calendar

        if self.describer is None:
            self.body.children = [
                widgets.HTML(f"<p>{esc(self.tr('followup.app.no_data_offline'))}</p>")
            ]
            return
        frame = digest(
            self.register(),
            today=self.today(),
            team=self.team.value,
            sector=self.sector.value,
            lang=self.lang,
        )
        with tempfile.TemporaryDirectory() as folder:
            path = write_digest_xlsx(frame, Path(folder) / "recapitulatif.xlsx", lang=self.lang)
            xlsx = path.read_bytes()
        shown = agenda(self.shown_items(), self.describer, today=self.today(), lang=self.lang)
        calendar = ics_calendar(shown, lang=self.lang)
        links = _download(
            xlsx,
            "recapitulatif-suivis.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            self.tr("followup.app.download_xlsx"),
        ) + _download(
            calendar, "echeances-suivis.ics", "text/calendar", self.tr("followup.app.download_ics")
        )
        self.digest.value = f'<div class="mt-downloads">{links}</div>' + digest_html(
            frame, lang=self.lang
        )
        self.body.children = [self.digest]

    def _render_indicators(self) -> None:
        # Never show the figures of a previous computation while the new one runs.
        self.indicators.value = f'<p role="status">{esc(self.tr("followup.app.computing"))}</p>'
        if self.start.value is None or self.end.value is None:
            self.start.value, self.end.value = default_period(self.today())
        fields = widgets.VBox(
            [
                widgets.HTML(
                    f'<span class="mt-label">{esc(self.tr("followup.app.period_start"))}</span>'
                ),
                self.start,
                widgets.HTML(
                    f'<span class="mt-label">{esc(self.tr("followup.app.period_end"))}</span>'
                ),
                self.end,
                widgets.HBox([self.compute, self.report.button]),
            ]
        )
        self.report.clear()
        self.body.children = [fields, self.report_scope, self.report.links, self.indicators]
        self.show_indicators()

    def show_indicators(self) -> None:
        """Compute the indicators of the period for the chosen team and sector."""
        from toolkit.followup.indicators import indicators

        self.indicators.value = f'<p role="status">{esc(self.tr("followup.app.computing"))}</p>'
        by = [
            name
            for name, widget in (("sector", self.sector), ("team", self.team))
            if widget.value is not None
        ]
        try:
            table = indicators(
                self.register().store,
                start=self.start.value,
                end=self.end.value,
                by=by or None,
                lang=self.lang,
            )
        except StoreUnavailableError:
            self.indicators.value = f"<p>{esc(self.tr('followup.app.no_data_offline'))}</p>"
            return
        except ToolkitError as error:
            self.indicators.value = (
                f'<div class="mt-error" role="alert">{esc(_error_text(error, self.lang))}</div>'
            )
            return
        for name, widget in (("sector", self.sector), ("team", self.team)):
            if widget.value is not None:
                table = table[table[name] == widget.value]
        self.indicators.value = indicators_html(table, lang=self.lang)

    def produce_report(self) -> None:
        """Write the activity report of the chosen period and sector; offer HTML and Word."""
        try:
            store = self.register().store
        except StoreUnavailableError:
            self.report.links.value = f"<p>{esc(self.tr('followup.app.no_data_offline'))}</p>"
            return
        self.report.produce(
            store, start=self.start.value, end=self.end.value, sector=self.sector.value
        )


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The indicators' period when the screen opens: since 1 January (of last year in the
    first quarter, when this year has too little yet), to today.

    Examples
    --------
    >>> default_period(dt.date(2026, 12, 1))
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 1))
    >>> default_period(dt.date(2026, 2, 10))  # the first quarter: all of last year too
    (datetime.date(2025, 1, 1), datetime.date(2026, 2, 10))
    """
    return (dt.date(today.year if today.month > 3 else today.year - 1, 1, 1), today)


def _download(content: bytes, filename: str, mime: str, text: str) -> str:
    data = base64.b64encode(content).decode("ascii")
    return f'<a class="mt-download" download="{esc(filename)}" href="data:{esc(mime)};base64,{data}">{esc(text)}</a> '


def params_from_query(query: str | None) -> dict[str, str]:
    """``collector``, ``team``, ``sector`` and ``lang`` of a query string.

    Examples
    --------
    Other parameters (a French ``secteur``) and empty values are left out; a value is
    trimmed, and the last of a repeated parameter counts:

    >>> params_from_query("?collector=Amina%20B.&team=Nord&team=Sud&secteur=gare&lang=")
    {'collector': 'Amina B.', 'team': 'Sud'}
    >>> params_from_query("?sector=gare&lang=en")
    {'sector': 'gare', 'lang': 'en'}
    >>> params_from_query(None)
    {}
    """
    found = parse_qs((query or "").lstrip("?"))
    return {
        k: v[-1].strip()
        for k, v in found.items()
        if k in ("collector", "team", "sector", "lang") and v and v[-1].strip()
    }


def followup_app(*, query: str | None = None, lang: str | None = None) -> FollowupApp:
    """The « Suivi » app for ``notebooks/suivi.ipynb`` (``?collector=…&team=…&sector=…``).

    Examples
    --------
    A mediation record with an agreement whose check was due on 1 April, in a database and
    a pii key of its own: for its mediator, the app opens on the team's list, the overdue
    check at the top with one button per possible step.

    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from toolkit.instruments import load
    >>> from toolkit.store import KEY_ENV_VAR, connect, create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> key = create_key(folder / "pii.key")[0]
    >>> url = f"sqlite:///{folder / 'suivi.sqlite'}"
    >>> store = connect(url, key_file=key)
    >>> _ = store.register(load("surveys/intervention_mediation.yaml"))
    >>> answers = {"date_intervention": "2026-03-02", "secteur": "gare", "lieu": "espace_public",
    ...            "temporalite": "differe", "mode": "M-TRD", "type_conflit": "CF-BRUIT",
    ...            "nb_parties": 2, "parties": [
    ...                {"nom_partie": "A", "qualite": "demandeur", "accepte_mediation": "oui"},
    ...                {"nom_partie": "B", "qualite": "mis_en_cause", "accepte_mediation": "oui"}],
    ...            "actions": ["rencontre_conjointe"], "resultat": "R-ACC",
    ...            "texte_accord": "Pas de musique après 22 h.", "date_suivi": "2026-04-01"}
    >>> _ = store.submit("intervention_mediation", answers, collector="Amina B.", team="Nord")
    >>> store.close()
    >>> env = {"TOOLKIT_DATABASE_URL": url, KEY_ENV_VAR: str(key),
    ...        "TOOLKIT_FOLLOWUP_JOURNAL": str(folder / "en-attente.jsonl")}
    >>> with mock.patch.dict(os.environ, env):
    ...     app = followup_app(query="?collector=Amina%20B.")
    >>> app.team.value  # the team of that mediator's follow-ups
    'Nord'
    >>> app.body.children[0].value
    '<h3 class="mt-section mt-section-overdue">En retard (1)</h3>'
    >>> [card.row["task_label"] for card in app.cards.values()]
    ["Vérifier l'accord (30 jours)"]
    >>> [button.description for card in app.cards.values() for button in card.buttons.values()]
    ['Tenu', 'Tenu en partie', 'Injoignables', 'Rompu']
    """
    params = params_from_query(query)
    return FollowupApp(
        collector=params.get("collector", ""),
        team=params.get("team"),
        sector=params.get("sector"),
        lang=lang or params.get("lang", "fr"),
    )
