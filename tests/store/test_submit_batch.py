"""A batch written by ``submit_many`` ends as the same rows submitted one by one would.

``submit_many`` inserts the new ids of a batch with one statement per table and sends the
others (drafts, retries, ids repeated in the batch) through the row-by-row path.
"""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
from sqlalchemy import select

from toolkit.errors import ConflictError
from toolkit.store import Store, connect
from toolkit.store.pii_tables import pii_answers
from toolkit.store.schema import response_audit, responses

IDS = [str(uuid.UUID(int=n, version=4)) for n in range(1, 6)]


def _rows(answers: dict) -> list[dict]:
    return [
        {"answers": answers, "response_id": IDS[0], "wave": "w1", "sector": "nord"},
        {"answers": {**answers, "age": 50}, "response_id": IDS[1], "collector": "ana"},
        {"answers": {**answers, "nom": ""}, "response_id": IDS[2]},
        {"answers": answers, "response_id": IDS[0], "wave": "w1", "sector": "nord"},
        {"answers": {**answers, "age": 61}, "response_id": IDS[3]},
    ]


def _state(store: Store) -> tuple[list, list, dict]:
    with store.engine.connect() as conn:
        kept = conn.execute(
            select(
                responses.c.response_id,
                responses.c.status,
                responses.c.answers,
                responses.c.collector,
                responses.c.sector,
                responses.c.wave,
            ).order_by(responses.c.response_id)
        ).all()
        trail = conn.execute(
            select(
                response_audit.c.response_id,
                response_audit.c.action,
                response_audit.c.by,
                response_audit.c.old_answers,
                response_audit.c.new_answers,
            ).order_by(response_audit.c.response_id, response_audit.c.id)
        ).all()
        secret_ids = conn.execute(select(pii_answers.c.response_id)).scalars().all()
    secrets = {rid: store.get(rid, include_pii=True).answers.get("nom") for rid in secret_ids}
    return [tuple(r) for r in kept], [tuple(r) for r in trail], secrets


def _prepared(store: Store, mini, answers: dict) -> Store:
    store.register(mini)
    store.save_draft("mini", {"quartier": "sud"}, response_id=IDS[3])
    store.submit("mini", {**answers, "age": 50}, response_id=IDS[1], collector="ana")
    return store


def test_submit_many__mixed_batch__same_rows_as_one_by_one(store, mini, answers, tmp_path):
    batch = _prepared(store, mini, answers)
    one_by_one = _prepared(connect(f"sqlite:///{tmp_path / 'single.sqlite'}"), mini, answers)
    ids = batch.submit_many("mini", _rows(answers))
    for row in _rows(answers):
        one_by_one.submit("mini", row.pop("answers"), **row)
    assert ids == [row["response_id"] for row in _rows(answers)]
    kept, trail, secrets = _state(batch)
    assert (kept, trail, secrets) == _state(one_by_one)
    assert len(kept) == 4
    assert secrets == {IDS[0]: "Camille Martin", IDS[1]: "Camille Martin", IDS[3]: "Camille Martin"}


def test_submit_many__id_repeated_with_other_answers__conflict_and_nothing_stored(
    mini_store, answers
):
    rows = [
        {"answers": answers, "response_id": IDS[4]},
        {"answers": {**answers, "age": 77}, "response_id": IDS[4]},
    ]
    with pytest.raises(ConflictError) as caught:
        mini_store.submit_many("mini", rows)
    assert caught.value.codes == ["S005"]
    assert mini_store.frame("mini").empty


def test_submit_many__many_rows__every_id_looked_up_and_stored(sqlite_store, mini, answers):
    sqlite_store.register(mini)
    rows = [{"answers": {**answers, "age": 18 + n % 60}} for n in range(1_203)]
    ids = sqlite_store.submit_many("mini", rows)
    again = sqlite_store.submit_many(
        "mini", [{**r, "response_id": i} for r, i in zip(rows, ids, strict=True)]
    )
    frame = sqlite_store.frame("mini")
    assert again == ids
    assert len(frame) == 1_203
    assert pd.Series(frame["age"]).sum() == sum(18 + n % 60 for n in range(1_203))
