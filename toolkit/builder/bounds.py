"""Numbers typed by a mediator for a question's bounds: « 2,5 » or « 2.5 », checked for the
question's type before the draft is touched."""

from __future__ import annotations

import re

from toolkit.builder.errors import refuse

__all__ = ["parse_bound"]

_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_bound(text: str, *, integer: bool) -> int | float | None:
    """The number ``text`` says (French decimal comma accepted), ``None`` when empty.

    Raises
    ------
    BuilderError
        ``B027`` not a number, ``B028`` not a whole number for an integer question.

    Examples
    --------
    >>> parse_bound("2,5", integer=False)
    2.5
    >>> parse_bound(" 12 ", integer=True)
    12
    >>> parse_bound("", integer=True) is None
    True
    """
    cleaned = text.strip().replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise refuse("B027", text=text.strip())
    number = float(cleaned.replace(",", "."))
    if number.is_integer() and "." not in cleaned and "," not in cleaned:
        return int(cleaned)
    if integer:
        if not number.is_integer():
            raise refuse("B028", text=text.strip())
        return int(number)
    return number
