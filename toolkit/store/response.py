"""One stored response as callers see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

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
