"""The follow-up tables as migrations 0005 and 0013 create them match ``toolkit.followup.tables``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from toolkit.followup import tables
from toolkit.store.migrate import MIGRATIONS_DIR

OURS = {"followup_items", "followup_history", "followup_sync"}


def test_migration_0005__creates_the_followup_tables_as_declared(store):
    def only_ours(obj, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in OURS

    with store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= OURS
        context = MigrationContext.configure(
            connection, opts={"include_object": only_ours, "compare_type": True}
        )
        assert compare_metadata(context, tables.metadata) == []


def test_migrations__followup_concern__its_two_revision_files():
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*followup*.py"))
    assert names == ["0005_followup.py", "0013_followup_sync.py"]
