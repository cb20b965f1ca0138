from __future__ import annotations

import pytest

from toolkit.errors import AnswerError, ConflictError, StoreError

RID = "6a1f0c55-0d0e-4c1e-8f3a-3e9b5d7c2a11"


def test_correct__keeps_old_answers_in_audit(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID, collector="agent-7")
    mini_store.correct(RID, {**answers, "age": 43}, by="superviseur", reason="saisie")
    assert mini_store.get(RID).answers["age"] == 43
    trail = mini_store.audit(RID)
    assert trail["action"].tolist() == ["submitted", "corrected"]
    corrected = trail.iloc[1]
    assert (corrected["by"], corrected["reason"]) == ("superviseur", "saisie")
    assert corrected["old_answers"]["age"] == 34
    assert corrected["new_answers"]["age"] == 43
    assert corrected["changed"] == ["age", "double_age"]
    assert str(trail["at"].dtype) == "datetime64[us, UTC]"


def test_correct__same_answers__no_audit_row(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.correct(RID, answers, by="superviseur")
    assert mini_store.audit(RID)["action"].tolist() == ["submitted"]


def test_correct__invalid_answers__answer_error_and_unchanged(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(AnswerError):
        mini_store.correct(RID, {**answers, "age": 7}, by="superviseur")
    assert mini_store.get(RID).answers["age"] == 34


def test_correct__sector_question_changed__sector_follows(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.correct(RID, {**answers, "quartier": "sud"}, by="superviseur")
    assert mini_store.get(RID).sector == "sud"


@pytest.mark.parametrize("by", ["", "   ", None])
def test_correct__without_author__s009(mini_store, answers, by):
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(StoreError) as caught:
        mini_store.correct(RID, answers, by=by)
    assert caught.value.codes == ["S009"]


def test_correct__unknown_response__s003(mini_store, answers):
    with pytest.raises(StoreError) as caught:
        mini_store.correct(RID, answers, by="superviseur")
    assert caught.value.codes == ["S003"]


def test_void__excluded_from_frame_and_audited(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    kept = mini_store.submit("mini", answers)
    mini_store.void(RID, reason="doublon", by="superviseur")
    assert mini_store.frame("mini")["response_id"].tolist() == [kept]
    response = mini_store.get(RID)
    assert (response.status, response.void_reason) == ("voided", "doublon")
    last = mini_store.audit(RID).iloc[-1]
    assert (last["action"], last["by"], last["reason"]) == ("voided", "superviseur", "doublon")
    assert last["old_answers"]["age"] == 34


def test_void__twice__s008(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.void(RID, reason="doublon", by="superviseur")
    with pytest.raises(StoreError) as caught:
        mini_store.void(RID, reason="doublon", by="superviseur")
    assert caught.value.codes == ["S008"]


def test_void__without_reason__s009(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(StoreError) as caught:
        mini_store.void(RID, reason="", by="superviseur")
    assert caught.value.codes == ["S009"]


def test_correct__voided_response__s008(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.void(RID, reason="doublon", by="superviseur")
    with pytest.raises(StoreError) as caught:
        mini_store.correct(RID, answers, by="superviseur")
    assert caught.value.codes == ["S008"]


def test_submit__voided_id_again_other_answers__conflict(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.void(RID, reason="doublon", by="superviseur")
    with pytest.raises(ConflictError):
        mini_store.submit("mini", {**answers, "age": 20}, response_id=RID)
    assert mini_store.get(RID).status == "voided"


def test_audit__unknown_response__s003(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.audit(RID)
    assert caught.value.codes == ["S003"]
