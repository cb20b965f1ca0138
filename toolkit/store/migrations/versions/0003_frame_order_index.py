"""Index responses by submission time, the order in which ``Store.frame`` returns them.

Replaces ``(instrument_id, status)`` by ``(instrument_id, status, submitted_at)``: the same
lookups, and the rows of a frame come out already sorted instead of being sorted per query.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # if_exists: databases made by development builds of 0001 may already lack the old index.
    op.drop_index("ix_responses_instrument_id_status", table_name="responses", if_exists=True)
    op.create_index(
        "ix_responses_instrument_id_status_submitted_at",
        "responses",
        ["instrument_id", "status", "submitted_at"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_responses_instrument_id_status_submitted_at", table_name="responses")
    op.create_index("ix_responses_instrument_id_status", "responses", ["instrument_id", "status"])
