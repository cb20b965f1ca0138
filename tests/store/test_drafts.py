from __future__ import annotations

from datetime import UTC, datetime

import pytest

from toolkit.errors import ConflictError

RID = "2c9e7d3a-8b1f-4f6e-a0d4-71e5c3b9f802"
OTHER = "9f4b2e1d-7c6a-4d5e-8f3b-0a1c2d3e4f56"


def test_save_draft__partial_answers__kept_as_draft_not_in_frame(mini_store):
    mini_store.save_draft("mini", {"age": 12}, response_id=RID, collector="agent-7")
    draft = mini_store.get(RID)
    assert (draft.status, draft.answers, draft.submitted_at) == ("draft", {"age": 12}, None)
    assert len(mini_store.frame("mini")) == 0


def test_save_draft__again__replaces_answers(mini_store):
    mini_store.save_draft("mini", {"age": 12}, response_id=RID)
    mini_store.save_draft("mini", {"age": 21}, response_id=RID)
    assert mini_store.get(RID).answers == {"age": 21}
    assert mini_store.audit(RID)["action"].tolist() == ["created"]


def test_drafts__listed_per_collector(mini_store):
    mini_store.save_draft("mini", {}, response_id=RID, collector="agent-7")
    mini_store.save_draft("mini", {}, response_id=OTHER, collector="agent-8")
    assert [d.response_id for d in mini_store.drafts("mini", collector="agent-7")] == [RID]
    assert {d.response_id for d in mini_store.drafts()} == {RID, OTHER}


def test_submit__existing_draft__becomes_submitted_keeping_start(mini_store, answers):
    started = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    mini_store.save_draft("mini", {"age": 12}, response_id=RID, started_at=started)
    assert mini_store.submit("mini", answers, response_id=RID) == RID
    response = mini_store.get(RID)
    assert (response.status, response.started_at) == ("submitted", started)
    assert mini_store.drafts() == []
    assert mini_store.audit(RID)["action"].tolist() == ["created", "submitted"]


def test_save_draft__after_submission__conflict_s008(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(ConflictError) as caught:
        mini_store.save_draft("mini", {"age": 12}, response_id=RID)
    assert caught.value.codes == ["S008"]
    assert mini_store.get(RID).answers["age"] == 34
