"""One follow-up item on screen: what to do and by when, one button per possible step.

A step that records nothing but its date takes one tap; one that needs more (a reason, a
partner, a date) opens a short form under the card, filled with sensible defaults. A
conflict (someone else changed the item meanwhile) is shown in the card with the two
choices: keep the other version, or record mine on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as widgets

from toolkit.apps.common.html import esc
from toolkit.followup import FIELD_CHOICES, PARIS, FollowupConflict, events, transition
from toolkit.followup.labels import format_day, label, who
from toolkit.followup.lifecycles import Field
from toolkit.i18n import t

__all__ = ["ItemCard", "Recorder"]

#: ``record(card, event, fields, date, expected_version)``: records a step of the card's item
#: (the app's :meth:`~toolkit.apps.followup.app.FollowupApp.record`, which says whether it
#: was recorded; the card does not need the answer).
Recorder = Callable[["ItemCard", str, dict[str, object], dt.date, int], object]

#: Fields a step's form never shows (the date has its own picker, the note is optional).
_HIDDEN = ("note",)


def _moment(at: dt.datetime, lang: str) -> str:
    local = at.astimezone(PARIS)
    return t(
        "followup.app.moment",
        lang,
        day=format_day(local.date(), lang),
        time=local.strftime("%H:%M"),
    )


def _button(text: str, *, style: str = "", css: str = "") -> widgets.Button:
    button = widgets.Button(
        description=text, button_style=style, layout=widgets.Layout(width="auto")
    )
    if css:
        button.add_class(css)
    return button


class ItemCard:
    """The card of one agenda row (a row of :func:`toolkit.followup.agenda.agenda`).

    Parameters
    ----------
    row
        The agenda row (labels already in ``lang``).
    record
        ``record(card, event, fields, date, expected_version)`` does the work (the app).
    defaults
        Values the step forms start with (the partner of a referral).
    """

    def __init__(
        self,
        row: dict,
        record: Recorder,
        *,
        lang: str,
        today: dt.date,
        defaults: dict[str, str] | None = None,
    ) -> None:
        self.row = row
        self.defaults = dict(defaults or {})
        self.lang = lang
        self.today = today
        self._record = record
        self.info = widgets.HTML(self._info_html())
        self.buttons: dict[str, widgets.Button] = {}
        for event in events(row["kind"], row["state"]):
            button = _button(
                label("event", event, lang, kind=row["kind"]),
                style="primary",
                css=f"mt-step-{event}",
            )
            button.on_click(lambda _b, e=event: self.choose(e))
            self.buttons[event] = button
        self.actions = widgets.HBox(list(self.buttons.values()))
        self.actions.add_class("mt-actions")
        self.form = widgets.VBox()
        self.form.add_class("mt-step-form")
        self.message = widgets.HTML()
        self.conflict = widgets.VBox()
        self.conflict.add_class("mt-conflict")
        self.inputs: dict[str, widgets.Widget] = {}
        self.date = widgets.DatePicker(value=today)
        self.save = _button(t("followup.app.save", lang), style="success", css="mt-save")
        self.save.on_click(lambda _b: self.submit())
        self.cancel = _button(t("followup.app.cancel", lang), css="mt-cancel")
        self.cancel.on_click(lambda _b: self.close_form())
        self.event: str | None = None
        self.root = widgets.VBox([self.info, self.actions, self.form, self.conflict, self.message])
        self.root.add_class("mt-card")
        self.root.add_class(f"mt-{row['bucket']}")
        self.root.add_class(f"mt-item-{row['kind']}")

    # ------------------------------------------------------------------ display

    def _info_html(self) -> str:
        row, lang = self.row, self.lang
        late = int(row["days_late"])
        if row["bucket"] == "overdue":
            badge = f'<span class="mt-badge mt-badge-late">{esc(t("followup.app.late", lang, days=late))}</span>'
        elif row["bucket"] == "today":
            badge = f'<span class="mt-badge mt-badge-today">{esc(t("followup.bucket.today", lang))}</span>'
        else:
            badge = (
                f'<span class="mt-badge">{esc(t("followup.app.due_in", lang, days=-late))}</span>'
            )
        title = " — ".join(x for x in (row["kind_label"], row["category_label"]) if x)
        lines = [
            f"{badge} <b>{esc(row['task_label'])}</b>",
            f'<span class="mt-card-title">{esc(title)}</span>',
        ]
        if isinstance(row.get("summary"), str) and row["summary"]:
            lines.append(f'<span class="mt-summary">{esc(row["summary"])}</span>')
        facts = [
            t("followup.app.due", lang, date=format_day(row["due_date"], lang)),
            t("followup.app.record_of", lang, date=format_day(row["parent_date"], lang)),
        ]
        if row["sector_label"]:
            facts.append(row["sector_label"])
        if row["collector"]:
            facts.append(t("followup.app.held_by", lang, name=row["collector"]))
        lines.append(f'<span class="mt-facts">{esc(" · ".join(facts))}</span>')
        item = esc(row["item_id"])
        return f'<div class="mt-card-info" data-item="{item}">' + "<br>".join(lines) + "</div>"

    # ------------------------------------------------------------------ steps

    def _fields(self, event: str) -> list[Field]:
        step = transition(self.row["kind"], self.row["state"], event)
        return [f for f in step.fields if f.name not in _HIDDEN]

    def choose(self, event: str) -> None:
        """A step's button: record it at once, or open its short form."""
        self.message.value = ""
        self.conflict.children = ()
        fields = self._fields(event)
        if not fields:
            self._record(self, event, {}, self.today, self.row["version"])
            return
        self.event = event
        self.inputs = {f.name: self._input(f) for f in fields}
        rows: list[widgets.Widget] = [
            widgets.HTML(
                f'<span class="mt-label">{esc(label("event", event, self.lang, kind=self.row["kind"]))}</span>'
            )
        ]
        for spec in fields:
            text = label("field", spec.name, self.lang)
            mark = " *" if spec.required else ""
            rows.append(widgets.HTML(f'<span class="mt-label">{esc(text)}{mark}</span>'))
            rows.append(self.inputs[spec.name])
        rows += [
            widgets.HTML(f'<span class="mt-label">{esc(label("field", "date", self.lang))}</span>'),
            self.date,
            widgets.HBox([self.save, self.cancel]),
        ]
        self.form.children = rows

    def _input(self, spec: Field) -> widgets.Widget:
        name, kind = spec.name, spec.kind
        if kind == "choice":
            options = [("—", None)] + [
                (label(f"choice.{name}", code, self.lang), code) for code in FIELD_CHOICES[name]
            ]
            widget: widgets.Widget = widgets.Dropdown(options=options, value=None)
        elif kind == "date":
            widget = widgets.DatePicker(value=self.today + dt.timedelta(days=30))
        else:
            widget = widgets.Text(value=self.defaults.get(name, ""), continuous_update=False)
        widget.add_class(f"mt-field-{name}")
        return widget

    def submit(self) -> None:
        """The form's « Enregistrer »."""
        if self.event is None:
            return
        values: dict[str, object] = {}
        for name, widget in self.inputs.items():
            value = widget.value
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value not in (None, ""):
                values[name] = value
        self._record(self, self.event, values, self.date.value or self.today, self.row["version"])

    def close_form(self) -> None:
        self.event = None
        self.form.children = ()

    # ------------------------------------------------------------------ outcomes

    def error(self, text: str) -> None:
        self.message.value = f'<div class="mt-error" role="alert">{esc(text)}</div>'

    def show_conflict(
        self,
        conflict: FollowupConflict,
        event: str,
        fields: dict[str, object],
        date: dt.date,
        *,
        keep: Callable[[], object],
        force: Callable[[], object],
    ) -> None:
        """Say what changed meanwhile and offer the two choices."""
        lang = self.lang
        current = conflict.current
        lines = []
        for change in conflict.changes:
            lines.append(
                t(
                    "followup.app.conflict_change",
                    lang,
                    name=who(change.by, lang),
                    step=label("event", change.event, lang, kind=current.kind),
                    when=_moment(change.at, lang),
                )
            )
        mine = label("event", event, lang, kind=current.kind)
        possible = event in events(current.kind, current.state)
        text = "".join(f"<li>{esc(line)}</li>" for line in lines)
        html = (
            f'<div class="mt-warn" role="alert"><b>{esc(t("followup.app.conflict_title", lang))}</b>'
            f"<ul>{text}</ul>{esc(t('followup.app.conflict_now', lang, state=label('state', current.state, lang, kind=current.kind), mine=mine))}"
        )
        if not possible:
            html += f"<br>{esc(t('followup.app.conflict_impossible', lang, mine=mine))}"
        html += "</div>"
        keep_button = _button(
            t("followup.app.keep_theirs", lang), style="primary", css="mt-keep-theirs"
        )
        keep_button.on_click(lambda _b: keep())
        children: list[widgets.Widget] = [widgets.HTML(html), keep_button]
        if possible:
            force_button = _button(
                t("followup.app.record_mine", lang), style="warning", css="mt-record-mine"
            )
            force_button.on_click(lambda _b: force())
            children.append(force_button)
        self.conflict.children = children
