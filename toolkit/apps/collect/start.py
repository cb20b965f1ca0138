"""The start screen: who collects, in which team, sector and wave, and the person's consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.renderer import nav_button
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import current_wave
from toolkit.instruments import Question
from toolkit.team import current_person

if TYPE_CHECKING:
    from toolkit.apps.collect.app import CollectApp

__all__ = ["StartScreen", "field", "sector_question"]


def field(label: str, widget: widgets.Widget) -> widgets.VBox:
    """A labelled field of the app's own screens (not a question of the instrument)."""
    box = widgets.VBox([widgets.HTML(f'<span class="mt-label">{esc(label)}</span>'), widget])
    box.add_class("mt-question")
    return box


def sector_question(app: CollectApp) -> Question | None:
    """The instrument's sector question when it is a top-level list of choices."""
    instrument = app.instrument
    name = instrument.analysis.sector
    if not name:
        return None
    try:
        question = instrument.question(name)
    except KeyError:
        return None
    if instrument.repeat_of(name) is None and question.type == "single_choice" and question.choices:
        return question
    return None


class StartScreen:
    """Collector, team, sector, wave and consent, then *Start*."""

    def __init__(self, app: CollectApp, wave: str) -> None:
        self.app = app
        self.collector = widgets.Text(continuous_update=True)
        self.team = widgets.Text(continuous_update=True)
        self.wave = widgets.Text(value=wave, continuous_update=True)
        self.sector_question = sector_question(app)
        if self.sector_question is not None:
            self.sector: widgets.Widget = widgets.Dropdown()
        else:
            self.sector = widgets.Text(continuous_update=True)
        self.consent = widgets.RadioButtons(options=[("", True), ("", False)], value=None)
        self.consent.observe(lambda _c: self.update(), "value")
        self.consent_message = widgets.HTML()
        self.begin = nav_button(style_name="success", icon="play")
        self.begin.on_click(lambda _b: app.start())
        self.drafts_button = nav_button(icon="folder-open")
        self.drafts_button.on_click(lambda _b: app.show_drafts())
        self.responses_button = nav_button(icon="pencil")
        self.responses_button.on_click(lambda _b: app.show_responses())
        self.start_message = widgets.HTML()
        self.person = current_person()
        if self.person is not None:
            # A team server: the signed-in person collects, under their own name.
            self.collector.value = self.person.name
            self.collector.disabled = True
            if not self.person.may("correct"):
                self.responses_button.layout.display = "none"
        for widget, name in (
            (self.collector, "collector"),
            (self.team, "team"),
            (self.wave, "wave"),
            (self.sector, "sector"),
            (self.consent, "consent-input"),
        ):
            widget.add_class(f"mt-{name}")

    def labels(self) -> None:
        app = self.app
        self.collector.placeholder = app.tr("collect.start.collector_placeholder")
        self.team.placeholder = app.tr("collect.start.team_placeholder")
        self.wave.placeholder = current_wave()
        question = self.sector_question
        if question is not None and question.choices:  # always, see sector_question()
            choice_list = app.instrument.choice_lists[question.choices]
            keep = self.sector.value
            self.sector.options = [
                ("—", None),
                *((c.label.get(app.lang), c.value) for c in choice_list.choices),
            ]
            # Select "—" itself when nothing is chosen: ``value = None`` selects no option at
            # all, and the first arrow key in the drop-down would only reach "—".
            values = [value for _label, value in self.sector.options]
            self.sector.index = values.index(keep) if keep in values else 0
        keep = self.consent.value
        self.consent.options = [
            (app.tr("collect.consent.yes"), True),
            (app.tr("collect.consent.no"), False),
        ]
        self.consent.value = keep
        self.begin.description = app.tr("collect.start.begin")
        self.drafts_button.description = app.tr("collect.start.drafts")
        self.responses_button.description = app.tr("collect.start.responses")

    def children(self) -> list[widgets.Widget]:
        app = self.app
        instrument = app.instrument
        description = instrument.description.get(app.lang) if instrument.description else ""
        intro = widgets.HTML(f"<p>{esc(description)}</p>" if description else "")
        children: list[widgets.Widget] = [
            intro,
            field(app.tr("collect.start.collector"), self.collector),
            field(app.tr("collect.start.team"), self.team),
            field(app.tr("collect.start.sector"), self.sector),
            field(app.tr("collect.start.wave"), self.wave),
        ]
        if app.form.consent is not None:
            consent_label = widgets.HTML(
                f'<span class="mt-label">{esc(app.form.consent.text(app.lang))} *</span>'
            )
            box = widgets.VBox([consent_label, self.consent, self.consent_message])
            box.add_class("mt-question")
            box.add_class("mt-consent")
            children.append(box)
        children += [
            self.start_message,
            widgets.HBox([self.begin]),
            widgets.HBox([self.drafts_button, self.responses_button]),
            widgets.HBox([app.status_bar.sync_button]),
        ]
        self.update()
        return children

    def update(self) -> None:
        """*Start* is enabled once consent is given."""
        consent = self.app.form.consent is not None
        refused = consent and self.consent.value is False
        missing = consent and self.consent.value is None
        text = self.app.tr("collect.consent.refused") if refused else ""
        self.consent_message.value = message("error", text) if text else ""
        self.begin.disabled = refused or missing

    def refuse(self, key: str) -> None:
        self.start_message.value = message("error", self.app.tr(key))
