"""The form screen: the renderer's pages plus what a collection needs around them (draft
saving as answers are typed, *Save draft*, *Leave* with a confirmation, the reason of a
correction, sending)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.renderer import FormRenderer, nav_button
from toolkit.apps.collect.state import Mode, Screen
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import FormState
from toolkit.errors import StoreUnavailableError
from toolkit.team import acting_name, current_person
from toolkit.team.person import refused

if TYPE_CHECKING:
    from toolkit.apps.collect.app import CollectApp

__all__ = ["AUTOSAVE_SECONDS", "FormScreen"]

#: An answer change is saved to the draft once no other change came for this long (in a
#: kernel with an event loop); driven from Python, at most once per this many seconds.
AUTOSAVE_SECONDS = 1.0


class FormScreen:
    """The questionnaire page by page (:class:`FormRenderer`) and the collection tools."""

    def __init__(self, app: CollectApp) -> None:
        self.app = app
        self.renderer = FormRenderer(
            app.form,
            lang=app.lang,
            on_change=self.answer_changed,
            on_page=self.page_changed,
            on_submit=self._submit,
            prefetch=app.prefetch,
        )
        self.last_saved = 0.0
        self._pending: asyncio.TimerHandle | None = None
        self.save = nav_button(icon="save")
        self.save.on_click(lambda _b: self.save_draft())
        self.quit = nav_button(icon="times")
        self.quit.on_click(lambda _b: self.ask_quit())
        self.confirm_text = widgets.HTML()
        self.confirm_quit = nav_button(style_name="danger", icon="trash")
        self.confirm_quit.on_click(lambda _b: self.leave())
        self.cancel_quit = nav_button(icon="arrow-left")
        self.cancel_quit.on_click(lambda _b: self.keep())
        self.confirm = widgets.VBox(
            [self.confirm_text, widgets.HBox([self.confirm_quit, self.cancel_quit])],
            layout=widgets.Layout(display="none"),
        )
        self.confirm.add_class("mt-confirm")
        self.correction_reason = widgets.Text(continuous_update=True)
        self.correction_reason.add_class("mt-correction-reason")
        self.correction_label = widgets.HTML()
        self.correction_field = widgets.VBox([self.correction_label, self.correction_reason])
        self.correction_field.add_class("mt-question")
        self.form_tools = widgets.HBox([self.save, self.quit])
        r = self.renderer
        self.children = (
            r.progress_label,
            r.progress,
            r.page_title,
            r.page_box,
            r.message,
            self.correction_field,
            r.nav,
            self.form_tools,
            self.confirm,
        )

    def labels(self) -> None:
        app = self.app
        self.renderer.submit_key = (
            "collect.nav.correct" if app.mode is Mode.CORRECT else "collect.nav.submit"
        )
        self.renderer.labels()
        self.save.description = app.tr("collect.nav.save")
        self.quit.description = app.tr("collect.nav.quit")
        self.correction_reason.placeholder = app.tr("collect.responses.reason_placeholder")
        self.correction_label.value = (
            f'<span class="mt-label">{esc(app.tr("collect.responses.reason"))}</span>'
        )
        correcting = app.mode is Mode.CORRECT
        self.confirm_text.value = message(
            "warn",
            app.tr("collect.quit.confirm_correction" if correcting else "collect.quit.confirm"),
            block=True,
        )
        self.confirm_quit.description = app.tr("collect.quit.yes")
        self.cancel_quit.description = app.tr("collect.quit.no")

    def render(self) -> None:
        """Show the current page of the app's form in the app's language."""
        app = self.app
        renderer = self.renderer
        if renderer.form is not app.form:
            renderer.set_form(app.form)
        renderer.set_language(app.lang)
        self.labels()
        renderer.render_page()
        correcting = app.mode is Mode.CORRECT
        self.correction_field.layout.display = None if correcting else "none"
        self.save.layout.display = "none" if correcting else None
        app.remember_page()

    # ------------------------------------------------------------------ drafts

    def answer_changed(self) -> None:
        """Keep the draft up to date: saved once the mediator pauses (debounced)."""
        if self.app.mode is not Mode.COLLECT:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # driven from Python: save at most once per AUTOSAVE_SECONDS
            if time.monotonic() - self.last_saved > AUTOSAVE_SECONDS:
                self.save_draft(quiet=True)
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(AUTOSAVE_SECONDS, self.flush)

    def flush(self) -> None:
        """Save now what is waiting to be saved (the page is being hidden or left)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
            self.save_draft(quiet=True)

    def page_changed(self) -> None:
        if self.app.mode is Mode.COLLECT:
            self.flush()
            self.save_draft(quiet=True)
        self.app.remember_page()

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Keep the answers as a draft (database, or journal when it cannot be reached)."""
        app = self.app
        if app.mode is not Mode.COLLECT or app.screen is not Screen.FORM:
            return False
        stored = app.session.save_draft(app.form)
        self.last_saved = time.monotonic()
        if not quiet:
            key = "collect.draft.saved" if stored else "collect.draft.journaled"
            self.renderer.message.value = message("ok", app.tr(key))
        app.status_bar.update(app.lang)
        return stored

    # ------------------------------------------------------------------ leaving

    def ask_quit(self) -> None:
        """*Leave*: asks first (the draft is deleted, or the correction dropped)."""
        self.labels()
        self.confirm.layout.display = None
        self.form_tools.layout.display = "none"

    def keep(self) -> None:
        """*No, go on*: back to the form, nothing changed."""
        self.confirm.layout.display = "none"
        self.form_tools.layout.display = None

    def leave(self) -> None:
        """*Yes, leave*: the draft is deleted (a correction is only dropped), start screen."""
        app = self.app
        self.keep()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if app.mode is Mode.COLLECT:
            app.session.discard(app.form.response_id)
        app.reset()

    # ------------------------------------------------------------------ sending

    def _submit(self) -> None:
        """The renderer's *Submit* button: :meth:`send` shows its outcome on the page."""
        self.send()

    def send(self) -> FormState:
        """*Submit* (or save a correction); blocked while any shown page has a problem."""
        app = self.app
        renderer = self.renderer
        renderer.submit.disabled = True
        try:
            if not renderer.ready():
                return app.form.state
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None
            if app.mode is Mode.CORRECT:
                person = current_person()
                if person is not None and not person.may("correct"):
                    renderer.message.value = message("error", refused(person, "correct", app.lang))
                    return app.form.state
                by = acting_name(app.start_screen.collector.value)
                if not by:
                    renderer.message.value = message(
                        "error", app.tr("collect.start.collector_required")
                    )
                    return app.form.state
                try:
                    outcome = app.session.correct(
                        app.form, by=by, reason=self.correction_reason.value.strip() or None
                    )
                except StoreUnavailableError:
                    app.status_bar.update(app.lang)
                    renderer.message.value = message("error", app.tr("collect.responses.offline"))
                    return app.form.state
            else:
                outcome = app.session.submit(app.form)
            if outcome.state is FormState.DRAFT:
                problems = "; ".join(p.message(app.lang) for p in outcome.problems)
                renderer.message.value = message("error", problems)
                renderer.refresh()
                return outcome.state
            app.show_end()
            return outcome.state
        finally:
            renderer.submit.disabled = False
