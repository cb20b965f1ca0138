"""The day a stored or entered value stands for, for code that computes with dates.

Answers are validated by :func:`~toolkit.instruments.validate_answers`; what is read back
(ISO text from the store, a ``date`` from a form, a ``datetime`` from a timestamp) is turned
into a :class:`datetime.date` here, the same way wherever days are counted.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["parse_date"]


def parse_date(value: object) -> dt.date | None:
    """A date from a ``date``, a ``datetime`` (its day) or ISO text; ``None`` when it is not one.

    Text is read from its first ten characters, so that an ISO timestamp gives its day.

    Examples
    --------
    >>> parse_date("2026-03-02"), parse_date(" 2026-03-02T09:30:00+01:00")
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 2))
    >>> parse_date(dt.datetime(2026, 3, 2, 23, 59))
    datetime.date(2026, 3, 2)
    >>> parse_date("02/03/2026") is None, parse_date(None) is None
    (True, True)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
