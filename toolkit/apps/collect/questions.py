"""One widget view per question, generated from the instrument model.

Each view is a :class:`QuestionView` with public child widgets (``input``, ``error``) so that
tests can set ``.value`` without a browser. A view writes every change to the
:class:`~toolkit.collect.Form` and calls ``on_change``; :meth:`QuestionView.refresh` shows or
hides it (skip logic), updates calculated values and filtered choices and shows its problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

import ipywidgets as widgets

from toolkit.apps.common.html import esc
from toolkit.collect import Form, input_kind, scale_on_one_line, shows_calculation
from toolkit.i18n import t
from toolkit.instruments import Choice, Question

__all__ = ["QuestionView", "View", "build_views", "close_views"]


class View(Protocol):
    """What the renderer needs of every view of a page: its box of widgets, and a refresh
    after an answer changed (a question, a Likert matrix, a repeat group)."""

    @property
    def box(self) -> widgets.VBox: ...

    def refresh(self) -> None: ...


def _display(widget: widgets.Widget, shown: bool) -> None:
    widget.layout.display = None if shown else "none"


class QuestionView:
    """The widgets of one question (label, hint, input, inline problem).

    Parameters
    ----------
    question
        The question shown.
    form
        The form the answers go to.
    lang
        Language of labels.
    on_change
        Called after every answer change (the app refreshes the page).
    repeat, index
        The repeat entry this question belongs to, if any.
    """

    def __init__(
        self,
        question: Question,
        form: Form,
        lang: str,
        on_change: Callable[[], None],
        *,
        repeat: str | None = None,
        index: int | None = None,
        label: str | None = None,
    ) -> None:
        self.question = question
        self.form = form
        self.lang = lang
        self.repeat = repeat
        self.index = index
        self.on_change = on_change
        self._quiet = False
        self.path = question.name if repeat is None else f"{repeat}[{index}].{question.name}"
        text = label if label is not None else question.text(lang)
        mark = " *" if question.required else ""
        self.label = widgets.HTML(f'<span class="mt-label">{esc(text)}{esc(mark)}</span>')
        hint = question.hint.get(lang) if question.hint else ""
        self.hint = widgets.HTML(f'<span class="mt-hint">{esc(hint)}</span>')
        if not hint:
            self.hint.layout.display = "none"
        self.error = widgets.HTML("")
        self.error.add_class("mt-error")
        self.checkboxes: dict[str, widgets.Checkbox] = {}
        self.input = self._build()
        children = [self.label, self.hint, self.input, self.error]
        if question.type == "note":
            children = [self.label, self.hint]
        if question.type == "calculate" and not shows_calculation(question):
            children = [self.input]
        self.box = widgets.VBox(children)
        self.box.add_class("mt-question")
        self.box.add_class(f"mt-q-{question.name}")
        self.box.add_class(f"mt-kind-{input_kind(question)}")
        if question.type == "likert":
            self.box.add_class("mt-likert")
        if isinstance(self.input, widgets.RadioButtons):
            labels = [label for label, _value in self.input.options]
            layout = "row" if question.type == "likert" and scale_on_one_line(labels) else "column"
            self.box.add_class(f"mt-scale-{layout}")
        self.refresh()

    # ------------------------------------------------------------------ building

    def _choices(self) -> list[tuple[str, str]]:
        if self.question.choices_from:
            # The answers given in a repeat: each is its own label.
            offered = self.form.choices(self.question, repeat=self.repeat, index=self.index)
            return [(value, value) for value in offered]
        choice_list = self.form.instrument.choice_lists.get(self.question.choices or "")
        if choice_list is None:
            return []
        allowed = set(self.form.choices(self.question, repeat=self.repeat, index=self.index))
        return [
            (c.label.get(self.lang), c.value) for c in choice_list.choices if c.value in allowed
        ]

    def _current(self) -> object:
        return self.form.get(self.question.name, repeat=self.repeat, index=self.index)

    def _build(self) -> widgets.Widget:
        qtype = self.question.type
        current = self._current()
        if qtype in ("single_choice", "likert"):
            options = self._choices()
            value = (
                str(current)
                if current is not None and str(current) in {v for _, v in options}
                else None
            )
            if self.question.appearance == "minimal":
                widget = widgets.Dropdown(options=[("—", None), *options], value=value)
            else:
                widget = widgets.RadioButtons(options=options, value=value)
            widget.observe(self._changed, "value")
            return widget
        if qtype == "consent":
            yes_no = [(t("collect.yes", self.lang), True), (t("collect.no", self.lang), False)]
            widget = widgets.RadioButtons(
                options=yes_no, value=current if isinstance(current, bool) else None
            )
            widget.observe(self._changed, "value")
            return widget
        if qtype == "multiple_choice":
            chosen = set(current) if isinstance(current, list | tuple) else set()
            for label, value in self._choices():
                box = widgets.Checkbox(value=value in chosen, description=label, indent=False)
                box.observe(self._changed, "value")
                self.checkboxes[value] = box
            return widgets.VBox(list(self.checkboxes.values()))
        if qtype in ("integer", "decimal", "text"):
            placeholder = {
                "integer": t("collect.placeholder.integer", self.lang),
                "decimal": t("collect.placeholder.decimal", self.lang),
            }.get(qtype, "")
            # Sent as typed (continuous update): a corrected answer counts at once, so
            # *Next* is enabled without leaving the field first.
            widget = widgets.Text(
                value="" if current is None else str(current),
                placeholder=placeholder,
                continuous_update=True,
            )
            widget.observe(self._changed, "value")
            return widget
        if qtype == "long_text":
            widget = widgets.Textarea(
                value="" if current is None else str(current), continuous_update=True, rows=4
            )
            widget.observe(self._changed, "value")
            return widget
        if qtype == "datetime":
            widget = widgets.NaiveDatetimePicker(value=_iso(dt.datetime, current))
            widget.observe(self._changed, "value")
            return widget
        if qtype == "date":
            widget = widgets.DatePicker(value=_iso(dt.date, current))
            widget.observe(self._changed, "value")
            return widget
        if qtype == "time":
            widget = widgets.TimePicker(value=_iso(dt.time, current))
            widget.observe(self._changed, "value")
            return widget
        if qtype == "geopoint":
            lat = lon = ""
            if isinstance(current, dict):
                lat, lon = str(current.get("latitude", "")), str(current.get("longitude", ""))
            elif isinstance(current, str) and current.split():
                parts = current.split()
                lat, lon = parts[0], parts[1] if len(parts) > 1 else ""
            self.latitude = widgets.Text(
                value=lat, placeholder=t("collect.latitude", self.lang), continuous_update=True
            )
            self.longitude = widgets.Text(
                value=lon, placeholder=t("collect.longitude", self.lang), continuous_update=True
            )
            self.latitude.observe(self._changed, "value")
            self.longitude.observe(self._changed, "value")
            return widgets.HBox([self.latitude, self.longitude])
        if qtype == "calculate":
            widget = widgets.HTML("")
            widget.add_class("mt-calc")
            return widget
        return widgets.HTML("")

    # ------------------------------------------------------------------ changes

    def value_of_input(self) -> object:
        """The answer the input widgets hold now, in the form's raw format."""
        qtype = self.question.type
        if qtype == "multiple_choice":
            return [v for v, box in self.checkboxes.items() if box.value]
        if qtype == "date":
            value = self.input.value
            return value.isoformat() if value else None
        if qtype == "time":
            value = self.input.value
            return value.strftime("%H:%M") if value else None
        if qtype == "datetime":
            value = self.input.value
            return value.isoformat(timespec="minutes") if value else None
        if qtype == "geopoint":
            lat, lon = self.latitude.value.strip(), self.longitude.value.strip()
            return f"{lat} {lon}" if lat or lon else None
        if qtype in ("integer", "decimal", "text", "long_text"):
            return self.input.value.strip() if qtype != "long_text" else self.input.value
        return self.input.value

    def _changed(self, _change: dict[str, object]) -> None:
        if self._quiet:
            return
        self.form.set(
            self.question.name, self.value_of_input(), repeat=self.repeat, index=self.index
        )
        self.on_change()

    # ------------------------------------------------------------------ refreshing

    def refresh(self) -> None:
        """Show or hide (skip logic), update calculated values and choices, show problems."""
        shown = self.form.shown(self.question.name, repeat=self.repeat, index=self.index)
        qtype = self.question.type
        _display(self.box, shown and (qtype != "calculate" or shows_calculation(self.question)))
        if qtype == "calculate":
            value = self.form.value(self.question.name, repeat=self.repeat, index=self.index)
            self.input.value = esc("—" if value is None else value)
        if qtype in ("single_choice", "likert") and (
            self.question.choice_filter or self.question.choices_from
        ):
            options = self._choices()
            if [v for _, v in options] != [v for _, v in self.input.options if v is not None]:
                keep = self.input.value if self.input.value in {v for _, v in options} else None
                self._quiet = True
                try:
                    if isinstance(self.input, widgets.Dropdown):
                        self.input.options = [("—", None), *options]
                    else:
                        self.input.options = options
                    self.input.value = keep
                finally:
                    self._quiet = False
                if keep is None and self._current() is not None:
                    self.form.set(self.question.name, None, repeat=self.repeat, index=self.index)
        problems = self.form.visible_problems(lang=self.lang).get(self.path, []) if shown else []
        self.error.value = "<br>".join(esc(p) for p in problems)
        _display(self.error, bool(problems))


class MatrixView:
    """A Likert matrix: the shared question, then one row of large radio buttons per item."""

    def __init__(
        self,
        question: Question,
        form: Form,
        lang: str,
        on_change: Callable[[], None],
        *,
        repeat: str | None = None,
        index: int | None = None,
    ) -> None:
        self.question = question
        self.form = form
        self.repeat = repeat
        self.index = index
        heading = question.text(lang)
        self.label = widgets.HTML(f'<span class="mt-label">{esc(heading)}</span>')
        hint = question.hint.get(lang) if question.hint else ""
        self.hint = widgets.HTML(f'<span class="mt-hint">{esc(hint)}</span>')
        if not hint:
            self.hint.layout.display = "none"
        self.rows = [
            QuestionView(child, form, lang, on_change, repeat=repeat, index=index)
            for child in question.children
        ]
        self.box = widgets.VBox([self.label, self.hint, *(r.box for r in self.rows)])
        self.box.add_class("mt-matrix")
        self.box.add_class(f"mt-q-{question.name}")
        self.refresh()

    def refresh(self) -> None:
        _display(
            self.box, self.form.shown(self.question.name, repeat=self.repeat, index=self.index)
        )
        for row in self.rows:
            row.refresh()


class RepeatView:
    """A repeat group: one framed block per entry with *Remove*, and an *Add* button.

    Inside the entry of another repeat, its entries are addressed by a path
    (``menages[0].membres``). A repeat with ``loop_over`` has one entry per choice, titled
    with the choice, whose questions show it in place of ``%(label)s``; it has no buttons.
    """

    def __init__(
        self,
        question: Question,
        form: Form,
        lang: str,
        on_change: Callable[[], None],
        on_structure: Callable[[], None],
        *,
        repeat: str | None = None,
        index: int | None = None,
    ) -> None:
        self.question = question
        self.form = form
        self.repeat = repeat
        self.index = index
        self.path = question.name if repeat is None else f"{repeat}[{index}].{question.name}"
        self.label = widgets.HTML(f'<span class="mt-label">{esc(question.text(lang))}</span>')
        hint = question.hint.get(lang) if question.hint else ""
        self.hint = widgets.HTML(f'<span class="mt-hint">{esc(hint)}</span>')
        if not hint:
            self.hint.layout.display = "none"
        items = form.instrument.loop_items(question.name) if question.loop_over else ()
        while items and form.entries(self.path) < len(items):
            form.add_entry(self.path)
        self.entries: list[list[View]] = []
        self.remove_buttons: list[widgets.Button] = []
        blocks = []
        for entry in range(form.entries(self.path)):
            views = build_views(
                question.children,
                form,
                lang,
                on_change,
                on_structure,
                repeat=self.path,
                index=entry,
            )
            if items:
                item = items[entry] if entry < len(items) else None
                title_text = item.label.get(lang) if item else ""
                _fill_placeholders(views, lang, item)
                parts = [widgets.HTML(f"<b>{esc(title_text)}</b>"), *(v.box for v in views)]
            else:
                remove = widgets.Button(
                    description=t("collect.repeat.remove", lang),
                    icon="trash",
                    button_style="warning",
                )
                remove.on_click(lambda _b, i=entry: self._remove(i, on_structure))
                self.remove_buttons.append(remove)
                # « Membres : entrée 2 »: inside a household's entry, which repeat this is.
                label = question.label.get(lang) if question.label else ""
                title = (
                    t("collect.repeat.entry_of", lang, label=label, number=entry + 1)
                    if label
                    else t("collect.repeat.entry", lang, number=entry + 1)
                )
                parts = [widgets.HTML(f"<b>{esc(title)}</b>"), *(v.box for v in views), remove]
            block = widgets.VBox(parts)
            block.add_class("mt-entry")
            blocks.append(block)
            self.entries.append(views)
        self.add_button = widgets.Button(
            description=t("collect.repeat.add", lang), icon="plus", button_style="info"
        )
        self.add_button.on_click(lambda _b: self._add(on_structure))
        if items:
            self.add_button.layout.display = "none"
        self.error = widgets.HTML("")
        self.error.add_class("mt-error")
        self.lang = lang
        self.box = widgets.VBox([self.label, self.hint, *blocks, self.add_button, self.error])
        self.box.add_class("mt-repeat")
        self.box.add_class(f"mt-q-{question.name}")
        self.refresh()

    def _add(self, on_structure: Callable[[], None]) -> None:
        self.form.add_entry(self.path)
        on_structure()

    def _remove(self, index: int, on_structure: Callable[[], None]) -> None:
        self.form.remove_entry(self.path, index)
        on_structure()

    def refresh(self) -> None:
        _display(
            self.box, self.form.shown(self.question.name, repeat=self.repeat, index=self.index)
        )
        for views in self.entries:
            for view in views:
                view.refresh()
        problems = self.form.visible_problems(lang=self.lang).get(self.path, [])
        self.error.value = "<br>".join(esc(p) for p in problems)
        _display(self.error, bool(problems))


def _fill_placeholders(views: list[View], lang: str, item: Choice | None) -> None:
    """In a loop's entry, ``%(label)s`` and ``%(name)s`` show the entry's choice."""
    if item is None:
        return
    label, value = item.label.get(lang), item.value
    for view in views:
        for one in [view, *getattr(view, "rows", [])]:
            question = getattr(one, "question", None)
            if question is None or not hasattr(one, "label"):
                continue
            text = question.text(lang).replace("%(label)s", label).replace("%(name)s", value)
            mark = " *" if question.required else ""
            one.label.value = f'<span class="mt-label">{esc(text)}{esc(mark)}</span>'


def build_views(
    items: tuple[Question, ...],
    form: Form,
    lang: str,
    on_change: Callable[[], None],
    on_structure: Callable[[], None],
    *,
    repeat: str | None = None,
    index: int | None = None,
) -> list[View]:
    """Views for a list of questions (groups are flattened into their children)."""
    views: list[View] = []
    for question in items:
        if question.type == "group":
            heading = QuestionView(question, form, lang, on_change, repeat=repeat, index=index)
            heading.box.children = (heading.label, heading.hint)
            views.append(heading)
            views.extend(
                build_views(
                    question.children,
                    form,
                    lang,
                    on_change,
                    on_structure,
                    repeat=repeat,
                    index=index,
                )
            )
        elif question.type == "likert_matrix":
            views.append(MatrixView(question, form, lang, on_change, repeat=repeat, index=index))
        elif question.type == "repeat":
            views.append(
                RepeatView(
                    question, form, lang, on_change, on_structure, repeat=repeat, index=index
                )
            )
        elif question.type in ("metadata", "hidden"):
            continue  # recorded or computed by the toolkit, never asked
        else:
            views.append(QuestionView(question, form, lang, on_change, repeat=repeat, index=index))
    return views


def _close_tree(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, widgets.Widget):
            part.close()


def close_views(views: list[View]) -> None:
    """Close every widget of ``views`` (and their layouts and styles) so that the browser
    drops them; used when a form's pages are thrown away."""
    for view in views:
        _close_tree(view.box)
        for name in ("input", "error"):
            part = getattr(view, name, None)
            if isinstance(part, widgets.Widget):
                _close_tree(part)
        close_views(getattr(view, "rows", []))
        for entry in getattr(view, "entries", []):
            close_views(entry)


def _iso(
    kind: type[dt.date] | type[dt.time] | type[dt.datetime], current: object
) -> dt.date | dt.time | dt.datetime | None:
    """A stored ISO date, time or date-time as the picker's value; anything else leaves it
    empty (a date-time loses its offset: the picker shows local wall time)."""
    if not isinstance(current, str):
        return None
    try:
        value = kind.fromisoformat(current)
    except ValueError:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value
