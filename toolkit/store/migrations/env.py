"""Alembic environment of the store.

Run from code by :func:`toolkit.store.migrate.upgrade`, which passes an open connection in
``config.attributes["connection"]``. Offline (SQL script) mode is not used.
"""

from alembic import context
from sqlalchemy import Connection

from toolkit.store.schema import metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic's context exists only while Alembic runs this file; a plain import (doctest
# collection, for instance) has nothing to do.
_config = getattr(context, "config", None)
if _config is not None:
    run_migrations(_config.attributes["connection"])
