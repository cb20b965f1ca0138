"""The « tester » mode of the builder's preview: fill a page of a form with plausible
answers, so that the skip logic shows which questions appear.

Answers follow the question's type, bounds, choice filter and constraint: a choice among
the substantive ones (never « ne sait pas »), a number between the bounds, today's date, a
sample text. ``variant`` picks other choices and numbers, so that trying again shows the
other branches of a rule. Questions inside a repeated group are left empty.

>>> from toolkit.collect import Form
>>> from toolkit.instruments import load
>>> form = Form(load("surveys/barometre_ambiance.yaml"))
>>> filled = fill_page(form)
>>> len(filled) > 0 and all(form.get(name) is not None for name in filled)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from toolkit.collect import Form
from toolkit.i18n import t
from toolkit.instruments import Question
from toolkit.instruments.model import NUMERIC_TYPES

__all__ = ["fill_page", "plausible_values"]

#: Types with no answer to give (or not given by hand).
_NO_ANSWER = frozenset({"note", "calculate", "group", "repeat", "likert_matrix", "geopoint"})
_PASSES = 3


def _questions(items: tuple[Question, ...]) -> Iterator[Question]:
    """Questions of a page in order, containers opened, repeated groups left out."""
    for item in items:
        if item.type == "repeat":
            continue
        yield item
        yield from _questions(item.children)


def _numbers(question: Question, variant: int) -> list[int | float]:
    low = question.minimum if question.minimum is not None else 0
    high = question.maximum if question.maximum is not None else low + 10
    if question.type == "integer":
        middle: int | float = (int(low) + int(high)) // 2
    else:
        middle = round((low + high) / 2, 2)
    ordered = list(dict.fromkeys([middle, low, high]))
    start = variant % len(ordered)
    return ordered[start:] + ordered[:start]


def plausible_values(
    form: Form, question: Question, *, variant: int = 0, lang: str = "fr"
) -> list[object]:
    """Answers to try for ``question``, the most plausible first (empty: none to give)."""
    if question.type in _NO_ANSWER or question.metadata or question.read_only:
        return []
    if question.choices or question.choices_from:
        allowed = form.choices(question)
        choice_list = form.instrument.choices_of(question.name)
        missing = {c.value for c in choice_list.non_substantive()} if choice_list else set()
        substantive = [v for v in allowed if v not in missing] or list(allowed)
        if not substantive:
            return []
        start = variant % len(substantive)
        ordered = substantive[start:] + substantive[:start]
        if question.type == "multiple_choice":
            return [[value] for value in ordered]
        return list(ordered)
    today = form.today or dt.date.today()
    if question.type in NUMERIC_TYPES:
        return list(_numbers(question, variant))
    if question.type == "date":
        return [today.isoformat()]
    if question.type == "time":
        return ["10:30"]
    if question.type == "datetime":
        return [f"{today.isoformat()}T10:30:00"]
    if question.type == "consent":
        return [True, False] if variant % 2 == 0 else [False, True]
    if question.type in ("text", "long_text"):
        return [t(f"builder.tester.{question.type}", lang)]
    return []


def fill_page(form: Form, *, variant: int = 0, lang: str = "fr") -> list[str]:
    """Answer every shown, unanswered question of ``form``'s current page with the first
    plausible value its checks accept; return the names answered, in page order.

    Questions that a first answer makes appear are answered too.
    """
    filled: list[str] = []
    for _ in range(_PASSES):
        added = False
        for question in _questions(form.page.items):
            if question.name in filled or not form.shown(question.name):
                continue
            if form.get(question.name) is not None:
                continue
            for value in plausible_values(form, question, variant=variant, lang=lang):
                form.set(question.name, value)
                if question.name not in form.problems():
                    filled.append(question.name)
                    added = True
                    break
                form.set(question.name, None)
        if not added:
            break
    order = [q.name for q in _questions(form.page.items)]
    return sorted(filled, key=order.index)
