"""The importer on XLSForms written by others (pyxform's own test files, see README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from toolkit.errors import InstrumentError
from toolkit.interop import read_xlsform, summarise, write_xlsform

HERE = Path(__file__).parent
IN_SUBSET = ["text_and_integer", "yes_or_no_question", "group", "field-list", "choice_filter_test"]


@pytest.mark.parametrize("name", IN_SUBSET)
def test_read_xlsform__form_in_subset__imports_without_warning(name: str) -> None:
    result = read_xlsform(HERE / f"{name}.xlsx")
    assert result.warnings == ()
    assert result.instrument.fields()


def test_read_xlsform__legacy_label_column__language_code_recognised() -> None:
    instrument = read_xlsform(HERE / "text_and_integer.xlsx").instrument
    assert instrument.languages == ("en",)
    assert instrument.question("your_age").type == "integer"
    assert instrument.question("your_name").label.get("en") == "What is your name?"


def test_read_xlsform__legacy_select_one_from__single_choice() -> None:
    instrument = read_xlsform(HERE / "yes_or_no_question.xlsx").instrument
    question = instrument.question("good_day")
    assert question.type == "single_choice"
    assert instrument.choices_of("good_day").values() == ("yes", "no")


def test_read_xlsform__phone_number_type__text_with_pyxform_constraint() -> None:
    question = read_xlsform(HERE / "group.xlsx").instrument.question("phone_number")
    assert question.type == "text"
    assert question.constraint == r"regex(., '^\d*$')"


def test_read_xlsform__choice_filter_with_duplicates__filter_kept_and_rewritten() -> None:
    instrument = read_xlsform(HERE / "choice_filter_test.xlsx").instrument
    assert instrument.question("county").choice_filter == "selected(cf, ${state})"
    assert instrument.question("city").choice_filter == "${county}=cf"
    king = instrument.choice_lists["counties"].get("king")
    assert dict(king.filters) == {"cf": "washington texas"}
    # King is offered in both states, Pierce only in Washington, as in the original form.
    assert instrument.validate_answers({"state": "texas", "county": "king"}).ok
    assert instrument.validate_answers({"state": "washington", "county": "king"}).ok
    rejected = instrument.validate_answers({"state": "texas", "county": "pierce"})
    assert [p.code for p in rejected.problems] == ["A020"]


def test_read_xlsform__pulldata__coded_error_names_sheet_row_column() -> None:
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(HERE / "pull_data.xlsx")
    (problem,) = caught.value.problems
    assert problem.code == "X005"
    assert (problem.params["sheet"], problem.params["row"], problem.params["column"]) == (
        "survey",
        2,
        "calculation",
    )


def test_read_xlsform__duplicate_columns__coded_error_names_column() -> None:
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(HERE / "duplicate_columns.xlsx")
    (problem,) = caught.value.problems
    assert problem.code == "X002"
    assert problem.params["sheet"] == "survey"
    assert problem.params["column"].startswith("label")


def test_read_xlsform__case_insensitivity_strict__entities_and_externals_rejected() -> None:
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(HERE / "case_insensitivity.xlsx")
    located = sorted((p.code, p.params["sheet"], p.params["row"]) for p in caught.value.problems)
    assert located == [
        ("X004", "survey", 3),
        ("X004", "survey", 4),
        ("X006", "entities", 2),
        ("X006", "external_choices", 2),
    ]


def test_read_xlsform__case_insensitivity_skipping__upper_case_names_read() -> None:
    result = read_xlsform(HERE / "case_insensitivity.xlsx", skip_unsupported=True)
    instrument = result.instrument
    assert [q.name for q in instrument.fields()] == ["q1"]
    assert instrument.default_language == "en"
    assert instrument.choices_of("q1").values() == ("n1-c", "n2-c")
    assert {w.code for w in result.warnings} == {"X010", "X011"}


def test_read_xlsform__spec_test_strict__media_and_metadata_rejected_by_row() -> None:
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(HERE / "xlsform_spec_test.xlsx")
    rows = [p.params["row"] for p in caught.value.problems]
    assert {p.code for p in caught.value.problems} == {"X004"}
    assert rows == [35, 36, 37, 38, 42, 44, 46, 48, 50, 52]


def test_read_xlsform__spec_test_skipping__features_of_the_subset_kept() -> None:
    instrument = read_xlsform(HERE / "xlsform_spec_test.xlsx", skip_unsupported=True).instrument
    assert instrument.languages == ("en", "zh")
    assert instrument.question("everything").relevant == "not(selected(${skip_to_end}, 'yes'))"
    message = instrument.question("select_multiple_test").constraint_message
    assert set(message.languages()) == {"en", "zh"}
    required = instrument.question("required_text")
    assert required.required
    assert required.required_message.get("en") == "Custom required message."
    assert instrument.question("repeat_test").repeat_count == "2"
    assert instrument.question("name").appearance == "table-list"
    assert instrument.question("table_list_question").appearance is None
    assert instrument.question("acknowledge_test").type == "consent"


@pytest.mark.parametrize("name", ["text_and_integer", "yes_or_no_question", "group", "field-list"])
def test_xlsform_roundtrip__external_form__equivalent_xform(name: str, tmp_path: Path) -> None:
    """XLSForm -> YAML -> XLSForm gives an XForm equivalent to the original.

    Equivalent: equal :func:`toolkit.interop.summarise` (same binds with types and
    expressions, same controls in order with labels and hints per language, same choice
    lists), ignoring ids, titles, itext numbering and language display names.
    """
    source = HERE / f"{name}.xlsx"
    instrument = read_xlsform(source).instrument
    again = write_xlsform(instrument, tmp_path / "again.xlsx")
    lang = instrument.default_language
    original = summarise(convert(xlsform=str(source)).xform, lang)
    converted = summarise(convert(xlsform=str(again)).xform, lang)
    assert converted == original
