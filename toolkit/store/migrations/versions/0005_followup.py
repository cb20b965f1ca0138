"""Follow-up registers: items linked to their parent responses, and their history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "followup_items",
        sa.Column("item_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.String(36), nullable=False),
        sa.Column("parent_instrument", sa.String(100), nullable=False),
        sa.Column("parent_index", sa.Integer(), nullable=False),
        sa.Column("parent_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("collector", sa.String(200)),
        sa.Column("team", sa.String(200)),
        sa.Column("sector", sa.String(200)),
        sa.Column("category", sa.String(100)),
        sa.Column("summary", sa.Text()),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("closed_at", _TIMESTAMP),
        sa.PrimaryKeyConstraint("item_id", name="pk_followup_items"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["responses.response_id"],
            name="fk_followup_items_parent_id_responses",
        ),
        sa.UniqueConstraint(
            "parent_id",
            "kind",
            "parent_index",
            name="uq_followup_items_parent_id_kind_parent_index",
        ),
    )
    op.create_index("ix_followup_items_due_date", "followup_items", ["due_date"])
    op.create_index("ix_followup_items_team_sector", "followup_items", ["team", "sector"])
    op.create_table(
        "followup_history",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("item_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(20)),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_followup_history"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["followup_items.item_id"],
            name="fk_followup_history_item_id_followup_items",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("item_id", "version", name="uq_followup_history_item_id_version"),
    )


def downgrade() -> None:
    op.drop_table("followup_history")
    op.drop_index("ix_followup_items_team_sector", table_name="followup_items")
    op.drop_index("ix_followup_items_due_date", table_name="followup_items")
    op.drop_table("followup_items")
