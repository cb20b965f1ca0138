"""Drafts given up or expired are deleted; a draft remembers its page; past submissions
keep their date."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from toolkit.errors import StoreError


@pytest.fixture
def registered(store, barometre):
    store.register(barometre)
    return store


def test_discard_draft__draft__row_and_history_deleted(registered, complete_answers):
    response_id = str(uuid.uuid4())
    registered.save_draft("barometre_ambiance", {"secteur": "gare"}, response_id=response_id)
    assert registered.discard_draft(response_id) is True
    assert registered.drafts("barometre_ambiance") == []
    with pytest.raises(StoreError) as unknown:
        registered.get(response_id)
    assert list(unknown.value.codes) == ["S003"]
    assert registered.discard_draft(response_id) is False


def test_discard_draft__submitted__kept(registered, complete_answers):
    response_id = registered.submit("barometre_ambiance", complete_answers)
    assert registered.discard_draft(response_id) is False
    assert registered.get(response_id).status == "submitted"


def test_save_draft__page__read_back(registered):
    response_id = str(uuid.uuid4())
    registered.save_draft("barometre_ambiance", {}, response_id=response_id, page=3)
    assert registered.get(response_id).draft_page == 3
    registered.save_draft("barometre_ambiance", {}, response_id=response_id, page=4)
    assert registered.drafts("barometre_ambiance")[0].draft_page == 4


def test_submit_many__submitted_at__kept(registered, complete_answers):
    when = dt.datetime(2026, 4, 7, 10, 30, tzinfo=dt.UTC)
    (response_id,) = registered.submit_many(
        "barometre_ambiance", [{"answers": complete_answers, "submitted_at": when}]
    )
    assert registered.get(response_id).submitted_at == when
    counts = registered.counts("barometre_ambiance", since=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert counts.empty
