"""The field collection app: start screen, the form page by page, end screen, drafts and
corrections, for any instrument.

:class:`CollectApp` holds what the screens share (the instrument, the session, the form, the
language, the screen shown as a :class:`~toolkit.apps.collect.state.Screen`) and switches
between the screens, one module each: :mod:`~toolkit.apps.collect.start`,
:mod:`~toolkit.apps.collect.form_screen` (around the reusable
:class:`~toolkit.apps.collect.renderer.FormRenderer`), :mod:`~toolkit.apps.collect.end`,
:mod:`~toolkit.apps.collect.drafts` and :mod:`~toolkit.apps.collect.responses`.

Every child widget is a public attribute so that tests drive the app from Python
(``app.collector.value = "Ali"``, ``app.begin.click()``) and a browser suite drives the same
app served by Voilà. The page address carries the draft being filled and its page
(``?instrument=…&brouillon=…&page=…``): a reload, a crashed tab or a new kernel reopens it.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from toolkit.apps.collect.drafts import DraftsScreen
from toolkit.apps.collect.end import EndScreen
from toolkit.apps.collect.form_screen import AUTOSAVE_SECONDS, FormScreen
from toolkit.apps.collect.questions import View
from toolkit.apps.collect.renderer import PREFETCH_SECONDS
from toolkit.apps.collect.responses import ResponsesScreen
from toolkit.apps.collect.start import StartScreen
from toolkit.apps.collect.state import Mode, Screen
from toolkit.apps.collect.status import StatusBar, message
from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.page import PageBridge, page_query
from toolkit.apps.common.style import style
from toolkit.collect import (
    CollectSession,
    Form,
    FormState,
    Metadata,
    current_wave,
    database_url,
    find_instrument,
    instrument_files,
)
from toolkit.errors import StoreError, ToolkitError
from toolkit.i18n import t
from toolkit.instruments import Instrument
from toolkit.team import acting_name

__all__ = [
    "AUTOSAVE_SECONDS",
    "PREFETCH_SECONDS",
    "CollectApp",
    "collect_app",
    "instrument_from_query",
]

#: Widgets of the screens that tests and the browser suite reach as ``app.<name>``.
_PUBLIC = {
    "start_screen": (
        "collector",
        "team",
        "wave",
        "sector",
        "sector_question",
        "consent",
        "consent_message",
        "begin",
        "drafts_button",
        "responses_button",
        "start_message",
    ),
    "form_screen": (
        "save",
        "quit",
        "confirm_quit",
        "cancel_quit",
        "correction_reason",
        "correction_field",
        "form_tools",
    ),
    "renderer": (
        "progress",
        "progress_label",
        "page_title",
        "page_box",
        "message",
        "previous",
        "next",
        "submit",
        "nav",
    ),
    "end_screen": ("end_message", "new_button"),
    "drafts_screen": ("draft_list", "resume_button", "delete_button", "confirm_delete"),
    "responses_screen": ("response_list", "correct_button", "void_reason", "void_button"),
}


class CollectApp:
    """The collection app for one instrument.

    Parameters
    ----------
    instrument
        The instrument to collect.
    session
        Where responses go (default: a :class:`~toolkit.collect.CollectSession` on
        ``TOOLKIT_DATABASE_URL`` and the default journal).
    lang
        Language of the interface and of the labels (French by default).
    prefetch
        Build the next page in advance when the app runs in a kernel with an event loop;
        tests call :meth:`prefetch_next` instead.
    resume, page
        Reopen this draft (its response id) on this page (1-based), as the page address
        asks after a reload.
    """

    def __init__(
        self,
        instrument: Instrument,
        *,
        session: CollectSession | None = None,
        lang: str | None = None,
        prefetch: bool = True,
        resume: str | None = None,
        page: int | None = None,
    ) -> None:
        self.instrument = instrument
        self.prefetch = prefetch
        self.session = session or CollectSession(instrument)
        languages = tuple(x for x in instrument.languages if x in ("fr", "en")) or ("fr",)
        self.lang = lang if lang in languages else languages[0]
        self.screen = Screen.START
        self.mode = Mode.COLLECT
        default_wave = self.session.latest_wave()
        self.form = Form(instrument, metadata=Metadata(wave=default_wave))

        self.status_bar = StatusBar(self.session)
        self.status = self.status_bar.html
        self.sync_button = self.status_bar.sync_button
        self.sync_button.on_click(lambda _b: self.sync())
        self.start_screen = StartScreen(self, default_wave)
        self.form_screen = FormScreen(self)
        self.renderer = self.form_screen.renderer
        self.end_screen = EndScreen(self)
        self.drafts_screen = DraftsScreen(self)
        self.responses_screen = ResponsesScreen(self)
        for owner, names in _PUBLIC.items():
            for name in names:
                setattr(self, name, getattr(getattr(self, owner), name))
        self.list_message = self.drafts_screen.list_message

        self.bridge = PageBridge(lang=self.lang, on_hide=self.form_screen.flush)
        self.lang_switch = language_switch(languages, self.lang)
        self.lang_switch.observe(self._language_changed, "value")
        self.title = widgets.HTML()
        self.body = widgets.VBox()
        self.root = widgets.VBox(
            [
                style(),
                self.bridge,
                widgets.HBox([self.lang_switch]),
                self.title,
                self.status,
                self.body,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-collect")
        if resume is None or not self.resume_draft(resume, page):
            self.show_start()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        return self.root._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ shared

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    @property
    def views(self) -> list[View]:
        """The question views of the page shown."""
        return self.renderer.views

    @property
    def page_views(self) -> dict[int, tuple[widgets.VBox, list[View]]]:
        """The pages built so far: index → (page box, views)."""
        return self.renderer.page_views

    def _labels(self) -> None:
        """(Re)write what every screen shares in the current language."""
        title = self.instrument.title.get(self.lang)
        self.title.value = f"<h2>{esc(title)}</h2>"
        self.bridge.set_language(self.lang, self.tr("collect.page.title", title=title))
        self.start_screen.labels()
        self.form_screen.labels()
        self.end_screen.labels()
        self.drafts_screen.labels()
        self.responses_screen.labels()
        self.status_bar.update(self.lang)

    def _show(self, screen: Screen, children: list[widgets.Widget] | tuple) -> None:
        self.screen = screen
        if tuple(self.body.children) != tuple(children):
            self.body.children = tuple(children)
        if screen is not Screen.FORM:
            self.bridge.query = {"instrument": self.instrument.id, "brouillon": None, "page": None}

    def remember_page(self) -> None:
        """Write the draft and its page into the page address (a reload reopens them)."""
        if self.mode is Mode.COLLECT and self.screen is Screen.FORM:
            position, _total = self.form.progress
            self.bridge.query = {
                "instrument": self.instrument.id,
                "brouillon": self.form.response_id,
                "page": position,
            }

    def _language_changed(self, change: dict) -> None:
        self.lang = change["new"]
        {
            Screen.START: self.show_start,
            Screen.FORM: self.render_page,
            Screen.END: self.show_end,
            Screen.DRAFTS: self.show_drafts,
            Screen.RESPONSES: self.show_responses,
        }[self.screen]()

    # ------------------------------------------------------------------ status

    def update_status(self) -> None:
        """Say whether the database answers and how many responses wait in the journal."""
        self.status_bar.update(self.lang)

    def sync(self) -> None:
        """Send the journal now (button of the status bar)."""
        report = self.session.sync()
        self.update_status()
        if report.sent:
            self.start_screen.start_message.value = message(
                "ok", self.tr("collect.status.synced", count=len(report.sent))
            )

    # ------------------------------------------------------------------ start screen

    def show_start(self) -> None:
        self.mode = Mode.COLLECT
        self.session.check()
        self.session.sync()
        self._labels()
        self._show(Screen.START, self.start_screen.children())

    def start(self) -> bool:
        """Leave the start screen for the first page; refused without consent or collector."""
        start = self.start_screen
        if self.form.consent is not None and start.consent.value is not True:
            start.refuse("collect.consent.required")
            return False
        if not start.collector.value.strip():
            start.refuse("collect.start.collector_required")
            return False
        start.start_message.value = ""
        meta = Metadata(
            collector=acting_name(start.collector.value),
            team=start.team.value.strip() or None,
            wave=start.wave.value.strip() or current_wave(),
            started_at=dt.datetime.now(dt.UTC),
        )
        self.form = Form(self.instrument, metadata=meta)
        if start.sector_question is not None:
            # The sector is a question of the instrument: pre-fill it (still editable), the
            # store takes the response's sector from the answer.
            if start.sector.value:
                self.form.set(start.sector_question.name, start.sector.value)
                self.form.touched.discard(start.sector_question.name)
        else:
            meta.sector = start.sector.value.strip() or None
        if self.form.consent is not None:
            self.form.set_consent(True)
            self.form.touched.discard(self.form.consent.name)
        self.form.first_page()
        self.show_form()
        self.form_screen.save_draft(quiet=True)
        return True

    # ------------------------------------------------------------------ form screen

    def show_form(self) -> None:
        self.render_page()

    def render_page(self) -> None:
        """Show the current page of the form (built on its first visit, then kept)."""
        self._labels()
        self._show(Screen.FORM, self.form_screen.children)
        self.form_screen.render()

    def prefetch_next(self) -> bool:
        """Build the page *Next* would open, hidden, if it is not built yet."""
        if self.screen is not Screen.FORM:
            return False
        return self.renderer.prefetch_next()

    def drop_pages(self) -> None:
        self.renderer.drop_pages()

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Keep the answers as a draft (database, or journal when it cannot be reached)."""
        return self.form_screen.save_draft(quiet=quiet)

    def send(self) -> FormState:
        """*Submit* (or save a correction); blocked while any shown page has a problem."""
        return self.form_screen.send()

    # ------------------------------------------------------------------ end screen

    def show_end(self) -> None:
        self._labels()
        self._show(Screen.END, self.end_screen.children())

    def reset(self) -> None:
        """*New questionnaire*: a blank form, the start screen; collector, team, sector and
        wave are kept for the next respondent, consent is asked again."""
        wave = self.start_screen.wave.value.strip() or current_wave()
        self.form = Form(self.instrument, metadata=Metadata(wave=wave))
        self.start_screen.consent.value = None
        self.form_screen.correction_reason.value = ""
        self.renderer.message.value = ""
        self.start_screen.start_message.value = ""
        self.show_start()
        self.drop_pages()  # after the start screen is up: the browser draws it first

    # ------------------------------------------------------------------ drafts

    def show_drafts(self) -> None:
        self._labels()
        self._show(Screen.DRAFTS, self.drafts_screen.children())

    def _open_draft(self, form: Form, page: int | None = None) -> None:
        self.mode = Mode.COLLECT
        self.form = form
        if form.metadata.collector:
            self.start_screen.collector.value = form.metadata.collector
        index = form.furthest_page() if page is None else form.position_index(page)
        form.page_index = index
        if not form.page_shown(index):
            form.first_page()
        self.show_form()

    def resume(self) -> bool:
        """Reopen the chosen draft on the furthest page it reached."""
        chosen = self.drafts_screen.chosen()
        if chosen is None:
            return False
        self._open_draft(chosen)
        return True

    def resume_draft(self, response_id: str, page: int | None = None) -> bool:
        """Reopen draft ``response_id`` on ``page`` (the page address after a reload)."""
        try:
            form = self.session.draft(response_id)
        except ToolkitError:
            form = None
        if form is None:
            self.show_start()
            self.start_screen.start_message.value = message("warn", self.tr("collect.drafts.gone"))
            return True
        self._open_draft(form, page)
        return True

    # ------------------------------------------------------------------ corrections and voiding

    def show_responses(self) -> None:
        self._labels()
        self._show(Screen.RESPONSES, self.responses_screen.children())
        self.list_message = self.responses_screen.list_message

    def start_correction(self) -> bool:
        """Open the chosen submitted response in the form to correct it."""
        screen = self.responses_screen
        if not screen.response_list.value or screen.by("correct") is None:
            return False
        try:
            self.form = self.session.load(screen.response_list.value)
        except ToolkitError as error:
            screen.list_message.value = message("error", error)
            return False
        self.mode = Mode.CORRECT
        self.form.first_page()
        self.show_form()
        return True

    def void(self) -> bool:
        """Void the chosen response; a reason is required."""
        return self.responses_screen.void()


def instrument_from_query(query: str | None) -> str | None:
    """The ``instrument`` parameter of a query string (``"instrument=barometre_ambiance"``).

    Examples
    --------
    >>> instrument_from_query("?instrument=satisfaction_concertation&lang=en")
    'satisfaction_concertation'
    >>> instrument_from_query("?lang=en") is None
    True
    """
    value = page_query(query or "").get("instrument", "").strip()
    return value or None


def collect_app(
    instrument_id: str | None = None, *, query: str | None = None, lang: str | None = None
) -> CollectApp | widgets.Widget:
    """The collection app for ``instrument_id`` (or the ``?instrument=`` of ``query``).

    ``query`` is the page's query string (``voila.utils.get_query_string()``); besides
    ``instrument`` it may carry ``lang`` (``fr``/``en``) and the draft to reopen
    (``brouillon``, with its ``page``). Without an instrument, or with an unknown one,
    returns a page listing the instruments of ``surveys/`` with a link to each form.

    Examples
    --------
    The shortest catalogue questionnaire, on an in-memory database and a journal of its own:
    the app opens on the start screen; once the collector is named, *Start* shows the first
    page and its first question.

    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> journal = Path(tempfile.mkdtemp()) / "journal.jsonl"
    >>> env = {"TOOLKIT_DATABASE_URL": "sqlite://", "TOOLKIT_JOURNAL": str(journal)}
    >>> with mock.patch.dict(os.environ, env):
    ...     app = collect_app(query="?instrument=satisfaction_concertation")
    ...     app.screen
    ...     app.collector.value = "Awa"
    ...     app.start()
    <Screen.START: 'start'>
    True
    >>> app.screen, app.page_title.value
    (<Screen.FORM: 'form'>, '<h3>Contexte</h3>')
    >>> app.views[0].label.value
    '<span class="mt-label">Vous répondez à propos… *</span>'
    """
    params = page_query(query or "")
    instrument_id = instrument_id or instrument_from_query(query)
    asked = params.get("lang", "")
    lang = lang or (asked if asked in ("fr", "en") else "fr")
    instrument = find_instrument(instrument_id) if instrument_id else None
    if instrument is None and instrument_id:
        try:
            from toolkit.store import connect

            instrument = connect(database_url()).instrument(instrument_id)
        except (StoreError, ToolkitError):
            instrument = None
    if instrument is not None:
        page = params.get("page", "")
        return CollectApp(
            instrument,
            lang=lang,
            resume=params.get("brouillon") or None,
            page=int(page) if page.isdigit() else None,
        )
    return _chooser(instrument_id, lang)


def _chooser(instrument_id: str | None, lang: str) -> widgets.Widget:
    """The list of instruments to choose from (no instrument, or an unknown one asked)."""
    from toolkit.instruments import load

    links = []
    for path in instrument_files():
        try:
            title = load(path).title.get(lang)
        except ToolkitError:
            continue
        links.append(
            f'<li><a class="mt-link" href="collecte.ipynb?instrument={esc(path.stem)}">{esc(title)}</a></li>'
        )
    text = (
        t("collect.choose", lang)
        if not instrument_id
        else t("collect.unknown_instrument", lang, instrument=instrument_id)
    )
    bridge = PageBridge(lang=lang)
    bridge.set_language(lang, t("collect.page.choose", lang))
    page = widgets.VBox(
        [style(), bridge, widgets.HTML(f"<p>{esc(text)}</p><ul>{''.join(links)}</ul>")]
    )
    page.add_class("mt-app")
    return page
