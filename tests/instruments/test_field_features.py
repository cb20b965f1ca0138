"""What KoboToolbox and ODK field forms use, in the model: « Autre » with « Précisez »,
repeats inside repeats, loops, hidden values, metadata, choices from a repeat, paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.errors import InstrumentError
from toolkit.instruments import (
    dumps,
    instrument_to_dict,
    instrument_warnings,
    load,
    loads,
    validate_answers,
)
from toolkit.instruments.expr import MappingContext, evaluate, parse, to_text

FEATURES = Path(__file__).resolve().parents[1] / "interop" / "data" / "menages.yaml"

HEAD = """\
id: f
version: "1"
title: {fr: F, en: F}
choice_lists:
  logement:
    - {value: hlm, label: {fr: Logement social, en: Social housing}}
    - {value: prive, label: {fr: Privé, en: Private}}
questions:
"""


def _codes(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        loads(HEAD + text)
    return caught.value.codes


@pytest.fixture(scope="module")
def menages():
    return load(FEATURES)


# ---------------------------------------------------------------------- or_other


def test_other__choice_question__autre_choice_and_precisez_question_derived(menages) -> None:
    question = menages.question("type_logement")
    assert question.other
    choices = menages.choices_of("type_logement")
    assert choices.values() == ("hlm", "prive", "other")
    assert choices.get("other").label.get("fr") == "Autre"
    assert choices.get("other").label.get("en") == "Other"
    specify = menages.question("type_logement_other")
    assert (specify.type, specify.specify_for) == ("text", "type_logement")
    assert specify.label.get("fr") == "Précisez"
    assert specify.relevant == "selected(${type_logement}, 'other')"
    # Right after its question, in the same place.
    names = [q.name for q in menages.items]
    assert names[names.index("type_logement") + 1] == "type_logement_other"


def test_other__precisez__kept_only_when_autre_chosen(menages) -> None:
    kept = validate_answers(
        menages, {"type_logement": "other", "type_logement_other": " Squat "}
    ).answers
    assert kept["type_logement_other"] == "Squat"
    dropped = validate_answers(menages, {"type_logement": "hlm", "type_logement_other": "x"})
    assert "type_logement_other" not in dropped.answers


def test_other__written_back__as_other_true_without_derived_parts(menages) -> None:
    text = dumps(menages)
    assert "other: true" in text
    assert "type_logement_other" not in text
    assert "logement__other" not in text
    assert instrument_to_dict(loads(text)) == instrument_to_dict(menages)


def test_other__list_already_has_other__author_choice_kept() -> None:
    text = HEAD.replace(
        "    - {value: prive, label: {fr: Privé, en: Private}}",
        "    - {value: prive, label: {fr: Privé, en: Private}}\n"
        "    - {value: other, label: {fr: Ailleurs, en: Elsewhere}}",
    )
    instrument = loads(
        text + "  - {name: q, type: single_choice, choices: logement, other: true, label: Q}\n"
    )
    assert instrument.choices_of("q").get("other").label.get("fr") == "Ailleurs"
    assert instrument.question("q_other").specify_for == "q"


def test_other__on_a_text_question__reported() -> None:
    assert _codes("  - {name: q, type: text, other: true, label: Q}\n") == ["I026"]


# ---------------------------------------------------------------------- nested repeats


def test_nested_repeat__answers__checked_at_every_level_with_paths(menages) -> None:
    result = validate_answers(
        menages,
        {
            "menages": [
                {"nom_menage": "Dupont", "membres": [{"prenom": "Ana", "age": "30"}]},
                {"nom_menage": "Sy", "membres": [{"prenom": "Bo"}, {"prenom": "Cy", "age": 130}]},
            ]
        },
    )
    assert [(p.code, p.field) for p in result.problems] == [("A007", "menages[1].membres[1].age")]
    assert result.answers["menages"][0]["membres"][0]["age"] == 30


def test_nested_repeat__count_inside_entry__counts_that_entry_only(menages) -> None:
    answers = validate_answers(
        menages,
        {
            "menages": [
                {"membres": [{"prenom": "Ana"}, {"prenom": "Bo"}]},
                {"membres": [{"prenom": "Cy"}]},
            ]
        },
    ).answers
    assert [m["nb_membres"] for m in answers["menages"]] == [2, 1]


def test_nested_repeat__unknown_question_in_inner_entry__a013_with_path(menages) -> None:
    result = validate_answers(menages, {"menages": [{"membres": [{"taille": 3}]}]})
    assert [(p.code, p.field) for p in result.problems] == [
        ("A013", "menages[0].membres[0].taille")
    ]


def test_repeat_path__nested_question__outermost_first(menages) -> None:
    assert menages.repeat_path("age") == ("menages", "membres")
    assert menages.repeat_of("age") == "membres"
    assert menages.repeat_path("nom_menage") == ("menages",)


# ---------------------------------------------------------------------- loops


def test_loop_over__one_entry_per_choice_none_skipped(menages) -> None:
    assert [c.value for c in menages.loop_items("equip")] == ["velo", "voiture"]
    ok = validate_answers(menages, {"equip": [{"nombre": 2, "en_panne": 1}, {"nombre": 0}]})
    assert ok.ok
    assert validate_answers(menages, {"equip": [{"nombre": 2}]}).ok  # the rest unanswered
    extra = validate_answers(menages, {"equip": [{"nombre": 2}, {}, {"nombre": 1}]})
    assert [(p.code, p.params["expected"]) for p in extra.problems] == [("A015", 2)]


def test_loop_over__sibling_in_constraint__same_entry(menages) -> None:
    result = validate_answers(menages, {"equip": [{"nombre": 1, "en_panne": 2}, {"nombre": 3}]})
    assert [(p.code, p.field) for p in result.problems] == [("A007", "equip[0].en_panne")]


def test_loop_over__with_repeat_count__reported() -> None:
    text = (
        "  - name: r\n    type: repeat\n    loop_over: logement\n    repeat_count: '2'\n"
        "    questions: [{name: n, type: integer, label: N}]\n"
    )
    assert _codes(text) == ["I027"]


def test_loop_over__unknown_list__reported_with_suggestion() -> None:
    text = (
        "  - name: r\n    type: repeat\n    loop_over: logemnt\n"
        "    questions: [{name: n, type: integer, label: N}]\n"
    )
    assert _codes(text) == ["I010"]


# ---------------------------------------------------------------------- hidden, metadata


def test_hidden__default_expression__recorded_with_the_collector(menages) -> None:
    answers = validate_answers(menages, {}, meta={"collector": "med7"}).answers
    assert answers["code_visite"] == "V-med7"


def test_metadata__collector_and_today__given_to_expressions() -> None:
    instrument = loads(
        HEAD
        + "  - {name: qui, type: metadata, metadata: collector}\n"
        + "  - {name: jour, type: metadata, metadata: today}\n"
        + "  - {name: note_q, type: text, label: Q, relevant: \"${qui} = 'med7'\"}\n"
        + "  - {name: quand, type: calculate, calculation: 'string(${jour})'}\n"
    )
    result = validate_answers(
        instrument, {"note_q": "oui"}, meta={"collector": "med7"}, today=dt.date(2026, 3, 2)
    )
    assert result.answers == {"note_q": "oui", "quand": "2026-03-02"}
    assert "note_q" not in validate_answers(instrument, {"note_q": "oui"}).answers
    assert [q.name for q in instrument.fields()] == ["note_q", "quand"]


def test_metadata__unknown_source__reported_with_the_known_ones() -> None:
    with pytest.raises(InstrumentError) as caught:
        loads(HEAD + "  - {name: qui, type: metadata, metadata: colector}\n")
    (problem,) = caught.value.problems
    assert problem.code == "I033"
    assert "collector" in problem.message("en")


# ---------------------------------------------------------------------- other features


def test_choices_from_repeat__answers_of_the_repeat_offered(menages) -> None:
    base = {"menages": [{"membres": [{"prenom": "Ana"}, {"prenom": "Bo"}]}]}
    assert validate_answers(menages, {**base, "referent": "Bo"}).ok
    rejected = validate_answers(menages, {**base, "referent": "Zoé"})
    assert [(p.code, p.field) for p in rejected.problems] == [("A020", "referent")]


def test_choices_from__question_not_in_a_repeat__reported() -> None:
    text = "  - {name: a, type: text, label: A}\n  - {name: b, type: single_choice, choices: '${a}', label: B}\n"
    assert _codes(text) == ["I027"]


def test_calculation_on_decimal__fills_it_when_left_empty(menages) -> None:
    assert validate_answers(menages, {}).answers["surface"] == 25.0
    assert validate_answers(menages, {"surface": "31,5"}).answers["surface"] == 31.5


def test_value_outside_list__warning_not_error() -> None:
    instrument = loads(
        HEAD
        + "  - {name: q, type: single_choice, choices: logement, label: Q}\n"
        + "  - {name: r, type: text, label: R, relevant: \"${q} = 'squat'\"}\n"
    )
    assert [(w.code, w.field) for w in instrument_warnings(instrument)] == [("I032", "r")]


def test_time__odk_milliseconds_and_offset__wall_clock_kept() -> None:
    instrument = loads(HEAD + "  - {name: h, type: time, label: H}\n")
    for raw, kept in (
        ("14:15:00.000-04:00", "14:15:00"),
        ("09:05Z", "09:05"),
        ("23:59:59+0200", "23:59:59"),
    ):
        assert validate_answers(instrument, {"h": raw}).answers["h"] == kept
    assert [p.code for p in validate_answers(instrument, {"h": "25:00"}).problems] == ["A009"]


# ---------------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("../x = 1", "${x} = 1"),
        ("selected(current()/../x, 'a')", "selected(${x}, 'a')"),
        ("/data/groupe/x != ''", "${x} != ''"),
        ("${last-saved#x} + 1", "${last-saved#x} + 1"),
    ],
)
def test_parse__paths_and_last_saved__as_odk_means_them(text: str, printed: str) -> None:
    assert to_text(parse(text)) == printed
    assert parse(printed) == parse(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("normalize-space('  a   b ')", "a b"),
        ("sqrt(16)", 4),
        ("sqrt(-1)", None),
        ("pow(2, 10)", 1024),
        ("round(sin(pi() div 2), 3)", 1),
        ("round(log10(1000))", 3),
        ("abs(-2.5)", 2.5),
        ("floor(2.7) + ceiling(2.1)", 5),
        ("once(${x})", "a"),
        ("${last-saved#x}", "avant"),
    ],
)
def test_evaluate__new_functions__xpath_results(text: str, value: object) -> None:
    context = MappingContext({"x": "a"})
    context.last_saved = {"x": "avant"}.get  # type: ignore[attr-defined]
    result = evaluate(parse(text), context)
    if value is None:
        assert result != result  # NaN
    else:
        assert result == value


def test_check__unknown_last_saved_reference__i012() -> None:
    assert _codes("  - {name: q, type: integer, label: Q, default: '${last-saved#qq}'}\n") == [
        "I012"
    ]


POSITION = """\
id: f
version: "1"
title: {fr: F}
languages: [fr]
questions:
  - name: menage
    type: repeat
    label: M
    questions:
      - {name: pos, type: calculate, calculation: 'position(..)'}
      - {name: nom, type: text, label: N}
      - {name: age, type: integer, label: A}
  - {name: second, type: calculate, calculation: 'indexed-repeat(${nom}, ${menage}, 2)'}
  - name: chef
    type: single_choice
    choices: '${nom}'
    choice_filter: '${age} > 18 and position() != 1'
    label: C
"""
PEOPLE = [{"nom": "Ana", "age": 40}, {"nom": "Bo", "age": 30}, {"nom": "Cy", "age": 10}]


def test_position_and_indexed_repeat__as_odk_counts_entries() -> None:
    instrument = loads(POSITION)
    answers = validate_answers(instrument, {"menage": PEOPLE}).answers
    assert [e["pos"] for e in answers["menage"]] == [1, 2, 3]
    assert answers["second"] == "Bo"


def test_choices_from_repeat_with_filter__read_in_each_entry() -> None:
    instrument = loads(POSITION)
    assert validate_answers(instrument, {"menage": PEOPLE, "chef": "Bo"}).ok
    for refused in ("Ana", "Cy"):  # first entry, and under 18
        result = validate_answers(instrument, {"menage": PEOPLE, "chef": refused})
        assert [(p.code, p.field) for p in result.problems] == [("A020", "chef")]


def test_parent_outside_position__reported() -> None:
    with pytest.raises(InstrumentError) as caught:
        loads(POSITION.replace("position(..)", "count(..)"))
    assert caught.value.codes == ["I027"]
