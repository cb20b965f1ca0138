from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from toolkit.errors import StoreError
from toolkit.store import connect
from toolkit.store.engine import DEFAULT_SQLITE_PATH, ENV_VAR, resolve_url


def test_resolve_url__nothing_given__sqlite_file_under_data(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    url = resolve_url(None)
    assert url.drivername == "sqlite"
    assert url.database == str(DEFAULT_SQLITE_PATH) == "data/toolkit.sqlite"


def test_resolve_url__environment_variable__used_when_no_argument(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "sqlite:////srv/enquetes.sqlite")
    assert resolve_url(None).database == "/srv/enquetes.sqlite"
    assert resolve_url("sqlite:///autre.sqlite").database == "autre.sqlite"


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u:secret@h:5432/db",
        "postgres://u:secret@h:5432/db",
        "postgresql+psycopg://u:secret@h:5432/db",
    ],
)
def test_resolve_url__postgres_spellings__use_psycopg3(raw):
    url = resolve_url(raw)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.password) == ("h", 5432, "db", "secret")


@pytest.mark.parametrize("raw", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "pas une url"])
def test_resolve_url__unsupported_or_malformed__s012(raw):
    with pytest.raises(StoreError) as caught:
        resolve_url(raw)
    assert caught.value.codes == ["S012"]


def test_resolve_url__error_message__hides_password():
    with pytest.raises(StoreError) as caught:
        resolve_url("mysql://u:secret@h/db")
    assert "secret" not in str(caught.value)


def test_connect__sqlite__durable_settings(sqlite_store):
    with sqlite_store.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,
        "busy_timeout": 10_000,
    }


def test_connect__sqlite_timeout_in_url__sets_busy_timeout(tmp_path):
    store = connect(f"sqlite:///{tmp_path / 'x.sqlite'}?timeout=0.25")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    store.close()


def test_connect__sqlite_missing_folder__created(tmp_path):
    store = connect(f"sqlite:///{tmp_path / 'a' / 'b' / 'toolkit.sqlite'}")
    store.close()
    assert (tmp_path / "a" / "b" / "toolkit.sqlite").is_file()


def test_connect__foreign_keys__enforced(store):
    with (
        pytest.raises(IntegrityError, match=r"(?i)foreign key"),
        store.engine.begin() as connection,
    ):
        connection.execute(
            text(
                "INSERT INTO response_audit (response_id, at, action) "
                "VALUES ('00000000-0000-0000-0000-000000000000', CURRENT_TIMESTAMP, 'voided')"
            )
        )
