from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from toolkit.errors import StoreError


def _fill(store, answers):
    for quartier, age, wave in [
        ("nord", 20, "w1"),
        ("nord", 20, "w1"),
        ("sud", 30, "w1"),
        ("nord", 30, "w2"),
        ("sud", 20, "w2"),
    ]:
        store.submit("mini", {**answers, "quartier": quartier, "age": age}, wave=wave, team="A")


def test_counts__default__per_sector(mini_store, answers):
    _fill(mini_store, answers)
    table = mini_store.counts("mini")
    assert list(table.columns) == ["sector", "n"]
    assert table.to_dict("list") == {"sector": ["nord", "sud"], "n": [3, 2]}


def test_counts__metadata_and_answer__quota_cells(mini_store, answers):
    _fill(mini_store, answers)
    table = mini_store.counts("mini", by=("sector", "age"))
    assert table.to_dict("list") == {
        "sector": ["nord", "nord", "sud", "sud"],
        "age": ["20", "30", "20", "30"],
        "n": [2, 1, 1, 1],
    }


def test_counts__wave__filters(mini_store, answers):
    _fill(mini_store, answers)
    assert mini_store.counts("mini", by=("wave",), wave="w2").to_dict("list") == {
        "wave": ["w2"],
        "n": [2],
    }


def test_counts__since__only_later_submissions(mini_store, answers):
    _fill(mini_store, answers)
    assert mini_store.counts("mini", by=(), since=datetime.now(UTC) + timedelta(hours=1))[
        "n"
    ].tolist() == [0]
    assert mini_store.counts("mini", by=(), since=datetime.now(UTC) - timedelta(hours=1))[
        "n"
    ].tolist() == [5]


def test_counts__voided_and_drafts__not_counted(mini_store, answers):
    voided = mini_store.submit("mini", answers)
    mini_store.submit("mini", answers)
    mini_store.void(voided, reason="doublon", by="superviseur")
    mini_store.save_draft("mini", answers, response_id="1d4c2b3a-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
    assert mini_store.counts("mini", by=("quartier",)).to_dict("list") == {
        "quartier": ["nord"],
        "n": [1],
    }


def test_counts__unanswered__na_cell_last(mini_store, answers):
    mini_store.submit("mini", answers)
    mini_store.submit("mini", {k: v for k, v in answers.items() if k != "age"})
    table = mini_store.counts("mini", by=("age",))
    assert table["n"].tolist() == [1, 1]
    assert table["age"].isna().tolist() == [False, True]


def test_counts__unknown_column__s011(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.counts("mini", by=("inconnu",))
    assert caught.value.codes == ["S011"]


def test_counts__repeat_field__s011(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.counts("mini", by=("gravite",))
    assert caught.value.codes == ["S011"]


def test_counts__multiple_choice__s015(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.counts("mini", by=("problemes",))
    assert caught.value.codes == ["S015"]
