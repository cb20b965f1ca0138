"""Numbers written as people read them, in French or English (Babel's CLDR formats).

French puts a comma before decimals, a narrow no-break space between thousands and a
no-break space before « % »; a margin of error is written in points (« ± 5 points »).
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal, format_percent

from toolkit.i18n import get_language, t

__all__ = [
    "format_count",
    "format_margin",
    "format_number",
    "format_points",
    "format_share",
    "share_margin",
]

#: Minus sign used for negative changes (U+2212), so that a cell never starts with "-".
MINUS = "\u2212"


def _lang(lang: str | None) -> str:
    return lang or get_language()


def format_share(value: float, lang: str | None = None, *, decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage.

    >>> format_share(0.4213), format_share(0.4213, "en"), format_share(0.004)
    ('42\\xa0%', '42%', '<\\xa01\\xa0%')
    """
    lang = _lang(lang)
    if value is None or not math.isfinite(value):
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    if lang == "en":
        pattern = pattern.replace("\u00a0", "")
    if 0 < value < 0.005 and decimals == 0:
        return ("<\u00a0" if lang != "en" else "< ") + format_percent(0.01, pattern, locale=lang)
    return format_percent(value, pattern, locale=lang)


def format_number(value: float, lang: str | None = None, *, decimals: int = 1) -> str:
    """A number with ``decimals`` decimals, in the language's notation.

    >>> format_number(47.46), format_number(-2.5, "en"), format_number(4510.4, decimals=0)
    ('47,5', '−2.5', '4\\u202f510')
    """
    lang = _lang(lang)
    if value is None or not math.isfinite(value):
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(abs(value), pattern, locale=lang)
    return (MINUS + text) if value < 0 and text.strip("0,.") else text


def format_count(value: float, lang: str | None = None) -> str:
    """A whole number of people (thousands separated)."""
    return format_number(value, lang, decimals=0)


def format_points(value: float, lang: str | None = None, *, signed: bool = False) -> str:
    """A difference of shares (0-1) in percentage points: « +7 points », « −3 points »."""
    if value is None or not math.isfinite(value):
        return ""
    points = 100 * value
    rounded = round(points) if abs(points) >= 1 else round(points, 1)
    text = format_number(abs(rounded), lang, decimals=0 if abs(points) >= 1 else 1)
    sign = ("+" if rounded > 0 else MINUS if rounded < 0 else "") if signed else ""
    return t("present.points", lang, n=abs(rounded), shown=sign + text)


def format_margin(half_width: float, lang: str | None = None, *, share: bool = True) -> str:
    """« ± 5 points » for a share's half interval (0-1), « ± 4,3 » for a mean's.

    >>> format_margin(0.0512), format_margin(0.004), format_margin(4.26, share=False)
    ('±\\xa05\\xa0points', '±\\xa00,4\\xa0point', '±\\xa04,3')
    """
    if half_width is None or not math.isfinite(half_width):
        return ""
    if share:
        return "±\u00a0" + format_points(half_width, lang)
    return "±\u00a0" + format_number(half_width, lang, decimals=1)


def lopsided(estimate: float, low: float, high: float) -> bool:
    """Whether « ± half the interval » would misstate a share's interval.

    Near 0 % or 100 % the interval is far from symmetric: 0 % of 50 people is « 0 % to 7 % »,
    not « ± 4 points ». True when the share ± half the interval leaves 0–100 %, or when one
    side of the interval is more than twice the other.
    """
    below, above = estimate - low, high - estimate
    half = (high - low) / 2
    if estimate - half < 0 or estimate + half > 1:
        return True
    return max(below, above) > 2 * min(below, above)


def share_margin(
    estimate: float, low: float, high: float, lang: str | None = None, *, short: bool = False
) -> str:
    """The margin of error written after a share: « ± 5 points », or the interval itself
    (« 0 % à 7 % ») where it is far from symmetric (see :func:`lopsided`).

    ``short`` writes « ± 5 » for the columns of a wide table, whose header says « points ».

    >>> share_margin(0.42, 0.37, 0.47), share_margin(0.42, 0.37, 0.47, short=True)
    ('±\xa05\xa0points', '±\xa05')
    >>> share_margin(0.0, 0.0, 0.0711)
    '0\xa0% à 7\xa0%'
    """
    if not all(math.isfinite(v) for v in (estimate, low, high)):
        return ""
    if lopsided(estimate, low, high):
        return t(
            "present.interval", lang, low=format_share(low, lang), high=format_share(high, lang)
        )
    half = (high - low) / 2
    if short:
        return "±\u00a0" + format_number(100 * half, lang, decimals=0 if half >= 0.01 else 1)
    return format_margin(half, lang)
