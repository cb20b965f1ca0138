"""Input limits: SQLite and PostgreSQL take and refuse the same values, with coded problems
raised before any SQL (PostgreSQL used to answer with a raw DataError)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from toolkit.errors import AnswerError, StoreError
from toolkit.store.schema import instrument_versions, responses

RID = "6f0b2c1e-8d4a-4b7e-9c3f-2a1d5e6f7a80"


def _count(store, table=responses) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def _refused(call, code: str) -> StoreError:
    with pytest.raises(StoreError) as info:
        call()
    assert info.value.codes == [code]
    return info.value


def test_submit__started_at_year_9999_west_of_utc__l033_nothing_written(mini_store, answers):
    late = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    error = _refused(lambda: mini_store.submit("mini", answers, started_at=late), "L033")
    assert error.problems[0].field == "started_at"
    assert _count(mini_store) == 0


def test_submit__started_at_before_1900__l033(mini_store, answers):
    early = datetime(1, 1, 1, tzinfo=UTC)
    _refused(lambda: mini_store.submit("mini", answers, started_at=early), "L033")


def test_submit__collector_of_201_characters__l031_and_200_accepted(mini_store, answers):
    error = _refused(lambda: mini_store.submit("mini", answers, collector="é" * 201), "L031")
    problem = error.problems[0]
    assert (problem.field, problem.params["length"], problem.params["limit"]) == (
        "collector",
        201,
        200,
    )
    response_id = mini_store.submit("mini", answers, collector="é" * 200)
    assert mini_store.get(response_id).collector == "é" * 200


def test_submit__nul_in_team__l030(mini_store, answers):
    _refused(lambda: mini_store.submit("mini", answers, team="équipe\x00nord"), "L030")
    assert _count(mini_store) == 0


def test_submit__lone_surrogate_in_wave__l032(mini_store, answers):
    _refused(lambda: mini_store.submit("mini", answers, wave="2026-T1\udc80"), "L032")


def test_submit__source_longer_than_its_column__l031(mini_store, answers):
    _refused(lambda: mini_store.submit("mini", answers, source="kobo:" + "x" * 46), "L031")


def test_submit__collector_not_text__s017(mini_store, answers):
    _refused(lambda: mini_store.submit("mini", answers, collector=42), "S017")


def test_submit__sector_taken_from_a_long_answer__l031(mini_store, mini, answers):
    # ``analysis.sector`` names the question « quartier »: a text instrument with a long answer.
    long_sector = dataclasses.replace(mini.question("quartier"), type="text", choices=None)
    items = tuple(long_sector if q.name == "quartier" else q for q in mini.items)
    changed = dataclasses.replace(mini, items=items, version="2")
    mini_store.register(changed)
    answers["quartier"] = "q" * 201
    _refused(lambda: mini_store.submit("mini", answers), "L031")


def test_submit_many__one_row_with_nul__nothing_written(mini_store, answers):
    rows = [{"answers": answers}, {"answers": answers, "team": "a\x00b"}]
    _refused(lambda: mini_store.submit_many("mini", rows), "L030")
    assert _count(mini_store) == 0


def test_submit__integer_above_2_63__l020_and_frames_still_build(mini_store, answers):
    mini_store.submit("mini", answers)
    with pytest.raises(AnswerError) as info:
        mini_store.submit("mini", {**answers, "age": 2**63})
    assert info.value.codes == ["L020"]
    assert len(mini_store.frame("mini")) == 1


def test_save_draft__collector_too_long__l031(mini_store, answers):
    _refused(
        lambda: mini_store.save_draft("mini", answers, response_id=RID, collector="c" * 201),
        "L031",
    )


def test_correct__by_with_nul__l030(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    _refused(lambda: mini_store.correct(response_id, answers, by="a\x00"), "L030")


def test_void__reason_with_nul__l030_response_still_submitted(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    _refused(lambda: mini_store.void(response_id, reason="doublon\x00", by="coord"), "L030")
    assert mini_store.get(response_id).status == "submitted"


def test_register__version_of_51_characters__l031(store, mini):
    _refused(lambda: store.register(dataclasses.replace(mini, version="v" * 51)), "L031")
    assert _count(store, instrument_versions) == 0


def test_register__nul_in_title__l030(store, mini):
    titled = dataclasses.replace(mini, title=type(mini.title).of("Mini\x00"))
    _refused(lambda: store.register(titled), "L030")


def test_limits__messages__french_and_english_name_the_argument(mini_store, answers):
    error = _refused(lambda: mini_store.submit("mini", answers, collector="x" * 300), "L031")
    problem = error.problems[0]
    assert problem.message("fr") == "« enquêteur » est trop long : 300 caractères, au plus 200"
    assert problem.message("en") == "'collector' is too long: 300 characters, at most 200"


def test_submit__id_reused_after_refusal__accepted_once_fixed(mini_store, answers):
    response_id = str(uuid.uuid4())
    _refused(
        lambda: mini_store.submit("mini", answers, response_id=response_id, team="\x00"), "L030"
    )
    assert mini_store.submit("mini", answers, response_id=response_id, team="nord") == response_id
