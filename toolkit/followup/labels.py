"""Labels of kinds, states, events, fields and choices of the registers (never codes on screen).

Every label comes from the message catalogue (``messages/followup.yaml``): kinds are
``followup.kind.<kind>``, states ``followup.state.<kind>.<state>``, events
``followup.event.<kind>.<event>``, fields ``followup.field.<field>`` and the codes a choice
field accepts ``followup.choice.<field>.<code>``. A code the catalogue does not know (a typo
passed to the API) is shown as it is, so that an error message still names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date

from toolkit.i18n import LANGUAGES, Msg, Text, catalogue, get_language, t

__all__ = [
    "SYSTEM",
    "day_text",
    "format_day",
    "label",
    "label_key",
    "label_list",
    "label_of",
    "who",
]

#: Who the register writes as when nobody in particular acted (creation from an unattributed
#: record, recomputation after a correction, cancellation); shown as « automatique ».
SYSTEM = "toolkit"


def label_key(family: str, code: str, *, kind: str | None = None) -> str:
    """The catalogue key of a label (``family``: kind, state, event, field or ``choice.<field>``)."""
    if family in ("state", "event", "task"):
        return f"followup.{family}.{kind}.{code}"
    return f"followup.{family}.{code}"


def label_of(family: str, code: str, *, kind: str | None = None) -> Msg | str:
    """The label as a :class:`~toolkit.i18n.Msg` (rendered later), or ``code`` if unknown.

    States, events and tasks are looked up for their kind first, then among the labels
    shared by every kind (``followup.event.any.cancel``).
    """
    for key in (label_key(family, code, kind=kind), label_key(family, code, kind="any")):
        if key in catalogue():
            return Msg.of(key)
    return code


def label(family: str, code: str, lang: str | None = None, *, kind: str | None = None) -> str:
    """The label in ``lang`` (default: current language).

    >>> label("kind", "agreement", "fr"), label("state", "planned", "en", kind="agreement")
    ('Accord', 'To check at 30 days')
    """
    found = label_of(family, code, kind=kind)
    return found.render(lang) if isinstance(found, Msg) else found


def label_list(family: str, codes: Iterable[str], *, kind: str | None = None) -> Text:
    """The labels of ``codes`` joined by commas, in every language (« aucune » when empty)."""
    codes = tuple(codes)
    joined = {
        lang: ", ".join(_quoted(label(family, c, lang, kind=kind), lang) for c in codes)
        if codes
        else t("followup.none", lang)
        for lang in LANGUAGES
    }
    return Text.of(joined)


def who(by: str, lang: str | None = None) -> str:
    """The name of whoever recorded a change (« automatique » for the toolkit itself)."""
    return t("followup.by.system", lang) if by == SYSTEM else by


def _quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def format_day(day: dt.date, lang: str | None = None) -> str:
    """A date as people read it: « 12 mars 2026 », "Mar 12, 2026".

    >>> format_day(dt.date(2026, 3, 12), "fr")
    '12 mars 2026'
    """
    return format_date(day, "medium", locale=lang or get_language())


def day_text(day: dt.date) -> Text:
    """:func:`format_day` in every language, for a message parameter."""
    return Text.of({lang: format_day(day, lang) for lang in LANGUAGES})
