"""Loading and validating module files: bundled content and coded problems."""

from __future__ import annotations

import pytest

from tests.training.conftest import MINIMAL, MODULES_DIR
from toolkit.errors import TrainingError
from toolkit.training import find_modules, is_module_file, load_module, validate
from toolkit.training.model import EXERCISE_TYPES


def codes(path) -> list[str]:
    return [p.code for p in validate(path)]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_bundled_modules__five_valid_with_four_exercises_and_a_test():
    paths = find_modules(MODULES_DIR)
    assert len(paths) == 5
    for path in paths:
        assert validate(path) == [], path
        module = load_module(path)
        assert len(module.exercises) >= 4
        assert {e.type for e in module.exercises} <= set(EXERCISE_TYPES)
        assert len(module.assessment.questions) >= 4
        linked = {q.objective for q in module.assessment.questions}
        assert linked == {o.id for o in module.objectives}, path
        assert module.title.get("en") != module.title.get("fr")


def test_bundled_modules__cover_every_exercise_type():
    types = {e.type for p in find_modules(MODULES_DIR) for e in load_module(p).exercises}
    assert types == set(EXERCISE_TYPES)


def test_load_module__minimal__builds_frozen_module(module_file):
    module = load_module(module_file())
    assert module.id == "mini"
    assert [e.type for e in module.exercises] == list(EXERCISE_TYPES)
    assert module.exercise("quiz1").questions[1].correct == frozenset({"a", "b"})
    assert module.exercise("echelle").items[1].reverse is True
    with pytest.raises(AttributeError):
        module.id = "other"


def test_load_module__invalid__raises_training_error_with_every_problem(module_file):
    text = MINIMAL.replace("duration: 60", "duration: -5").replace("best: a", "best: z")
    with pytest.raises(TrainingError) as info:
        load_module(module_file(text))
    assert sorted(info.value.codes) == ["T011", "T024"]


def test_validate__yaml_syntax_error__reports_t001_with_line(module_file):
    text = MINIMAL.replace('title: "Quiz"', 'title: {fr: "Quiz"')
    problems = validate(module_file(text))
    assert [p.code for p in problems] == ["T001"]
    assert problems[0].line is not None
    assert problems[0].file.endswith("mini.yaml")


def test_validate__not_a_module__reports_t002(module_file):
    assert codes(module_file(MINIMAL.replace("kind: training_module", "kind: instrument"))) == [
        "T002"
    ]


def test_validate__missing_field__reports_t003(module_file):
    text = MINIMAL.replace('    situation: "Une situation"\n', "")
    problems = validate(module_file(text))
    assert [(p.code, p.field) for p in problems] == [("T003", "sjt.situation")]


def test_validate__unknown_field__reports_t005_with_line_and_suggestion(module_file):
    text = MINIMAL.replace("    best: a\n", "    bset: a\n    best: a\n")
    problems = validate(module_file(text))
    assert [p.code for p in problems] == ["T005"]
    assert problems[0].line == line_of(text, "bset")
    assert problems[0].params["suggestion"] == "best"


def test_validate__duplicate_exercise_id__reports_line(module_file):
    text = MINIMAL.replace("  - id: desc\n", "  - id: sjt\n")
    problems = validate(module_file(text))
    assert [p.code for p in problems] == ["T006"]
    assert problems[0].line == line_of(text, "type: rewriting") - 1


def test_validate__duplicate_yaml_key__reports_t006(module_file):
    text = MINIMAL.replace("duration: 60\n", "duration: 60\nduration: 70\n")
    assert codes(module_file(text)) == ["T006"]


def test_validate__unknown_exercise_type__reports_t007(module_file):
    assert codes(module_file(MINIMAL.replace("type: scale", "type: sondage"))) == ["T007"]


def test_validate__type_alias__is_accepted(module_file):
    module = load_module(module_file(MINIMAL.replace("type: role_play", "type: jeu_de_rôle")))
    assert module.exercise("jeu").type == "role_play"


def test_validate__text_without_french__reports_t008(module_file):
    text = MINIMAL.replace('title: {fr: "Mini", en: "Mini"}', 'title: {en: "Mini"}')
    assert codes(module_file(text)) == ["T008"]


def test_validate__single_choice_with_two_correct__reports_t009(module_file):
    text = MINIMAL.replace(
        '{id: b, text: "B", feedback: "non"}', '{id: b, text: "B", correct: true}'
    )
    assert codes(module_file(text)) == ["T009"]


def test_validate__judgement_with_three_responses__reports_t010(module_file):
    text = MINIMAL.replace('      - {id: c, text: "C"}\n      - {id: d', "      - {id: d")
    assert codes(module_file(text)) == ["T010"]


def test_validate__unknown_objective__reports_t012(module_file):
    assert codes(module_file(MINIMAL.replace("objectives: [o1]", "objectives: [o9]"))) == ["T012"]


def test_validate__role_play_without_observer__reports_t018(module_file):
    text = MINIMAL.replace('      - {kind: observer, name: "Obs", brief: "Brief O"}\n', "")
    assert sorted(codes(module_file(text))) == ["T010", "T018"]


def test_validate__scale_anchor_count_mismatch__reports_t028(module_file):
    text = MINIMAL.replace(
        'anchors: ["jamais", "parfois", "souvent", "toujours"]', 'anchors: ["jamais", "toujours"]'
    )
    assert codes(module_file(text)) == ["T028"]


def test_validate__assessment_question_without_objective__reports_t025(module_file):
    text = MINIMAL.replace("      objective: o2\n", "")
    assert codes(module_file(text)) == ["T025"]


def test_validate__several_problems__all_reported_at_once(module_file):
    text = (
        MINIMAL.replace("type: scale", "type: sondage")
        .replace("objectives: [o1]", "objectives: [o9]")
        .replace("worst: d", "worst: a")
    )
    assert sorted(codes(module_file(text))) == ["T007", "T012", "T027"]


def test_validate__messages__french_and_english(module_file):
    problem = validate(module_file(MINIMAL.replace("type: scale", "type: sondage")))[0]
    assert "type d'exercice inconnu" in problem.message("fr")
    assert "unknown exercise type" in problem.message("en")
    assert problem.format("fr").startswith(f"{problem.file}:{problem.line}: T007")


def test_validate__unreadable_file__reports_t022(tmp_path):
    assert codes(tmp_path / "absent.yaml") == ["T022"]


def test_is_module_file__recognises_kind(module_file, tmp_path):
    assert is_module_file(module_file())
    other = tmp_path / "survey.yaml"
    other.write_text("id: barometre\nversion: 1\n", encoding="utf-8")
    assert not is_module_file(other)
    assert not is_module_file(tmp_path / "notes.txt")


# ------------------------------------------------------------------ hostile files (issue 14)

ALIAS_BOMB = "\n".join(
    ["kind: training_module", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["objectives: *a8"]
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kind: training_module\nexercises: " + "[" * 498, "L002"),
        (ALIAS_BOMB, "L003"),
        ("kind: training_module\nexercises: &e [*e]\n", "L004"),
        ("kind: training_module\nduration: 2024-13-45\n", "L005"),
    ],
)
def test_validate__hostile_module__one_coded_problem(tmp_path, text: str, code: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    assert codes(path) == [code]
    assert not is_module_file(path)
    with pytest.raises(TrainingError) as info:
        load_module(path)
    assert info.value.codes == [code]


def test_load_module__endless_device__l001() -> None:
    with pytest.raises(TrainingError) as info:
        load_module("/dev/zero")
    assert info.value.codes == ["L001"]
