"""One stored response as callers see it, and the query that reads it back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, select

from toolkit.store.schema import instrument_versions as iv
from toolkit.store.schema import responses as resp

__all__ = ["Response"]


@dataclass(frozen=True)
class Response:
    """A response read back from the store (:meth:`toolkit.store.Store.get`).

    Attributes
    ----------
    response_id
        Client-generated UUID (the key of idempotent resubmission).
    instrument_id, instrument_version, content_hash
        The instrument and the exact version the response was answered with.
    status
        ``"draft"``, ``"submitted"`` or ``"voided"``.
    answers
        The stored answers (cleaned by ``validate_answers`` once submitted).
    started_at, submitted_at, updated_at
        Tz-aware UTC timestamps (``submitted_at`` is ``None`` for a draft).
    draft_page
        The page a draft was left on (1-based among the pages shown), if known.
    """

    response_id: str
    instrument_id: str
    instrument_version: str
    content_hash: str
    status: str
    answers: Mapping[str, object]
    collector: str | None = None
    team: str | None = None
    sector: str | None = None
    wave: str | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    source: str | None = None
    void_reason: str | None = None
    draft_page: int | None = None


def response_query() -> Select:
    """Responses with the version number they were answered with (filter it, then read)."""
    return select(resp, iv.c.version).join(
        iv,
        (iv.c.instrument_id == resp.c.instrument_id) & (iv.c.content_hash == resp.c.content_hash),
    )


def from_row(row: Row) -> Response:
    """The :class:`Response` of one row of :func:`response_query`."""
    return Response(
        response_id=row.response_id,
        instrument_id=row.instrument_id,
        instrument_version=row.version,
        content_hash=row.content_hash,
        status=row.status,
        answers=json.loads(row.answers),
        collector=row.collector,
        team=row.team,
        sector=row.sector,
        wave=row.wave,
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        source=row.source,
        void_reason=row.void_reason,
        draft_page=row.draft_page,
    )
