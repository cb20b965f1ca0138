"""Dates of the follow-up: today in Europe/Paris, French working days and offsets.

A due date is a plain calendar date in the structure's time zone (Europe/Paris): "today" is
taken there, not in UTC, so that at 00:30 in Paris (22:30 or 23:30 UTC the day before,
depending on daylight saving time) the day's work is already the new day's. French public
holidays come from the ``holidays`` package (metropolitan France by default; ``subdiv="57"``
etc. for Alsace-Moselle's two extra days, or an overseas department).

An :class:`Offset` counts either calendar days or working days (Monday to Friday, public
holidays excluded). A count of calendar days that lands on a weekend or a public holiday is
moved to the next working day: nobody checks an agreement on Christmas Day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = ["PARIS", "Offset", "WorkingCalendar", "local_date", "today"]

#: The time zone of every date of the registers.
PARIS = ZoneInfo("Europe/Paris")


def local_date(moment: dt.datetime, tz: dt.tzinfo = PARIS) -> dt.date:
    """The calendar date of ``moment`` in ``tz`` (a naive ``moment`` is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).date()


def today(now: dt.datetime | None = None, tz: dt.tzinfo = PARIS) -> dt.date:
    """Today's date in Europe/Paris (or at ``now``, for tests and replays).

    Examples
    --------
    At 23:30 UTC on 28 March 2026 it is already 00:30 on the 29th in Paris (winter time,
    UTC+1); in July (summer time, UTC+2) the new day starts at 22:00 UTC:

    >>> import datetime as dt
    >>> today(dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC))
    datetime.date(2026, 3, 29)
    >>> today(dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC))
    datetime.date(2026, 7, 2)
    >>> today(dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC))
    datetime.date(2026, 7, 1)

    Without ``now``, the current date in Paris:

    >>> today() == dt.datetime.now(PARIS).date()
    True
    """
    return local_date(now or dt.datetime.now(dt.UTC), tz)


@dataclass(frozen=True)
class Offset:
    """A delay: ``days`` calendar days, or ``days`` working days when ``working`` is true."""

    days: int
    working: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise ValueError(f"Offset.days must be a non-negative integer; got {self.days!r}")


@lru_cache(maxsize=32)
def _holidays(subdiv: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """French working days: Monday to Friday except public holidays.

    Parameters
    ----------
    subdiv
        A subdivision of ``holidays.France`` (``"57"``, ``"67"``, ``"68"`` for
        Alsace-Moselle, ``"974"`` for La Réunion…); ``None``: metropolitan France.

    Examples
    --------
    >>> import datetime as dt
    >>> cal = WorkingCalendar()
    >>> cal.is_working_day(dt.date(2026, 5, 1))  # Fête du Travail
    False
    >>> cal.add(dt.date(2026, 4, 30), Offset(1, working=True))  # skips 1 May and the weekend
    datetime.date(2026, 5, 4)
    """

    subdiv: str | None = None

    def is_holiday(self, day: dt.date) -> bool:
        return day in _holidays(self.subdiv, day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, start: dt.date, offset: Offset) -> dt.date:
        """The due date ``offset`` after ``start``.

        Working days: the ``offset.days``-th working day after ``start`` (``start`` itself
        when it is a working day and the offset is 0). Calendar days: ``start`` plus the days,
        moved to the next working day when it falls on a weekend or a public holiday.
        """
        if not offset.working:
            return self.next_working_day(start + dt.timedelta(days=offset.days))
        day, left = start, offset.days
        if left == 0:
            return self.next_working_day(day)
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day
