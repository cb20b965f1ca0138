"""The projected screen of a room, as HTML fragments: lobby, one exercise, end screen.

Readable from the back of a room: the page's CSS (``static/projector.css``) sizes text from
the viewport. Pseudonyms and free texts are escaped; free texts appear only once the
trainer has chosen to show them, without their authors.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit.apps.common.html import esc
from toolkit.apps.room.charts import chart_html
from toolkit.apps.room.qr import qr_svg
from toolkit.i18n import t
from toolkit.training.live import tally
from toolkit.training.model import Exercise, Quiz, Rewriting, RolePlay
from toolkit.training.sessions import SessionInfo

__all__ = ["Projection", "projector_html"]


@dataclass(frozen=True)
class Projection:
    """Everything the projected screen shows, read at one revision."""

    info: SessionInfo
    people: list[str]
    answers: pd.DataFrame | None
    finished: bool
    join_url: str


def _join(p: Projection, lang: str | None, *, large: bool) -> str:
    url = f"{p.join_url}/{p.info.code}"
    shown = p.join_url.split("://", 1)[-1]
    qr = qr_svg(url, label=t("room.projector.qr", lang, url=shown))
    css = "pj-join pj-join-large" if large else "pj-join"
    return (
        f'<section class="{css}"><div class="pj-qr">{qr}</div><div class="pj-how">'
        f'<p class="pj-step">{esc(t("room.projector.open", lang))}</p>'
        f'<p class="pj-url">{esc(shown)}</p>'
        f'<p class="pj-step">{esc(t("room.projector.type_code", lang))}</p>'
        f'<p class="pj-code" data-code="{esc(p.info.code)}">{esc(p.info.code)}</p></div></section>'
    )


def _count(p: Projection, lang: str | None) -> str:
    return (
        f'<p class="pj-count" data-count="{len(p.people)}">'
        f"{esc(t('room.projector.participants', lang, n=len(p.people)))}</p>"
    )


def _bar(p: Projection, lang: str | None) -> str:
    shown = p.join_url.split("://", 1)[-1]
    return (
        f'<header class="pj-bar"><span>{esc(shown)}</span>'
        f'<span class="pj-bar-code">{esc(t("room.projector.code", lang))} '
        f'<b class="pj-code-small">{esc(p.info.code)}</b></span>'
        f'<span class="pj-bar-count" data-count="{len(p.people)}">'
        f"{esc(t('room.projector.participants', lang, n=len(p.people)))}</span></header>"
    )


def projector_html(p: Projection, lang: str | None) -> str:
    """The screen for ``p``: ``data-screen`` is ``lobby``, ``exercise`` or ``end``."""
    info = p.info
    if info.status == "closed" or p.finished:
        return (
            '<div class="pj-screen pj-end" data-screen="end">'
            f'<h1 class="pj-huge">{esc(t("room.projector.thanks", lang))}</h1>'
            f'<p class="pj-sub">{esc(t("room.projector.ended", lang))}</p>{_count(p, lang)}</div>'
        )
    if info.run is None:
        names = "".join(f"<li>{esc(name)}</li>" for name in p.people[-40:])
        return (
            '<div class="pj-screen pj-lobby" data-screen="lobby">'
            f'<h1 class="pj-title">{esc(info.module.title.get(lang))}</h1>'
            f"{_join(p, lang, large=True)}{_count(p, lang)}"
            f'<ul class="pj-names">{names}</ul></div>'
        )
    run = info.run
    exercise = info.exercise
    answers = p.answers if p.answers is not None else pd.DataFrame()
    answered = answers["participant_id"].nunique() if len(answers) else 0
    if run.exercise_id == "assessment":
        title = t("training.type.assessment", lang)
        title += " — " + t(f"training.{run.phase}", lang) if run.phase else ""
    elif exercise is None:
        title = t("training.satisfaction.title", lang)
    else:
        title = exercise.title.get(lang)
    progress = t("room.projector.answered", lang, n=answered, total=len(p.people))
    body = ""
    if isinstance(exercise, Rewriting):
        body = _texts(answers, lang)
    elif isinstance(exercise, RolePlay):
        body = f'<p class="pj-situation">{esc(exercise.situation.get(lang))}</p>'
    if not isinstance(exercise, Rewriting):
        if run.revealed:
            bars = tally(exercise, answers, lang=lang)
            body += chart_html(bars, show_key=True, lang=lang)
        else:
            body += _questions(exercise, lang)
            body += f'<p class="pj-hidden wk-hidden">{esc(t("room.projector.hidden", lang))}</p>'
        if isinstance(exercise, RolePlay) or exercise is None:
            body += _texts(answers, lang)
    return (
        f'<div class="pj-screen pj-run" data-screen="exercise" data-run="{run.id}" '
        f'data-revealed="{"true" if run.revealed else "false"}">{_bar(p, lang)}'
        f'<h1 class="pj-title">{esc(title)}</h1>'
        f'<p class="pj-progress" data-answered="{answered}">{esc(progress)}'
        '<span class="pj-of" hidden></span></p>'
        f'<div class="pj-body">{body}</div></div>'
    )


def _questions(exercise: Exercise | None, lang: str | None) -> str:
    """A quiz's questions and options (no counts, no key), for the room to read meanwhile."""
    if not isinstance(exercise, Quiz):
        return ""
    items = "".join(
        f'<section class="pj-question"><h2 class="pj-prompt">{esc(q.prompt.get(lang))}</h2>'
        f'<ol class="pj-options">{"".join(f"<li>{esc(o.text.get(lang))}</li>" for o in q.options)}'
        "</ol></section>"
        for q in exercise.questions
    )
    return f'<div class="pj-questions">{items}</div>'


def _texts(answers: pd.DataFrame, lang: str | None) -> str:
    """The free texts the trainer chose to show, as cards (no author)."""
    if not len(answers):
        return ""
    shown = []
    for row in answers[answers["moderation"] == "shown"].itertuples(index=False):
        value = row.value
        text = value if isinstance(value, str) else (value.get("text") or value.get("comment"))
        if text:
            shown.append(f'<li class="pj-text">{esc(text)}</li>')
    if not shown:
        return ""
    return (
        f'<h2 class="pj-sub">{esc(t("room.projector.shown_texts", lang))}</h2>'
        f'<ul class="pj-texts">{"".join(shown)}</ul>'
    )
