"""Bring a database schema to the newest Alembic revision, from code (no ``alembic.ini``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from toolkit.errors import Problem, StoreError
from toolkit.store.engine import write_connection
from toolkit.store.keyfile import PiiKey

__all__ = ["MIGRATIONS_DIR", "alembic_config", "head_revisions", "upgrade"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Any constant works: it only has to be the same for every process migrating the database.
_PG_MIGRATION_LOCK = 7_419_203


def alembic_config() -> Config:
    """An Alembic configuration pointing at ``toolkit/store/migrations``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> tuple[str, ...]:
    """The head revision(s) of the migration scripts (one when the chain is linear)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(engine: Engine, key: PiiKey | None = None) -> None:
    """Run ``alembic upgrade heads`` on ``engine`` inside one write transaction.

    ``key`` encrypts the ``pii`` answers that older revisions kept in clear (migration
    ``0009``); it is read only when there are some.

    Concurrent callers wait for each other (SQLite write lock, PostgreSQL advisory lock), so
    that several processes may open a fresh database at once.

    Raises
    ------
    StoreError
        ``S016`` when the database carries a revision these scripts do not know (it was
        migrated by a newer toolkit).
    StoreUnavailableError
        When the database cannot be reached.
    """
    config = alembic_config()
    with write_connection(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        config.attributes["pii_key"] = key if key is not None else PiiKey()
        try:
            command.upgrade(config, "heads")
        except CommandError as error:
            raise StoreError(problems=[Problem("S016", {"detail": str(error)})]) from None
