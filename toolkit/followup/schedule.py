"""When each step of a follow-up is due: one rule per (kind, state) with something to do.

A :class:`DueRule` counts an :class:`~toolkit.followup.calendar.Offset` from an anchor:

- ``parent``: the parent record's date (the intervention, the referral, the walk, the
  meeting; for a project milestone, the milestone's own planned date);
- ``event``: the date of the step that put the item in its current state;
- ``data:<key>``: a date recorded on the item (an appointment, an answer's due date, a
  postponed milestone), used only when it is known and not before the current step's date,
  else the rule's ``fallback``.

The defaults (:data:`DUE_RULES`) follow the practice of the field: agreements checked at 30
and 90 days; a partner's answer to a referral within 10 working days, then take-up checked
2 working days after the appointment (15 working days after acceptance when there is none);
a technical service acknowledges within 5 working days and fixes within 20; residents are
told within 5 working days (a technical report) or 15 days (a meeting proposal). A structure
with other habits passes its own rules to :class:`Schedule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from toolkit.followup.calendar import Offset, WorkingCalendar

__all__ = ["DUE_RULES", "DueRule", "Schedule"]


@dataclass(frozen=True)
class DueRule:
    """``offset`` after ``anchor`` (``parent``, ``event`` or ``data:<key>``), else ``fallback``."""

    anchor: str
    offset: Offset
    fallback: DueRule | None = None


def _working(days: int) -> Offset:
    return Offset(days, working=True)


#: Default due dates, by (kind, state).
DUE_RULES: Mapping[tuple[str, str], DueRule] = MappingProxyType(
    {
        ("agreement", "planned"): DueRule("parent", Offset(30)),
        ("agreement", "checked_30"): DueRule("parent", Offset(90)),
        ("referral", "proposed"): DueRule("parent", _working(10)),
        ("referral", "accepted"): DueRule(
            "data:appointment", _working(2), fallback=DueRule("event", _working(15))
        ),
        ("technical", "reported"): DueRule("parent", _working(5)),
        ("technical", "acknowledged"): DueRule("event", _working(20)),
        ("technical", "resolved"): DueRule("event", _working(5)),
        ("technical", "rejected"): DueRule("event", _working(5)),
        ("proposal", "raised"): DueRule("parent", Offset(15)),
        ("proposal", "owner_named"): DueRule("event", Offset(30)),
        ("proposal", "accepted"): DueRule("data:answer_due", Offset(0)),
        ("proposal", "done"): DueRule("event", Offset(15)),
        ("proposal", "refused"): DueRule("event", Offset(15)),
        ("milestone", "planned"): DueRule(
            "data:postponed_to", Offset(0), fallback=DueRule("parent", Offset(0))
        ),
    }
)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Schedule:
    """Due-date rules and the working-day calendar they count with.

    Examples
    --------
    >>> import datetime as dt
    >>> schedule = Schedule()
    >>> schedule.due("agreement", "planned", parent_date=dt.date(2026, 1, 31),
    ...              entered_on=dt.date(2026, 1, 31), data={})
    datetime.date(2026, 3, 2)
    """

    rules: Mapping[tuple[str, str], DueRule] = field(default_factory=lambda: DUE_RULES)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    def due(
        self,
        kind: str,
        state: str,
        *,
        parent_date: dt.date,
        entered_on: dt.date,
        data: Mapping[str, object],
    ) -> dt.date | None:
        """The due date of the step an item in ``state`` waits for (``None``: nothing due)."""
        rule = self.rules.get((kind, state))
        while rule is not None:
            anchor = self._anchor(rule.anchor, parent_date, entered_on, data)
            if anchor is not None:
                return self.calendar.add(anchor, rule.offset)
            rule = rule.fallback
        return None

    @staticmethod
    def _anchor(
        name: str, parent_date: dt.date, entered_on: dt.date, data: Mapping[str, object]
    ) -> dt.date | None:
        if name == "parent":
            return parent_date
        if name == "event":
            return entered_on
        if name.startswith("data:"):
            value = _as_date(data.get(name.removeprefix("data:")))
            return value if value is not None and value >= entered_on else None
        raise ValueError(f"unknown due-date anchor {name!r}")
