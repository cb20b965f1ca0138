"""The running order of a workshop: next / previous, re-showing a run, the end."""

from __future__ import annotations

import pytest

from toolkit.errors import TrainingError
from toolkit.training.agenda import SATISFACTION, Step, agenda, position
from toolkit.training.loader import load_module
from toolkit.training.sessions import MAX_TEXT


def test_agenda__pre_test_exercises_post_test_satisfaction(module_file):
    steps = agenda(load_module(module_file()))
    assert steps[0] == Step("assessment", "pre")
    assert [s.exercise_id for s in steps[1:-2]] == [
        "quiz1",
        "sjt",
        "scen",
        "jeu",
        "desc",
        "echelle",
    ]
    assert steps[-2:] == (Step("assessment", "post"), Step(SATISFACTION))


def test_position__scale_with_a_phase__counts_as_its_step(module_file):
    steps = agenda(load_module(module_file()))
    assert position(steps, "echelle", "pre") == 6
    assert position(steps, "assessment", "post") == len(steps) - 2
    assert position(steps, "nothing", None) is None


def test_step__next_from_nothing__shows_the_pre_test(live, module_file):
    code = live.open_session(module_file())
    run = live.step(code, 1)
    assert (run.exercise_id, run.phase) == ("assessment", "pre")
    assert live.step(code, 1).exercise_id == "quiz1"


def test_step__previous__shows_the_same_run_with_its_answers(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    live.step(code, 1)
    quiz = live.step(code, 1)
    live.answer(code, p, quiz.id, "q1", "a")
    live.step(code, 1)
    back = live.step(code, -1)
    assert back.id == quiz.id
    assert len(live.answers(back.id)) == 1


def test_step__past_the_last_step__finished_then_previous_goes_back(live, module_file):
    code = live.open_session(module_file())
    steps = agenda(live.info(code).module)
    for _ in steps:
        live.step(code, 1)
    assert live.info(code).run.exercise_id == SATISFACTION
    assert not live.finished(code)
    assert live.step(code, 1) is None
    assert live.info(code).run is None
    assert live.finished(code)
    assert live.step(code, 1) is None
    assert live.step(code, -1).exercise_id == SATISFACTION


def test_step__after_stop__goes_on_from_the_last_run(live, module_file):
    code = live.open_session(module_file())
    live.step(code, 1)
    live.step(code, 1)
    live.stop(code)
    assert not live.finished(code)
    assert live.step(code, 1).exercise_id == "sjt"


def test_show__first_time__launches__second_time__reuses(live, module_file):
    code = live.open_session(module_file())
    first = live.show(code, "scen")
    live.launch(code, "quiz1")
    again = live.show(code, "scen")
    assert again.id == first.id
    assert live.show(code, "echelle", phase="pre").id != live.show(code, "echelle").id


def test_show__closed_session__raises_t102(live, module_file):
    code = live.open_session(module_file())
    live.close_session(code)
    with pytest.raises(TrainingError) as info:
        live.show(code, "quiz1")
    assert info.value.codes == ["T102"]
    assert live.finished(code)


def test_answer__text_over_the_limit__t112_with_lengths_not_the_text(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "desc")
    with pytest.raises(TrainingError) as info:
        live.answer(code, p, run.id, "p1", {"text": "é" * 5000, "checked": []})
    assert info.value.codes == ["T112"]
    message = str(info.value)
    assert "5" in message
    assert str(MAX_TEXT) in message
    assert "éééé" not in message
