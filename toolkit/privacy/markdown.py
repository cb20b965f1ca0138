"""Small helpers to write the readable files of the privacy commands (Markdown, in French)."""

from __future__ import annotations

import datetime as dt
import re

from toolkit.i18n import t
from toolkit.instruments import Instrument, Question

__all__ = ["answer_text", "escape", "when"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(value: object) -> str:
    """``value`` as Markdown text that renders as written (no markup, no HTML, one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def when(value: dt.datetime | None, lang: str | None = None) -> str:
    """A UTC timestamp as ``2026-12-01 14:05 UTC`` (``-`` when unknown)."""
    if value is None:
        return t("privacy.unknown", lang)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def answer_text(instrument: Instrument, question: Question, value: object, lang=None) -> str:
    """An answer as a reader understands it: choice labels, yes/no, a point's coordinates."""
    if value is None:
        return t("privacy.unknown", lang)
    choices = instrument.choice_lists.get(question.choices) if question.choices else None
    if choices is not None:
        values = value if isinstance(value, list) else [value]
        labels = []
        for item in values:
            choice = choices.get(str(item))
            labels.append(choice.label.get(lang) if choice is not None else str(item))
        return escape(", ".join(labels))
    if isinstance(value, bool):
        return t("privacy.yes" if value else "privacy.no", lang)
    if isinstance(value, dict) and "latitude" in value:
        return escape(f"{value.get('latitude')}, {value.get('longitude')}")
    return escape(value)
