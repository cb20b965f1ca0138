"""Participant-side widgets for each exercise type.

Each view is a ``VBox`` whose input widgets are public attributes, so that tests can set
``.value`` and ``.click()`` without a browser. ``submit(item, value)`` stores an answer
and returns its score (see :meth:`toolkit.training.sessions.LiveSessions.answer`); it
raises :class:`~toolkit.errors.ToolkitError`, shown in the view's ``status``.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from toolkit.apps.workshop.common import error_html
from toolkit.errors import ToolkitError
from toolkit.i18n import Text, t
from toolkit.training.model import Branching, Judgement, Quiz, Rewriting, RolePlay, Scale
from toolkit.training.scoring import Play, scale_scores
from toolkit.training.sessions import SATISFACTION_ITEMS, SATISFACTION_RANGE

__all__ = [
    "BranchingView",
    "JudgementView",
    "QuizView",
    "RewritingView",
    "RolePlayView",
    "SatisfactionView",
    "ScaleView",
]

Submit = Callable[[str, object], float | None]


def _p(text: Text | str | None, tag: str = "p", lang: str | None = None) -> str:
    if text is None:
        return ""
    value = text.get(lang) if isinstance(text, Text) else text
    return f"<{tag}>{html.escape(value)}</{tag}>"


def _full() -> w.Layout:
    return w.Layout(width="100%")


class _View(w.VBox):
    def __init__(self, submit: Submit, lang: str | None) -> None:
        super().__init__()
        self.submit = submit
        self.lang = lang
        self.status = w.HTML()

    def _store(self, item: str, value: object) -> float | ToolkitError | None:
        try:
            score = self.submit(item, value)
        except ToolkitError as error:
            self.status.value = error_html(error)
            return error
        self.status.value = html.escape(t("workshop.participant.saved", self.lang))
        return score


class QuizView(_View):
    """A quiz, or the pre/post test when ``feedback`` is False (no correction shown)."""

    def __init__(
        self, exercise: Quiz, submit: Submit, *, lang: str | None = None, feedback: bool = True
    ) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        self.feedback = feedback
        self.selectors: dict[str, w.RadioButtons | list[w.Checkbox]] = {}
        self.buttons: dict[str, w.Button] = {}
        self.feedbacks: dict[str, w.HTML] = {}
        children: list[w.Widget] = [
            w.HTML(_p(exercise.title, "h3", lang) + _p(exercise.instructions, "p", lang))
        ]
        for q in exercise.questions:
            if q.kind == "single":
                selector = w.RadioButtons(
                    options=[(o.text.get(lang), o.id) for o in q.options],
                    value=None,
                    layout=_full(),
                )
                box: w.Widget = selector
            else:
                selector = [
                    w.Checkbox(description=o.text.get(lang), indent=False, layout=_full())
                    for o in q.options
                ]
                box = w.VBox(selector)
            button = w.Button(
                description=t("workshop.participant.submit", lang), button_style="primary"
            )
            button.on_click(lambda _b, q=q: self.answer(q.id))
            self.selectors[q.id], self.buttons[q.id] = selector, button
            self.feedbacks[q.id] = w.HTML()
            children += [w.HTML(_p(q.prompt, "b", lang)), box, button, self.feedbacks[q.id]]
        self.children = [*children, self.status]

    def answer(self, question_id: str) -> None:
        q = next(q for q in self.exercise.questions if q.id == question_id)
        selector = self.selectors[question_id]
        if q.kind == "single":
            value: object = selector.value
            if value is None:
                return
            picked = [value]
        else:
            picked = [o.id for o, box in zip(q.options, selector, strict=True) if box.value]
            value = picked
        score = self._store(question_id, value)
        if isinstance(score, ToolkitError):
            return
        if not self.feedback:
            self.feedbacks[question_id].value = html.escape(
                t("workshop.participant.test_saved", self.lang)
            )
            return
        verdict = "correct" if score == 1 else "wrong"
        parts = [
            f"<b class='wk-{verdict}'>{html.escape(t(f'workshop.participant.{verdict}', self.lang))}</b>"
        ]
        parts += [_p(q.option(o).feedback, "p", self.lang) for o in picked]
        parts.append(_p(q.explanation, "p", self.lang))
        self.feedbacks[question_id].value = "".join(parts)


class JudgementView(_View):
    """Situation, responses, and two pickers: the best and the worst response."""

    def __init__(self, exercise: Judgement, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        options = [(t("workshop.participant.pick", lang), None)] + [
            (r.id, r.id) for r in exercise.responses
        ]
        self.best = w.Dropdown(
            options=options, value=None, description=t("workshop.participant.best", lang)
        )
        self.worst = w.Dropdown(
            options=options, value=None, description=t("workshop.participant.worst", lang)
        )
        for d in (self.best, self.worst):
            d.style.description_width = "initial"
        self.button = w.Button(
            description=t("workshop.participant.submit", lang), button_style="primary"
        )
        self.button.on_click(lambda _b: self.answer())
        self.feedback = w.HTML()
        listing = "".join(
            f"<li><b>{html.escape(r.id)}.</b> {html.escape(r.text.get(lang))}</li>"
            for r in exercise.responses
        )
        self.children = [
            w.HTML(
                _p(exercise.title, "h3", lang)
                + _p(exercise.instructions, "p", lang)
                + _p(exercise.situation, "p", lang)
                + f"<ul>{listing}</ul>"
            ),
            self.best,
            self.worst,
            self.button,
            self.feedback,
            self.status,
        ]

    def answer(self) -> None:
        if self.best.value is None or self.worst.value is None:
            return
        score = self._store("pick", {"best": self.best.value, "worst": self.worst.value})
        if isinstance(score, ToolkitError):
            return
        ex = self.exercise
        self.feedback.value = (
            _p(t("workshop.participant.score", self.lang, score=int(score), maximum=2), "b")
            + _p(
                f"{t('training.best', self.lang)} : {ex.best} — "
                f"{t('training.worst', self.lang)} : {ex.worst}"
            )
            + _p(ex.explanation, "p", self.lang)
        )


class BranchingView(_View):
    """Play a scenario scene by scene; at the end, the score and a replay of the path."""

    def __init__(self, exercise: Branching, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        self.scene = w.HTML()
        self.consequence = w.HTML()
        self.choices = w.VBox()
        self.restart = w.Button(description=t("workshop.participant.restart", lang))
        self.restart.on_click(lambda _b: self.start())
        self.header = w.HTML(_p(exercise.title, "h3", lang) + _p(exercise.instructions, "p", lang))
        self.children = [self.header, self.consequence, self.scene, self.choices, self.status]
        self.start()

    @property
    def choice_buttons(self) -> list[w.Button]:
        return list(self.choices.children)

    def start(self) -> None:
        self.play = Play.start(self.exercise)
        self.consequence.value = ""
        self.status.value = ""
        self._show()

    def choose(self, index: int) -> None:
        choice = self.play.scene.choices[index]
        self.play = self.play.choose(index)
        self.consequence.value = (
            f"<div style='color:#555'><i>{html.escape(choice.consequence.get(self.lang))}</i></div>"
            if choice.consequence
            else ""
        )
        self._show()
        if self.play.finished:
            self._store("path", self.play.path)

    def _show(self) -> None:
        lang = self.lang
        scene = self.play.scene
        if scene is not None:
            speaker = f"<b>{html.escape(scene.speaker.get(lang))} :</b> " if scene.speaker else ""
            self.scene.value = (
                f"<p class='wk-scene'>{speaker}{html.escape(scene.text.get(lang))}</p>"
            )
            buttons = []
            for index, choice in enumerate(scene.choices):
                button = w.Button(
                    description=choice.text.get(lang),
                    tooltip=choice.text.get(lang),
                    layout=w.Layout(width="100%", height="auto"),
                )
                button.on_click(lambda _b, i=index: self.choose(i))
                buttons.append(button)
            self.choices.children = buttons
            return
        ending = self.play.ending
        path = "".join(
            f"<li>{html.escape(s.scene.text.get(lang))}<br>→ <i>{html.escape(s.choice.text.get(lang))}</i></li>"
            for s in self.play.steps
        )
        self.scene.value = (
            f"<div class='wk-ending'>{_p(ending.text, 'p', lang)}"
            f"<b>{html.escape(t('workshop.participant.score', lang, score=ending.score, maximum=self.exercise.max_score))}</b>"
            f"{_p(ending.feedback, 'p', lang)}"
            f"<details><summary>{html.escape(t('workshop.participant.path', lang))}</summary>"
            f"<ol>{path}</ol></details></div>"
        )
        self.choices.children = [self.restart]


class RolePlayView(_View):
    """Pick a role, read its brief; the observer fills in the grid."""

    def __init__(self, exercise: RolePlay, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        self.role = w.Dropdown(
            options=[(t("workshop.participant.pick", lang), None)]
            + [(r.name.get(lang), r.kind) for r in exercise.roles],
            value=None,
            description=t("workshop.participant.role", lang),
        )
        self.role.style.description_width = "initial"
        self.brief = w.HTML()
        self.grid = [
            w.Checkbox(description=g.text.get(lang), indent=False, layout=_full())
            for g in exercise.grid
        ]
        self.comment = w.Textarea(
            placeholder=t("workshop.participant.comment", lang), layout=_full()
        )
        self.button = w.Button(
            description=t("workshop.participant.submit", lang), button_style="primary"
        )
        self.button.on_click(lambda _b: self.answer())
        self.grid_box = w.VBox(
            [w.HTML(_p(t("training.grid", lang), "b")), *self.grid, self.comment, self.button]
        )
        self.grid_box.layout.display = "none"
        self.role.observe(self._on_role, names="value")
        self.children = [
            w.HTML(_p(exercise.title, "h3", lang) + _p(exercise.situation, "p", lang)),
            self.role,
            self.brief,
            self.grid_box,
            self.status,
        ]

    def _on_role(self, change: dict) -> None:
        kind = change["new"]
        if kind is None:
            self.brief.value = ""
            self.grid_box.layout.display = "none"
            return
        role = self.exercise.role(kind)
        self.brief.value = "".join(_p(p, "p") for p in role.brief.get(self.lang).split("\n\n"))
        self.grid_box.layout.display = "flex" if kind == "observer" else "none"

    def answer(self) -> None:
        checked = [g.id for g, box in zip(self.exercise.grid, self.grid, strict=True) if box.value]
        self._store("grid", {"checked": checked, "comment": self.comment.value})


class RewritingView(_View):
    """Free text per prompt, then the model answers and the self-check list (no grading)."""

    def __init__(self, exercise: Rewriting, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        self.texts: dict[str, w.Textarea] = {}
        self.checks: dict[str, list[w.Checkbox]] = {}
        self.buttons: dict[str, w.Button] = {}
        self.models: dict[str, w.HTML] = {}
        children: list[w.Widget] = [
            w.HTML(_p(exercise.title, "h3", lang) + _p(exercise.instructions, "p", lang))
        ]
        for prompt in exercise.prompts:
            self.texts[prompt.id] = w.Textarea(
                placeholder=t("workshop.participant.your_text", lang),
                layout=w.Layout(width="100%", height="6em"),
            )
            self.checks[prompt.id] = [
                w.Checkbox(description=c.text.get(lang), indent=False, layout=_full())
                for c in exercise.checklist
            ]
            self.buttons[prompt.id] = w.Button(
                description=t("workshop.participant.submit", lang), button_style="primary"
            )
            self.buttons[prompt.id].on_click(lambda _b, p=prompt.id: self.answer(p))
            self.models[prompt.id] = w.HTML()
            children += [
                w.HTML(_p(prompt.statement, "blockquote", lang)),
                self.texts[prompt.id],
                w.HTML(_p(t("workshop.participant.checklist", lang), "i")),
                *self.checks[prompt.id],
                self.buttons[prompt.id],
                self.models[prompt.id],
            ]
        self.children = [*children, self.status]

    def answer(self, prompt_id: str) -> None:
        checked = [
            c.id
            for c, box in zip(self.exercise.checklist, self.checks[prompt_id], strict=True)
            if box.value
        ]
        result = self._store(prompt_id, {"text": self.texts[prompt_id].value, "checked": checked})
        if isinstance(result, ToolkitError):
            return
        prompt = next(p for p in self.exercise.prompts if p.id == prompt_id)
        answers = "".join(_p(m, "li", self.lang) for m in prompt.model_answers)
        self.models[
            prompt_id
        ].value = f"<b>{html.escape(t('workshop.participant.model_answers', self.lang))}</b><ul>{answers}</ul>"


class ScaleView(_View):
    """A self-assessment scale; after sending, the participant sees their own profile."""

    def __init__(self, exercise: Scale, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        self.exercise = exercise
        options = [
            (a.get(lang), v)
            for a, v in zip(
                exercise.anchors, range(exercise.minimum, exercise.maximum + 1), strict=True
            )
        ]
        self.items = {i.id: w.ToggleButtons(options=options, value=None) for i in exercise.items}
        for toggle in self.items.values():
            toggle.style.button_width = "auto"
        self.button = w.Button(
            description=t("workshop.participant.submit", lang), button_style="primary"
        )
        self.button.on_click(lambda _b: self.answer())
        self.profile = w.HTML()
        children: list[w.Widget] = [
            w.HTML(_p(exercise.title, "h3", lang) + _p(exercise.instructions, "p", lang))
        ]
        for item in exercise.items:
            children += [w.HTML(_p(item.text, "b", lang)), self.items[item.id]]
        self.children = [*children, self.button, self.profile, self.status]

    def answer(self) -> None:
        given = {k: v.value for k, v in self.items.items() if v.value is not None}
        for item_id, value in given.items():
            if isinstance(self._store(item_id, value), ToolkitError):
                return
        scores = scale_scores(self.exercise, given)
        rows = "".join(
            f"<li>{html.escape(d.label.get(self.lang))} : {scores[d.id]:.1f}</li>"
            for d in self.exercise.dimensions
            if scores[d.id] == scores[d.id]
        )
        self.profile.value = (
            f"<b>{html.escape(t('workshop.participant.profile', self.lang))}</b><ul>{rows}</ul>"
        )


class SatisfactionView(_View):
    """The Kirkpatrick level-1 questionnaire: five ratings (1–5) and an optional comment."""

    def __init__(self, submit: Submit, *, lang: str | None = None) -> None:
        super().__init__(submit, lang)
        low, high = SATISFACTION_RANGE
        self.items = {
            k: w.ToggleButtons(options=list(range(low, high + 1)), value=None)
            for k in SATISFACTION_ITEMS
        }
        self.comment = w.Textarea(
            placeholder=t("training.satisfaction.comment", lang), layout=_full()
        )
        self.button = w.Button(
            description=t("workshop.participant.submit", lang), button_style="primary"
        )
        self.button.on_click(lambda _b: self.answer())
        children: list[w.Widget] = [
            w.HTML(
                _p(t("training.satisfaction.title", lang), "h3")
                + _p(t("training.satisfaction.scale", lang), "i")
            )
        ]
        for key, toggle in self.items.items():
            children += [w.HTML(_p(t(f"training.satisfaction.{key}", lang), "b")), toggle]
        self.children = [*children, self.comment, self.button, self.status]

    def answer(self) -> None:
        for key, toggle in self.items.items():
            if toggle.value is not None and isinstance(
                self._store(key, toggle.value), ToolkitError
            ):
                return
        if self.comment.value.strip():
            self._store("comment", self.comment.value)
