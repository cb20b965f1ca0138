"""Team server: accounts with hashed passwords and roles, and their events.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team_accounts",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_team_accounts"),
    )
    op.create_table(
        "team_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("by", sa.String(200)),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("detail", sa.String(500)),
        sa.Column("client", sa.String(100)),
        sa.PrimaryKeyConstraint("id", name="pk_team_events"),
    )
    op.create_index("ix_team_events_at", "team_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_team_events_at", table_name="team_events")
    op.drop_table("team_events")
    op.drop_table("team_accounts")
