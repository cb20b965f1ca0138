"""The field collection app: start screen, the form page by page, end screen, drafts and
corrections, for any instrument.

Every child widget is a public attribute so that tests drive the app from Python
(``app.collector.value = "Ali"``, ``app.begin.click()``) and a browser suite drives the same
app served by Voilà.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from urllib.parse import parse_qs

import ipywidgets as widgets

from toolkit.apps.collect.questions import build_views, close_views
from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
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
from toolkit.errors import StoreError, StoreUnavailableError, ToolkitError
from toolkit.i18n import t
from toolkit.instruments import Instrument

__all__ = [
    "AUTOSAVE_SECONDS",
    "PREFETCH_SECONDS",
    "CollectApp",
    "collect_app",
    "instrument_from_query",
]

#: A draft is saved on every page change, and on an answer change when the last save is
#: older than this.
AUTOSAVE_SECONDS = 20.0

#: After a page is shown, the next page's widgets are built (hidden) this many seconds later,
#: once the browser has drawn the current page, so that *Next* only has to show them.
PREFETCH_SECONDS = 0.5


def _button(label: str, *, style_name: str = "", icon: str = "") -> widgets.Button:
    return widgets.Button(
        description=label, button_style=style_name, icon=icon, layout=widgets.Layout(width="auto")
    )


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
        Build the next page in advance (:data:`PREFETCH_SECONDS` after a page is shown) when
        the app runs in a kernel with an event loop; tests call :meth:`prefetch_next` instead.

    Notes
    -----
    Each page's widgets are built once per form, on its first visit (or in advance, see
    ``prefetch``), and kept in :attr:`page_box`: moving between pages only shows one page box
    and hides the other, so the browser does not recreate dozens of widgets on every
    *Previous* / *Next*. They are closed when the form is replaced (new respondent, resumed
    draft, correction) or the language changes.
    """

    def __init__(
        self,
        instrument: Instrument,
        *,
        session: CollectSession | None = None,
        lang: str | None = None,
        prefetch: bool = True,
    ) -> None:
        self.instrument = instrument
        self.prefetch = prefetch
        self.session = session or CollectSession(instrument)
        languages = tuple(x for x in instrument.languages if x in ("fr", "en")) or ("fr",)
        self.lang = lang if lang in languages else languages[0]
        self.screen = "start"
        self.mode = "collect"
        self.last_saved = 0.0
        self.views: list[object] = []
        self.page_views: dict[int, tuple[widgets.VBox, list[object]]] = {}
        self._pages_form: Form | None = None
        self._pages_lang = self.lang
        default_wave = self.session.latest_wave()
        self.form = self._new_form(Metadata(wave=default_wave))

        self.lang_switch = language_switch(languages, self.lang)
        self.lang_switch.observe(self._language_changed, "value")
        self.title = widgets.HTML()
        self.status = widgets.HTML()
        self.sync_button = _button("", icon="refresh")
        self.sync_button.on_click(lambda _b: self.sync())
        self.body = widgets.VBox()

        # start screen
        self.collector = widgets.Text(continuous_update=False)
        self.team = widgets.Text(continuous_update=False)
        self.wave = widgets.Text(value=default_wave, continuous_update=False)
        self.sector_question = self._sector_question()
        if self.sector_question is not None:
            self.sector: widgets.Widget = widgets.Dropdown()
        else:
            self.sector = widgets.Text(continuous_update=False)
        self.consent = widgets.RadioButtons(options=[("", True), ("", False)], value=None)
        self.consent.observe(lambda _c: self._update_start(), "value")
        self.consent_message = widgets.HTML()
        self.begin = _button("", style_name="success", icon="play")
        self.begin.on_click(lambda _b: self.start())
        self.drafts_button = _button("", icon="folder-open")
        self.drafts_button.on_click(lambda _b: self.show_drafts())
        self.responses_button = _button("", icon="pencil")
        self.responses_button.on_click(lambda _b: self.show_responses())
        self.start_message = widgets.HTML()

        # form screen
        self.progress = widgets.IntProgress(
            min=0, max=1, value=0, layout=widgets.Layout(width="100%")
        )
        self.progress_label = widgets.HTML()
        self.page_title = widgets.HTML()
        self.page_box = widgets.VBox()
        self.previous = _button("", icon="arrow-left")
        self.previous.on_click(lambda _b: self.go_previous())
        self.next = _button("", style_name="primary", icon="arrow-right")
        self.next.on_click(lambda _b: self.go_next())
        self.submit = _button("", style_name="success", icon="check")
        self.submit.on_click(lambda _b: self.send())
        self.save = _button("", icon="save")
        self.save.on_click(lambda _b: self.save_draft())
        self.quit = _button("", icon="times")
        self.quit.on_click(lambda _b: self.reset())
        self.message = widgets.HTML()
        self.correction_reason = widgets.Text(continuous_update=False)
        self.correction_label = widgets.HTML()
        self.correction_field = widgets.VBox([self.correction_label, self.correction_reason])
        self.correction_field.add_class("mt-question")
        self.nav = widgets.HBox([self.previous, self.next, self.submit])
        self.form_tools = widgets.HBox([self.save, self.quit])
        self.form_screen = (
            self.progress_label,
            self.progress,
            self.page_title,
            self.page_box,
            self.message,
            self.correction_field,
            self.nav,
            self.form_tools,
        )

        # end screen
        self.end_message = widgets.HTML()
        self.new_button = _button("", style_name="primary", icon="plus")
        self.new_button.on_click(lambda _b: self.reset())

        # drafts and responses screens
        self.draft_list = widgets.RadioButtons(options=[], value=None)
        self.resume_button = _button("", style_name="primary", icon="play")
        self.resume_button.on_click(lambda _b: self.resume())
        self.response_list = widgets.RadioButtons(options=[], value=None)
        self.correct_button = _button("", style_name="primary", icon="pencil")
        self.correct_button.on_click(lambda _b: self.start_correction())
        self.void_reason = widgets.Text(continuous_update=False)
        self.void_button = _button("", style_name="danger", icon="ban")
        self.void_button.on_click(lambda _b: self.void())
        self.back_button = _button("", icon="arrow-left")
        self.back_button.on_click(lambda _b: self.show_start())
        self.list_message = widgets.HTML()

        for widget, name in (
            (self.collector, "collector"),
            (self.team, "team"),
            (self.wave, "wave"),
            (self.sector, "sector"),
            (self.consent, "consent-input"),
            (self.correction_reason, "correction-reason"),
            (self.void_reason, "void-reason"),
            (self.draft_list, "draft-list"),
            (self.response_list, "response-list"),
        ):
            widget.add_class(f"mt-{name}")
        self.root = widgets.VBox(
            [style(), widgets.HBox([self.lang_switch]), self.title, self.status, self.body]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-collect")
        self.show_start()

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return self.root._repr_mimebundle_(**kwargs)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ helpers

    def _new_form(self, metadata: Metadata) -> Form:
        return Form(self.instrument, metadata=metadata)

    def _sector_question(self):
        name = self.instrument.analysis.sector
        if not name:
            return None
        try:
            question = self.instrument.question(name)
        except KeyError:
            return None
        if (
            self.instrument.repeat_of(name) is None
            and question.type == "single_choice"
            and question.choices
        ):
            return question
        return None

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def _labels(self) -> None:
        """(Re)write every interface label in the current language."""
        self.title.value = f"<h2>{esc(self.instrument.title.get(self.lang))}</h2>"
        self.collector.description = ""
        self.collector.placeholder = self.tr("collect.start.collector_placeholder")
        self.team.placeholder = self.tr("collect.start.team_placeholder")
        self.wave.placeholder = current_wave()
        if self.sector_question is not None:
            choice_list = self.instrument.choice_lists[self.sector_question.choices]  # type: ignore[index]
            keep = self.sector.value
            self.sector.options = [
                ("—", None),
                *((c.label.get(self.lang), c.value) for c in choice_list.choices),
            ]
            # Select "—" itself when nothing is chosen: ``value = None`` selects no option at
            # all, and the first arrow key in the drop-down would only reach "—".
            values = [value for _label, value in self.sector.options]
            self.sector.index = values.index(keep) if keep in values else 0
        keep = self.consent.value
        self.consent.options = [
            (self.tr("collect.consent.yes"), True),
            (self.tr("collect.consent.no"), False),
        ]
        self.consent.value = keep
        self.begin.description = self.tr("collect.start.begin")
        self.drafts_button.description = self.tr("collect.start.drafts")
        self.responses_button.description = self.tr("collect.start.responses")
        self.previous.description = self.tr("collect.nav.previous")
        self.next.description = self.tr("collect.nav.next")
        self.submit.description = self.tr(
            "collect.nav.correct" if self.mode == "correct" else "collect.nav.submit"
        )
        self.save.description = self.tr("collect.nav.save")
        self.quit.description = self.tr("collect.nav.quit")
        self.new_button.description = self.tr("collect.end.new")
        self.resume_button.description = self.tr("collect.drafts.resume")
        self.correct_button.description = self.tr("collect.responses.correct")
        self.void_button.description = self.tr("collect.responses.void")
        self.void_reason.placeholder = self.tr("collect.responses.reason_placeholder")
        self.correction_reason.placeholder = self.tr("collect.responses.reason_placeholder")
        self.back_button.description = self.tr("collect.back")
        self.sync_button.description = self.tr("collect.status.sync")
        self.correction_label.value = (
            f'<span class="mt-label">{esc(self.tr("collect.responses.reason"))}</span>'
        )

    def _field(self, key: str, widget: widgets.Widget) -> widgets.VBox:
        box = widgets.VBox(
            [widgets.HTML(f'<span class="mt-label">{esc(self.tr(key))}</span>'), widget]
        )
        box.add_class("mt-question")
        return box

    def _language_changed(self, change: dict) -> None:
        self.lang = change["new"]
        {
            "start": self.show_start,
            "form": self.render_page,
            "end": self.show_end,
            "drafts": self.show_drafts,
            "responses": self.show_responses,
        }[self.screen]()

    # ------------------------------------------------------------------ status

    def update_status(self) -> None:
        """Say whether the database answers and how many responses wait in the journal."""
        waiting = len(self.session.pending())
        if self.session.last_error is not None:
            text = self.tr("collect.status.offline", pending=waiting)
            self.status.value = f'<div class="mt-warn" role="status">{esc(text)}</div>'
            self.sync_button.layout.display = None
        elif waiting:
            text = self.tr("collect.status.pending", pending=waiting)
            self.status.value = f'<div class="mt-warn" role="status">{esc(text)}</div>'
            self.sync_button.layout.display = None
        else:
            self.status.value = (
                f'<div class="mt-ok" role="status">{esc(self.tr("collect.status.online"))}</div>'
            )
            self.sync_button.layout.display = "none"

    def sync(self) -> None:
        """Send the journal now (button of the status bar)."""
        report = self.session.sync()
        self.update_status()
        if report.sent:
            self.start_message.value = esc(self.tr("collect.status.synced", count=len(report.sent)))

    # ------------------------------------------------------------------ start screen

    def show_start(self) -> None:
        self.screen = "start"
        self.mode = "collect"
        self._labels()
        self.session.check()
        self.session.sync()
        self.update_status()
        fields = [
            self._field("collect.start.collector", self.collector),
            self._field("collect.start.team", self.team),
            self._field("collect.start.sector", self.sector),
            self._field("collect.start.wave", self.wave),
        ]
        description = (
            self.instrument.description.get(self.lang) if self.instrument.description else ""
        )
        intro = widgets.HTML(f"<p>{esc(description)}</p>" if description else "")
        children: list[widgets.Widget] = [intro, *fields]
        if self.form.consent is not None:
            consent_label = widgets.HTML(
                f'<span class="mt-label">{esc(self.form.consent.text(self.lang))} *</span>'
            )
            box = widgets.VBox([consent_label, self.consent, self.consent_message])
            box.add_class("mt-question")
            box.add_class("mt-consent")
            children.append(box)
        children += [
            self.start_message,
            widgets.HBox([self.begin]),
            widgets.HBox([self.drafts_button, self.responses_button]),
            widgets.HBox([self.sync_button]),
        ]
        self.body.children = children
        self._update_start()

    def _update_start(self) -> None:
        refused = self.form.consent is not None and self.consent.value is False
        missing = self.form.consent is not None and self.consent.value is None
        if refused:
            self.consent_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.consent.refused"))}</span>'
            )
        else:
            self.consent_message.value = ""
        self.begin.disabled = refused or missing

    def start(self) -> bool:
        """Leave the start screen for the first page; refused without consent or collector."""
        if self.form.consent is not None and self.consent.value is not True:
            self.start_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.consent.required"))}</span>'
            )
            return False
        if not self.collector.value.strip():
            self.start_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.start.collector_required"))}</span>'
            )
            return False
        self.start_message.value = ""
        meta = Metadata(
            collector=self.collector.value.strip(),
            team=self.team.value.strip() or None,
            wave=self.wave.value.strip() or current_wave(),
            started_at=dt.datetime.now(dt.UTC),
        )
        self.form = self._new_form(meta)
        if self.sector_question is not None:
            # The sector is a question of the instrument: pre-fill it (still editable), the
            # store takes the response's sector from the answer.
            if self.sector.value:
                self.form.set(self.sector_question.name, self.sector.value)
                self.form.touched.discard(self.sector_question.name)
        else:
            meta.sector = self.sector.value.strip() or None
        if self.form.consent is not None:
            self.form.set_consent(True)
            self.form.touched.discard(self.form.consent.name)
        self.form.first_page()
        self.show_form()
        self.save_draft(quiet=True)
        return True

    # ------------------------------------------------------------------ form screen

    def show_form(self) -> None:
        self.screen = "form"
        self._labels()
        self.render_page()

    def render_page(self) -> None:
        """Show the current page: its widgets are built on its first visit, then kept."""
        self.screen = "form"
        self._labels()
        if not self._pages_current():
            self.drop_pages()
            self._pages_form, self._pages_lang = self.form, self.lang
        index = self.form.page_index
        self.views = self._page(index)
        for other, (box, _views) in self.page_views.items():
            box.layout.display = None if other == index else "none"
        page = self.form.page
        label = page.label.get(self.lang) if page.label else ""
        self.page_title.value = f"<h3>{esc(label)}</h3>" if label else ""
        self.correction_field.layout.display = None if self.mode == "correct" else "none"
        if self.body.children != self.form_screen:
            self.body.children = self.form_screen
        self.refresh()
        self._schedule_prefetch()

    def _pages_current(self) -> bool:
        """Whether the built pages belong to the current form, in the current language."""
        return self._pages_form is self.form and self._pages_lang == self.lang

    def _page(self, index: int) -> list[object]:
        """The views of page ``index``, built (hidden) and added to the page box if needed."""
        if index not in self.page_views:
            box = widgets.VBox(layout=widgets.Layout(display="none"))
            box.add_class("mt-page")
            views = build_views(
                self.form.pages[index].items, self.form, self.lang, self.refresh, self._rebuild_page
            )
            box.children = [v.box for v in views]  # type: ignore[attr-defined]
            self.page_views[index] = (box, views)
            self.page_box.children = (*self.page_box.children, box)
        return self.page_views[index][1]

    def _rebuild_page(self) -> None:
        """Rebuild the current page's views (a repeat entry was added or removed)."""
        index = self.form.page_index
        box, old = self.page_views[index]
        views = build_views(
            self.form.page.items, self.form, self.lang, self.refresh, self._rebuild_page
        )
        box.children = [v.box for v in views]  # type: ignore[attr-defined]
        self.page_views[index] = (box, views)
        self.views = views
        close_views(old)
        self.refresh()

    def drop_pages(self) -> None:
        """Close every built page (the form or the language changed)."""
        built = list(self.page_views.values())
        self.page_views = {}
        self._pages_form = None
        self.views = []
        if not built:
            return
        self.page_box.children = ()
        for box, views in built:
            close_views(views)
            box.close()
            box.layout.close()

    def prefetch_next(self) -> bool:
        """Build the page *Next* would open, hidden, if it is not built yet."""
        if self.screen != "form" or not self._pages_current():
            return False
        target = self.form.next_page_index()
        if target is None or target in self.page_views:
            return False
        self._page(target)
        return True

    def _schedule_prefetch(self) -> None:
        if not self.prefetch:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel event loop (driven from Python): nothing to wait for
            return
        loop.call_later(PREFETCH_SECONDS, self.prefetch_next)

    def refresh(self) -> None:
        """Apply skip logic, calculations and problems to the page after an answer changed."""
        for view in self.views:
            view.refresh()  # type: ignore[attr-defined]
        position, total = self.form.progress
        self.progress.max = total
        self.progress.value = position
        self.progress_label.value = esc(self.tr("collect.progress", page=position, total=total))
        last = self.form.is_last_page
        self.previous.disabled = self.form.is_first_page
        self.next.layout.display = "none" if last else None
        self.submit.layout.display = None if last else "none"
        self.save.layout.display = "none" if self.mode == "correct" else None
        blocked = not self.form.can_leave_page() and self.form.page_index in self.form.attempted
        self.next.disabled = blocked
        self.submit.disabled = blocked
        if not blocked and self.message.value and "mt-error" in self.message.value:
            self.message.value = ""
        if self.mode == "collect" and time.monotonic() - self.last_saved > AUTOSAVE_SECONDS:
            self.save_draft(quiet=True)

    def go_next(self) -> bool:
        """*Next*: refused, with the problems shown next to the fields, while the page has any."""
        moved = self.form.next()
        if not moved:
            self.message.value = (
                f'<span class="mt-error" role="alert">{esc(self.tr("collect.blocked"))}</span>'
            )
            self.refresh()
            return False
        self.message.value = ""
        if self.mode == "collect":
            self.save_draft(quiet=True)
        self.render_page()
        return True

    def go_previous(self) -> bool:
        moved = self.form.previous()
        self.message.value = ""
        if moved:
            if self.mode == "collect":
                self.save_draft(quiet=True)
            self.render_page()
        return moved

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Keep the answers as a draft (database, or journal when it cannot be reached)."""
        if self.mode != "collect":
            return False
        stored = self.session.save_draft(self.form)
        self.last_saved = time.monotonic()
        if not quiet:
            key = "collect.draft.saved" if stored else "collect.draft.journaled"
            self.message.value = f'<span class="mt-ok">{esc(self.tr(key))}</span>'
        self.update_status()
        return stored

    def send(self) -> FormState:
        """*Submit* (or save a correction); blocked while any shown page has a problem."""
        self.submit.disabled = True
        try:
            if not self.form.ready():
                target = self.form.first_problem_page()
                if target is not None and target != self.form.page_index:
                    self.form.page_index = target
                    self.form.attempted.add(target)
                    self.render_page()
                self.message.value = (
                    f'<span class="mt-error" role="alert">{esc(self.tr("collect.blocked"))}</span>'
                )
                self.refresh()
                return self.form.state
            if self.mode == "correct":
                by = self.collector.value.strip() or "?"
                try:
                    outcome = self.session.correct(
                        self.form, by=by, reason=self.correction_reason.value.strip() or None
                    )
                except StoreUnavailableError:
                    self.update_status()
                    self.message.value = (
                        f'<span class="mt-error">{esc(self.tr("collect.responses.offline"))}</span>'
                    )
                    return self.form.state
            else:
                outcome = self.session.submit(self.form)
            if outcome.state is FormState.DRAFT:
                problems = "; ".join(p.message(self.lang) for p in outcome.problems)
                self.message.value = f'<span class="mt-error" role="alert">{esc(problems)}</span>'
                self.refresh()
                return outcome.state
            self.show_end()
            return outcome.state
        finally:
            self.submit.disabled = False

    # ------------------------------------------------------------------ end screen

    def show_end(self) -> None:
        self.screen = "end"
        self._labels()
        self.update_status()
        if self.form.state is FormState.SUBMITTED:
            key = "collect.end.corrected" if self.mode == "correct" else "collect.end.submitted"
            text = f'<p class="mt-ok" role="status">{esc(self.tr(key))}</p>'
        else:
            text = f'<p class="mt-warn" role="status">{esc(self.tr("collect.end.journaled", pending=len(self.session.pending())))}</p>'
        reference = esc(self.tr("collect.end.reference", response_id=self.form.response_id))
        self.end_message.value = f"{text}<p><small>{reference}</small></p>"
        self.body.children = [self.end_message, widgets.HBox([self.new_button])]

    def reset(self) -> None:
        """*Nouveau questionnaire*: a blank form, the start screen; collector, team, sector and
        wave are kept for the next respondent, consent is asked again."""
        self.form = self._new_form(Metadata(wave=self.wave.value.strip() or current_wave()))
        self.consent.value = None
        self.correction_reason.value = ""
        self.message.value = ""
        self.start_message.value = ""
        self.show_start()
        self.drop_pages()  # after the start screen is up: the browser draws it first

    # ------------------------------------------------------------------ drafts

    def show_drafts(self) -> None:
        self.screen = "drafts"
        self._labels()
        self._drafts = self.session.drafts()
        options = []
        for form in self._drafts:
            when = (
                form.metadata.started_at.strftime("%d/%m %H:%M")
                if form.metadata.started_at
                else "?"
            )
            label = self.tr(
                "collect.drafts.item",
                collector=form.metadata.collector or "?",
                when=when,
                answered=len(form.answers),
            )
            options.append((label, form.response_id))
        self.draft_list.options = options
        self.draft_list.value = None
        self.list_message.value = "" if options else esc(self.tr("collect.drafts.none"))
        heading = widgets.HTML(f"<h3>{esc(self.tr('collect.drafts.title'))}</h3>")
        self.body.children = [
            heading,
            self.list_message,
            self.draft_list,
            widgets.HBox([self.resume_button, self.back_button]),
        ]

    def resume(self) -> bool:
        """Reopen the chosen draft on its first page."""
        chosen = next(
            (f for f in getattr(self, "_drafts", []) if f.response_id == self.draft_list.value),
            None,
        )
        if chosen is None:
            return False
        self.mode = "collect"
        self.form = chosen
        if chosen.metadata.collector:
            self.collector.value = chosen.metadata.collector
        self.form.first_page()
        self.show_form()
        return True

    # ------------------------------------------------------------------ corrections and voiding

    def show_responses(self) -> None:
        self.screen = "responses"
        self._labels()
        heading = widgets.HTML(f"<h3>{esc(self.tr('collect.responses.title'))}</h3>")
        try:
            recent = self.session.recent()
        except StoreError:
            recent = []
            self.list_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.responses.offline"))}</span>'
            )
        else:
            self.list_message.value = "" if recent else esc(self.tr("collect.responses.none"))
        options = []
        for row in recent:
            when = (
                row["submitted_at"].strftime("%d/%m %H:%M")
                if row.get("submitted_at") is not None
                else "?"
            )
            label = self.tr(
                "collect.responses.item",
                when=when,
                collector=row.get("collector") or "?",
                sector=row.get("sector") or "?",
                short=str(row["response_id"])[:8],
            )
            options.append((label, str(row["response_id"])))
        self.response_list.options = options
        self.response_list.value = None
        self.update_status()
        self.body.children = [
            heading,
            self._field("collect.start.collector", self.collector),
            self.list_message,
            self.response_list,
            widgets.HBox([self.correct_button]),
            self._field("collect.responses.reason", self.void_reason),
            widgets.HBox([self.void_button, self.back_button]),
        ]

    def _by(self) -> str | None:
        by = self.collector.value.strip()
        if not by:
            self.list_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.start.collector_required"))}</span>'
            )
            return None
        return by

    def start_correction(self) -> bool:
        """Open the chosen submitted response in the form to correct it."""
        if not self.response_list.value or self._by() is None:
            return False
        try:
            self.form = self.session.load(self.response_list.value)
        except ToolkitError as error:
            self.list_message.value = f'<span class="mt-error">{esc(error)}</span>'
            return False
        self.mode = "correct"
        self.form.first_page()
        self.show_form()
        return True

    def void(self) -> bool:
        """Void the chosen response; a reason is required."""
        by = self._by()
        if not self.response_list.value or by is None:
            return False
        reason = self.void_reason.value.strip()
        if not reason:
            self.list_message.value = (
                f'<span class="mt-error">{esc(self.tr("collect.responses.reason_required"))}</span>'
            )
            return False
        try:
            self.session.void(self.response_list.value, reason=reason, by=by)
        except ToolkitError as error:
            self.list_message.value = f'<span class="mt-error">{esc(error)}</span>'
            return False
        self.void_reason.value = ""
        self.show_responses()
        self.list_message.value = (
            f'<span class="mt-ok">{esc(self.tr("collect.responses.voided"))}</span>'
        )
        return True


def instrument_from_query(query: str | None) -> str | None:
    """The ``instrument`` parameter of a query string (``"instrument=barometre_ambiance"``)."""
    values = parse_qs((query or "").lstrip("?")).get("instrument") or []
    return values[0].strip() or None if values else None


def collect_app(
    instrument_id: str | None = None, *, query: str | None = None, lang: str | None = None
) -> CollectApp | widgets.Widget:
    """The collection app for ``instrument_id`` (or the ``?instrument=`` of ``query``).

    Without an instrument, or with an unknown one, returns a page listing the instruments of
    ``surveys/`` with a link to each form.
    """
    instrument_id = instrument_id or instrument_from_query(query)
    lang = lang or ("en" if "lang=en" in (query or "") else "fr")
    instrument = find_instrument(instrument_id) if instrument_id else None
    if instrument is None and instrument_id:
        try:
            from toolkit.store import connect

            instrument = connect(database_url()).instrument(instrument_id)
        except (StoreError, ToolkitError):
            instrument = None
    if instrument is not None:
        return CollectApp(instrument, lang=lang)
    links = []
    for path in instrument_files():
        links.append(
            f'<li><a href="collecte.ipynb?instrument={esc(path.stem)}">{esc(path.stem)}</a></li>'
        )
    message = (
        t("collect.choose", lang)
        if not instrument_id
        else t("collect.unknown_instrument", lang, instrument=instrument_id)
    )
    page = widgets.VBox([style(), widgets.HTML(f"<p>{esc(message)}</p><ul>{''.join(links)}</ul>")])
    page.add_class("mt-app")
    return page
