"""Follow-up registers: agreements, referrals, technical reports, meeting proposals and project
milestones, from their parent records to the activity indicators funders ask for.

Logic only (no widgets): :class:`Register` keeps the items and their history on the store
with optimistic locking; :mod:`~toolkit.followup.lifecycles` is the table of allowed steps;
:class:`Schedule` computes due dates in French working days (Europe/Paris);
:func:`indicators` gives the activity indicators as a tidy table.
"""

from toolkit.followup.calendar import PARIS, Offset, WorkingCalendar, today
from toolkit.followup.errors import FollowupConflict, FollowupError
from toolkit.followup.lifecycles import (
    FIELD_CHOICES,
    INITIAL,
    KINDS,
    STATES,
    TERMINAL,
    TRANSITIONS,
    events,
    is_open,
    transition,
)
from toolkit.followup.model import HistoryEntry, Item
from toolkit.followup.parents import PARENTS, ParentSpec
from toolkit.followup.register import Register, SyncReport
from toolkit.followup.schedule import DUE_RULES, DueRule, Schedule

__all__ = [
    "DUE_RULES",
    "FIELD_CHOICES",
    "INITIAL",
    "KINDS",
    "PARENTS",
    "PARIS",
    "STATES",
    "TERMINAL",
    "TRANSITIONS",
    "DueRule",
    "FollowupConflict",
    "FollowupError",
    "HistoryEntry",
    "Item",
    "Offset",
    "ParentSpec",
    "Register",
    "Schedule",
    "SyncReport",
    "WorkingCalendar",
    "events",
    "is_open",
    "today",
    "transition",
]
