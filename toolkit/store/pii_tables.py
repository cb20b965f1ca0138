"""Tables holding personal data apart from the analysis data (created by migration ``0009``).

``pii_answers`` keeps, for each response that has any, the answers of its ``pii`` fields as one
Fernet token (encrypted and authenticated with a key kept in a file outside the database, see
:mod:`toolkit.store.keyfile`). ``privacy_log`` records that an erasure, a purge or an access
request happened, by whom and when, and nothing of the data itself.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, Text

from toolkit.store.schema import UTCDateTime, metadata, responses

__all__ = ["PRIVACY_ACTIONS", "pii_answers", "privacy_log"]

#: What a ``privacy_log`` row records.
PRIVACY_ACTIONS = ("erasure", "purge", "access")

pii_answers = Table(
    "pii_answers",
    metadata,
    Column(
        "response_id",
        String(36),
        ForeignKey(responses.c.response_id),
        primary_key=True,
    ),
    Column("key_id", String(16), nullable=False),
    Column("token", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

privacy_log = Table(
    "privacy_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200), nullable=False),
    Column("action", String(10), nullable=False),
    Column("instrument_id", String(100)),
    Column("n_responses", Integer, nullable=False),
    Column("reason", Text),
    CheckConstraint("action IN ('erasure', 'purge', 'access')", name="action"),
)
