"""The drafts screen: unfinished questionnaires by sector, page reached and age; resume one
or delete it. Drafts left untouched for :data:`~toolkit.collect.DRAFT_DAYS` days expire."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ipywidgets as widgets
from babel.dates import format_timedelta

from toolkit.apps.collect.renderer import nav_button
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import Form, short_reference
from toolkit.collect.labels import value_label

if TYPE_CHECKING:
    from toolkit.apps.collect.app import CollectApp

__all__ = ["DraftsScreen", "draft_label"]


def draft_label(app: CollectApp, form: Form, now: dt.datetime | None = None) -> str:
    """« Quartier de la Gare · page 3 sur 6 · il y a 2 heures · med07 · BA-2026-K7Q3MX »."""
    instrument = app.instrument
    sector = form.metadata.sector
    question = instrument.analysis.sector
    if question and form.answers.get(question) is not None:
        sector = str(form.answers[question])
    shown = form.shown_pages()
    reached = form.furthest_page()
    page = sum(1 for i in shown if i <= reached) or 1
    saved = form.saved_at or form.metadata.started_at
    if saved is not None:
        now = now or dt.datetime.now(dt.UTC)
        moment = saved if saved.tzinfo else saved.replace(tzinfo=dt.UTC)
        age = format_timedelta(moment - now, add_direction=True, locale=app.lang)
    else:
        age = "—"
    return app.tr(
        "collect.drafts.item",
        sector=value_label(instrument, "sector", sector, app.lang)
        if sector
        else app.tr("collect.drafts.no_sector"),
        page=page,
        total=max(len(shown), 1),
        age=age,
        collector=form.metadata.collector or app.tr("collect.drafts.no_collector"),
        reference=short_reference(instrument.id, form.response_id, form.metadata.started_at),
    )


class DraftsScreen:
    """The drafts of this instrument, newest first."""

    def __init__(self, app: CollectApp) -> None:
        self.app = app
        self.drafts: list[Form] = []
        self.draft_list = widgets.RadioButtons(options=[], value=None)
        self.draft_list.add_class("mt-draft-list")
        self.resume_button = nav_button(style_name="primary", icon="play")
        self.resume_button.on_click(lambda _b: app.resume())
        self.delete_button = nav_button(style_name="danger", icon="trash")
        self.delete_button.on_click(lambda _b: self.ask_delete())
        self.confirm_text = widgets.HTML()
        self.confirm_delete = nav_button(style_name="danger", icon="trash")
        self.confirm_delete.on_click(lambda _b: self.delete())
        self.cancel_delete = nav_button(icon="arrow-left")
        self.cancel_delete.on_click(lambda _b: self._confirming(False))
        self.confirm = widgets.VBox(
            [self.confirm_text, widgets.HBox([self.confirm_delete, self.cancel_delete])],
            layout=widgets.Layout(display="none"),
        )
        self.confirm.add_class("mt-confirm")
        self.back_button = nav_button(icon="arrow-left")
        self.back_button.on_click(lambda _b: app.show_start())
        self.list_message = widgets.HTML()
        self.expiry = widgets.HTML()

    def labels(self) -> None:
        tr = self.app.tr
        self.resume_button.description = tr("collect.drafts.resume")
        self.delete_button.description = tr("collect.drafts.delete")
        self.confirm_delete.description = tr("collect.drafts.delete_yes")
        self.cancel_delete.description = tr("collect.quit.no")
        self.back_button.description = tr("collect.back")
        self.confirm_text.value = message("warn", tr("collect.drafts.delete_confirm"), block=True)
        days = self.app.session.draft_days
        self.expiry.value = f'<p class="mt-hint">{esc(tr("collect.drafts.expiry", days=days))}</p>'

    def children(self) -> list[widgets.Widget]:
        app = self.app
        self.drafts = app.session.drafts()
        options = [(draft_label(app, form), form.response_id) for form in self.drafts]
        self.draft_list.options = options
        self.draft_list.value = None
        self.list_message.value = "" if options else esc(app.tr("collect.drafts.none"))
        self._confirming(False)
        heading = widgets.HTML(f"<h3>{esc(app.tr('collect.drafts.title'))}</h3>")
        return [
            heading,
            self.expiry,
            self.list_message,
            self.draft_list,
            widgets.HBox([self.resume_button, self.delete_button, self.back_button]),
            self.confirm,
        ]

    def chosen(self) -> Form | None:
        return next((f for f in self.drafts if f.response_id == self.draft_list.value), None)

    def _confirming(self, shown: bool) -> None:
        self.confirm.layout.display = None if shown else "none"

    def ask_delete(self) -> None:
        if self.chosen() is None:
            self.list_message.value = message("error", self.app.tr("collect.drafts.choose"))
            return
        self._confirming(True)

    def delete(self) -> bool:
        """Delete the chosen draft for good, then list the others."""
        form = self.chosen()
        self._confirming(False)
        if form is None:
            return False
        self.app.session.discard(form.response_id)
        self.app.show_drafts()
        self.list_message.value = message("ok", self.app.tr("collect.drafts.deleted"))
        return True
