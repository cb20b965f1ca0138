"""toolkit backup / restore: every response back identical, even when backed up mid-collection."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import postgres_base_url
from toolkit.cli import main
from toolkit.errors import StoreError
from toolkit.store import connect
from toolkit.store.backup import backup, find_pg_tool, restore


@pytest.fixture
def other_url(db_url: str, tmp_path) -> Iterator[str]:
    """A second empty database on the same engine as ``db_url`` (the restore target)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'toolkit.sqlite'}"
        return
    base = postgres_base_url()
    name = f"toolkit_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _everything(store) -> dict:
    """Every response (pii included) with its audit trail, and the privacy log."""
    held = {}
    for instrument_id in store.instruments()["id"]:
        frame = store.frame(instrument_id, include_pii=True)
        held[instrument_id] = frame.sort_values("response_id").reset_index(drop=True)
    with store.engine.connect() as conn:
        ids = sorted(conn.execute(text("SELECT response_id FROM responses")).scalars())
    for response_id in ids:
        response = dataclasses.asdict(store.get(response_id, include_pii=True))
        trail = store.audit(response_id).drop(columns=["at"]).to_dict("records")
        held[response_id] = (response, trail)
    held["log"] = store.privacy_log().drop(columns=["at"]).to_dict("records")
    return held


def _assert_same(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for key, value in left.items():
        if hasattr(value, "equals"):
            assert value.equals(right[key]), key
        else:
            assert value == right[key], key


def _fill(store, mini, answers) -> None:
    store.register(mini)
    ids = [store.submit("mini", {**answers, "nom": f"Personne {n}"}) for n in range(12)]
    store.correct(ids[0], {**answers, "age": 40}, by="coord", reason="âge")
    store.void(ids[1], reason="doublon", by="coord")
    store.save_draft("mini", {"quartier": "sud", "nom": "Brouillon"}, response_id=str(uuid.uuid4()))
    store.erase([ids[2]], by="dpo")


def test_backup_restore__every_response_back_identical(db_url, other_url, tmp_path, mini, answers):
    store = connect(db_url)
    _fill(store, mini, answers)
    report = backup(tmp_path / "copie.bak", db_url)
    assert report.size > 0
    restore(report.path, other_url)
    restored = connect(other_url)
    _assert_same(_everything(store), _everything(restored))
    restored.close()
    store.close()


def test_backup__while_another_thread_submits__consistent_copy(
    db_url, other_url, tmp_path, mini, answers
):
    store = connect(db_url)
    store.register(mini)
    store.submit("mini", answers)
    stop = threading.Event()
    written: list[str] = []

    def collect() -> None:
        while not stop.is_set() and len(written) < 400:
            written.append(store.submit("mini", {**answers, "nom": f"N{len(written)}"}))

    writer = threading.Thread(target=collect)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        before = len(written)
        backup(tmp_path / "pendant.bak", db_url)
    finally:
        stop.set()
        writer.join()
    restore(tmp_path / "pendant.bak", other_url)
    restored = connect(other_url)
    copy = restored.frame("mini", include_pii=True).set_index("response_id")
    final = store.frame("mini", include_pii=True).set_index("response_id")
    assert before + 1 <= len(copy) <= len(final)
    assert set(copy.index) <= set(final.index)
    assert copy.equals(final.loc[copy.index])
    restored.close()
    store.close()


def test_restore__target_holds_data__b005_unless_replace(
    db_url, other_url, tmp_path, mini, answers
):
    source = connect(db_url)
    _fill(source, mini, answers)
    backup(tmp_path / "a.bak", db_url)
    target = connect(other_url)
    target.register(mini)
    target.submit("mini", answers)
    target.close()
    with pytest.raises(StoreError) as caught:
        restore(tmp_path / "a.bak", other_url)
    assert caught.value.codes == ["V005"]
    restore(tmp_path / "a.bak", other_url, replace=True)
    restored = connect(other_url)
    _assert_same(_everything(source), _everything(restored))
    restored.close()
    source.close()


def test_restore__not_a_backup__b004(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("pas une sauvegarde")
    with pytest.raises(StoreError) as caught:
        restore(junk, f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert caught.value.codes == ["V004"]


def test_restore__sqlite_backup_into_postgres__b003(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    connect(url).close()
    backup(tmp_path / "a.bak", url)
    with pytest.raises(StoreError) as caught:
        restore(tmp_path / "a.bak", "postgresql://nobody@127.0.0.1:1/none")
    assert caught.value.codes == ["V003"]


def test_backup__in_memory_database__b006(tmp_path):
    with pytest.raises(StoreError) as caught:
        backup(tmp_path / "m.bak", "sqlite://")
    assert caught.value.codes == ["V006"]


def test_find_pg_tool__debian_layout__found():
    assert find_pg_tool("pg_dump").endswith("pg_dump")


def test_cli_backup_restore__round_trip(tmp_path, mini, answers, capsys):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = connect(url)
    store.register(mini)
    store.submit("mini", answers)
    store.close()
    assert main(["backup", str(tmp_path / "a.bak"), "--db", url]) == 0
    assert "clé" in capsys.readouterr().out
    other = f"sqlite:///{tmp_path / 'b.sqlite'}"
    assert main(["restore", str(tmp_path / "a.bak"), "--db", other]) == 0
    assert "1 réponse envoyée" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "a.bak"), "--db", other]) == 1
    assert "V005" in capsys.readouterr().err
