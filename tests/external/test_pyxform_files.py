"""The importer on XLSForms written by others (pyxform's own test files, see README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from toolkit.errors import InstrumentError, Problem
from toolkit.instruments import instrument_to_dict, validate_answers
from toolkit.interop import read_xlsform, summarise, write_xlsform

HERE = Path(__file__).parent
IN_SUBSET = ["text_and_integer", "yes_or_no_question", "group", "field-list", "choice_filter_test"]
#: Imported with warnings: metadata, media, entities (see README.md).
WITH_WARNINGS = ["case_insensitivity", "xlsform_spec_test"]


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
    assert validate_answers(instrument, {"state": "texas", "county": "king"}).ok
    assert validate_answers(instrument, {"state": "washington", "county": "king"}).ok
    rejected = validate_answers(instrument, {"state": "texas", "county": "pierce"})
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


def _located(warnings: tuple[Problem, ...]) -> list[tuple[str, str, object, str]]:
    return [(w.code, w.params["sheet"], w.params["row"], w.params["column"]) for w in warnings]


def test_read_xlsform__case_insensitivity__imports_external_select_osm_and_entities_warned() -> (
    None
):
    result = read_xlsform(HERE / "case_insensitivity.xlsx")
    assert _located(result.warnings) == [
        ("X017", "survey", 4, "TYPE"),  # osm c1: the field app cannot collect it
        ("X011", "entities", 2, ""),  # ODK Central dataset: no effect on the data collected
    ]
    instrument = result.instrument
    assert [q.name for q in instrument.fields()] == ["q1", "q2"]
    assert instrument.default_language == "en"
    assert instrument.choices_of("q1").values() == ("n1-c", "n2-c")
    # select_one_external: the list comes from EXTERNAL_CHOICES, renamed because CHOICES
    # has a list c1 too; the upper-case filter column and the choice_filter are kept.
    external = instrument.question("q2")
    assert (external.type, external.choices) == ("single_choice", "c1_external")
    assert external.choice_filter == "YES_NO=${q1}"
    assert instrument.choices_of("q2").values() == ("n1-e", "n2-e")
    assert instrument.choice_lists["c1_external"].get("n1-e").label.get("en") == "l1-e"
    assert dict(instrument.choice_lists["c1_external"].get("n1-e").filters) == {"YES_NO": "yes"}
    # As in the original form, no external choice has YES_NO equal to an answer of q1.
    rejected = validate_answers(instrument, {"q1": "n1-c", "q2": "n1-e"})
    assert [p.code for p in rejected.problems] == ["A020"]


def test_xlsform_roundtrip__external_select__exported_as_plain_select(tmp_path: Path) -> None:
    instrument = read_xlsform(HERE / "case_insensitivity.xlsx").instrument
    again = write_xlsform(instrument, tmp_path / "again.xlsx")
    xform = convert(xlsform=str(again)).xform
    assert "<itemset nodeset=\"instance('c1_external')/root/item[YES_NO= /data/q1 ]\">" in xform
    back = read_xlsform(again)
    assert back.warnings == ()
    assert instrument_to_dict(back.instrument) == instrument_to_dict(instrument)


_SPEC_MEDIA = [35, 36, 37, 38]  # barcode, image, audio, video
_SPEC_RECORDED = {42: "started_at", 44: "submitted_at", 46: "today"}  # start, end, today
_SPEC_DEVICE = [48, 50, 52]  # deviceid, uri:deviceid, phonenumber: not recorded by the toolkit


def test_read_xlsform__spec_test__media_and_device_left_out_metadata_mapped() -> None:
    result = read_xlsform(HERE / "xlsform_spec_test.xlsx")
    left_out = [
        (c, s, r, col) for c, s, r, col in _located(result.warnings) if c in ("X016", "X017")
    ]
    assert left_out == [("X017", "survey", row, "type") for row in _SPEC_MEDIA] + [
        ("X016", "survey", row, "type") for row in _SPEC_DEVICE
    ]
    # The notes that showed a device property keep their text, without the reference.
    shown = [(r, col) for c, _, r, col in _located(result.warnings) if c == "X019"]
    assert shown == [(row + 1, "label::english") for row in _SPEC_DEVICE]
    assert {w.code for w in result.warnings} == {"X009", "X013", "X016", "X017", "X019"}
    instrument = result.instrument
    names = {q.name for q in instrument.questions()}
    for gone in ("barcode_test", "image_test", "audio_test", "video_test", "deviceid"):
        assert gone not in names
    # start, end and today are what the toolkit records itself: kept as metadata.
    assert {q.name: q.metadata for q in instrument.questions() if q.type == "metadata"} == {
        "start": "started_at",
        "end": "submitted_at",
        "today": "today",
    }
    output = instrument.question("start_test_output").label.get("en")
    assert output == "start test output: ${start}"


def test_read_xlsform__spec_test__features_of_the_subset_kept() -> None:
    instrument = read_xlsform(HERE / "xlsform_spec_test.xlsx").instrument
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
    assert instrument.question("geopoint_test").type == "geopoint"
    assert instrument.question("calculate_test").calculation == "2+2"


@pytest.mark.parametrize("name", WITH_WARNINGS)
def test_xlsform_roundtrip__form_with_left_out_questions__pyxform_converts_again(
    name: str, tmp_path: Path
) -> None:
    instrument = read_xlsform(HERE / f"{name}.xlsx").instrument
    again = write_xlsform(instrument, tmp_path / "again.xlsx")
    assert "<h:html" in convert(xlsform=str(again)).xform
    assert instrument_to_dict(read_xlsform(again).instrument) == instrument_to_dict(instrument)


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
