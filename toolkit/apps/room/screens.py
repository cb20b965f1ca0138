"""The participant's screens as HTML fragments: waiting, closed, and each exercise type.

The phone page (``static/room.js``) swaps these fragments in and posts the forms back; it
knows nothing about exercises. Every form is ``<form class="rm-item" data-kind=…>``:

========== ================================================= ===============================
kind       inputs                                            answer sent (item → value)
========== ================================================= ===============================
single     radios named after the question                   ``{question: option}``
multiple   check boxes named after the question              ``{question: [options]}``
judgement  radios ``best`` and ``worst``                     ``{"pick": {best, worst}}``
grid       check boxes ``checked``, text area ``comment``    ``{"grid": {checked, comment}}``
rewrite    text area ``text``, check boxes ``checked``       ``{prompt: {text, checked}}``
ratings    one radio group per item, text area ``comment``   ``{item: int, …, "comment": …}``
========== ================================================= ===============================

Branching scenarios are played on the server (``data-kind="scene"`` buttons post the path so
far and get the next scene), so that the graph and the scores never reach the phone. Quiz
keys and feedback reach the phone only in the answer's feedback. Every text that comes from
a module or a participant is escaped here; responses and roles are shown by position
(A, B, C…) or name, never by their ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from babel.numbers import format_decimal

from toolkit.apps.common.html import esc
from toolkit.i18n import Text, get_language, t
from toolkit.training.live import letter
from toolkit.training.model import (
    Branching,
    Exercise,
    Judgement,
    Quiz,
    Rewriting,
    RolePlay,
    Scale,
)
from toolkit.training.scoring import Play, replay, scale_scores, score_judgement
from toolkit.training.sessions import (
    MAX_TEXT,
    SATISFACTION_ITEMS,
    SATISFACTION_RANGE,
    SessionInfo,
)

__all__ = [
    "closed_html",
    "exercise_html",
    "feedback_html",
    "number",
    "scene_html",
    "screen",
    "screen_key",
    "waiting_html",
]

Answers = Mapping[str, object]


def number(value: float, lang: str | None) -> str:
    """A number written the language's way (« 2 000 », « 3,5 »)."""
    return format_decimal(value, locale=lang or get_language())


def _text(value: Text | str | None, lang: str | None) -> str:
    if value is None:
        return ""
    return value.get(lang) if isinstance(value, Text) else value


def _p(value: Text | str | None, lang: str | None, css: str = "", tag: str = "p") -> str:
    text = _text(value, lang)
    if not text:
        return ""
    attr = f' class="{css}"' if css else ""
    return f"<{tag}{attr}>{esc(text)}</{tag}>"


def _paragraphs(value: Text | str | None, lang: str | None, css: str = "") -> str:
    return "".join(_p(part, lang, css) for part in _text(value, lang).split("\n\n"))


def _mapping(value: object) -> Mapping[str, object]:
    """A stored answer made of named parts (``{"best": …, "worst": …}``), else nothing."""
    return value if isinstance(value, dict) else {}


def _picked(value: object) -> list[str]:
    """The ids in a stored answer (options picked, points checked): one id, or a list."""
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def _checked(flag: bool) -> str:
    return " checked" if flag else ""


def _submit(lang: str | None) -> str:
    return f'<button type="submit" class="rm-primary">{esc(t("room.submit", lang))}</button>'


def _textarea(
    item: str, name: str, label: str, value: str, lang: str | None, *, rows: int = 5
) -> str:
    """A text area with its label and a live length counter (kept up to date by room.js)."""
    ident = esc(f"rm-{item}-{name}")
    counter = t("room.counter", lang, n=number(len(value), lang), maximum=number(MAX_TEXT, lang))
    return (
        f'<label class="rm-label" for="{ident}">{esc(label)}</label>'
        f'<textarea id="{ident}" name="{esc(name)}" rows="{rows}" maxlength="{MAX_TEXT}" '
        f'data-counter="{ident}-count">{esc(value)}</textarea>'
        f'<p class="rm-count" id="{ident}-count" aria-live="polite">{esc(counter)}</p>'
    )


def _form(kind: str, item: str, body: str, feedback: str, lang: str | None) -> str:
    return (
        f'<form class="rm-item" data-kind="{kind}" data-item="{esc(item)}" novalidate>'
        f"{body}{_submit(lang)}"
        f'<div class="rm-feedback" aria-live="polite">{feedback}</div></form>'
    )


# -- screens ------------------------------------------------------------------------------
def waiting_html(lang: str | None) -> str:
    return (
        '<div class="rm-card rm-waiting" data-screen="waiting">'
        f"<p>{esc(t('room.waiting', lang))}</p></div>"
    )


def closed_html(lang: str | None) -> str:
    return (
        '<div class="rm-card rm-closed" data-screen="closed">'
        f"<p>{esc(t('room.closed', lang))}</p></div>"
    )


def screen_key(info: SessionInfo | None) -> str:
    """Names what a participant sees: ``closed``, ``waiting`` or ``run:<id>``."""
    if info is None or info.status != "open":
        return "closed"
    return "waiting" if info.run is None else f"run:{info.run.id}"


def screen(info: SessionInfo | None, mine: Answers, lang: str | None) -> tuple[str, str]:
    """``(key, html)`` of what a participant sees now (see :func:`screen_key`)."""
    key = screen_key(info)
    if info is None or key == "closed":
        return key, closed_html(lang)
    if key == "waiting":
        return key, waiting_html(lang)
    return key, exercise_html(info, mine, lang)


def exercise_html(info: SessionInfo, mine: Answers, lang: str | None) -> str:
    """The launched exercise as a form, with the participant's earlier answers filled in
    (the waiting screen while nothing is launched)."""
    run = info.run
    if run is None:
        return waiting_html(lang)
    exercise = info.exercise
    if exercise is None:
        kind, body = "satisfaction", _satisfaction(mine, lang)
    elif isinstance(exercise, Quiz):
        kind, body = "quiz", _quiz(exercise, mine, lang, feedback=run.exercise_id != "assessment")
    elif isinstance(exercise, Judgement):
        kind, body = "judgement", _judgement(exercise, mine, lang)
    elif isinstance(exercise, Branching):
        kind, body = "branching", _branching(exercise, mine, lang)
    elif isinstance(exercise, RolePlay):
        kind, body = "role_play", _role_play(exercise, mine, lang)
    elif isinstance(exercise, Rewriting):
        kind, body = "rewriting", _rewriting(exercise, mine, lang)
    elif isinstance(exercise, Scale):
        kind, body = "scale", _scale(exercise, mine, lang)
    else:
        raise TypeError(f"no participant screen for a {type(exercise).__name__}")
    title = (
        t("training.type.assessment", lang)
        if run.exercise_id == "assessment"
        else (exercise.title.get(lang) if exercise else t("training.satisfaction.title", lang))
    )
    head = f'<h2 class="rm-title">{esc(title)}</h2>'
    if exercise is not None and run.exercise_id != "assessment":
        head += _p(exercise.instructions, lang, "rm-instructions")
    return (
        f'<article class="rm-exercise" data-screen="exercise" data-run="{run.id}" '
        f'data-type="{kind}">{head}{body}</article>'
    )


# -- exercise types -----------------------------------------------------------------------
def _quiz(exercise: Quiz, mine: Answers, lang: str | None, *, feedback: bool) -> str:
    parts = []
    for q in exercise.questions:
        given = mine.get(q.id)
        picked = set(_picked(given))
        kind = "single" if q.kind == "single" else "multiple"
        box = "radio" if kind == "single" else "checkbox"
        hint = "" if kind == "single" else _p(t("room.several", lang), lang, "rm-hint")
        choices = "".join(
            f'<label class="rm-choice"><input type="{box}" name="{esc(q.id)}" '
            f'value="{esc(o.id)}"{_checked(o.id in picked)}><span>{esc(o.text.get(lang))}</span>'
            "</label>"
            for o in q.options
        )
        body = (
            f'<fieldset><legend class="rm-prompt">{esc(q.prompt.get(lang))}</legend>'
            f"{hint}{choices}</fieldset>"
        )
        done = feedback_html(exercise, {q.id: given}, lang, feedback=feedback) if given else ""
        parts.append(_form(kind, q.id, body, done, lang))
    return "".join(parts)


def _judgement(exercise: Judgement, mine: Answers, lang: str | None) -> str:
    given = _mapping(mine.get("pick"))
    listing = "".join(
        f'<li><span class="rm-letter" aria-hidden="true">{letter(i)}</span>'
        f"<span>{esc(r.text.get(lang))}</span></li>"
        for i, r in enumerate(exercise.responses)
    )

    def picker(which: str) -> str:
        options = "".join(
            f'<label class="rm-choice rm-letter-choice"><input type="radio" name="{which}" '
            f'value="{esc(r.id)}"{_checked(given.get(which) == r.id)}>'
            f"<span>{letter(i)}</span></label>"
            for i, r in enumerate(exercise.responses)
        )
        return (
            f'<fieldset class="rm-letters"><legend class="rm-prompt">'
            f"{esc(t(f'room.{which}', lang))}</legend>{options}</fieldset>"
        )

    body = picker("best") + picker("worst")
    done = feedback_html(exercise, {"pick": given}, lang) if given else ""
    return (
        _paragraphs(exercise.situation, lang, "rm-situation")
        + f'<ol class="rm-responses">{listing}</ol>'
        + _form("judgement", "pick", body, done, lang)
    )


def scene_html(exercise: Branching, play: Play, lang: str | None) -> str:
    """One step of a scenario: the last consequence, then the scene and its choices (or
    the ending, the score and the path, with a *play again* button)."""
    path = esc(json.dumps(play.path))
    parts = [f'<div class="rm-scenario" data-path="{path}">']
    if play.steps and play.steps[-1].choice.consequence:
        parts.append(_p(play.steps[-1].choice.consequence, lang, "rm-consequence"))
    scene = play.scene
    if scene is not None:
        speaker = (
            f'<b class="rm-speaker">{esc(scene.speaker.get(lang))} :</b> ' if scene.speaker else ""
        )
        parts.append(f'<p class="rm-scene">{speaker}{esc(scene.text.get(lang))}</p>')
        parts.append('<div class="rm-choices">')
        parts += [
            f'<button type="button" class="rm-step" data-kind="scene" data-scene="{esc(scene.id)}" '
            f'data-index="{i}">{esc(c.text.get(lang))}</button>'
            for i, c in enumerate(scene.choices)
        ]
        parts.append("</div></div>")
        return "".join(parts)
    ending = play.ending
    if ending is None:
        # Not reached: the loader refuses a choice that leads to neither a scene nor an ending.
        raise ValueError(f"{exercise.id}: {play.position!r} is neither a scene nor an ending")
    score = t("room.score", lang, score=ending.score, maximum=exercise.max_score)
    steps = "".join(
        f"<li>{esc(s.scene.text.get(lang))}<br>→ <i>{esc(s.choice.text.get(lang))}</i></li>"
        for s in play.steps
    )
    parts.append(
        f'<div class="rm-ending">{_p(ending.text, lang)}<p class="rm-score">{esc(score)}</p>'
        f"{_p(ending.feedback, lang)}"
        f"<details><summary>{esc(t('room.path', lang))}</summary><ol>{steps}</ol></details>"
        f'<button type="button" class="rm-step" data-kind="restart">'
        f"{esc(t('room.restart', lang))}</button></div></div>"
    )
    return "".join(parts)


def _branching(exercise: Branching, mine: Answers, lang: str | None) -> str:
    stored = mine.get("path")
    play = Play.start(exercise)
    if isinstance(stored, dict) and isinstance(stored.get("path"), list):
        play = replay(exercise, stored["path"])
    return f'<div class="rm-play">{scene_html(exercise, play, lang)}</div>'


def _role_play(exercise: RolePlay, mine: Answers, lang: str | None) -> str:
    given = _mapping(mine.get("grid"))
    roles = "".join(
        f'<label class="rm-choice"><input type="radio" name="role" value="{esc(r.kind)}"'
        f"{_checked(bool(given) and r.kind == 'observer')}>"
        f"<span>{esc(r.name.get(lang))}</span></label>"
        for r in exercise.roles
    )
    briefs = "".join(
        f'<section class="rm-brief" data-role="{esc(r.kind)}"'
        f"{'' if given and r.kind == 'observer' else ' hidden'}>"
        f"<h3>{esc(r.name.get(lang))}</h3>{_paragraphs(r.brief, lang)}</section>"
        for r in exercise.roles
    )
    checked = set(_picked(given.get("checked")))
    grid = "".join(
        f'<label class="rm-choice"><input type="checkbox" name="checked" value="{esc(g.id)}"'
        f"{_checked(g.id in checked)}><span>{esc(g.text.get(lang))}</span></label>"
        for g in exercise.grid
    )
    body = (
        f'<fieldset><legend class="rm-prompt">{esc(t("training.grid", lang))}</legend>'
        f"{grid}</fieldset>"
        + _textarea("grid", "comment", t("room.comment", lang), str(given.get("comment", "")), lang)
    )
    done = feedback_html(exercise, {"grid": given}, lang) if given else ""
    observer = (
        f'<section class="rm-brief" data-role="observer-grid"{"" if given else " hidden"}>'
        f"{_form('grid', 'grid', body, done, lang)}</section>"
    )
    return (
        _paragraphs(exercise.situation, lang, "rm-situation")
        + f'<fieldset class="rm-roles"><legend class="rm-prompt">{esc(t("room.role", lang))}'
        f"</legend>{roles}</fieldset>{briefs}{observer}"
    )


def _rewriting(exercise: Rewriting, mine: Answers, lang: str | None) -> str:
    parts = []
    for prompt in exercise.prompts:
        given = _mapping(mine.get(prompt.id))
        checked = set(_picked(given.get("checked")))
        checks = "".join(
            f'<label class="rm-choice"><input type="checkbox" name="checked" value="{esc(c.id)}"'
            f"{_checked(c.id in checked)}><span>{esc(c.text.get(lang))}</span></label>"
            for c in exercise.checklist
        )
        body = (
            f'<blockquote class="rm-statement">{esc(prompt.statement.get(lang))}</blockquote>'
            + _textarea(
                prompt.id, "text", t("room.your_text", lang), str(given.get("text", "")), lang
            )
            + f'<fieldset><legend class="rm-prompt">{esc(t("room.checklist", lang))}</legend>'
            f"{checks}</fieldset>"
        )
        done = feedback_html(exercise, {prompt.id: given}, lang) if given else ""
        parts.append(_form("rewrite", prompt.id, body, done, lang))
    return "".join(parts)


def _ratings(name: str, legend: str, labels: list[tuple[int, str]], given: object) -> str:
    options = "".join(
        f'<label class="rm-choice rm-rating"><input type="radio" name="{esc(name)}" '
        f'value="{value}"{_checked(given == value)}><span>{esc(label)}</span></label>'
        for value, label in labels
    )
    # Numbers side by side on one row; words in columns wide enough never to split a word.
    layout = "rm-digits" if all(len(label) <= 3 for _, label in labels) else "rm-words"
    return (
        f'<fieldset class="rm-scale"><legend class="rm-prompt">{esc(legend)}</legend>'
        f'<div class="rm-options {layout}">{options}</div></fieldset>'
    )


def _scale(exercise: Scale, mine: Answers, lang: str | None) -> str:
    labels = [
        (value, anchor.get(lang))
        for value, anchor in zip(
            range(exercise.minimum, exercise.maximum + 1), exercise.anchors, strict=True
        )
    ]
    body = "".join(
        _ratings(item.id, item.text.get(lang), labels, mine.get(item.id)) for item in exercise.items
    )
    given = {i.id: mine[i.id] for i in exercise.items if i.id in mine}
    done = feedback_html(exercise, given, lang) if given else ""
    return _form("ratings", exercise.id, body, done, lang)


def _satisfaction(mine: Answers, lang: str | None) -> str:
    low, high = SATISFACTION_RANGE
    labels = [(v, number(v, lang)) for v in range(low, high + 1)]
    body = _p(t("training.satisfaction.scale", lang), lang, "rm-hint") + "".join(
        _ratings(key, t(f"training.satisfaction.{key}", lang), labels, mine.get(key))
        for key in SATISFACTION_ITEMS
    )
    body += _textarea(
        "satisfaction",
        "comment",
        t("training.satisfaction.comment", lang),
        str(mine.get("comment", "")),
        lang,
    )
    done = feedback_html(None, dict(mine), lang) if mine else ""
    return _form("ratings", "satisfaction", body, done, lang)


# -- feedback -----------------------------------------------------------------------------
def feedback_html(
    exercise: Exercise | None, answers: Answers, lang: str | None, *, feedback: bool = True
) -> str:
    """What a participant reads once their answer is stored (the same after a reload)."""
    saved = f'<p class="rm-saved">{esc(t("room.saved", lang))}</p>'
    if isinstance(exercise, Quiz):
        parts = []
        for question_id, given in answers.items():
            question = next((q for q in exercise.questions if q.id == question_id), None)
            if question is None or not given:
                continue
            if not feedback:
                parts.append(f'<p class="rm-saved">{esc(t("room.test_saved", lang))}</p>')
                continue
            picked = _picked(given)
            verdict = "correct" if set(picked) == question.correct else "wrong"
            parts.append(f'<p class="rm-{verdict}">{esc(t(f"room.{verdict}", lang))}</p>')
            parts += [
                _p(question.option(o).feedback, lang)
                for o in picked
                if o in {x.id for x in question.options}
            ]
            parts.append(_p(question.explanation, lang, "rm-explanation"))
        return "".join(parts)
    if isinstance(exercise, Judgement):
        pick = _mapping(answers.get("pick"))
        ids = [r.id for r in exercise.responses]
        best, worst = pick.get("best"), pick.get("worst")
        if not isinstance(best, str) or not isinstance(worst, str):
            return ""
        if best not in ids or worst not in ids:
            return ""
        score = score_judgement(exercise, best, worst)
        key = t(
            "room.key",
            lang,
            best=letter(ids.index(exercise.best)),
            worst=letter(ids.index(exercise.worst)),
        )
        return (
            f'<p class="rm-score">{esc(t("room.score", lang, score=score, maximum=2))}</p>'
            f"<p>{esc(key)}</p>{_p(exercise.explanation, lang, 'rm-explanation')}"
        )
    if isinstance(exercise, Rewriting):
        parts = [saved]
        for prompt in exercise.prompts:
            if prompt.id in answers:
                models = "".join(_p(m, lang, tag="li") for m in prompt.model_answers)
                parts.append(
                    f'<p class="rm-label">{esc(t("room.model_answers", lang))}</p>'
                    f'<ul class="rm-models">{models}</ul>'
                )
        return "".join(parts)
    if isinstance(exercise, Scale):
        scores = scale_scores(exercise, {k: v for k, v in answers.items() if isinstance(v, int)})
        rows = "".join(
            f"<li>{esc(d.label.get(lang))} : {esc(number(round(scores[d.id], 1), lang))}</li>"
            for d in exercise.dimensions
            if scores[d.id] == scores[d.id]
        )
        return f'{saved}<p class="rm-label">{esc(t("room.profile", lang))}</p><ul>{rows}</ul>'
    return saved
