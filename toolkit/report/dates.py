"""Dates written out in a report's language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

__all__ = ["long_date"]


def long_date(day: dt.date, lang: str) -> str:
    """« 1er décembre 2026 », « 19 novembre 2026 », "December 1, 2026".

    French writes the first day of a month as an ordinal (« 1er »), which CLDR's long
    format does not.

    >>> long_date(dt.date(2026, 12, 1), "fr"), long_date(dt.date(2026, 11, 19), "fr")
    ('1er décembre 2026', '19 novembre 2026')
    >>> long_date(dt.date(2026, 12, 1), "en")
    'December 1, 2026'
    """
    text = format_date(day, format="long", locale=lang)
    if lang == "fr" and day.day == 1 and text.startswith("1 "):
        return "1er " + text[2:]
    return text
