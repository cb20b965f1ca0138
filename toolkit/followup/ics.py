"""An ``.ics`` calendar (RFC 5545, written by ``icalendar``) of the follow-up due dates.

One all-day event per open item on its due date, with a reminder at 9:00 that day. An
all-day event is a plain date, so it stays on the right day whatever the time zone and
across daylight saving changes; the reminder counts nine hours from the start of that day
in the phone's own time. The ``UID`` is the item's (a re-import updates the events instead
of duplicating them) and ``SEQUENCE`` its version. Only labels go into the calendar (what
to do, kind, category, sector): no free text typed about residents, since calendars get
synchronised to phones and online accounts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from icalendar import Alarm, Calendar, Event

from toolkit.i18n import get_language, t

__all__ = ["ICS_DOMAIN", "ics_calendar"]

#: Right-hand part of the events' UIDs.
ICS_DOMAIN = "mediation-toolkit"


def ics_calendar(
    frame: pd.DataFrame,
    *,
    name: str | None = None,
    now: dt.datetime | None = None,
    lang: str | None = None,
) -> bytes:
    """The calendar of the rows of an :func:`~toolkit.followup.agenda.agenda` frame.

    Parameters
    ----------
    frame
        Items with their labels (``item_id``, ``version``, ``due_date``, ``task_label``,
        ``kind_label``, ``category_label``, ``sector_label``, ``state_label``).
    name
        The calendar's name (default « Suivis — échéances »).
    now
        The time stamp of the events (default: now, UTC).
    """
    lang = lang or get_language()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Médiation Toolkit//Suivi//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name or t("followup.ics.name", lang))
    calendar.add("x-wr-timezone", "Europe/Paris")
    for _, row in frame.iterrows():
        due = row["due_date"]
        summary = " — ".join(x for x in (row["task_label"], row["category_label"]) if x)
        description = "\n".join(
            t(key, lang, value=row[column])
            for key, column in (
                ("followup.ics.kind", "kind_label"),
                ("followup.ics.state", "state_label"),
                ("followup.ics.sector", "sector_label"),
            )
            if isinstance(row[column], str) and row[column]
        )
        event = Event()
        event.add("uid", f"{row['item_id']}@{ICS_DOMAIN}")
        event.add("sequence", int(row["version"]))
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("categories", [row["kind_label"]])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(hours=9))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
