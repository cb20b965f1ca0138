"""SQLAlchemy Core tables of the qualitative analysis (created by store migration ``0004``).

Several coders work at once from their own Voilà kernels, so everything they share lives
here: the corpus (cases, documents, segments), the codebook's versions, coders, codings,
"segment looked at" marks (so that "no code applies" is a coding decision, not a gap),
memos, reliability samples and the accept/reject log of suggestions.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from toolkit.store.schema import NAMING_CONVENTION, UTCDateTime

__all__ = [
    "cases",
    "codebook_versions",
    "coders",
    "codings",
    "documents",
    "memos",
    "metadata",
    "reviews",
    "sample_segments",
    "samples",
    "segments",
    "suggestion_log",
]

metadata = MetaData(naming_convention=NAMING_CONVENTION)

codebook_versions = Table(
    "qual_codebook_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("codebook_id", String(100), nullable=False),
    Column("number", Integer, nullable=False),
    Column("definition", Text, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", String(80)),
    Column("note", Text),
    UniqueConstraint("codebook_id", "number"),
)

coders = Table(
    "qual_coders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

cases = Table(
    "qual_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pseudonym", String(60), nullable=False, unique=True),
    Column("attributes", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

documents = Table(
    "qual_documents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("response_id", String(36), unique=True),
    Column("instrument_id", String(100)),
    Column("case_id", String(36), ForeignKey("qual_cases.id")),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('response', 'file')", name="kind"),
    CheckConstraint("status IN ('active', 'removed')", name="status"),
    Index(None, "content_hash"),
)

segments = Table(
    "qual_segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "document_id",
        String(36),
        ForeignKey("qual_documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("question", String(200)),
    Column("speaker", String(100)),
    Column("text", Text, nullable=False),
    UniqueConstraint("document_id", "position"),
)

codings = Table(
    "qual_codings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column(
        "segment_id", Integer, ForeignKey("qual_segments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("coder_id", String(36), ForeignKey("qual_coders.id"), nullable=False),
    Column("codebook_id", String(100), nullable=False),
    Column("code_id", String(100), nullable=False),
    Column("span", Boolean, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("origin", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # Named by hand: the generated name passes PostgreSQL's 63-character limit.
    UniqueConstraint(
        "segment_id",
        "coder_id",
        "codebook_id",
        "code_id",
        "span",
        "start",
        "end",
        name="uq_qual_codings_key",
    ),
    CheckConstraint("origin IN ('manual', 'suggestion', 'import')", name="origin"),
    Index(None, "coder_id", "segment_id"),
)

reviews = Table(
    "qual_reviews",
    metadata,
    Column(
        "segment_id", Integer, ForeignKey("qual_segments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("coder_id", String(36), ForeignKey("qual_coders.id"), nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("segment_id", "coder_id"),
)

memos = Table(
    "qual_memos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("target_kind", String(10), nullable=False),
    Column("target_id", String(100), nullable=False),
    Column("coder_id", String(36), ForeignKey("qual_coders.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("target_kind", "target_id", "coder_id"),
    CheckConstraint(
        "target_kind IN ('segment', 'code', 'document', 'project')", name="target_kind"
    ),
)

samples = Table(
    "qual_samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(80)),
)

sample_segments = Table(
    "qual_sample_segments",
    metadata,
    Column("sample_id", Integer, ForeignKey("qual_samples.id", ondelete="CASCADE"), nullable=False),
    Column(
        "segment_id", Integer, ForeignKey("qual_segments.id", ondelete="CASCADE"), nullable=False
    ),
    PrimaryKeyConstraint("sample_id", "segment_id"),
)

suggestion_log = Table(
    "qual_suggestion_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "segment_id", Integer, ForeignKey("qual_segments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("coder_id", String(36), ForeignKey("qual_coders.id"), nullable=False),
    Column("code_id", String(100), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    CheckConstraint("decision IN ('accepted', 'rejected')", name="decision"),
)
