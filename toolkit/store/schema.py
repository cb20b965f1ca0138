"""SQLAlchemy Core tables of the store.

These :class:`~sqlalchemy.Table` objects describe the schema at the current Alembic head;
the database itself is only ever created and changed by the migrations in
``toolkit/store/migrations/versions`` (a test checks that both agree). Answers are kept as
JSON text so that SQLite and PostgreSQL run the same code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AUDIT_ACTIONS",
    "NAMING_CONVENTION",
    "STATUSES",
    "UTCDateTime",
    "instrument_versions",
    "metadata",
    "response_audit",
    "responses",
]

#: Life cycle of a response.
STATUSES = ("draft", "submitted", "voided")
#: What an audit row records.
AUDIT_ACTIONS = ("created", "submitted", "corrected", "voided")

#: Constraint names are fixed so that migrations can refer to them on both databases.
#: The one naming convention of every table of the database (store, training, qual): migrations
#: refer to constraints by these names on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back as a tz-aware UTC ``datetime``.

    SQLite keeps no time zone: values are converted to UTC on the way in and tagged as UTC
    on the way out. A naive ``datetime`` given by a caller is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


instrument_versions = Table(
    "instrument_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instrument_id", String(100), nullable=False),
    Column("version", String(50), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("definition", Text, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    UniqueConstraint("instrument_id", "content_hash"),
)

responses = Table(
    "responses",
    metadata,
    Column("response_id", String(36), primary_key=True),
    Column("instrument_id", String(100), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("collector", String(200)),
    Column("team", String(200)),
    Column("sector", String(200)),
    Column("wave", String(200)),
    Column("started_at", UTCDateTime),
    Column("submitted_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("answers", Text, nullable=False),
    Column("source", String(50)),
    Column("void_reason", Text),
    Column("draft_page", Integer),
    CheckConstraint("status IN ('draft', 'submitted', 'voided')", name="status"),
    ForeignKeyConstraint(
        ["instrument_id", "content_hash"],
        [instrument_versions.c.instrument_id, instrument_versions.c.content_hash],
    ),
    Index(None, "instrument_id", "status", "submitted_at"),
    Index(None, "instrument_id", "wave"),
)

response_audit = Table(
    "response_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("response_id", String(36), ForeignKey(responses.c.response_id), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200)),
    Column("action", String(10), nullable=False),
    Column("old_answers", Text),
    Column("new_answers", Text),
    Column("reason", Text),
    CheckConstraint("action IN ('created', 'submitted', 'corrected', 'voided')", name="action"),
    Index(None, "response_id"),
)
