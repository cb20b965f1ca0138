from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from toolkit.demo.synthetic import synthetic_answers
from toolkit.errors import StoreError
from toolkit.i18n import use_language
from toolkit.instruments import loads
from toolkit.store.columns import field_columns
from toolkit.store.frame import METADATA_COLUMNS

EXPECTED_DTYPES = {
    "response_id": "string",
    "instrument_version": "string",
    "collector": "string",
    "team": "string",
    "sector": "string",
    "wave": "category",
    "started_at": "datetime64[us, UTC]",
    "submitted_at": "datetime64[us, UTC]",
    "quartier": "category",
    "securite": "category",
    "securite__missing": "category",
    "cadre_bruit": "category",
    "cadre_bruit__missing": "category",
    "cadre_proprete": "category",
    "cadre_proprete__missing": "category",
    "problemes/bruit": "boolean",
    "problemes/proprete": "boolean",
    "problemes/rassemblements": "boolean",
    "age": "Int64",
    "loyer": "float64",
    "commentaire": "string",
    "jour": "datetime64[us]",
    "heure": "string",
    "moment": "datetime64[us, UTC]",
    "lieu_latitude": "float64",
    "lieu_longitude": "float64",
    "lieu_altitude": "float64",
    "lieu_accuracy": "float64",
    "accord_rgpd": "boolean",
    "detail_bruit": "string",
    "double_age": "Int64",
}


def test_frame__columns_and_dtypes__follow_contract(mini_store, answers):
    mini_store.submit("mini", answers)
    frame = mini_store.frame("mini")
    assert {c: str(t) for c, t in frame.dtypes.items()} == EXPECTED_DTYPES
    assert tuple(frame.columns[: len(METADATA_COLUMNS)]) == METADATA_COLUMNS


def test_frame__no_response__same_columns_zero_rows(mini_store):
    frame = mini_store.frame("mini")
    assert len(frame) == 0
    assert {c: str(t) for c, t in frame.dtypes.items()} == EXPECTED_DTYPES


def test_frame__values__decoded_per_type(mini_store, answers):
    response_id = mini_store.submit("mini", answers, collector="agent-7", wave="w1")
    row = mini_store.frame("mini").iloc[0]
    assert row["response_id"] == response_id
    assert (row["collector"], row["sector"], row["wave"]) == ("agent-7", "nord", "w1")
    assert row["quartier"] == "nord"
    assert row["securite"] == 2
    assert pd.isna(row["securite__missing"])
    assert pd.isna(row["cadre_bruit"])
    assert row["cadre_bruit__missing"] == "nsp"
    assert row["cadre_proprete"] == 4
    assert (row["problemes/bruit"], row["problemes/proprete"], row["problemes/rassemblements"]) == (
        True,
        False,
        True,
    )
    assert (row["age"], row["loyer"], row["double_age"]) == (34, 512.5, 68)
    assert row["jour"] == pd.Timestamp("2026-11-02")
    assert row["moment"] == pd.Timestamp("2026-11-02T17:30:00Z")
    assert row["heure"] == "18:30"
    assert (row["lieu_latitude"], row["lieu_longitude"], row["lieu_accuracy"]) == (
        48.85,
        2.35,
        12.0,
    )
    assert math.isnan(row["lieu_altitude"])
    assert row["accord_rgpd"] is True or row["accord_rgpd"] == True  # noqa: E712 (numpy bool)


def test_frame__unanswered__missing_in_every_type(mini_store):
    mini_store.submit("mini", {"quartier": "sud", "securite": "refus"})
    row = mini_store.frame("mini").iloc[0]
    assert row["securite__missing"] == "refus"
    for column in (
        "cadre_bruit",
        "problemes/bruit",
        "age",
        "loyer",
        "commentaire",
        "jour",
        "moment",
        "lieu_latitude",
        "accord_rgpd",
        "double_age",
        "cadre_bruit__missing",
    ):
        assert pd.isna(row[column]), column


def test_frame__likert__ordered_int_categories_substantive_only(mini_store, answers):
    mini_store.submit("mini", answers)
    frame = mini_store.frame("mini")
    assert frame["securite"].cat.ordered
    assert frame["securite"].cat.categories.tolist() == [1, 2, 3, 4]
    assert frame["securite__missing"].cat.categories.tolist() == ["nsp", "refus"]
    assert not frame["quartier"].cat.ordered
    assert frame["quartier"].cat.categories.tolist() == ["nord", "sud"]


def test_frame__labels__categories_in_current_language(mini_store, answers):
    mini_store.submit("mini", answers)
    with use_language("en"):
        frame = mini_store.frame("mini", labels=True)
    assert frame["quartier"].cat.categories.tolist() == ["North", "South"]
    assert frame["securite"].iloc[0] == "Rather not"
    assert frame["cadre_bruit__missing"].iloc[0] == "Don't know"


def test_frame__pii__dropped_unless_asked(mini_store, answers):
    mini_store.submit("mini", answers)
    assert "nom" not in mini_store.frame("mini").columns
    assert mini_store.frame("mini", include_pii=True)["nom"].tolist() == ["Camille Martin"]


def test_frame__repeat_fields__not_in_main_frame(mini_store, answers):
    mini_store.submit("mini", answers)
    columns = mini_store.frame("mini").columns
    assert not {"points", "point_type", "gravite"} & set(columns)


def test_field_columns__multiple_choice_empty_list__all_false_not_na(mini):
    columns = field_columns(
        mini, mini.question("problemes"), [[], None, ["proprete"]], labels=False
    )
    assert [columns[f"problemes/{v}"].tolist() for v in ("bruit", "proprete")] == [
        [False, pd.NA, False],
        [False, pd.NA, True],
    ]


def test_frame__wave__filters_rows(mini_store, answers):
    mini_store.submit("mini", answers, wave="w1")
    mini_store.submit("mini", answers, wave="w2")
    mini_store.submit("mini", answers, wave="w2")
    assert mini_store.frame("mini", wave="w2")["wave"].tolist() == ["w2", "w2"]
    assert len(mini_store.frame("mini", wave=["w1", "w2"])) == 3


def test_frame__rows__in_submission_order(mini_store, answers):
    ids = [mini_store.submit("mini", {**answers, "age": age}) for age in (20, 30, 40)]
    frame = mini_store.frame("mini")
    assert frame["response_id"].tolist() == ids
    assert frame["age"].tolist() == [20, 30, 40]


def test_frame__two_versions__each_row_keeps_its_version(store):
    v1 = loads(
        "id: court\nversion: '1'\ntitle: Court\nquestions:\n  - {name: note, type: integer}\n"
    )
    v2 = loads(
        "id: court\nversion: '2'\ntitle: Court\nquestions:\n  - {name: note, type: integer}\n"
        "  - {name: avis, type: text}\n"
    )
    store.register(v1)
    store.submit("court", {"note": 1})
    store.register(v2)
    store.submit("court", {"note": 2, "avis": "bien"})
    frame = store.frame("court")
    assert frame["instrument_version"].tolist() == ["1", "2"]
    assert frame["avis"].tolist()[1] == "bien"
    assert pd.isna(frame["avis"].iloc[0])


def test_frame__question_named_like_metadata__suffixed(store):
    store.register(
        loads("id: m\nversion: '1'\ntitle: M\nquestions:\n  - {name: wave, type: text}\n")
    )
    store.submit("m", {"wave": "réponse"}, wave="w1")
    row = store.frame("m").iloc[0]
    assert (row["wave"], row["wave__answer"]) == ("w1", "réponse")


def test_frame__unknown_instrument__s001(store):
    with pytest.raises(StoreError) as caught:
        store.frame("inconnu")
    assert caught.value.codes == ["S001"]


def test_repeat_frame__one_row_per_entry(mini_store, answers):
    first = mini_store.submit("mini", answers)
    second = mini_store.submit("mini", {**answers, "points": [{"point_type": "rassemblements"}]})
    mini_store.submit("mini", {key: v for key, v in answers.items() if key != "points"})
    table = mini_store.repeat_frame("mini", "points")
    assert list(table.columns) == ["response_id", "index", "point_type", "gravite"]
    assert table["response_id"].tolist() == [first, first, second]
    assert table["index"].tolist() == [0, 1, 0]
    assert table["point_type"].tolist() == ["bruit", "proprete", "rassemblements"]
    assert str(table["point_type"].dtype) == "category"
    assert table["gravite"].tolist()[0] == 3
    assert str(table["gravite"].dtype) == "Int64"


def test_repeat_frame__not_a_repeat__s010(mini_store):
    with pytest.raises(StoreError) as caught:
        mini_store.repeat_frame("mini", "age")
    assert caught.value.codes == ["S010"]
    assert caught.value.problems[0].params["known"] == "points"


def test_frame__waves__ordered_by_when_fieldwork_began(sqlite_store, barometre) -> None:
    sqlite_store.register(barometre)
    rng = np.random.default_rng(5)
    starts = {
        "2025-printemps": dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
        "2025-automne": dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
    }
    for wave in ("2025-automne", "2025-printemps"):
        sqlite_store.submit(
            "barometre_ambiance",
            synthetic_answers(barometre, rng),
            wave=wave,
            started_at=starts[wave],
        )
    frame = sqlite_store.frame("barometre_ambiance")
    assert list(frame["wave"].cat.categories) == ["2025-printemps", "2025-automne"]
    assert frame["wave"].cat.ordered
