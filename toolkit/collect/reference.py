"""Short, human references for responses (« BA-2026-K7Q3MX ») shown instead of UUIDs.

The UUID stays the key everywhere (store, journal, exports); the reference is only what a
mediator reads on a screen or quotes on the phone. It is derived from the UUID, so it needs
no database round trip and is the same offline, in the journal and once stored: the
instrument's initials, the year the response was started, and six characters of Crockford's
base 32 (no I, L, O or U, so that nothing is misread) taken from the UUID's random bits.
Two responses of one instrument and year share a reference with probability about
n² / 2·32⁶ (0.07 % for 1,200 responses), so screens that list responses show the date and
the collector beside it.
"""

from __future__ import annotations

import datetime as dt
import uuid

__all__ = ["instrument_initials", "short_reference"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def instrument_initials(instrument_id: str) -> str:
    """Initials of the words of an instrument id: ``barometre_ambiance`` → ``BA``.

    >>> instrument_initials("barometre_ambiance"), instrument_initials("diagnostic")
    ('BA', 'DI')
    """
    words = [w for w in instrument_id.replace("-", "_").split("_") if w]
    if not words:
        return "R"
    if len(words) == 1:
        return words[0][:2].upper()
    return "".join(w[0] for w in words[:3]).upper()


def short_reference(
    instrument_id: str, response_id: str, started: dt.datetime | dt.date | None = None
) -> str:
    """The reference shown for a response.

    Parameters
    ----------
    instrument_id
        The instrument (gives the initials).
    response_id
        The response's UUID.
    started
        When the response was begun (gives the year; this year when unknown).

    Examples
    --------
    >>> short_reference("barometre_ambiance", "0b7c6a1e-4f7d-4c53-9a8e-2f1d3c4b5a69",
    ...                 dt.date(2026, 4, 12))
    'BA-2026-Y4PPK9'
    """
    year = (started or dt.date.today()).year
    try:
        bits = uuid.UUID(str(response_id)).int
    except ValueError:
        bits = sum(ord(c) << (i % 96) for i, c in enumerate(str(response_id)))
    chars = []
    for _ in range(6):
        chars.append(_ALPHABET[bits & 31])
        bits >>= 5
    return f"{instrument_initials(instrument_id)}-{year}-{''.join(reversed(chars))}"
