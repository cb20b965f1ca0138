"""pii answers: kept apart, encrypted, read only on request, gone when voided or erased."""

from __future__ import annotations

import json
import uuid

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from toolkit.errors import ConflictError, StoreError
from toolkit.instruments import content_hash, instrument_to_dict, loads
from toolkit.store import PiiKey, connect, create_key
from toolkit.store.migrate import alembic_config
from toolkit.store.pii import merge, split
from toolkit.store.pii_tables import pii_answers, privacy_log
from toolkit.store.schema import response_audit, responses

NAME = "Camille Martin"

WITH_REPEAT = """
id: visite
version: "1"
title: Visite
questions:
  - {name: lieu, type: text}
  - {name: telephone, type: text, pii: true}
  - {name: nb, type: integer}
  - name: personnes
    type: repeat
    repeat_count: ${nb}
    questions:
      - {name: prenom, type: text, pii: true}
      - {name: age, type: integer}
"""


def _raw(store, table, column) -> str:
    with store.engine.connect() as conn:
        return " ".join(str(v) for v in conn.execute(select(table.c[column])).scalars())


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_submit__pii_answer__stored_encrypted_apart(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    assert NAME not in _raw(mini_store, responses, "answers")
    assert NAME not in _raw(mini_store, pii_answers, "token")
    assert _count(mini_store, pii_answers) == 1
    assert "nom" not in mini_store.get(response_id).answers
    assert mini_store.get(response_id, include_pii=True).answers["nom"] == NAME


def test_frame__pii__only_when_asked(mini_store, answers):
    mini_store.submit("mini", answers)
    assert "nom" not in mini_store.frame("mini").columns
    assert list(mini_store.frame("mini", include_pii=True)["nom"]) == [NAME]


def test_audit__submit_and_correct__never_receives_pii(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    mini_store.correct(response_id, {**answers, "nom": "Alex Durand"}, by="coord")
    trail = _raw(mini_store, response_audit, "old_answers") + _raw(
        mini_store, response_audit, "new_answers"
    )
    assert NAME not in trail
    assert "Alex Durand" not in trail
    assert mini_store.get(response_id, include_pii=True).answers["nom"] == "Alex Durand"
    assert list(mini_store.audit(response_id)["action"]) == ["submitted", "corrected"]


def test_correct__from_response_read_without_pii__pii_kept(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    corrected = dict(mini_store.get(response_id).answers) | {"age": 41}
    mini_store.correct(response_id, corrected, by="coord")
    stored = mini_store.get(response_id, include_pii=True).answers
    assert (stored["nom"], stored["age"]) == (NAME, 41)


def test_correct__pii_given_as_none__cleared(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    mini_store.correct(response_id, answers | {"nom": None}, by="coord")
    assert "nom" not in mini_store.get(response_id, include_pii=True).answers
    assert _count(mini_store, pii_answers) == 0


def test_correct__repeat_entries_without_pii__each_keeps_its_own(db_url):
    store = connect(db_url)
    store.register(loads(WITH_REPEAT))
    answers = {
        "lieu": "gare",
        "nb": 2,
        "personnes": [{"prenom": "Inès", "age": 30}, {"prenom": "Yanis", "age": 12}],
    }
    response_id = store.submit("visite", answers)
    corrected = dict(store.get(response_id).answers)
    corrected["personnes"] = [{"age": 31}, {"age": 12}]
    store.correct(response_id, corrected, by="coord")
    entries = store.get(response_id, include_pii=True).answers["personnes"]
    assert entries == [{"prenom": "Inès", "age": 31}, {"prenom": "Yanis", "age": 12}]
    store.close()


def test_void__response_with_pii__pii_deleted(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    mini_store.void(response_id, reason="doublon", by="coord")
    assert _count(mini_store, pii_answers) == 0
    assert "nom" not in mini_store.get(response_id, include_pii=True).answers


def test_draft__pii__encrypted_and_resumed_on_request(mini_store):
    response_id = str(uuid.uuid4())
    mini_store.save_draft("mini", {"quartier": "nord", "nom": NAME}, response_id=response_id)
    assert NAME not in _raw(mini_store, responses, "answers")
    assert NAME not in _raw(mini_store, response_audit, "new_answers")
    assert "nom" not in mini_store.drafts("mini")[0].answers
    assert mini_store.drafts("mini", include_pii=True)[0].answers["nom"] == NAME
    assert mini_store.discard_draft(response_id)
    assert _count(mini_store, pii_answers) == 0


def test_submit__same_id_same_pii__idempotent(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    assert mini_store.submit("mini", answers, response_id=response_id) == response_id
    assert _count(mini_store, pii_answers) == 1


def test_submit__same_id_other_pii__conflict_s005(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    with pytest.raises(ConflictError) as caught:
        mini_store.submit("mini", {**answers, "nom": "Autre"}, response_id=response_id)
    assert caught.value.codes == ["S005"]


def test_repeat__pii_items__split_per_entry_and_merged_back(db_url):
    instrument = loads(WITH_REPEAT)
    store = connect(db_url)
    store.register(instrument)
    answers = {
        "lieu": "gare",
        "telephone": "0601020304",
        "nb": 2,
        "personnes": [{"prenom": "Inès", "age": 30}, {"prenom": "Yanis", "age": 12}],
    }
    response_id = store.submit("visite", answers)
    assert "Inès" not in _raw(store, responses, "answers")
    stored = store.get(response_id)
    assert stored.answers["personnes"] == [{"age": 30}, {"age": 12}]
    assert store.get(response_id, include_pii=True).answers == answers
    entries = store.repeat_frame("visite", "personnes", include_pii=True)
    assert list(entries["prenom"]) == ["Inès", "Yanis"]
    assert "prenom" not in store.repeat_frame("visite", "personnes").columns
    store.close()


def test_submit__key_file_missing__p001_and_nothing_written(tmp_path, mini, answers):
    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}", key_file=tmp_path / "absent.key")
    store.register(mini)
    with pytest.raises(StoreError) as caught:
        store.submit("mini", answers)
    assert caught.value.codes == ["P001"]
    assert _count(store, responses) == 0
    without = {k: v for k, v in answers.items() if k != "nom"}
    store.submit("mini", without)
    assert len(store.frame("mini")) == 1
    store.close()


def test_read__other_key__p003(tmp_path, mini, answers):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first, _ = create_key(tmp_path / "a.key")
    other, _ = create_key(tmp_path / "b.key")
    store = connect(url, key_file=first)
    store.register(mini)
    response_id = store.submit("mini", answers)
    store.close()
    store = connect(url, key_file=other)
    assert "nom" not in store.get(response_id).answers
    with pytest.raises(StoreError) as caught:
        store.get(response_id, include_pii=True)
    assert caught.value.codes == ["P003"]
    store.close()


def test_key_file__not_a_key__p002(tmp_path):
    path = tmp_path / "bad.key"
    path.write_text("not a key\n")
    with pytest.raises(StoreError) as caught:
        PiiKey(path).encrypt({"a": 1})
    assert caught.value.codes == ["P002"]


def test_create_key__existing_file__kept_and_owner_only(tmp_path):
    path, created = create_key(tmp_path / "k" / "pii.key")
    content = path.read_bytes()
    assert created
    assert path.stat().st_mode & 0o077 == 0
    again, created_again = create_key(path)
    assert again == path
    assert not created_again
    assert path.read_bytes() == content


def test_erase__response__data_gone_log_keeps_who_and_when(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    kept = mini_store.submit("mini", {**answers, "nom": "Autre"})
    assert mini_store.erase([response_id], by="dpo", reason="demande du 2 déc.") == 1
    erased = mini_store.get(response_id, include_pii=True)
    assert erased.status == "voided"
    assert erased.answers == {}
    assert mini_store.audit(response_id).empty
    assert list(mini_store.frame("mini")["response_id"]) == [kept]
    log = mini_store.privacy_log()
    assert list(log[["by", "action", "instrument_id", "n_responses"]].itertuples(index=False)) == [
        ("dpo", "erasure", "mini", 1)
    ]
    assert log["at"].notna().all()
    assert response_id not in " ".join(str(v) for v in log.to_numpy().ravel())
    assert mini_store.erase([response_id], by="dpo") == 0


def test_erase__unknown_response__s003_nothing_erased(mini_store, answers):
    response_id = mini_store.submit("mini", answers)
    with pytest.raises(StoreError) as caught:
        mini_store.erase([response_id, str(uuid.uuid4())], by="dpo")
    assert caught.value.codes == ["S003"]
    assert mini_store.get(response_id, include_pii=True).answers["nom"] == NAME


def _at_0005_with_clear_pii(url: str, mini, answers) -> str:
    """A database left by a toolkit before 0009: pii answers in clear, in the audit too."""
    store = connect(url)
    store.close()
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    response_id = str(uuid.uuid4())
    definition = json.dumps(instrument_to_dict(mini), ensure_ascii=False, sort_keys=True)
    encoded = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO instrument_versions (instrument_id, version, content_hash, title,"
                " definition, registered_at) VALUES ('mini', '1', :h, 'Mini', :d, :t)"
            ),
            {"h": content_hash(mini), "d": definition, "t": "2026-01-01 00:00:00+00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO responses (response_id, instrument_id, content_hash, status,"
                " submitted_at, updated_at, answers) VALUES (:r, 'mini', :h, 'submitted',"
                " :t, :t, :a)"
            ),
            {
                "r": response_id,
                "h": content_hash(mini),
                "t": "2026-01-02 00:00:00+00:00",
                "a": encoded,
            },
        )
        conn.execute(
            text(
                "INSERT INTO response_audit (response_id, at, action, new_answers)"
                " VALUES (:r, :t, 'submitted', :a)"
            ),
            {"r": response_id, "t": "2026-01-02 00:00:00+00:00", "a": encoded},
        )
    store.engine.dispose()
    return response_id


def test_migration_0009__clear_pii__moved_encrypted_and_audit_cleaned(db_url, mini, answers):
    response_id = _at_0005_with_clear_pii(db_url, mini, answers)
    store = connect(db_url)
    assert NAME not in _raw(store, responses, "answers")
    assert NAME not in _raw(store, response_audit, "new_answers")
    assert store.get(response_id, include_pii=True).answers == answers
    store.close()


def test_migration_0009__clear_pii_and_no_key__p001_database_unchanged(tmp_path, mini, answers):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    _at_0005_with_clear_pii(url, mini, answers)
    with pytest.raises(StoreError) as caught:
        connect(url, key_file=tmp_path / "absent.key")
    assert caught.value.codes == ["P001"]
    store = connect(url, key_file=create_key(tmp_path / "new.key")[0])
    assert _count(store, pii_answers) == 1
    assert _count(store, privacy_log) == 0
    store.close()


_WITH_REPEAT = loads(WITH_REPEAT)
_values = st.one_of(st.none(), st.integers(), st.text(max_size=5))


@settings(deadline=None)
@given(
    telephone=_values,
    lieu=_values,
    entries=st.lists(
        st.one_of(
            st.fixed_dictionaries({}, optional={"prenom": _values, "age": _values}), st.integers()
        ),
        max_size=4,
    ),
)
def test_split_merge__any_answers__round_trip(telephone, lieu, entries):
    instrument = _WITH_REPEAT
    answers = {"telephone": telephone, "lieu": lieu, "personnes": entries}
    clear, secret = split(instrument, answers)
    assert "telephone" not in clear
    assert all("prenom" not in e for e in clear["personnes"] if isinstance(e, dict))
    assert merge(clear, secret) == answers
