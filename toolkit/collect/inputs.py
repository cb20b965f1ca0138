"""Which input a question needs on a phone or a tablet, decided from the model alone.

The field app (and any other renderer, such as a builder's preview) asks these functions
rather than looking at question types itself, so that every screen brings up the same
keyboard for the same question.
"""

from __future__ import annotations

import re

from toolkit.instruments import Question

__all__ = ["SCALE_ROW_MAX", "input_kind", "scale_on_one_line", "shows_calculation"]

#: A scale is laid out on one line when it has at most this many options (and they are
#: short); otherwise one option per line.
SCALE_ROW_MAX = 5
_SHORT_LABEL = 24

_EMAIL_NAMES = re.compile(r"(^|_)(e_?mail|courriel|mel)(_|$)", re.IGNORECASE)
_TEL_NAMES = re.compile(r"(^|_)(tel|telephone|phone|portable|mobile)(_|$)", re.IGNORECASE)


def input_kind(question: Question) -> str:
    """The kind of input for ``question``.

    ``integer`` (numeric keypad), ``decimal`` (keypad with a separator), ``email``, ``tel``,
    ``text``, ``long_text``, ``date``, ``time``, ``datetime``, or the question type itself for
    choices, consent, geopoints and calculations. A text question becomes ``email`` or
    ``tel`` through its ``appearance`` (``email``, ``tel``; XLSForm's ``numbers`` gives
    ``integer``), else through its name (``contact_email``, ``telephone``…) or an
    e-mail-shaped constraint.

    >>> from toolkit.instruments import Question
    >>> input_kind(Question("contact_email", "text")), input_kind(Question("age", "integer"))
    ('email', 'integer')
    """
    qtype = question.type
    if qtype != "text":
        return qtype
    tokens = set((question.appearance or "").lower().split())
    if tokens & {"email", "e-mail"}:
        return "email"
    if tokens & {"tel", "phone", "telephone"}:
        return "tel"
    if "numbers" in tokens:
        return "integer"
    if _EMAIL_NAMES.search(question.name) or "@" in (question.constraint or ""):
        return "email"
    if _TEL_NAMES.search(question.name):
        return "tel"
    return "text"


def scale_on_one_line(labels: list[str]) -> bool:
    """Whether a scale's options fit on one line (few, short), else one per line.

    Examples
    --------
    >>> scale_on_one_line(["1", "2", "3", "4", "5"])
    True
    >>> scale_on_one_line(["Pas du tout d'accord", "Tout à fait d'accord, sans hésiter"])
    False
    >>> scale_on_one_line([str(n) for n in range(11)])  # 0 to 10: too many for one line
    False
    """
    return len(labels) <= SCALE_ROW_MAX and all(len(x) <= _SHORT_LABEL for x in labels)


def shows_calculation(question: Question) -> bool:
    """A calculated value is shown only when the instrument gives it a label to show.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> survey = loads(
    ...     "{id: q, version: '1', title: Q, questions: ["
    ...     "{name: nb, type: integer},"
    ...     " {name: double, type: calculate, calculation: '${nb} * 2'},"
    ...     " {name: total, type: calculate, calculation: '${nb} + 1', label: Total}]}"
    ... )
    >>> [shows_calculation(survey.question(name)) for name in ("nb", "double", "total")]
    [False, False, True]
    """
    return question.type == "calculate" and question.label is not None
