"""Qualitative analysis: corpus, codebook versions, coders, codings, memos, samples.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    referred = target.partition(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=f"fk_{table}_{column}_{referred}",
        ondelete="CASCADE" if cascade else None,
    )


def upgrade() -> None:
    op.create_table(
        "qual_codebook_versions",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("codebook_id", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("saved_at", _TS, nullable=False),
        sa.Column("saved_by", sa.String(80)),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_qual_codebook_versions"),
        sa.UniqueConstraint(
            "codebook_id", "number", name="uq_qual_codebook_versions_codebook_id_number"
        ),
    )
    op.create_table(
        "qual_coders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_coders"),
        sa.UniqueConstraint("name", name="uq_qual_coders_name"),
    )
    op.create_table(
        "qual_cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("pseudonym", sa.String(60), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_cases"),
        sa.UniqueConstraint("pseudonym", name="uq_qual_cases_pseudonym"),
    )
    op.create_table(
        "qual_documents",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("response_id", sa.String(36)),
        sa.Column("instrument_id", sa.String(100)),
        sa.Column("case_id", sa.String(36)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_documents"),
        sa.UniqueConstraint("response_id", name="uq_qual_documents_response_id"),
        _fk("qual_documents", "case_id", "qual_cases.id"),
        sa.CheckConstraint("kind IN ('response', 'file')", name="ck_qual_documents_kind"),
        sa.CheckConstraint("status IN ('active', 'removed')", name="ck_qual_documents_status"),
    )
    op.create_index("ix_qual_documents_content_hash", "qual_documents", ["content_hash"])
    op.create_table(
        "qual_segments",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(200)),
        sa.Column("speaker", sa.String(100)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_segments"),
        _fk("qual_segments", "document_id", "qual_documents.id", cascade=True),
        sa.UniqueConstraint(
            "document_id", "position", name="uq_qual_segments_document_id_position"
        ),
    )
    op.create_table(
        "qual_codings",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.String(36), nullable=False),
        sa.Column("codebook_id", sa.String(100), nullable=False),
        sa.Column("code_id", sa.String(100), nullable=False),
        sa.Column("span", sa.Boolean(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_codings"),
        sa.UniqueConstraint("guid", name="uq_qual_codings_guid"),
        _fk("qual_codings", "segment_id", "qual_segments.id", cascade=True),
        _fk("qual_codings", "coder_id", "qual_coders.id"),
        sa.UniqueConstraint(
            "segment_id",
            "coder_id",
            "codebook_id",
            "code_id",
            "span",
            "start",
            "end",
            name="uq_qual_codings_key",
        ),
        sa.CheckConstraint(
            "origin IN ('manual', 'suggestion', 'import')", name="ck_qual_codings_origin"
        ),
    )
    op.create_index(
        "ix_qual_codings_coder_id_segment_id", "qual_codings", ["coder_id", "segment_id"]
    )
    op.create_table(
        "qual_reviews",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.String(36), nullable=False),
        sa.Column("reviewed_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("segment_id", "coder_id", name="pk_qual_reviews"),
        _fk("qual_reviews", "segment_id", "qual_segments.id", cascade=True),
        _fk("qual_reviews", "coder_id", "qual_coders.id"),
    )
    op.create_table(
        "qual_memos",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("target_kind", sa.String(10), nullable=False),
        sa.Column("target_id", sa.String(100), nullable=False),
        sa.Column("coder_id", sa.String(36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_memos"),
        sa.UniqueConstraint("guid", name="uq_qual_memos_guid"),
        _fk("qual_memos", "coder_id", "qual_coders.id"),
        sa.UniqueConstraint(
            "target_kind",
            "target_id",
            "coder_id",
            name="uq_qual_memos_target_kind_target_id_coder_id",
        ),
        sa.CheckConstraint(
            "target_kind IN ('segment', 'code', 'document', 'project')",
            name="ck_qual_memos_target_kind",
        ),
    )
    op.create_table(
        "qual_samples",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(80)),
        sa.PrimaryKeyConstraint("id", name="pk_qual_samples"),
        sa.UniqueConstraint("name", name="uq_qual_samples_name"),
    )
    op.create_table(
        "qual_sample_segments",
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sample_id", "segment_id", name="pk_qual_sample_segments"),
        _fk("qual_sample_segments", "sample_id", "qual_samples.id", cascade=True),
        _fk("qual_sample_segments", "segment_id", "qual_segments.id", cascade=True),
    )
    op.create_table(
        "qual_suggestion_log",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.String(36), nullable=False),
        sa.Column("code_id", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qual_suggestion_log"),
        _fk("qual_suggestion_log", "segment_id", "qual_segments.id", cascade=True),
        _fk("qual_suggestion_log", "coder_id", "qual_coders.id"),
        sa.CheckConstraint(
            "decision IN ('accepted', 'rejected')", name="ck_qual_suggestion_log_decision"
        ),
    )


def downgrade() -> None:
    for table in (
        "qual_suggestion_log",
        "qual_sample_segments",
        "qual_samples",
        "qual_memos",
        "qual_reviews",
        "qual_codings",
        "qual_segments",
        "qual_documents",
        "qual_cases",
        "qual_coders",
        "qual_codebook_versions",
    ):
        op.drop_table(table)
