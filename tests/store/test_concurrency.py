from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from toolkit.store.schema import responses

RID = "3e2d1c0b-a987-4654-b321-0fedcba98765"


def _count(store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(responses)).scalar()


def test_submit__several_threads__every_response_stored(mini_store, answers):
    def work(worker: int) -> list[str]:
        return [mini_store.submit("mini", {**answers, "age": 20 + worker}) for _ in range(15)]

    with ThreadPoolExecutor(4) as pool:
        ids = [i for batch in pool.map(work, range(4)) for i in batch]
    assert len(set(ids)) == 60
    assert _count(mini_store) == 60


def test_submit__same_id_from_several_threads__one_row(mini_store, answers):
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda _: mini_store.submit("mini", answers, response_id=RID), range(8))
        )
    assert results == [RID] * 8
    assert _count(mini_store) == 1
    assert mini_store.audit(RID)["action"].tolist() == ["submitted"]
