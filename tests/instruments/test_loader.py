"""Loading instrument YAML: every problem is reported with its code, file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from toolkit.errors import InstrumentError
from toolkit.i18n import use_language
from toolkit.instruments import (
    QUESTION_KEYS,
    builtin_instruments,
    content_hash,
    dumps,
    from_mapping,
    instrument_to_dict,
    instrument_warnings,
    load,
    loads,
)

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """\
id: mini
version: "1"
title: {fr: Mini, en: Mini}
choice_lists:
  on:
    - {value: oui, label: {fr: Oui, en: "Yes"}}
    - {value: non, label: {fr: Non, en: "No"}}
sections:
  - name: s1
    label: Section
    questions:
      - name: bruit
        type: single_choice
        choices: on
        label: Du bruit ?
      - name: detail
        type: text
        label: Lequel ?
        relevant: ${bruit} = 'oui'
"""


def _problems(text: str) -> list:
    with pytest.raises(InstrumentError) as info:
        loads(textwrap.dedent(text), source="surveys/x.yaml")
    return list(info.value.problems)


def _codes(text: str) -> list[str]:
    return [p.code for p in _problems(text)]


def test_load__minimal_instrument__builds_frozen_model() -> None:
    instrument = loads(MINIMAL)
    assert instrument.id == "mini"
    assert [q.name for q in instrument.fields()] == ["bruit", "detail"]
    with pytest.raises(AttributeError):
        instrument.id = "other"  # type: ignore[misc]


def test_load__unknown_reference__reports_code_line_field_and_suggestion() -> None:
    problems = _problems(MINIMAL.replace("${bruit} = 'oui'", "${brut} = 'oui'"))
    assert [p.code for p in problems] == ["I012"]
    problem = problems[0]
    assert problem.line == 19
    assert problem.field == "detail"
    with use_language("fr"):
        assert problem.format() == (
            "surveys/x.yaml:19: I012 question 'detail' : référence inconnue ${brut} dans « relevant »"
            " (vouliez-vous dire ${bruit} ?)"
        )
    assert "unknown reference ${brut} in 'relevant' (did you mean ${bruit}?)" in problem.format(
        "en"
    )


def test_load__several_problems__all_reported_at_once() -> None:
    text = MINIMAL.replace("type: text", "type: txet").replace("choices: on", "choices: oui_non")
    assert _codes(text) == ["I010", "I007"]


def test_load__duplicate_name__reports_both_lines() -> None:
    problems = _problems(MINIMAL.replace("name: detail", "name: bruit"))
    duplicate = next(p for p in problems if p.code == "I008")
    assert duplicate.line == 16
    assert duplicate.params["other_line"] == 12


def test_load__bad_yaml__reports_line() -> None:
    problems = _problems("id: x\ntitle: [unclosed\nversion: 1\n")
    assert [p.code for p in problems] == ["I002"]
    assert problems[0].line is not None


def test_load__not_a_mapping__reports_i003() -> None:
    assert _codes("- just\n- a list\n") == ["I003"]


def test_load__missing_required_keys__reported() -> None:
    codes = _codes("title: x\nsections: []\n")
    assert codes.count("I004") == 2


def test_load__unknown_key__suggests_the_close_one() -> None:
    problems = _problems(MINIMAL.replace("relevant:", "relevent:"))
    assert problems[0].code == "I005"
    assert "relevant" in problems[0].message("fr")


@pytest.mark.parametrize(
    "expression",
    ["__import__('os')", "${bruit}.__class__", "${bruit} = = 'oui'", "exec('x')", "${bruit} ="],
)
def test_load__hostile_or_broken_expression__coded_error_not_traceback(expression: str) -> None:
    codes = _codes(MINIMAL.replace("${bruit} = 'oui'", f'"{expression}"'))
    assert codes
    assert set(codes) <= {"I013", "I014"}


def test_load__calculation_cycle__reported() -> None:
    text = MINIMAL + textwrap.indent(
        textwrap.dedent(
            """\
            - name: a
              type: calculate
              calculation: ${b} + 1
            - name: b
              type: calculate
              calculation: ${a} * 2
            """
        ),
        "      ",
    )
    problems = _problems(text)
    assert [p.code for p in problems] == ["I015"]
    assert "a → b → a" in problems[0].message("fr")


def test_load__selected_on_a_text_question__type_mismatch() -> None:
    text = (
        MINIMAL
        + "      - {name: suite, type: text, label: Suite, relevant: \"selected(${detail}, 'x')\"}\n"
    )
    assert _codes(text) == ["I016"]


def test_load__relevance_on_itself__reported_as_cycle() -> None:
    assert _codes(MINIMAL.replace("${bruit} = 'oui'", "${detail} = 'x'")) == ["I015"]


def test_load__value_not_in_choice_list__loads_with_warning() -> None:
    """As in KoboToolbox and ODK, the condition is simply never true: a warning, not an error."""
    instrument = loads(MINIMAL.replace("${bruit} = 'oui'", "${bruit} = 'peut-etre'"))
    warnings = instrument_warnings(instrument)
    assert [(w.code, w.field, w.params["value"]) for w in warnings] == [
        ("I032", "detail", "peut-etre")
    ]
    assert instrument_warnings(loads(MINIMAL)) == []


def test_load__wrong_function_arity__reported() -> None:
    assert _codes(MINIMAL.replace("${bruit} = 'oui'", "selected(${bruit})")) == ["I028"]


def test_load__likert_scale_without_integer_codes__reported() -> None:
    text = MINIMAL.replace("type: single_choice", "type: likert")
    assert _codes(text) == ["I017"]


def test_load__min_above_max__reported() -> None:
    text = MINIMAL.replace("type: text", "type: integer\n        minimum: 10\n        maximum: 1")
    assert _codes(text) == ["I020"]


def test_load__unknown_file__i001() -> None:
    with pytest.raises(InstrumentError) as info:
        load("surveys/does_not_exist.yaml")
    assert info.value.codes == ["I001"]


def test_load__aliases__map_to_canonical_spelling() -> None:
    text = MINIMAL.replace("type: single_choice", "type: select_one").replace(
        "relevant:", "relevance:"
    )
    instrument = loads(text)
    assert instrument.question("bruit").type == "single_choice"
    assert instrument.question("detail").relevant == "${bruit} = 'oui'"


def test_writer__barometer__round_trips_through_yaml() -> None:
    instrument = load(ROOT / "surveys" / "barometre_ambiance.yaml")
    assert loads(dumps(instrument)) == instrument
    assert from_mapping(instrument_to_dict(instrument)) == instrument
    assert content_hash(loads(dumps(instrument))) == content_hash(instrument)


def _written_questions(node: object) -> list[dict]:
    """Every question mapping (``name`` and ``type``) inside a written instrument."""
    if isinstance(node, list):
        return [q for item in node for q in _written_questions(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if {"name", "type"} <= node.keys() else []
    return found + [q for value in node.values() for q in _written_questions(value)]


def test_question_keys__written_back__every_key_listed_in_writer_order() -> None:
    shown = loads(
        'id: vu\nversion: "1"\ntitle: Vu\nquestions:\n'
        "  - {name: vu, type: text, label: Vu, read_only: true, appearance: multiline, default: x}\n"
    )
    features = load(ROOT / "tests" / "interop" / "data" / "menages.yaml")
    rank = {key: index for index, key in enumerate(QUESTION_KEYS)}
    seen: set[str] = set()
    for instrument in [*builtin_instruments().values(), features, shown]:
        for question in _written_questions(instrument_to_dict(instrument)):
            keys = [str(key) for key in question]
            assert set(keys) <= set(QUESTION_KEYS), (instrument.id, question["name"])
            assert keys == sorted(keys, key=rank.__getitem__), (instrument.id, question["name"])
            seen |= set(keys)
    assert seen == set(QUESTION_KEYS)


def test_barometer__exercises_the_required_features() -> None:
    instrument = load(ROOT / "surveys" / "barometre_ambiance.yaml")
    types = {q.type for q in instrument.questions()}
    assert {"likert", "likert_matrix", "multiple_choice", "calculate", "consent", "note"} <= types
    assert any(q.relevant for q in instrument.questions())
    assert any(q.constraint for q in instrument.questions())
    assert any(q.pii for q in instrument.questions())
    assert instrument.choice_lists["accord4"].non_substantive()
    assert instrument.analysis.sector == "secteur"
    assert set(instrument.analysis.weighting) == {"sexe", "tranche_age", "secteur"}


def test_load__consent_inside_a_repeat__rejected() -> None:
    text = MINIMAL + (
        "      - name: parties\n        type: repeat\n        questions:\n"
        "          - {name: accord, type: consent, label: Accord}\n"
    )
    assert _codes(text) == ["I027"]


# ------------------------------------------------------------------ hostile files (issue 14)

GROUPS_ALIASING = """\
id: x
version: "1"
title: T
questions:
  - name: g1
    type: group
    questions: &g1
      - {name: q1, type: integer, label: Q}
      - {name: g2, type: group, questions: *g1}
"""


def test_load__groups_aliasing_each_other__l004_not_a_hang() -> None:
    assert _codes(GROUPS_ALIASING) == ["L004"]


def test_load__group_questions_aliased_exponentially__l003() -> None:
    lines = ["id: x", "version: '1'", "title: T", "questions:"]
    lines += ["  - {name: g0, type: group, questions: &l0 [{name: q, type: integer}]}"]
    lines += [
        f"  - {{name: g{i}, type: group, questions: &l{i} [{', '.join([f'*l{i - 1}'] * 8)}]}}"
        for i in range(1, 9)
    ]
    assert _codes("\n".join(lines)) == ["L003"]


def test_load__498_nested_brackets__l002() -> None:
    assert _codes("questions: " + "[" * 498) == ["L002"]


def test_load__huge_value_of_the_wrong_type__message_stays_short() -> None:
    text = MINIMAL + "languages: &big [" + ", ".join(["[1, 2, 3]"] * 2000) + "]\n"
    problem = next(p for p in _problems(text) if p.code == "I006")
    assert len(problem.message("fr")) < 200


def test_load__file_larger_than_the_limit__l001(tmp_path: Path) -> None:
    path = tmp_path / "gros.yaml"
    path.write_text(MINIMAL + "#" * 1_000_001, encoding="utf-8")
    with pytest.raises(InstrumentError) as info:
        load(path)
    assert info.value.codes == ["L001"]


def test_load__more_than_100_problems__first_100_and_a_count() -> None:
    questions = "\n".join(f"  - {{name: q{i}, type: txet}}" for i in range(150))
    problems = _problems(f"id: x\nversion: '1'\ntitle: T\nquestions:\n{questions}\n")
    assert [p.code for p in problems] == ["I007"] * 100 + ["L006"]
    assert problems[-1].message("fr").startswith("50 autres problèmes ne sont pas affichés")


def test_load__chain_of_1500_calculations__loads_without_recursion_error() -> None:
    chain = [
        f"  - {{name: c{i}, type: calculate, calculation: '${{c{i + 1}}} + 1'}}"
        for i in range(1499)
    ]
    chain.append("  - {name: c1499, type: calculate, calculation: '1'}")
    instrument = loads("id: x\nversion: '1'\ntitle: T\nquestions:\n" + "\n".join(chain) + "\n")
    assert len(instrument.fields()) == 1500


def test_load__draft_days_given__kept_and_written_back() -> None:
    instrument = loads("draft_days: 7\n" + MINIMAL)
    assert instrument.draft_days == 7
    assert "draft_days: 7" in dumps(instrument)
    assert loads(dumps(instrument)) == instrument


def test_load__draft_days_absent__thirty_days_and_not_written() -> None:
    instrument = loads(MINIMAL)
    assert instrument.draft_days == 30
    assert "draft_days" not in dumps(instrument)


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "bientot", "true"])
def test_load__draft_days_not_a_positive_whole_number__i006_on_its_line(value: str) -> None:
    problems = _problems(f"draft_days: {value}\n" + MINIMAL)
    assert [(p.code, p.line) for p in problems] == [("I006", 1)]


def test_load__same_file_unchanged__parsed_once_and_shared(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text("id: mini\nversion: '1'\ntitle: Mini\nquestions:\n  - {name: a, type: text}\n")
    first = load(path)
    assert load(path) is first
    assert load(str(path)) == first  # named differently: parsed again, same instrument


def test_load__file_rewritten_at_once_with_the_same_size__new_text_read(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    head = "id: mini\nversion: '1'\ntitle: Mini\nquestions:\n"
    path.write_text(head + "  - {name: a, type: text}\n")
    assert load(path).items[0].name == "a"
    path.write_text(head + "  - {name: b, type: text}\n")
    assert load(path).items[0].name == "b"
    path.write_text(head + "  - {name: b, type: text, constraint: ')'}\n")
    with pytest.raises(InstrumentError):
        load(path)
