"""Skip logic and constraints in words: « afficher si [question] [est…] [valeur] », joined
with « et / ou », written underneath as the XLSForm expression (editable) and checked by the
loader's own checker as it changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.start import field
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.builder.logic import (
    CURRENT,
    Condition,
    Op,
    Rule,
    compile_rule,
    describe,
    needs_value,
    operators,
    remove_condition,
    replace_condition,
    rule_of,
)
from toolkit.i18n import t
from toolkit.instruments.model import CHOICE_TYPES

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp
    from toolkit.instruments import Instrument, Question

__all__ = ["LogicPanel"]


def _set_options(dropdown: widgets.Dropdown, options: list[tuple[str, str]]) -> None:
    """New options, the value kept when still offered, else the first one."""
    kept = dropdown.value
    dropdown.options = options
    values = [value for _label, value in options]
    dropdown.value = kept if kept in values else (values[0] if values else None)


class LogicPanel:
    """Builds a rule for ``relevant`` (« afficher si ») or ``constraint`` (« accepter si »)."""

    def __init__(self, app: BuilderApp, key: str) -> None:
        self.app = app
        self.key = key
        tr = app.tr
        css = f"mt-{key}"
        self.join = widgets.Dropdown(
            options=[
                (t("builder.logic.and", app.lang), "and"),
                (t("builder.logic.or", app.lang), "or"),
            ]
        )
        self.join.add_class(f"{css}-join")
        self.subject = widgets.Dropdown()
        self.subject.add_class(f"{css}-question")
        self.subject.observe(lambda _c: self._subject_changed(), "value")
        self.op = widgets.Dropdown()
        self.op.add_class(f"{css}-op")
        self.op.observe(lambda _c: self._op_changed(), "value")
        self.value_choice = widgets.Dropdown()
        self.value_choice.add_class(f"{css}-value-choice")
        self.value_text = widgets.Text()
        self.value_text.add_class(f"{css}-value")
        self.add_button = widgets.Button(description=tr("builder.app.logic.add"), icon="plus")
        self.add_button.add_class(f"{css}-add")
        self.add_button.on_click(lambda _b: self.add_condition())
        self.clear_button = widgets.Button(description=tr("builder.app.logic.clear"), icon="times")
        self.clear_button.add_class(f"{css}-clear")
        self.clear_button.on_click(lambda _b: self.app.set_expression(self.key, ""))
        self.which = widgets.Dropdown(options=[(tr("builder.app.logic.new"), -1)], value=-1)
        self.which.add_class(f"{css}-which")
        self.which.observe(lambda _c: self._which_changed(), "value")
        self.replace_button = widgets.Button(
            description=tr("builder.app.logic.replace"), icon="pencil"
        )
        self.replace_button.add_class(f"{css}-replace")
        self.replace_button.on_click(lambda _b: self.replace_condition())
        self.remove_button = widgets.Button(
            description=tr("builder.app.logic.remove"), icon="minus"
        )
        self.remove_button.add_class(f"{css}-remove")
        self.remove_button.on_click(lambda _b: self.remove_condition())
        for button in (
            self.add_button,
            self.clear_button,
            self.replace_button,
            self.remove_button,
        ):
            button.layout.width = "auto"
        self.words = widgets.HTML()
        self.words.add_class(f"{css}-words")
        self.expression = widgets.Text(continuous_update=False)
        self.expression.add_class(f"{css}-expression")
        self.expression_button = widgets.Button(
            description=tr("builder.app.logic.apply_expression")
        )
        self.expression_button.layout.width = "auto"
        self.expression_button.on_click(
            lambda _b: self.app.set_expression(self.key, self.expression.value)
        )
        self.check = widgets.HTML()
        self.join_field = field(tr("builder.app.logic.join"), self.join)
        self.which_field = field(tr("builder.app.logic.which"), self.which)
        self.value_choice_field = field(tr("builder.app.logic.value"), self.value_choice)
        self.value_text_field = field(tr("builder.app.logic.value"), self.value_text)
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{tr(f'builder.app.logic.{key}')}</h3>"),
                self.words,
                self.which_field,
                self.join_field,
                widgets.HBox(
                    [
                        field(tr("builder.app.logic.question"), self.subject),
                        field(tr("builder.app.logic.op"), self.op),
                        self.value_choice_field,
                        self.value_text_field,
                    ]
                ),
                widgets.HBox(
                    [self.add_button, self.replace_button, self.remove_button, self.clear_button]
                ),
                field(tr("builder.app.logic.expression"), self.expression),
                self.expression_button,
                self.check,
            ]
        )
        self.box.add_class(css)
        self.rule: Rule | None = None
        self.ref: str | None = None
        self._filling = False

    # ------------------------------------------------------------------ showing

    def show(self, ref: str, instrument: Instrument | None) -> None:
        """Show the rule of question ``ref`` in words and as written."""
        self.ref = ref
        draft = self.app.editing
        found = draft.find(ref)
        text = draft.get(ref, self.key)
        text = "" if text is None or text is True else str(text)
        self.expression.value = text
        if self.key == "constraint" and (
            found.type in ("group", "repeat", "note", "likert_matrix", "calculate")
            or (len(found.path) == 1 and draft.layout == "sections")
        ):
            self.box.layout.display = "none"
            return
        self.box.layout.display = None
        self.rule = rule_of(text, instrument) if (text and instrument is not None) else None
        lang = self.app.lang
        current = (
            instrument.question(found.name)
            if instrument is not None and self.key == "constraint"
            else None
        )
        if text and self.rule is not None and instrument is not None:
            self.words.value = f"<p class='mt-rule'>{esc(self.app.tr(f'builder.app.logic.{self.key}.lead'))} {esc(describe(self.rule, instrument, lang, current=current))}</p>"
        elif text:
            self.words.value = (
                f"<p class='mt-hint'>{esc(self.app.tr('builder.app.logic.only_expression'))}</p>"
            )
        else:
            self.words.value = (
                f"<p class='mt-hint'>{esc(self.app.tr(f'builder.app.logic.{self.key}.none'))}</p>"
            )
        _set_options(self.subject, self._subjects(ref, instrument))
        self._subject_changed()
        self._list_conditions(instrument, current)
        problems = [p for p in draft.problems if p.field in (found.name, ref)]
        self.check.value = "".join(message("error", p.message(lang), block=True) for p in problems)

    def _list_conditions(self, instrument: Instrument | None, current: Question | None) -> None:
        """« Condition à modifier »: each condition of the rule in words, or a new one."""
        conditions = self.rule.conditions if self.rule is not None else ()
        lang = self.app.lang
        options: list[tuple[str, int]] = [(self.app.tr("builder.app.logic.new"), -1)]
        if instrument is not None:
            options += [
                (f"{i + 1}. {describe(Rule((c,)), instrument, lang, current=current)}", i)
                for i, c in enumerate(conditions)
            ]
        kept = self.which.value
        self._filling = True
        try:
            self.which.options = options
            self.which.value = kept if kept in range(len(conditions)) else -1
        finally:
            self._filling = False
        self.which_field.layout.display = None if conditions else "none"
        self._which_changed()

    def _which_changed(self) -> None:
        """Fill the drop-downs with the condition chosen, or leave them for a new one."""
        if self._filling:
            return
        index = self.which.value
        rule = self.rule
        editing = index is not None and index >= 0 and rule is not None
        self.add_button.layout.display = "none" if editing else None
        self.replace_button.layout.display = None if editing else "none"
        self.remove_button.layout.display = None if editing else "none"
        has_rule = rule is not None and bool(rule.conditions)
        self.join_field.layout.display = (
            None if (editing and index > 0) or (not editing and has_rule) else "none"
        )
        if not editing or rule is None:
            return
        condition = rule.conditions[index]
        if index > 0:
            self.join.value = rule.joins[index - 1]
        if condition.question in [v for _label, v in self.subject.options]:
            self.subject.value = condition.question
        if condition.op.value in [v for _label, v in self.op.options]:
            self.op.value = condition.op.value
        if condition.value is not None:
            if condition.value in [v for _label, v in self.value_choice.options]:
                self.value_choice.value = condition.value
            self.value_text.value = condition.value

    def _subjects(self, ref: str, instrument: Instrument | None) -> list[tuple[str, str]]:
        """The questions a rule may look at: those before ``ref`` (or the answer itself)."""
        if instrument is None:
            return []
        draft = self.app.editing
        name = draft.find(ref).name
        out = []
        if self.key == "constraint":
            out.append((t("builder.logic.current", self.app.lang), CURRENT))
            return out
        for question in instrument.fields():
            if question.name == name:
                break
            if question.type in ("note", "group", "repeat", "likert_matrix"):
                continue
            label = question.label.get(self.app.lang) if question.label else question.name
            out.append((label, question.name))
        return out

    def _question(self) -> Question | None:
        instrument = self.app.instrument
        if instrument is None or self.subject.value is None:
            return None
        name = (
            self.ref.split("/")[-1]
            if self.subject.value == CURRENT and self.ref
            else self.subject.value
        )
        try:
            return instrument.question(name)
        except KeyError:
            return None

    def _subject_changed(self) -> None:
        question = self._question()
        ops = operators(question.type) if question is not None else ()
        dated = question is not None and question.type in ("date", "time", "datetime")
        variant = "current." if self.subject.value == CURRENT else ("date." if dated else "")
        lang = self.app.lang

        def word(op: Op) -> str:
            key = f"builder.op.{variant}{op.value}"
            if variant == "date." and op.value not in ("gt", "ge", "lt", "le"):
                key = f"builder.op.{op.value}"
            return t(key, lang)

        _set_options(self.op, [(word(op), op.value) for op in ops])
        instrument = self.app.instrument
        choices = (
            instrument.choices_of(question.name)
            if question is not None and question.type in CHOICE_TYPES and instrument is not None
            else None
        )
        if choices is not None:
            _set_options(
                self.value_choice,
                [(c.label.get(lang) if c.label else c.value, c.value) for c in choices.choices],
            )
        else:
            _set_options(self.value_choice, [])
        self._op_changed()

    def _op_changed(self) -> None:
        question = self._question()
        wants = self.op.value is not None and needs_value(Op(self.op.value))
        choice = question is not None and question.type in CHOICE_TYPES
        self.value_choice_field.layout.display = None if wants and choice else "none"
        self.value_text_field.layout.display = None if wants and not choice else "none"

    # ------------------------------------------------------------------ editing

    def condition(self) -> Condition | None:
        """The condition the drop-downs say."""
        if self.subject.value is None or self.op.value is None:
            return None
        op = Op(self.op.value)
        question = self._question()
        value = None
        if needs_value(op):
            value = (
                self.value_choice.value
                if question is not None and question.type in CHOICE_TYPES
                else self.value_text.value.strip()
            )
            if value in (None, ""):
                return None
        return Condition(self.subject.value, op, None if value is None else str(value))

    def add_condition(self) -> None:
        """Add the condition to the rule (« et » / « ou » the one already there)."""
        instrument = self.app.instrument
        condition = self.condition()
        if condition is None or instrument is None:
            self.check.value = message(
                "error", self.app.tr("builder.app.logic.incomplete"), block=True
            )
            return
        current_text = self.expression.value.strip()
        if self.rule is not None and current_text:
            rule = Rule((*self.rule.conditions, condition), (*self.rule.joins, self.join.value))
        else:
            rule = Rule((condition,))
        current = None
        if self.key == "constraint" and self.ref is not None:
            current = instrument.question(self.ref.split("/")[-1])
        self.app.set_expression(self.key, compile_rule(rule, instrument, current=current))

    def _write(self, rule: Rule) -> None:
        instrument = self.app.instrument
        if instrument is None:
            return
        current = None
        if self.key == "constraint" and self.ref is not None:
            current = instrument.question(self.ref.split("/")[-1])
        self.app.set_expression(self.key, compile_rule(rule, instrument, current=current))

    def replace_condition(self) -> None:
        """Change the condition chosen in « Condition à modifier » (the others stay)."""
        index = self.which.value
        condition = self.condition()
        if self.rule is None or index is None or index < 0:
            return
        if condition is None:
            self.check.value = message(
                "error", self.app.tr("builder.app.logic.incomplete"), block=True
            )
            return
        self._write(replace_condition(self.rule, index, condition, join=self.join.value))

    def remove_condition(self) -> None:
        """Take the chosen condition out of the rule (the last one out removes the rule)."""
        index = self.which.value
        if self.rule is None or index is None or index < 0:
            return
        self.which.value = -1
        self._write(remove_condition(self.rule, index))
