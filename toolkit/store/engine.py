"""Database URLs, engines and the translation of connection failures.

SQLite is tuned so that an acknowledged write survives a crash (WAL journal,
``synchronous=FULL``), foreign keys are enforced, and concurrent writers wait for each
other (``busy_timeout``, write transactions opened with ``BEGIN IMMEDIATE``) instead of
failing. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from toolkit.errors import Problem, StoreError, StoreUnavailableError

__all__ = [
    "DEFAULT_SQLITE_PATH",
    "ENV_VAR",
    "SQLITE_BUSY_TIMEOUT_MS",
    "make_engine",
    "read_connection",
    "resolve_url",
    "unavailable_on_failure",
    "write_connection",
]

#: Environment variable naming the database when no URL is given.
ENV_VAR = "TOOLKIT_DATABASE_URL"
#: Where the embedded database lives by default, relative to the working directory.
DEFAULT_SQLITE_PATH = Path("data") / "toolkit.sqlite"
#: How long an SQLite writer waits for another one before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000

_WRITE_OPTION = "toolkit_write"


def resolve_url(url: str | URL | None = None) -> URL:
    """The database URL to use: ``url``, else ``TOOLKIT_DATABASE_URL``, else the SQLite default.

    ``postgresql://`` and ``postgres://`` are rewritten to the psycopg 3 driver
    (``postgresql+psycopg://``); a relative SQLite path is taken from the working directory.

    Raises
    ------
    StoreError
        ``S012`` when the URL cannot be parsed or names an unsupported database.
    """
    raw = url if url is not None else os.environ.get(ENV_VAR) or None
    if raw is None:
        return URL.create("sqlite", database=str(DEFAULT_SQLITE_PATH))
    try:
        parsed = make_url(raw)
    except (exc.ArgumentError, ValueError) as error:
        raise StoreError(
            problems=[Problem("S012", {"url": str(raw), "detail": str(error)})]
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if backend == "postgresql" and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    raise StoreError(
        problems=[Problem("S012", {"url": _safe(parsed), "detail": parsed.drivername})]
    )


def make_engine(url: URL) -> Engine:
    """Create the engine for ``url`` with the store's connection settings."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # ``?timeout=<seconds>`` in the URL shortens or lengthens the wait for a busy database.
    try:
        raw = url.query.get("timeout", str(SQLITE_BUSY_TIMEOUT_MS / 1000))
        timeout_ms = int(float(raw if isinstance(raw, str) else raw[-1]) * 1000)
    except ValueError:
        raise StoreError(
            problems=[Problem("S012", {"url": _safe(url), "detail": "timeout"})]
        ) from None
    engine = create_engine(url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a deferred transaction that later upgrades to a
        # write lock can fail at once with SQLITE_BUSY instead of waiting its turn.
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextlib.contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one write transaction, committed on success, rolled back on error.

    Connection failures become :class:`~toolkit.errors.StoreUnavailableError`; nothing of the
    transaction is kept.
    """
    with unavailable_on_failure(engine), engine.connect() as connection:
        connection.execution_options(**{_WRITE_OPTION: True})
        with connection.begin():
            yield connection


@contextlib.contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A plain connection (reads); connection failures become ``StoreUnavailableError``."""
    with unavailable_on_failure(engine), engine.connect() as connection:
        yield connection


@contextlib.contextmanager
def unavailable_on_failure(engine: Engine) -> Iterator[None]:
    """Turn "database unreachable / locked / connection lost" into ``StoreUnavailableError``."""
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError) as error:
        raise _unavailable(engine, error) from error
    except exc.DBAPIError as error:
        if error.connection_invalidated:
            raise _unavailable(engine, error) from error
        raise


def _unavailable(engine: Engine, error: exc.DBAPIError) -> StoreUnavailableError:
    detail = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    return StoreUnavailableError(
        problems=[Problem("S006", {"url": _safe(engine.url), "detail": detail})]
    )


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)
