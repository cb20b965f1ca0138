"""Changing the pii key: every answer re-encrypted at once, the key file replaced safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from toolkit.cli import main
from toolkit.errors import StoreError
from toolkit.store import PiiKey, Store, connect, create_key, rotate_key
from toolkit.store import rotation as rotation_module
from toolkit.store.backup import backup, restore
from toolkit.store.pii_tables import pii_answers

from .test_backup import other_url  # noqa: F401  (the restore target fixture)

AT = dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC)


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    """A key file of the test's own: a rotation must never touch the run's shared key."""
    return create_key(tmp_path / "keys" / "pii.key")[0]


@pytest.fixture
def filled(db_url: str, key_path: Path, mini, answers) -> Iterator[tuple[Store, list[str]]]:
    """A store on ``db_url`` with five responses holding a pii answer, and their ids."""
    store = connect(db_url, key_file=key_path)
    store.register(mini)
    ids = [store.submit("mini", {**answers, "nom": f"Personne {n}"}) for n in range(5)]
    yield store, ids
    store.close()


def _tokens(store: Store) -> dict[str, tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(pii_answers.c.response_id, pii_answers.c.key_id, pii_answers.c.token)
        )
        return {row.response_id: (row.key_id, row.token) for row in rows}


def _names(store: Store, ids: list[str]) -> list[object]:
    return [store.get(i, include_pii=True).answers["nom"] for i in ids]


def _kept_files(key_path: Path) -> list[str]:
    return sorted(p.name for p in key_path.parent.iterdir())


def test_rotate_key__store_with_pii__readable_with_new_key_only(filled, key_path, db_url):
    store, ids = filled
    before = _tokens(store)
    old_raw = key_path.read_bytes()

    done = rotate_key(store, now=AT)

    assert done.count == 5
    assert _names(store, ids) == [f"Personne {n}" for n in range(5)]
    after = _tokens(store)
    assert {key_id for key_id, _ in after.values()} == {done.new_key_id}
    assert all(after[i][1] != before[i][1] for i in ids)
    assert done.old_key_id == PiiKey(done.old_path).key_id != done.new_key_id
    assert done.old_path.read_bytes() == old_raw
    assert (
        oct(key_path.stat().st_mode & 0o777) == oct(done.old_path.stat().st_mode & 0o777) == "0o600"
    )
    assert _kept_files(key_path) == ["pii.key", "pii.key.20261201T210000Z.old"]
    reopened = connect(db_url, key_file=key_path)
    assert _names(reopened, ids[:1]) == ["Personne 0"]
    reopened.close()
    with_old = connect(db_url, key_file=done.old_path)
    with pytest.raises(StoreError) as caught:
        with_old.get(ids[0], include_pii=True)
    assert caught.value.codes == ["P003"]
    with_old.close()


def test_rotate_key__new_response_after__written_with_new_key(filled, mini, answers):
    store, _ = filled
    done = rotate_key(store, now=AT)
    later = store.submit("mini", {**answers, "nom": "Après"})
    assert _tokens(store)[later][0] == done.new_key_id
    assert _names(store, [later]) == ["Après"]


def test_rotate_key__corrupted_token__nothing_changed_p004(filled, key_path):
    store, ids = filled
    with store.engine.begin() as conn:
        conn.execute(
            update(pii_answers)
            .where(pii_answers.c.response_id == ids[2])
            .values(token="gAAAAabîmé")
        )
    before = _tokens(store)
    old_raw = key_path.read_bytes()

    with pytest.raises(StoreError) as caught:
        rotate_key(store, now=AT)

    assert caught.value.codes == ["P004"]
    message = str(caught.value)
    assert "1 réponse chiffrée ne peut pas être lue (sur 5)" in message
    assert str(key_path) in message
    assert _tokens(store) == before
    assert key_path.read_bytes() == old_raw
    assert _kept_files(key_path) == ["pii.key"]
    assert _names(store, ids[:2]) == ["Personne 0", "Personne 1"]


def test_rotate_key__crash_before_commit__old_key_still_reads(filled, key_path, monkeypatch):
    store, ids = filled
    before = _tokens(store)

    def crash_at_commit(engine, work):
        with store.engine.connect() as conn:
            transaction = conn.begin()
            work(conn)
            transaction.rollback()
        raise OSError("disque plein au moment du commit")

    monkeypatch.setattr(rotation_module, "run", crash_at_commit)
    with pytest.raises(OSError):
        rotate_key(store, now=AT)

    assert _tokens(store) == before
    assert _kept_files(key_path) == ["pii.key"]
    reopened = connect(store.engine.url, key_file=key_path)
    assert _names(reopened, ids[:1]) == ["Personne 0"]
    reopened.close()


def test_rotate_key__error_after_commit__rotation_completed(filled, key_path, monkeypatch):
    store, ids = filled
    real_run = rotation_module.run

    def lost_after_commit(engine, work):
        real_run(engine, work)
        raise OSError("connexion perdue juste après le commit")

    monkeypatch.setattr(rotation_module, "run", lost_after_commit)
    done = rotate_key(store, now=AT)

    assert done.count == 5
    assert _kept_files(key_path) == ["pii.key", "pii.key.20261201T210000Z.old"]
    assert PiiKey(key_path).key_id == done.new_key_id
    assert _names(store, ids) == [f"Personne {n}" for n in range(5)]


def test_rotate_key__crash_after_commit_before_rename__p005_names_new_file(
    filled, key_path, monkeypatch
):
    store, ids = filled

    def crash(_new, _target):
        raise OSError("coupure de courant")

    monkeypatch.setattr(rotation_module, "_switch", crash)
    with pytest.raises(OSError):
        rotate_key(store, now=AT)

    new_file = key_path.with_name("pii.key.20261201T210000Z.new")
    assert _kept_files(key_path) == ["pii.key", new_file.name, "pii.key.20261201T210000Z.old"]
    stale = connect(store.engine.url, key_file=key_path)
    with pytest.raises(StoreError) as caught:
        stale.get(ids[0], include_pii=True)
    assert caught.value.codes == ["P005"]
    assert str(new_file) in str(caught.value)
    stale.close()
    recovered = connect(store.engine.url, key_file=new_file)
    assert _names(recovered, ids) == [f"Personne {n}" for n in range(5)]
    recovered.close()


def test_rotate_key__no_key_file__p001_and_nothing_written(tmp_path, db_url):
    store = connect(db_url, key_file=tmp_path / "absent" / "pii.key")
    with pytest.raises(StoreError) as caught:
        rotate_key(store)
    assert caught.value.codes == ["P001"]
    assert not (tmp_path / "absent").exists()
    store.close()


def test_backup__after_rotation__restores_with_new_key(
    filled,
    db_url,
    key_path,
    other_url,  # noqa: F811
    tmp_path,
):
    store, ids = filled
    backup(tmp_path / "avant.bak", db_url)
    done = rotate_key(store, now=AT)
    backup(tmp_path / "apres.bak", db_url)

    restore(tmp_path / "apres.bak", other_url)
    restored = connect(other_url, key_file=key_path)
    assert _names(restored, ids) == [f"Personne {n}" for n in range(5)]
    restored.close()

    restore(tmp_path / "avant.bak", other_url, replace=True)
    old_backup = connect(other_url, key_file=key_path)
    with pytest.raises(StoreError) as caught:
        old_backup.get(ids[0], include_pii=True)
    assert caught.value.codes == ["P005"]
    assert str(done.old_path) in str(caught.value)
    old_backup.close()
    with_old_key = connect(other_url, key_file=done.old_path)
    assert _names(with_old_key, ids) == [f"Personne {n}" for n in range(5)]
    with_old_key.close()


def test_cli_privacy_key__rotate__re_encrypts_and_says_keep_old(filled, key_path, db_url, capsys):
    _store, ids = filled
    old_id = PiiKey(key_path).key_id
    argv = ["privacy", "cle", "--rotate", "--db", db_url, "--key-file", str(key_path)]

    assert main(argv) == 0

    printed = capsys.readouterr().out
    assert "5 réponses rechiffrées" in printed
    assert "sauvegardes faites avant ce changement" in printed
    (old_file,) = key_path.parent.glob("pii.key.*.old")
    assert str(old_file) in printed
    assert PiiKey(old_file).key_id == old_id != PiiKey(key_path).key_id
    reopened = connect(db_url, key_file=key_path)
    assert _names(reopened, ids[-1:]) == ["Personne 4"]
    reopened.close()


def test_cli_privacy_key__rotate_bad_token__exit_1_p004(filled, key_path, db_url, capsys):
    store, _ids = filled
    with store.engine.begin() as conn:
        conn.execute(update(pii_answers).values(token="abîmé"))
    old_raw = key_path.read_bytes()
    argv = ["privacy", "key", "--rotate", "--db", db_url, "--key-file", str(key_path)]

    assert main(argv) == 1

    error = capsys.readouterr().err
    assert "P004" in error
    assert "5 réponses chiffrées ne peuvent pas être lues" in error
    assert key_path.read_bytes() == old_raw
    assert _kept_files(key_path) == ["pii.key"]
