"""The team tables as migration 0010 creates them match ``toolkit.team.tables``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from toolkit.store.migrate import MIGRATIONS_DIR
from toolkit.team import tables

OURS = {"team_accounts", "team_events"}


def test_migration_0010__creates_the_team_tables_as_declared(store):
    def only_ours(obj, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in OURS

    with store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= OURS
        context = MigrationContext.configure(
            connection, opts={"include_object": only_ours, "compare_type": True}
        )
        assert compare_metadata(context, tables.metadata) == []


def test_migration_0010__single_revision_file_of_this_concern():
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*team*.py"))
    assert names == ["0010_team.py"]
