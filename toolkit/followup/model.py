"""Follow-up items and their history as callers see them (frozen, read back from the store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["HistoryEntry", "Item"]


@dataclass(frozen=True)
class Item:
    """One follow-up item of a register.

    Attributes
    ----------
    item_id
        UUID of the item.
    kind
        ``agreement``, ``referral``, ``technical``, ``proposal`` or ``milestone``.
    state
        Where it stands in its lifecycle (:data:`toolkit.followup.STATES`).
    version
        Grows by one at every change; a change names the version it was made on
        (optimistic locking).
    parent_id, parent_instrument, parent_index
        The parent response and, for an entry of a repeat group (an observation of a walk,
        a proposal of a meeting, a milestone of a project), its index.
    collector, team, sector
        Who follows the item, in which team and sector (from the parent record).
    category
        Taxonomy code of the parent (conflict type, partner domain, technical category,
        topic, project type).
    summary
        A short description for the list (never a field marked ``pii``).
    parent_date
        The date the due dates count from.
    due_date
        When the next step is due (``None`` once closed).
    data
        What the steps recorded (outcomes, partner, reasons, dates) and parent details.
    """

    item_id: str
    kind: str
    state: str
    version: int
    parent_id: str
    parent_instrument: str
    parent_index: int
    parent_date: dt.date
    due_date: dt.date | None
    collector: str | None = None
    team: str | None = None
    sector: str | None = None
    category: str | None = None
    summary: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an item: who, when, which event, from which state to which."""

    item_id: str
    version: int
    at: dt.datetime
    by: str
    event: str
    from_state: str | None
    to_state: str
    details: Mapping[str, object] = field(default_factory=dict)
