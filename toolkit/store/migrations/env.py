"""Alembic environment of the store.

Run from code by :func:`toolkit.store.migrate.upgrade`, which passes an open connection in
``config.attributes["connection"]``. Offline (SQL script) mode is not used.
"""

from alembic import context

from toolkit.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: batch mode recreates the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
