"""The responses screen: recent submitted responses, to correct or void (with a reason)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from toolkit.apps.collect.renderer import nav_button
from toolkit.apps.collect.start import field
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import short_reference
from toolkit.collect.labels import value_label
from toolkit.errors import StoreError, ToolkitError
from toolkit.team import acting_name, current_person
from toolkit.team.person import refused

if TYPE_CHECKING:
    from toolkit.apps.collect.app import CollectApp

__all__ = ["ResponsesScreen"]


class ResponsesScreen:
    """Choose a recent response; *Correct* opens it in the form, *Void* withdraws it."""

    def __init__(self, app: CollectApp) -> None:
        self.app = app
        self.response_list = widgets.RadioButtons(options=[], value=None)
        self.response_list.add_class("mt-response-list")
        self.correct_button = nav_button(style_name="primary", icon="pencil")
        self.correct_button.on_click(lambda _b: app.start_correction())
        self.void_reason = widgets.Text(continuous_update=True)
        self.void_reason.add_class("mt-void-reason")
        self.void_button = nav_button(style_name="danger", icon="ban")
        self.void_button.on_click(lambda _b: self.void())
        self.back_button = nav_button(icon="arrow-left")
        self.back_button.on_click(lambda _b: app.show_start())
        self.list_message = widgets.HTML()

    def labels(self) -> None:
        tr = self.app.tr
        self.correct_button.description = tr("collect.responses.correct")
        self.void_button.description = tr("collect.responses.void")
        self.void_reason.placeholder = tr("collect.responses.reason_placeholder")
        self.back_button.description = tr("collect.back")

    def _label(self, row: dict) -> str:
        app = self.app
        submitted = row.get("submitted_at")
        when = submitted.strftime("%d/%m %H:%M") if submitted is not None else "—"
        started = row.get("started_at")
        if started is None or pd.isna(started):
            started = submitted
        return app.tr(
            "collect.responses.item",
            when=when,
            collector=row.get("collector") or app.tr("collect.drafts.no_collector"),
            sector=value_label(app.instrument, "sector", row.get("sector"), app.lang),
            reference=short_reference(app.instrument.id, str(row["response_id"]), started),
        )

    def children(self) -> list[widgets.Widget]:
        app = self.app
        heading = widgets.HTML(f"<h3>{esc(app.tr('collect.responses.title'))}</h3>")
        try:
            recent = app.session.recent()
        except StoreError:
            recent = []
            self.list_message.value = message("error", app.tr("collect.responses.offline"))
        else:
            self.list_message.value = "" if recent else esc(app.tr("collect.responses.none"))
        self.response_list.options = [(self._label(r), str(r["response_id"])) for r in recent]
        self.response_list.value = None
        return [
            heading,
            field(app.tr("collect.start.collector"), app.start_screen.collector),
            self.list_message,
            self.response_list,
            widgets.HBox([self.correct_button]),
            field(app.tr("collect.responses.reason"), self.void_reason),
            widgets.HBox([self.void_button, self.back_button]),
        ]

    def by(self, action: str) -> str | None:
        """Who corrects or voids (``action``): on a team server the signed-in person, if
        their roles allow it; otherwise the collector's pseudonym, required."""
        person = current_person()
        if person is not None and not person.may(action):
            self.list_message.value = message("error", refused(person, action, self.app.lang))
            return None
        by = acting_name(self.app.start_screen.collector.value)
        if not by:
            self.list_message.value = message(
                "error", self.app.tr("collect.start.collector_required")
            )
            return None
        return by

    def void(self) -> bool:
        """Void the chosen response; a reason is required."""
        app = self.app
        by = self.by("void")
        if not self.response_list.value or by is None:
            return False
        reason = self.void_reason.value.strip()
        if not reason:
            self.list_message.value = message("error", app.tr("collect.responses.reason_required"))
            return False
        try:
            app.session.void(self.response_list.value, reason=reason, by=by)
        except ToolkitError as error:
            self.list_message.value = message("error", error)
            return False
        self.void_reason.value = ""
        app.show_responses()
        self.list_message.value = message("ok", app.tr("collect.responses.voided"))
        return True
