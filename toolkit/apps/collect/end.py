"""The end screen: sent, or kept safe in the journal, with the response's short reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.renderer import nav_button
from toolkit.apps.collect.state import Mode
from toolkit.apps.collect.status import message
from toolkit.collect import FormState, short_reference

if TYPE_CHECKING:
    from toolkit.apps.collect.app import CollectApp

__all__ = ["EndScreen", "reference_of"]


def reference_of(app: CollectApp) -> str:
    """The short reference of the app's current response (never its UUID)."""
    form = app.form
    return short_reference(app.instrument.id, form.response_id, form.metadata.started_at)


class EndScreen:
    """What became of the response, and *New questionnaire*."""

    def __init__(self, app: CollectApp) -> None:
        self.app = app
        self.end_message = widgets.HTML()
        self.new_button = nav_button(style_name="primary", icon="plus")
        self.new_button.on_click(lambda _b: app.reset())

    def labels(self) -> None:
        self.new_button.description = self.app.tr("collect.end.new")

    def children(self) -> list[widgets.Widget]:
        app = self.app
        if app.form.state is FormState.SUBMITTED:
            key = "collect.end.corrected" if app.mode is Mode.CORRECT else "collect.end.submitted"
            text = message("ok", app.tr(key), block=True)
        else:
            pending = len(app.session.pending())
            text = message("warn", app.tr("collect.end.journaled", pending=pending), block=True)
        reference = message("info", app.tr("collect.end.reference", reference=reference_of(app)))
        self.end_message.value = f'{text}<p class="mt-reference">{reference}</p>'
        return [self.end_message, widgets.HBox([self.new_button])]
