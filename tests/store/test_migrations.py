from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from toolkit.errors import StoreError
from toolkit.qual import tables as qual_tables
from toolkit.store import connect
from toolkit.store.migrate import head_revisions
from toolkit.store.schema import NAMING_CONVENTION, metadata
from toolkit.training import tables as training_tables


def test_migrations__chain__has_a_single_head():
    assert len(head_revisions()) == 1


def test_connect__fresh_database__at_head_with_store_tables(store):
    with store.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
        tables = set(inspect(connection).get_table_names())
    assert set(current) == set(head_revisions())
    assert {"instrument_versions", "responses", "response_audit", "alembic_version"} <= tables


@pytest.mark.parametrize(
    "metadata",
    [metadata, training_tables.metadata, qual_tables.metadata],
    ids=["store", "training", "qual"],
)
def test_migrations__migrated_schema__matches_schema_module(store, metadata):
    ours = set(metadata.tables)

    def only_ours(name, type_, _parent):
        return type_ != "table" or name in ours

    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": only_ours, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []


def test_connect__twice__keeps_data(db_url, mini):
    first = connect(db_url)
    first.register(mini)
    first.close()
    second = connect(db_url)
    assert second.instrument("mini").id == "mini"
    second.close()


def test_connect__database_from_newer_toolkit__s016(db_url):
    connect(db_url).close()
    store = connect(db_url)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(StoreError) as caught:
        connect(db_url)
    assert caught.value.codes == ["S016"]


def test_tables__every_concern__one_naming_convention():
    for tables in (metadata, training_tables.metadata, qual_tables.metadata):
        assert dict(tables.naming_convention) == NAMING_CONVENTION
