"""A database that cannot be reached, or a connection lost mid-write, raises
StoreUnavailableError (the field app then journals the response) and leaves nothing behind."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import create_engine, event, func, select, text

from toolkit.errors import StoreError, StoreUnavailableError
from toolkit.store import connect
from toolkit.store.engine import resolve_url
from toolkit.store.schema import response_audit, responses


def _count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def _fail_on_audit_insert(engine, failure):
    """Make the driver fail when the audit row is written, after the response row."""
    original = engine.dialect.do_execute

    def do_execute(cursor, statement, parameters, context=None):
        if statement.lstrip().upper().startswith("INSERT INTO RESPONSE_AUDIT"):
            raise failure
        return original(cursor, statement, parameters, context)

    return do_execute


def test_connect__sqlite_path_is_a_folder__s006(tmp_path):
    with pytest.raises(StoreUnavailableError) as caught:
        connect(f"sqlite:///{tmp_path}")
    assert caught.value.codes == ["S006"]


def test_connect__postgres_port_closed__s006_without_password():
    with pytest.raises(StoreUnavailableError) as caught:
        connect("postgresql://toolkit:secret@127.0.0.1:9/toolkit")
    assert caught.value.codes == ["S006"]
    assert "secret" not in str(caught.value)


def test_unavailable__is_a_store_error():
    assert issubclass(StoreUnavailableError, StoreError)


def test_submit__sqlite_database_locked__s006_and_nothing_written(tmp_path, mini, answers):
    path = tmp_path / "toolkit.sqlite"
    store = connect(f"sqlite:///{path}?timeout=0.1")
    store.register(mini)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer keeps the database locked
    try:
        with pytest.raises(StoreUnavailableError) as caught:
            store.submit("mini", answers)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.codes == ["S006"]
    assert _count(store, responses) == 0
    store.close()


def test_submit__driver_fails_mid_write__s006_and_nothing_written(mini_store, answers, monkeypatch):
    dialect = mini_store.engine.dialect
    failure = dialect.loaded_dbapi.OperationalError("connexion perdue")
    monkeypatch.setattr(dialect, "do_execute", _fail_on_audit_insert(mini_store.engine, failure))
    with pytest.raises(StoreUnavailableError):
        mini_store.submit("mini", answers)
    monkeypatch.undo()
    assert _count(mini_store, responses) == 0
    assert _count(mini_store, response_audit) == 0


@pytest.mark.postgres
def test_submit__postgres_backend_killed_mid_write__s006_then_recovers(postgres_url, mini, answers):
    store = connect(postgres_url)
    store.register(mini)
    admin = create_engine(
        resolve_url(os.environ["TOOLKIT_TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT"
    )

    def kill_own_backend(conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO RESPONSE_AUDIT"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(store.engine, "before_cursor_execute", kill_own_backend)
    with pytest.raises(StoreUnavailableError) as caught:
        store.submit("mini", answers)
    event.remove(store.engine, "before_cursor_execute", kill_own_backend)
    assert caught.value.codes == ["S006"]
    assert _count(store, responses) == 0
    store.submit("mini", answers)  # the pool replaces the dead connection
    assert _count(store, responses) == 1
    store.close()
    admin.dispose()
