"""Renames between versions of an instrument, so that frames line up answers across versions.

One row per renamed question (``kind = 'question'``: ``old`` name → ``new`` name) or changed
choice code (``kind = 'code'``: for ``question`` as named in the newer version, ``old`` code
→ ``new`` code); an empty ``new`` says the old answers no longer mean the same thing (a name
or a code given to something else) and are left out of the newer version's frame.

Revision ID: 0008
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instrument_renames",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("from_version", sa.String(50), nullable=False),
        sa.Column("to_version", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("old", sa.String(200), nullable=False),
        sa.Column("new", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instrument_renames"),
        sa.CheckConstraint("kind IN ('question', 'code')", name="ck_instrument_renames_kind"),
        sa.UniqueConstraint(
            "instrument_id",
            "from_version",
            "to_version",
            "kind",
            "question",
            "old",
            name="uq_instrument_renames_step",
        ),
    )


def downgrade() -> None:
    op.drop_table("instrument_renames")
