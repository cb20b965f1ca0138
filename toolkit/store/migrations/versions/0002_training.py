"""Live training workshops: sessions, participants, launched exercises, answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("module_version", sa.String(50), nullable=False),
        sa.Column("module_source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("current_run", sa.Integer()),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("closed_at", _TIMESTAMP),
        sa.PrimaryKeyConstraint("code", name="pk_training_sessions"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_training_sessions_status"),
    )
    op.create_table(
        "training_participants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("session_code", sa.String(12), nullable=False),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("joined_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_participants"),
        sa.ForeignKeyConstraint(
            ["session_code"],
            ["training_sessions.code"],
            name="fk_training_participants_session_code_training_sessions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "session_code",
            "pseudonym",
            name="uq_training_participants_session_code_pseudonym",
        ),
    )
    op.create_table(
        "training_runs",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("session_code", sa.String(12), nullable=False),
        sa.Column("exercise_id", sa.String(100), nullable=False),
        sa.Column("phase", sa.String(10)),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("launched_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_runs"),
        sa.ForeignKeyConstraint(
            ["session_code"],
            ["training_sessions.code"],
            name="fk_training_runs_session_code_training_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "training_answers",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("moderation", sa.String(10), nullable=False),
        sa.Column("submitted_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_answers"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["training_runs.id"],
            name="fk_training_answers_run_id_training_runs",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participants.id"],
            name="fk_training_answers_participant_id_training_participants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "run_id",
            "participant_id",
            "item",
            name="uq_training_answers_run_id_participant_id_item",
        ),
        sa.CheckConstraint(
            "moderation IN ('none', 'pending', 'shown', 'hidden')",
            name="ck_training_answers_moderation",
        ),
    )


def downgrade() -> None:
    op.drop_table("training_answers")
    op.drop_table("training_runs")
    op.drop_table("training_participants")
    op.drop_table("training_sessions")
