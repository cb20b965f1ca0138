"""Fuzzing the instrument and training-module loaders: an object or coded problems, never
a traceback or a hang, whatever the file holds."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tests.reliability.mutations import INSTRUMENT_SEEDS, MODULE_SEEDS, mutated
from tests.reliability.targets import fuzz_settings, load_instrument, validate_module

KEYS = st.sampled_from(
    [
        "id",
        "version",
        "title",
        "languages",
        "analysis",
        "choice_lists",
        "sections",
        "questions",
        "name",
        "type",
        "label",
        "choices",
        "relevant",
        "constraint",
        "calculation",
        "required",
        "minimum",
        "maximum",
        "items",
        "repeat_count",
        "quotas",
        "weighting",
        "value",
        "filter",
        "fr",
        "en",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["group", "repeat", "integer", "single_choice", "likert_matrix", "calculate", "${x}"]
    ),
    st.text(max_size=20),
    st.dates(),
)
documents = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=40,
)


def _dump(document: object) -> str:
    yaml = YAML(typ="safe", pure=True)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


@given(mutated(INSTRUMENT_SEEDS))
@fuzz_settings(40)
def test_instrument_loader__mutated_file__instrument_or_coded_problems(text: str) -> None:
    load_instrument(text)


@given(documents)
@fuzz_settings(50)
def test_instrument_loader__random_document__instrument_or_coded_problems(document) -> None:
    load_instrument(_dump({"id": "x", "version": "1", "title": "T", "questions": document}))
    load_instrument(_dump(document))


@given(mutated(MODULE_SEEDS))
@fuzz_settings(15)
def test_training_loader__mutated_module__problems_never_an_exception(text: str) -> None:
    validate_module(text)
