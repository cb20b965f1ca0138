"""Fuzzing the expression parser and evaluator, and expressions that pass ``toolkit validate``
meeting any answer: a value or a deliberate coded error, never a crash or a hang."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from tests.reliability.mutations import expression_noise, expressions
from tests.reliability.targets import (
    HOSTILE_VALUES,
    answer_instrument,
    evaluate_expression,
    fuzz_settings,
    load_instrument,
)
from toolkit.instruments.expr import MappingContext

hostile = st.sampled_from(HOSTILE_VALUES)
contexts = st.lists(
    st.builds(
        lambda values, current: MappingContext(values, current=current, today=dt.date(2026, 1, 1)),
        st.fixed_dictionaries(dict.fromkeys(("d", "n", "t", "m", "r"), hostile)),
        hostile,
    ),
    min_size=1,
    max_size=3,
)


@given(expression_noise, contexts)
@fuzz_settings(80)
def test_expression__any_text__syntax_error_or_value(text: str, values: list) -> None:
    evaluate_expression(text, values)


@given(expressions, contexts)
@fuzz_settings(80)
def test_expression__generated__value_or_deliberate_error(text: str, values: list) -> None:
    evaluate_expression(text, values)


def _instrument(expression: str) -> str:
    """An instrument using ``expression`` in every kind of rule, as JSON (which is YAML)."""
    questions = [
        {"name": "d", "type": "decimal", "label": "D"},
        {"name": "n", "type": "integer", "label": "N"},
        {"name": "t", "type": "text", "label": "T"},
        {
            "name": "m",
            "type": "multiple_choice",
            "label": "M",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {"name": "r", "type": "date", "label": "R"},
        {"name": "x", "type": "text", "label": "X", "constraint": expression},
        {"name": "y", "type": "text", "label": "Y", "relevant": expression},
        {"name": "z", "type": "text", "label": "Z", "required": expression},
        {"name": "c", "type": "calculate", "calculation": expression},
    ]
    return json.dumps({"id": "fuzz", "version": "1", "title": "Fuzz", "questions": questions})


raw_answers = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(hostile, st.text(max_size=30))
        for name in ("d", "n", "t", "m", "r", "x", "y", "z")
    },
)


@given(expressions, st.lists(raw_answers, min_size=1, max_size=3))
@fuzz_settings(30)
def test_expression__passes_validate__any_answer_checked_with_codes(
    expression: str, answer_sets: list
) -> None:
    instrument = load_instrument(_instrument(expression))
    if instrument is None:
        return
    for answers in answer_sets:
        answer_instrument(instrument, answers)
