"""The selected question's settings: texts in French and English side by side, identifier,
type, required, personal data, default, constraint message, role in the analysis, and its
choices (« ne sait pas / refus » marked as non-substantive)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.start import field
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.builder import BUILDER_TYPES, ChoiceRow, Draft
from toolkit.builder.bounds import parse_bound
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.instruments.model import CHOICE_TYPES, NUMERIC_TYPES

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp

__all__ = ["ChoicePanel", "QuestionPanel"]

_TEXT_KEYS = ("label", "hint", "constraint_message")


def _pair(app: BuilderApp, key: str) -> tuple[dict[str, widgets.Text], widgets.VBox]:
    """One text box per language, side by side, under the setting's name."""
    boxes = {}
    cells = []
    for lang in app.editing.languages:
        box = widgets.Text(placeholder=t(f"builder.app.lang.{lang}", app.lang))
        box.add_class(f"mt-{key.replace('_', '-')}-{lang}")
        boxes[lang] = box
        cells.append(field(t(f"builder.app.lang.{lang}", app.lang), box))
    row = widgets.HBox(cells)
    row.add_class("mt-side-by-side")
    return boxes, widgets.VBox([widgets.HTML(f"<b>{app.tr(f'builder.app.field.{key}')}</b>"), row])


class QuestionPanel:
    """Settings of the selected question, applied together by *Appliquer*."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        self.texts: dict[str, dict[str, widgets.Text]] = {}
        rows = []
        for key in _TEXT_KEYS:
            self.texts[key], row = _pair(app, key)
            rows.append(row)
        self.constraint_row = rows[-1]
        self.name = widgets.Text()
        self.name.add_class("mt-name")
        self.type = widgets.Dropdown(
            options=[(t(f"builder.type.{k}", app.lang), k) for k in BUILDER_TYPES]
        )
        self.type.add_class("mt-type")
        self.required = widgets.Checkbox(description=tr("builder.app.field.required"), indent=False)
        self.required.add_class("mt-required")
        self.pii = widgets.Checkbox(description=tr("builder.app.field.pii"), indent=False)
        self.pii.add_class("mt-pii")
        self.default = widgets.Text()
        self.default.add_class("mt-default")
        self.role = widgets.Dropdown(
            options=[
                (tr("builder.app.role.none"), ""),
                (tr("builder.app.role.sector"), "sector"),
                (tr("builder.app.role.wave"), "wave"),
            ]
        )
        self.role.add_class("mt-role")
        self.apply_button = widgets.Button(
            description=tr("builder.app.apply"), icon="check", button_style="primary"
        )
        self.apply_button.add_class("mt-apply")
        self.apply_button.layout.width = "auto"
        self.apply_button.on_click(lambda _b: app.apply_question())
        self.settings = widgets.VBox(
            [
                self.type_field(),
                self.required,
                self.pii,
                field(tr("builder.app.field.default"), self.default),
                field(tr("builder.app.field.role"), self.role),
                field(tr("builder.app.field.name"), self.name),
            ]
        )
        self.minimum = self._advanced_box("minimum", tr("builder.app.field.none"))
        self.maximum = self._advanced_box("maximum", tr("builder.app.field.none"))
        self.choice_filter = self._advanced_box("choice_filter")
        self.repeat_count = self._advanced_box("repeat_count")
        self.bounds_field = widgets.HBox(
            [
                field(tr("builder.app.field.minimum"), self.minimum),
                field(tr("builder.app.field.maximum"), self.maximum),
            ]
        )
        self.bounds_field.add_class("mt-side-by-side")
        self.choice_filter_field = field(tr("builder.app.field.choice_filter"), self.choice_filter)
        self.repeat_count_field = field(tr("builder.app.field.repeat_count"), self.repeat_count)
        self.advanced_check = widgets.HTML()
        self.advanced_check.add_class("mt-advanced-check")
        self.advanced = widgets.VBox(
            [
                self.bounds_field,
                self.choice_filter_field,
                self.repeat_count_field,
                self.advanced_check,
            ]
        )
        self.ref: str | None = None
        self._showing = False
        self.box = widgets.VBox(
            [rows[0], rows[1], self.settings, self.advanced, rows[2], self.apply_button]
        )
        self.box.add_class("mt-question-panel")

    def _advanced_box(self, key: str, placeholder: str = "") -> widgets.Text:
        """A setting checked as it is typed (:meth:`check_advanced`)."""
        box = widgets.Text(placeholder=placeholder, continuous_update=True)
        box.add_class(f"mt-{key.replace('_', '-')}")
        box.observe(lambda _c: self.check_advanced(), "value")
        return box

    def type_field(self) -> widgets.VBox:
        return field(self.app.tr("builder.app.field.type"), self.type)

    def show(self, ref: str) -> None:
        """Fill the fields with question ``ref``'s settings."""
        draft = self.app.editing
        found = draft.find(ref)
        is_section = len(found.path) == 1 and draft.layout == "sections"
        for key, boxes in self.texts.items():
            values = draft.texts(ref, key)
            for lang, box in boxes.items():
                box.value = values.get(lang, "")
        self.name.value = found.name
        self.type.value = found.type if found.type in BUILDER_TYPES else None
        self.settings.children[0].layout.display = "none" if is_section else None
        for widget in (self.required, self.pii):
            widget.layout.display = "none" if is_section else None
        self.required.value = draft.get(ref, "required") is True
        self.pii.value = draft.get(ref, "pii") is True
        default = draft.get(ref, "default")
        self.default.value = "" if default is None else str(default)
        roles = [r for r in ("sector", "wave") if found.name in draft.role(r)]
        self.role.value = roles[0] if roles else ""
        self.ref = ref
        self._showing = True
        try:
            for key in ("minimum", "maximum", "choice_filter", "repeat_count"):
                value = draft.get(ref, key)
                text = "" if value is None else str(value)
                if key in ("minimum", "maximum") and self.app.lang == "fr":
                    text = text.replace(".", ",")
                getattr(self, key).value = text
        finally:
            self._showing = False
        numeric = found.type in NUMERIC_TYPES
        self.bounds_field.layout.display = None if numeric else "none"
        filtered = found.type in CHOICE_TYPES - {"likert_matrix"} and not found.is_matrix_item
        self.choice_filter_field.layout.display = None if filtered else "none"
        self.repeat_count_field.layout.display = None if found.type == "repeat" else "none"
        self.advanced.layout.display = (
            None if (numeric or filtered or found.type == "repeat") and not is_section else "none"
        )
        self.check_advanced()

    def _advanced_edits(self, ref: str) -> list[tuple]:
        """The bounds, choice filter and repeat count asked for (raises on a bad number)."""
        draft = self.app.editing
        found = draft.find(ref)
        edits: list[tuple] = []
        if found.type in NUMERIC_TYPES:
            integer = found.type == "integer"
            minimum = parse_bound(self.minimum.value, integer=integer)
            maximum = parse_bound(self.maximum.value, integer=integer)
            if (minimum, maximum) != (draft.get(ref, "minimum"), draft.get(ref, "maximum")):
                edits.append(("set_bounds", ref, minimum, maximum))
        for key, shown in (
            ("choice_filter", self.choice_filter_field),
            ("repeat_count", self.repeat_count_field),
        ):
            if shown.layout.display == "none":
                continue
            current = draft.get(ref, key)
            text = getattr(self, key).value.strip()
            if text != ("" if current is None else str(current)):
                edits.append(("set_expression", ref, key, text))
        return edits

    def check_advanced(self) -> None:
        """Check the bounds, filter and count as typed, with the loader's own checks on a
        scratch copy of the draft; the problems are said under the fields, in words."""
        app = self.app
        draft = app.draft
        if self._showing or self.ref is None or draft is None:
            return
        ref = self.ref
        try:
            edits = self._advanced_edits(ref)
            if not edits:
                self.advanced_check.value = ""
                return
            trial = Draft(draft.text())
            for method, _ref, *args in edits:
                if method == "set_bounds":
                    trial.set_bounds(ref, minimum=args[0], maximum=args[1])
                else:
                    trial.set_expression(ref, *args)
        except ToolkitError as error:
            self.advanced_check.value = message("error", app.explain(error), block=True)
            return
        name = trial.find(ref).name
        problems = [p for p in trial.problems if p.field in (name, ref)]
        self.advanced_check.value = (
            "".join(message("error", p.message(app.lang), block=True) for p in problems)
            if problems
            else message("ok", app.tr("builder.app.advanced.ok"), block=True)
        )

    def changes(self, ref: str) -> list[tuple]:
        """The edits the fields ask for on ``ref`` (each as a method name and arguments)."""
        draft = self.app.editing
        found = draft.find(ref)
        edits: list[tuple] = []
        for key, boxes in self.texts.items():
            values = draft.texts(ref, key)
            for lang, box in boxes.items():
                if box.value.strip() != values.get(lang, ""):
                    edits.append(("set_text", ref, key, box.value.strip(), lang))
        if not (len(found.path) == 1 and draft.layout == "sections"):
            if self.type.value and self.type.value != found.type:
                edits.append(("set_type", ref, self.type.value))
            if self.required.value != (draft.get(ref, "required") is True):
                edits.append(("set_required", ref, self.required.value))
            if self.pii.value != (draft.get(ref, "pii") is True):
                edits.append(("set_flag", ref, "pii", self.pii.value))
        default = draft.get(ref, "default")
        if self.default.value.strip() != ("" if default is None else str(default)):
            edits.append(("set_default", ref, self.default.value.strip() or None))
        for role in ("sector", "wave"):
            plays = found.name in draft.role(role)
            if plays and self.role.value != role:
                edits.append(("set_role", role, None))
            elif not plays and self.role.value == role:
                edits.append(("set_role", role, found.name))
        edits += self._advanced_edits(ref)
        if self.name.value.strip() != found.name:
            edits.append(("rename", ref, self.name.value.strip()))
        return edits


def shared_options(app: BuilderApp) -> list[tuple[str, str]]:
    """The lists a choice question may take, by title (reference lists of the mediation
    activity first, then the catalogue's lists by their first choices), never by code."""
    lang = app.lang
    references, catalogue = [], []
    for entry in app.shared_lists():
        if entry.title is not None:
            references.append((entry.title.get(lang), entry.key))
        else:
            source = entry.sources[0] if entry.sources else ""
            catalogue.append(
                (
                    app.tr("builder.app.shared.from", source=source, preview=entry.preview(lang)),
                    entry.key,
                )
            )
    return [
        (app.tr("builder.app.shared.none"), ""),
        *sorted(references),
        *sorted(catalogue),
    ]


class ChoicePanel:
    """The choices of the selected question: one at a time, by its label."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        self.choice = widgets.Dropdown()
        self.choice.add_class("mt-choice")
        self.choice.observe(lambda _c: self.show_choice(), "value")
        self.code = widgets.Text()
        self.code.add_class("mt-choice-code")
        self.labels: dict[str, widgets.Text] = {}
        cells = []
        for lang in app.editing.languages:
            box = widgets.Text()
            box.add_class(f"mt-choice-label-{lang}")
            self.labels[lang] = box
            cells.append(field(t(f"builder.app.lang.{lang}", app.lang), box))
        self.missing = widgets.Checkbox(description=tr("builder.app.choice.missing"), indent=False)
        self.missing.add_class("mt-choice-missing")
        self.apply_button = widgets.Button(description=tr("builder.app.choice.apply"), icon="check")
        self.apply_button.add_class("mt-choice-apply")
        self.apply_button.on_click(lambda _b: app.apply_choice())
        self.add_button = widgets.Button(description=tr("builder.app.choice.add"), icon="plus")
        self.add_button.add_class("mt-choice-add")
        self.add_button.on_click(lambda _b: app.add_choice())
        self.delete_button = widgets.Button(
            description=tr("builder.app.choice.delete"), icon="trash"
        )
        self.delete_button.on_click(lambda _b: app.delete_choice())
        self.shared = widgets.HTML()
        self.shared_pick = widgets.Dropdown(options=shared_options(app))
        self.shared_pick.add_class("mt-shared-list")
        self.shared_pick.observe(lambda _c: self.show_shared(), "value")
        self.shared_info = widgets.HTML()
        self.shared_info.add_class("mt-shared-info")
        self.shared_apply = widgets.Button(description=tr("builder.app.shared.apply"), icon="list")
        self.shared_apply.add_class("mt-shared-apply")
        self.shared_apply.on_click(lambda _b: app.use_shared_list())
        for button in (
            self.apply_button,
            self.add_button,
            self.delete_button,
            self.shared_apply,
        ):
            button.layout.width = "auto"
        side = widgets.HBox(cells)
        side.add_class("mt-side-by-side")
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{tr('builder.app.choices')}</h3>"),
                self.shared,
                field(tr("builder.app.choice.which"), self.choice),
                side,
                self.missing,
                field(tr("builder.app.choice.code"), self.code),
                widgets.HBox([self.apply_button, self.add_button, self.delete_button]),
                field(tr("builder.app.shared.pick"), self.shared_pick),
                self.shared_info,
                self.shared_apply,
            ]
        )
        self.box.add_class("mt-choices")
        self.rows: tuple[ChoiceRow, ...] = ()
        self.show_shared()

    def show(self, ref: str) -> None:
        """Show the choices of ``ref`` (hidden for a question without choices)."""
        info = self.app.editing.list_of(ref)
        if info is None:
            self.box.layout.display = "none"
            self.rows = ()
            return
        self.box.layout.display = None
        self.rows = info.rows
        lang = self.app.lang
        kept = self.choice.value
        self.choice.options = [
            (row.labels.get(lang) or next(iter(row.labels.values()), row.code), row.code)
            for row in info.rows
        ]
        codes = info.codes()
        self.choice.value = kept if kept in codes else (codes[0] if codes else None)
        others = [u for u in info.users if u != ref]
        self.shared.value = (
            f"<p class='mt-hint'>{self.app.tr('builder.app.choice.shared', n=len(others))}</p>"
            if not info.inline and others
            else ""
        )
        self.show_choice()

    def show_shared(self) -> None:
        """Every choice of the list picked, in full (the menu may cut a long title)."""
        entry = next((e for e in self.app.shared_lists() if e.key == self.shared_pick.value), None)
        self.shared_apply.disabled = entry is None
        if entry is None:
            self.shared_info.value = ""
            return
        lang = self.app.lang
        labels = [r.labels.get(lang) or next(iter(r.labels.values()), "") for r in entry.rows]
        self.shared_info.value = (
            f"<p class='mt-hint'>{esc(self.app.tr('builder.app.shared.rows', n=len(labels)))} "
            f"{esc(' · '.join(labels))}</p>"
        )

    def show_choice(self) -> None:
        row = next((r for r in self.rows if r.code == self.choice.value), None)
        self.code.value = row.code if row else ""
        for lang, box in self.labels.items():
            box.value = row.labels.get(lang, "") if row else ""
        self.missing.value = bool(row and row.missing)
