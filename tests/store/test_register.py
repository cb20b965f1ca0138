from __future__ import annotations

import pytest
from sqlalchemy import func, select

from toolkit.errors import StoreError
from toolkit.instruments import content_hash, loads
from toolkit.store.schema import instrument_versions

V1 = """
id: court
version: "1"
title: {fr: Court, en: Short}
questions:
  - {name: note, type: integer}
"""
V2 = V1.replace('version: "1"', 'version: "2"') + "  - {name: avis, type: text}\n"


def _versions(store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(instrument_versions)).scalar()


def test_register__twice__one_version_row_and_same_hash(store, mini):
    first = store.register(mini)
    second = store.register(mini)
    assert first == second == content_hash(mini)
    assert _versions(store) == 1


def test_instrument__two_versions__latest_by_default_and_each_on_request(store):
    v1, v2 = loads(V1), loads(V2)
    hash1 = store.register(v1)
    store.register(v2)
    assert store.instrument("court") == v2
    assert store.instrument("court", version="1") == v1
    assert store.instrument("court", version=hash1) == v1


def test_instrument__stored_definition__rebuilds_an_equal_instrument(store, mini):
    store.register(mini)
    fresh = type(store)(store.engine)  # no cache: read back from the database
    assert fresh.instrument("mini") == mini
    assert content_hash(fresh.instrument("mini")) == content_hash(mini)


def test_instrument__unknown_id__s001(store):
    with pytest.raises(StoreError) as caught:
        store.instrument("inconnu")
    assert caught.value.codes == ["S001"]


def test_instrument__unknown_version__s002_lists_known(store):
    store.register(loads(V1))
    with pytest.raises(StoreError) as caught:
        store.instrument("court", version="7")
    assert caught.value.codes == ["S002"]
    assert caught.value.problems[0].params["known"] == "1"


def test_instruments__counts_per_status(store, mini, answers):
    store.register(loads(V1))
    store.register(mini)
    store.submit("mini", answers)
    store.submit("mini", answers)
    store.save_draft("mini", {}, response_id="5b0d3c39-6f5e-4b8e-9f0e-2a51c2b4f1aa")
    table = store.instruments()
    assert list(table.columns) == [
        "id",
        "version",
        "title",
        "n_submitted",
        "n_draft",
        "last_submitted_at",
    ]
    assert table["id"].tolist() == ["court", "mini"]
    mini_row = table.set_index("id").loc["mini"]
    assert (mini_row["n_submitted"], mini_row["n_draft"]) == (2, 0 + 1)
    assert mini_row["title"] == "Mini questionnaire"
    assert str(table["last_submitted_at"].dtype) == "datetime64[us, UTC]"
    assert table.set_index("id").loc["court", "n_submitted"] == 0
