"""SQLAlchemy Core tables of the live workshops (created by store migration ``0002``).

The trainer's Voilà page runs in its own kernel and the participants' pages in the server
process, so everything they share lives here: the session (room code, module text, the exercise on screen), who joined, each
launched exercise (a *run*) and the answers. ``training_sessions.revision`` grows at every
change so that views polling once a second re-read the rest only when something moved.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from toolkit.store.schema import NAMING_CONVENTION, UTCDateTime

__all__ = ["answers", "metadata", "participants", "runs", "sessions"]

metadata = MetaData(naming_convention=NAMING_CONVENTION)

sessions = Table(
    "training_sessions",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("module_id", String(100), nullable=False),
    Column("module_version", String(50), nullable=False),
    Column("module_source", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("current_run", Integer),
    Column("revision", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
)

participants = Table(
    "training_participants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "session_code",
        String(12),
        ForeignKey("training_sessions.code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("pseudonym", String(40), nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    UniqueConstraint("session_code", "pseudonym"),
)

runs = Table(
    "training_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "session_code",
        String(12),
        ForeignKey("training_sessions.code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("exercise_id", String(100), nullable=False),
    Column("phase", String(10)),
    Column("revealed", Boolean, nullable=False),
    Column("launched_at", UTCDateTime, nullable=False),
)

answers = Table(
    "training_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("training_runs.id", ondelete="CASCADE"), nullable=False),
    Column(
        "participant_id",
        String(36),
        ForeignKey("training_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("item", String(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("score", Float),
    Column("moderation", String(10), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    UniqueConstraint("run_id", "participant_id", "item"),
    CheckConstraint("moderation IN ('none', 'pending', 'shown', 'hidden')", name="moderation"),
)
