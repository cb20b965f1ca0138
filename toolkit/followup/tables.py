"""SQLAlchemy Core tables of the follow-up registers (store migrations ``0005``, ``0013``).

They live in the store's own :data:`~toolkit.store.schema.metadata`, so that an item can
refer to its parent response by a real foreign key and the store's migration test compares
them with the migrated database too.

- ``followup_items``: one row per item, with its ``version`` (optimistic locking: every
  change is ``UPDATE … WHERE item_id = ? AND version = ?``) and its next ``due_date``.
- ``followup_history``: every change, never rewritten; ``(item_id, version)`` is unique, so
  that two changes can never both claim the same version.
- ``followup_sync`` (migration ``0013``): per followed instrument, the fingerprint of its
  records as the last synchronisation saw them, so that an idle sync reads no record.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from toolkit.store.schema import UTCDateTime, metadata, responses

__all__ = ["history", "items", "metadata", "sync"]

items = Table(
    "followup_items",
    metadata,
    Column("item_id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("parent_id", String(36), ForeignKey(responses.c.response_id), nullable=False),
    Column("parent_instrument", String(100), nullable=False),
    Column("parent_index", Integer, nullable=False),
    Column("parent_date", Date, nullable=False),
    Column("due_date", Date),
    Column("collector", String(200)),
    Column("team", String(200)),
    Column("sector", String(200)),
    Column("category", String(100)),
    Column("summary", Text),
    Column("data", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    UniqueConstraint("parent_id", "kind", "parent_index"),
    Index(None, "due_date"),
    Index(None, "team", "sector"),
)

history = Table(
    "followup_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "item_id",
        String(36),
        ForeignKey("followup_items.item_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200), nullable=False),
    Column("event", String(30), nullable=False),
    Column("from_state", String(20)),
    Column("to_state", String(20), nullable=False),
    Column("details", Text, nullable=False),
    UniqueConstraint("item_id", "version"),
)

sync = Table(
    "followup_sync",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("synced_at", UTCDateTime, nullable=False),
)
