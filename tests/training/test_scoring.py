"""Scoring rules: quiz, situational judgement, branching play and replay, scales."""

from __future__ import annotations

import math

import pytest

from toolkit.errors import TrainingError
from toolkit.training import (
    Play,
    load_module,
    replay,
    scale_scores,
    score_judgement,
    score_question,
)
from toolkit.training.scoring import scored_item


@pytest.fixture
def module(module_file):
    return load_module(module_file())


def test_score_question__single(module):
    q = module.exercise("quiz1").questions[0]
    assert score_question(q, "a") == 1
    assert score_question(q, "b") == 0


@pytest.mark.parametrize(
    ("picked", "expected"),
    [(["a", "b"], 1), (["b", "a"], 1), (["a"], 0), (["a", "b", "c"], 0), ([], 0)],
)
def test_score_question__multiple_needs_exact_set(module, picked, expected):
    assert score_question(module.exercise("quiz1").questions[1], picked) == expected


def test_score_question__unknown_option__raises_t107(module):
    with pytest.raises(TrainingError) as info:
        score_question(module.exercise("quiz1").questions[0], "z")
    assert info.value.codes == ["T107"]


@pytest.mark.parametrize(
    ("best", "worst", "expected"),
    [
        ("a", "d", 2),
        ("a", "b", 1),
        ("b", "d", 1),
        ("b", "c", 0),
        ("d", "a", -2),
        ("d", "b", -1),
        ("c", "a", -1),
    ],
)
def test_score_judgement__key_rule(module, best, worst, expected):
    assert score_judgement(module.exercise("sjt"), best, worst) == expected


def test_score_judgement__same_pick_twice__raises(module):
    with pytest.raises(TrainingError):
        score_judgement(module.exercise("sjt"), "a", "a")


def test_play__through_loop__scores_ending_and_keeps_path(module):
    scen = module.exercise("scen")
    play = Play.start(scen).choose(0).choose(0).choose(0).choose(1)
    assert play.finished
    assert play.ending.id == "fin_bien"
    assert play.score == 2
    assert play.path == [["s1", 0], ["s2", 0], ["s1", 0], ["s2", 1]]
    assert [s.choice.text.get() for s in play.steps] == ["Bien", "Encore", "Bien", "Conclure"]


def test_replay__stored_path__rebuilds_same_play(module):
    scen = module.exercise("scen")
    assert replay(scen, [["s1", 1]]).ending.id == "fin_mal"
    assert replay(scen, [["s1", 0]]).finished is False


@pytest.mark.parametrize("path", [[["s2", 1]], [["s1", 5]], [["s1", 0], ["s1", 0]]])
def test_replay__path_off_the_graph__raises_t107(module, path):
    with pytest.raises(TrainingError) as info:
        replay(module.exercise("scen"), path)
    assert info.value.codes == ["T107"]


def test_scored_item__reverse_key(module):
    scale = module.exercise("echelle")
    assert [scored_item(scale, "i2", v) for v in (1, 2, 3, 4)] == [4, 3, 2, 1]
    assert [scored_item(scale, "i1", v) for v in (1, 2, 3, 4)] == [1, 2, 3, 4]


def test_scored_item__out_of_range__raises(module):
    with pytest.raises(TrainingError):
        scored_item(module.exercise("echelle"), "i1", 5)


def test_scale_scores__mean_after_reverse_and_nan_when_blank(module):
    scale = module.exercise("echelle")
    assert scale_scores(scale, {"i1": 4, "i2": 1}) == {"dim": 4.0}
    assert scale_scores(scale, {"i1": 2, "i2": 2}) == {"dim": 2.5}
    assert math.isnan(scale_scores(scale, {})["dim"])
