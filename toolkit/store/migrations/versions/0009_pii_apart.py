"""Personal answers apart: ``pii_answers`` (encrypted) and ``privacy_log``.

The ``pii`` answers that earlier revisions kept in clear in ``responses.answers`` are moved
here, encrypted with the key file (:mod:`toolkit.store.keyfile`); they are removed from the
audit trail, and dropped from voided responses (nothing uses them any more). The key is read
only when there is something to encrypt: a database holding personal answers in clear cannot
be opened until the key file exists (``P001`` says how to create it).

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-01
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

from toolkit.instruments import Instrument, from_mapping
from toolkit.store.keyfile import PiiKey
from toolkit.store.pii import merge, split

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)

_responses = sa.table(
    "responses",
    sa.column("response_id", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("instrument_id", sa.String),
    sa.column("status", sa.String),
    sa.column("answers", sa.Text),
)
_audit = sa.table(
    "response_audit",
    sa.column("id", sa.Integer),
    sa.column("response_id", sa.String),
    sa.column("old_answers", sa.Text),
    sa.column("new_answers", sa.Text),
)
_versions = sa.table(
    "instrument_versions",
    sa.column("instrument_id", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("definition", sa.Text),
)
_pii = sa.table(
    "pii_answers",
    sa.column("response_id", sa.String),
    sa.column("key_id", sa.String),
    sa.column("token", sa.Text),
    sa.column("updated_at", _TIMESTAMP),
)


def _encode(answers: dict) -> str:
    return json.dumps(answers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _key() -> PiiKey:
    config = getattr(context, "config", None)
    key = config.attributes.get("pii_key") if config is not None else None
    return key if key is not None else PiiKey()


def _instruments_with_pii(conn: sa.Connection) -> dict[str, Instrument]:
    found = {}
    for row in conn.execute(sa.select(_versions.c.content_hash, _versions.c.definition)):
        instrument = from_mapping(json.loads(row.definition), source="db")
        if any(q.pii for q in instrument.fields()):
            found[row.content_hash] = instrument
    return found


def _move_clear_pii(conn: sa.Connection) -> None:
    key: PiiKey | None = None
    now = datetime.now(UTC)
    for content_hash, instrument in _instruments_with_pii(conn).items():
        rows = conn.execute(
            sa.select(_responses.c.response_id, _responses.c.status, _responses.c.answers).where(
                _responses.c.content_hash == content_hash
            )
        ).all()
        for row in rows:
            clear, secret = split(instrument, json.loads(row.answers))
            if secret and row.status != "voided":
                key = key or _key()
                conn.execute(
                    sa.insert(_pii).values(
                        response_id=row.response_id,
                        key_id=key.key_id,
                        token=key.encrypt(secret),
                        updated_at=now,
                    )
                )
            if secret:
                conn.execute(
                    sa.update(_responses)
                    .where(_responses.c.response_id == row.response_id)
                    .values(answers=_encode(clear))
                )
            trail = conn.execute(
                sa.select(_audit.c.id, _audit.c.old_answers, _audit.c.new_answers).where(
                    _audit.c.response_id == row.response_id
                )
            ).all()
            for entry in trail:
                values = {}
                for column in ("old_answers", "new_answers"):
                    text = getattr(entry, column)
                    if text is not None:
                        stripped, removed = split(instrument, json.loads(text))
                        if removed:
                            values[column] = _encode(stripped)
                if values:
                    conn.execute(sa.update(_audit).where(_audit.c.id == entry.id).values(**values))


def upgrade() -> None:
    op.create_table(
        "pii_answers",
        sa.Column("response_id", sa.String(36), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("response_id", name="pk_pii_answers"),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.response_id"],
            name="fk_pii_answers_response_id_responses",
        ),
    )
    op.create_table(
        "privacy_log",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("instrument_id", sa.String(100)),
        sa.Column("n_responses", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_log"),
        sa.CheckConstraint(
            "action IN ('erasure', 'purge', 'access')", name="ck_privacy_log_action"
        ),
    )
    _move_clear_pii(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_pii.c.response_id, _pii.c.token)).all()
    if rows:
        key = _key()
        for row in rows:
            current = conn.execute(
                sa.select(_responses.c.answers).where(_responses.c.response_id == row.response_id)
            ).scalar_one()
            whole = merge(json.loads(current), key.decrypt(row.token))
            conn.execute(
                sa.update(_responses)
                .where(_responses.c.response_id == row.response_id)
                .values(answers=_encode(whole))
            )
    op.drop_table("privacy_log")
    op.drop_table("pii_answers")
