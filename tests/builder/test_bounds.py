"""Bounds typed by a mediator: French decimal comma, whole numbers for integer questions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.builder import BuilderError
from toolkit.builder.bounds import parse_bound


@pytest.mark.parametrize(
    ("text", "integer", "expected"),
    [("12", True, 12), ("-3", True, -3), ("2,5", False, 2.5), ("4.0", True, 4), ("", True, None)],
)
def test_parse_bound__numbers_as_typed__read(text, integer, expected) -> None:
    assert parse_bound(text, integer=integer) == expected


@pytest.mark.parametrize(("text", "code"), [("abc", "B027"), ("1,2,3", "B027"), ("2,5", "B028")])
def test_parse_bound__not_a_number_or_not_whole__coded(text, code) -> None:
    with pytest.raises(BuilderError) as error:
        parse_bound(text, integer=True)
    assert error.value.codes == [code]


@given(st.text(max_size=12))
def test_parse_bound__any_text__number_none_or_coded_error(text) -> None:
    codes: list[str] = []
    value = None
    try:
        value = parse_bound(text, integer=False)
    except BuilderError as error:
        codes = error.codes
    assert codes in ([], ["B027"])
    assert value is None or isinstance(value, int | float)
