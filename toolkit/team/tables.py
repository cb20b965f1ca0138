"""SQLAlchemy Core tables of the team's accounts and their events (store migration ``0010``).

``team_accounts.generation`` grows at every change of an account (password, roles,
disabled): a signed-in browser's session names the generation it was opened with, so
that any change signs that person out everywhere.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

from toolkit.store.schema import UTCDateTime

__all__ = ["accounts", "events", "metadata"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

accounts = Table(
    "team_accounts",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("roles", String(100), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("generation", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

events = Table(
    "team_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200)),
    Column("action", String(30), nullable=False),
    Column("detail", String(500)),
    Column("client", String(100)),
    Index(None, "at"),
)
