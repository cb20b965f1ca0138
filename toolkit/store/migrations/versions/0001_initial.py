"""Initial store schema: instrument versions, responses, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "instrument_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("registered_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instrument_versions"),
        sa.UniqueConstraint(
            "instrument_id",
            "content_hash",
            name="uq_instrument_versions_instrument_id_content_hash",
        ),
    )
    op.create_table(
        "responses",
        sa.Column("response_id", sa.String(36), nullable=False),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("collector", sa.String(200)),
        sa.Column("team", sa.String(200)),
        sa.Column("sector", sa.String(200)),
        sa.Column("wave", sa.String(200)),
        sa.Column("started_at", _TIMESTAMP),
        sa.Column("submitted_at", _TIMESTAMP),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("source", sa.String(50)),
        sa.Column("void_reason", sa.Text()),
        sa.PrimaryKeyConstraint("response_id", name="pk_responses"),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'voided')", name="ck_responses_status"
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id", "content_hash"],
            ["instrument_versions.instrument_id", "instrument_versions.content_hash"],
            name="fk_responses_instrument_id_content_hash_instrument_versions",
        ),
    )
    op.create_index("ix_responses_instrument_id_status", "responses", ["instrument_id", "status"])
    op.create_index("ix_responses_instrument_id_wave", "responses", ["instrument_id", "wave"])
    op.create_table(
        "response_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(36), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("by", sa.String(200)),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("old_answers", sa.Text()),
        sa.Column("new_answers", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_response_audit"),
        sa.CheckConstraint(
            "action IN ('created', 'submitted', 'corrected', 'voided')",
            name="ck_response_audit_action",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.response_id"],
            name="fk_response_audit_response_id_responses",
        ),
    )
    op.create_index("ix_response_audit_response_id", "response_audit", ["response_id"])


def downgrade() -> None:
    op.drop_table("response_audit")
    op.drop_table("responses")
    op.drop_table("instrument_versions")
