"""Remember the page a draft was left on, so that it reopens there.

Adds the nullable ``responses.draft_page`` (1-based position among the pages shown); only
drafts use it, a submitted response keeps whatever it had.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("draft_page", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("draft_page")
