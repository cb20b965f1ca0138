"""Live-session state in the store: codes, joining, runs, answers, isolation of sessions."""

from __future__ import annotations

import pytest

from toolkit.errors import TrainingError
from toolkit.training.live import tally
from toolkit.training.sessions import ALPHABET, CODE_LENGTH, normalise_code


def test_open_session__code_from_unambiguous_alphabet(live, module_file):
    codes = {live.open_session(module_file()) for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
        assert not set(code) & set("IL01O")


def test_join__same_pseudonym__resumes_same_participant(live, module_file):
    code = live.open_session(module_file())
    first = live.join(code, "  Awa  ")
    assert live.join(normalise_code(code.lower()), "Awa") == first
    assert list(live.participants(code)["pseudonym"]) == ["Awa"]


@pytest.mark.parametrize("pseudonym", ["", "   ", "x" * 31])
def test_join__bad_pseudonym__raises_t103(live, module_file, pseudonym):
    code = live.open_session(module_file())
    with pytest.raises(TrainingError) as info:
        live.join(code, pseudonym)
    assert info.value.codes == ["T103"]


def test_join__unknown_code__raises_t101(live):
    with pytest.raises(TrainingError) as info:
        live.join("ZZZZZZ", "Awa")
    assert info.value.codes == ["T101"]


def test_several_sessions__participants_and_answers_do_not_mix(live, module_file):
    path = module_file()
    one, two = live.open_session(path), live.open_session(path)
    a = live.join(one, "Awa")
    b = live.join(two, "Awa")
    assert a != b
    run_one = live.launch(one, "quiz1")
    run_two = live.launch(two, "quiz1")
    live.answer(one, a, run_one.id, "q1", "a")
    live.answer(two, b, run_two.id, "q1", "b")
    live.answer(two, b, run_two.id, "q2", ["a", "b"])
    assert list(live.answers(run_one.id)["value"]) == ["a"]
    assert list(live.answers(run_two.id)["item"]) == ["q1", "q2"]
    with pytest.raises(TrainingError) as info:
        live.answer(one, b, run_one.id, "q1", "a")
    assert info.value.codes == ["T104"]
    with pytest.raises(TrainingError):
        live.answer(one, a, run_two.id, "q1", "a")


def test_answer__scored_on_write_and_replaced_on_resubmit(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "quiz1")
    assert live.answer(code, p, run.id, "q1", "b") == 0
    assert live.answer(code, p, run.id, "q1", "a") == 1
    frame = live.answers(run.id)
    assert list(frame["score"]) == [1.0]


def test_answer__branching_path_checked_and_scored(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "scen")
    assert live.answer(code, p, run.id, "path", [["s1", 0], ["s2", 1]]) == 2
    with pytest.raises(TrainingError) as info:
        live.answer(code, p, run.id, "path", [["s1", 0]])  # not finished
    assert info.value.codes == ["T107"]
    assert live.answers(run.id)["value"].iloc[0] == {
        "path": [["s1", 0], ["s2", 1]],
        "ending": "fin_bien",
    }


@pytest.mark.parametrize(
    ("exercise", "item", "value"),
    [
        ("quiz1", "q1", ["a", "b"]),
        ("quiz1", "q9", "a"),
        ("sjt", "pick", {"best": "a", "worst": "a"}),
        ("echelle", "i1", 7),
        ("desc", "p1", {"text": "   ", "checked": []}),
        ("jeu", "grid", {"checked": ["inconnu"], "comment": ""}),
    ],
)
def test_answer__invalid_values__raise(live, module_file, exercise, item, value):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, exercise)
    with pytest.raises(TrainingError):
        live.answer(code, p, run.id, item, value)


def test_reset__new_empty_run_and_old_answers_kept(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "sjt")
    live.answer(code, p, run.id, "pick", {"best": "a", "worst": "d"})
    new = live.reset(code)
    assert new.id != run.id
    assert new.exercise_id == "sjt"
    assert live.answers(new.id).empty
    assert len(live.answers(run.id)) == 1
    assert live.info(code).run.id == new.id


def test_revision__changes_on_every_event(live, module_file):
    code = live.open_session(module_file())
    seen = [live.revision(code)]
    p = live.join(code, "Awa")
    seen.append(live.revision(code))
    run = live.launch(code, "quiz1")
    seen.append(live.revision(code))
    live.set_revealed(code, True)
    seen.append(live.revision(code))
    live.answer(code, p, run.id, "q1", "a")
    seen.append(live.revision(code))
    assert seen == sorted(set(seen))
    assert live.info(code).run.revealed is True


def test_moderation__free_text_pending_then_shown(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "desc")
    live.answer(code, p, run.id, "p1", {"text": "Quand <script>…", "checked": ["d"]})
    row = live.answers(run.id).iloc[0]
    assert row["moderation"] == "pending"
    live.moderate(code, int(row["answer_id"]), "shown")
    assert live.answers(run.id)["moderation"].iloc[0] == "shown"


def test_closed_session__refuses_join_and_answers(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "quiz1")
    live.close_session(code)
    with pytest.raises(TrainingError) as info:
        live.join(code, "Bob")
    assert info.value.codes == ["T102"]
    with pytest.raises(TrainingError):
        live.answer(code, p, run.id, "q1", "a")


def test_launch__assessment_needs_phase(live, module_file):
    code = live.open_session(module_file())
    with pytest.raises(TrainingError) as info:
        live.launch(code, "assessment")
    assert info.value.codes == ["T109"]
    with pytest.raises(TrainingError):
        live.launch(code, "quiz1", phase="pre")
    with pytest.raises(TrainingError) as info:
        live.launch(code, "nothing")
    assert info.value.codes == ["T105"]


def test_assessment_frame__latest_answer_per_phase(live, module_file):
    code = live.open_session(module_file())
    a, b = live.join(code, "Awa"), live.join(code, "Bob")
    pre = live.launch(code, "assessment", phase="pre")
    live.answer(code, a, pre.id, "t1", "b")
    live.answer(code, b, pre.id, "t1", "a")
    post = live.launch(code, "assessment", phase="post")
    live.answer(code, a, post.id, "t1", "a")
    live.answer(code, b, post.id, "t1", "a")
    again = live.reset(code)
    live.answer(code, a, again.id, "t1", "b")
    frame = live.assessment_frame(code).sort_values(["participant", "phase"])
    assert list(frame["phase"]) == ["post", "pre", "post", "pre"]
    assert list(frame["score"]) == [0.0, 0.0, 1.0, 1.0]
    assert set(frame["objective"]) == {"o1"}


def test_scale_answers__reverse_key_applied_in_score(live, module_file):
    code = live.open_session(module_file())
    p = live.join(code, "Awa")
    run = live.launch(code, "echelle", phase="pre")
    live.answer(code, p, run.id, "i1", 4)
    live.answer(code, p, run.id, "i2", 4)
    frame = live.scale_frame(code, "echelle")
    assert dict(zip(frame["item"], frame["score"], strict=True)) == {"i1": 4.0, "i2": 1.0}


def test_tally__counts_per_option_and_endings(live, module_file):
    code = live.open_session(module_file())
    ids = [live.join(code, name) for name in ("A", "B", "C")]
    run = live.launch(code, "quiz1")
    for pid, pick in zip(ids, ["a", "a", "b"], strict=True):
        live.answer(code, pid, run.id, "q1", pick)
    info = live.info(code)
    bars = tally(info.exercise, live.answers(run.id))
    q1 = bars[bars["group"] == "q1"].set_index("option")
    assert q1.loc["a", "value"] == 2
    assert q1.loc["b", "value"] == 1
    assert bool(q1.loc["a", "correct"]) is True
    run = live.launch(code, "scen")
    live.answer(code, ids[0], run.id, "path", [["s1", 1]])
    bars = tally(live.info(code).exercise, live.answers(run.id)).set_index("option")
    assert bars.loc["fin_mal", "value"] == 1
    assert bars.loc["fin_bien", "value"] == 0
