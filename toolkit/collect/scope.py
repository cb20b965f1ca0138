"""Live skip logic for the form: which questions are shown and which choices are offered.

Expressions are evaluated on the *cleaned* answers of
:meth:`~toolkit.instruments.Instrument.validate_answers` (irrelevant answers already dropped,
calculations filled), with the same scoping rules as the answer checks: inside a repeat
entry, that entry's own questions are in scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from toolkit.instruments import Instrument, Question
from toolkit.instruments.answers import repeat_choices
from toolkit.instruments.expr import EvaluationError, evaluate, parse, to_bool
from toolkit.instruments.scope import AnswerScope

__all__ = ["allowed_choices", "visibility"]


def _holds(text: str | None, scope: AnswerScope) -> bool:
    if not text:
        return True
    try:
        return to_bool(evaluate(parse(text), scope))
    except (EvaluationError, ValueError, TypeError, OverflowError):
        # The answer checks report the broken rule; the form keeps the question visible.
        return True


def visibility(
    instrument: Instrument, cleaned: Mapping[str, object], *, today: dt.date | None = None
) -> dict[str, bool]:
    """Whether each question is shown, by field path (``name`` or ``repeat[i].name``).

    A question is shown when its own ``relevant`` holds and so does every enclosing
    container's. Entries of a repeat are taken from ``cleaned[repeat]``.

    Examples
    --------
    In the baromètre, the noise question is asked only of those who named noise:

    >>> from toolkit.instruments import load
    >>> barometre = load("surveys/barometre_ambiance.yaml")
    >>> visibility(barometre, {"problemes": ["bruit"]})["gene_bruit"]
    True
    >>> visibility(barometre, {"problemes": ["aucun"]})["gene_bruit"]
    False
    """
    today = today or dt.date.today()
    out: dict[str, bool] = {}

    def walk(
        items: tuple[Question, ...],
        container: Mapping[str, object],
        scope: AnswerScope,
        shown: bool,
        prefix: str,
    ) -> None:
        for question in items:
            here = shown and _holds(question.relevant, scope)
            out[f"{prefix}{question.name}"] = here
            if question.type == "repeat":
                entries = container.get(question.name) if here else None
                for index, entry in enumerate(entries if isinstance(entries, list) else []):
                    inner = scope.enter(question.name, entry, index)
                    path = f"{prefix}{question.name}[{index}]."
                    walk(question.children, entry, inner, here, path)
            elif question.children:
                walk(question.children, container, scope, here, prefix)

    walk(instrument.items, cleaned, AnswerScope(instrument, cleaned, today), True, "")
    return out


def allowed_choices(
    instrument: Instrument,
    question: Question,
    cleaned: Mapping[str, object],
    *,
    entry: Mapping[str, object] | None = None,
    repeat: str | None = None,
    today: dt.date | None = None,
    outer: tuple[tuple[str, Mapping[str, object]], ...] = (),
) -> tuple[str, ...]:
    """Values of the question's choices that its ``choice_filter`` keeps (cascading lists).

    ``outer`` holds the entries of the repeats around ``repeat``, outermost first (a repeat
    inside a repeat). The choices of ``choices: ${name}`` are the answers given in a repeat.

    Examples
    --------
    A list of partners narrowed to the domain chosen just before:

    >>> from toolkit.instruments import loads
    >>> survey = loads('''
    ... id: orientation
    ... version: "1"
    ... title: Orientation
    ... choice_lists:
    ...   domaines: [{value: sante, label: Santé}, {value: logement, label: Logement}]
    ...   partenaires:
    ...     - {value: cpam, label: CPAM, filter: {domaine: sante}}
    ...     - {value: pmi, label: PMI, filter: {domaine: sante}}
    ...     - {value: bailleur, label: Bailleur social, filter: {domaine: logement}}
    ... questions:
    ...   - {name: domaine, type: single_choice, choices: domaines}
    ...   - name: partenaire
    ...     type: single_choice
    ...     choices: partenaires
    ...     choice_filter: domaine = ${domaine}
    ... ''')
    >>> partner = survey.question("partenaire")
    >>> allowed_choices(survey, partner, {"domaine": "sante"})
    ('cpam', 'pmi')
    >>> allowed_choices(survey, partner, {"domaine": "logement"})
    ('bailleur',)
    """
    today = today or dt.date.today()
    base = AnswerScope(instrument, cleaned, today, entry, repeat, outer=outer)
    if question.choices_from:
        return repeat_choices(base, question)
    choice_list = instrument.choice_lists.get(question.choices or "")
    if choice_list is None:
        return ()
    if not question.choice_filter:
        return choice_list.values()
    kept = []
    for choice in choice_list.choices:
        columns = {**dict(choice.filters), "name": choice.value, "value": choice.value}
        if _holds(question.choice_filter, base.with_(columns=columns)):
            kept.append(choice.value)
    return tuple(kept)
