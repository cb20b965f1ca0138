from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from toolkit.errors import AnswerError, ConflictError, StoreError
from toolkit.instruments import loads
from toolkit.store.schema import response_audit, responses

RID = "0b7c2f7e-3d4a-4f8e-9a61-5c2d8e1f4a70"


def _count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_submit__no_id__returns_new_uuid4(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    assert uuid.UUID(response_id).version == 4
    assert mini_store.get(response_id).status == "submitted"


def test_submit__stores_cleaned_answers(mini_store, answers):
    del answers["problemes"]  # detail_bruit becomes irrelevant, double_age is calculated
    stored = mini_store.get(mini_store.submit("mini", answers)).answers
    assert "detail_bruit" not in stored
    assert stored["double_age"] == 68


def test_submit__metadata__kept(mini_store, answers):
    started = datetime(2026, 11, 2, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    response = mini_store.get(
        mini_store.submit(
            "mini",
            answers,
            collector="agent-7",
            team="équipe B",
            wave="2026-T4",
            started_at=started,
            source="terrain",
        )
    )
    assert (response.collector, response.team, response.wave, response.source) == (
        "agent-7",
        "équipe B",
        "2026-T4",
        "terrain",
    )
    assert response.started_at == started
    assert response.started_at.tzinfo is not None
    assert response.submitted_at.tzinfo is not None
    assert response.instrument_version == "1"


def test_submit__invalid_answers__answer_error_per_field_and_nothing_stored(mini_store, answers):
    answers.update(quartier="est", age="trente")
    with pytest.raises(AnswerError) as caught:
        mini_store.submit("mini", answers)
    assert {p.field for p in caught.value.problems} == {"quartier", "age"}
    assert _count(mini_store, responses) == 0


def test_submit__same_id_same_answers__idempotent(mini_store, answers):
    assert mini_store.submit("mini", answers, response_id=RID) == RID
    assert mini_store.submit("mini", dict(answers), response_id=RID) == RID
    assert _count(mini_store, responses) == 1
    assert _count(mini_store, response_audit) == 1


def test_submit__same_id_other_answers__conflict_s005(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(ConflictError) as caught:
        mini_store.submit("mini", {**answers, "age": 35}, response_id=RID)
    assert caught.value.codes == ["S005"]
    assert mini_store.get(RID).answers["age"] == 34


def test_submit__replayed_after_correction__still_idempotent(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    mini_store.correct(RID, {**answers, "age": 43}, by="superviseur")
    assert mini_store.submit("mini", answers, response_id=RID) == RID
    assert mini_store.get(RID).answers["age"] == 43


def test_submit__id_in_capitals__stored_canonical(mini_store, answers):
    assert mini_store.submit("mini", answers, response_id=RID.upper()) == RID


@pytest.mark.parametrize("bad", ["42", "pas-un-uuid", "", 12])
def test_submit__id_not_a_uuid__s004(mini_store, answers, bad):
    with pytest.raises(StoreError) as caught:
        mini_store.submit("mini", answers, response_id=bad)
    assert caught.value.codes == ["S004"]


def test_submit__unknown_instrument__s001(store, answers):
    with pytest.raises(StoreError) as caught:
        store.submit("inconnu", answers)
    assert caught.value.codes == ["S001"]


def test_submit__id_of_other_instrument__conflict_s014(mini_store, answers):
    mini_store.register(
        loads("id: autre\nversion: '1'\ntitle: Autre\nquestions:\n  - {name: x, type: integer}\n")
    )
    mini_store.submit("mini", answers, response_id=RID)
    with pytest.raises(ConflictError) as caught:
        mini_store.submit("autre", {"x": 1}, response_id=RID)
    assert caught.value.codes == ["S014"]


def test_submit__sector_not_given__taken_from_analysis_question(mini_store, answers):
    assert mini_store.get(mini_store.submit("mini", answers)).sector == "nord"


def test_submit__sector_given__wins_over_answer(mini_store, answers):
    assert mini_store.get(mini_store.submit("mini", answers, sector="centre")).sector == "centre"


def test_submit__answers_not_a_mapping__s013(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.submit("mini", ["nord"])
    assert caught.value.codes == ["S013"]


def test_submit__started_at_not_a_datetime__s017(mini_store, answers):
    with pytest.raises(StoreError) as caught:
        mini_store.submit("mini", answers, started_at="hier")
    assert caught.value.codes == ["S017"]


def test_submit__naive_started_at__taken_as_utc(mini_store, answers):
    response_id = mini_store.submit("mini", answers, started_at=datetime(2026, 11, 2, 17, 0))
    assert mini_store.get(response_id).started_at == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


def test_submit__audit__records_submission(mini_store, answers):
    response_id = mini_store.submit("mini", answers, collector="agent-7")
    trail = mini_store.audit(response_id)
    assert trail["action"].tolist() == ["submitted"]
    assert trail["by"].tolist() == ["agent-7"]
    assert trail["new_answers"][0]["age"] == 34


def test_submit_many__all_valid__all_stored_in_order(mini_store, answers):
    ids = mini_store.submit_many(
        "mini",
        [
            {"answers": answers, "wave": "w1"},
            {"answers": {**answers, "age": 50}, "response_id": RID},
        ],
    )
    assert ids[1] == RID
    assert [mini_store.get(i).answers["age"] for i in ids] == [34, 50]


def test_submit_many__one_bad_row__nothing_stored_and_row_numbers(mini_store, answers):
    rows = [
        {"answers": answers},
        {"answers": {**answers, "age": 5}},
        {"answers": {"quartier": "sud"}},
    ]
    with pytest.raises(AnswerError) as caught:
        mini_store.submit_many("mini", rows)
    assert {p.line for p in caught.value.problems} == {2, 3}
    assert _count(mini_store, responses) == 0


def test_submit_many__conflict_in_last_row__first_rows_rolled_back(mini_store, answers):
    mini_store.submit("mini", answers, response_id=RID)
    rows = [{"answers": answers}, {"answers": {**answers, "age": 99}, "response_id": RID}]
    with pytest.raises(ConflictError):
        mini_store.submit_many("mini", rows)
    assert _count(mini_store, responses) == 1


def test_submit_many__row_without_answers__s017(mini_store, answers):
    with pytest.raises(StoreError) as caught:
        mini_store.submit_many("mini", [answers])
    assert caught.value.codes == ["S017"]


@pytest.mark.parametrize(
    "bad", [{"commentaire": "\ud800"}, {"loyer": float("nan")}, {"age": object()}]
)
def test_submit__answers_not_storable_as_json__s013(mini_store, answers, bad):
    with pytest.raises(StoreError) as caught:
        mini_store.submit("mini", {**answers, **bad})
    assert caught.value.codes == ["S013"]
