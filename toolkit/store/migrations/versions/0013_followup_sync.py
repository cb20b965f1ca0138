"""Follow-up registers: what each synchronisation has already seen of the parent records.

``followup_sync`` keeps, per followed instrument, a fingerprint of its records (last audit
row, number of audit rows, last registered version) as the last synchronisation read them.
Opening « Suivi » compares it with the store and reads again only the instruments whose
records moved, instead of every parent record every time.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "followup_sync",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_followup_sync"),
    )


def downgrade() -> None:
    op.drop_table("followup_sync")
