"""Labels instead of codes: what a screen shows for a stored value or a column name."""

from __future__ import annotations

from toolkit.i18n import t
from toolkit.instruments import Instrument

__all__ = ["METADATA", "column_label", "value_label"]

#: Response metadata columns (not questions) that screens may show.
METADATA = ("sector", "wave", "team", "collector", "source")


def value_label(instrument: Instrument, name: str, value: object, lang: str) -> str:
    """The label of ``value`` for column ``name`` (a question or the ``sector`` column).

    A choice code becomes its label in ``lang``; an unknown value is shown as it is; a
    missing one as « — ».
    """
    if value is None or value != value:
        return "—"
    question = instrument.analysis.sector if name == "sector" else name
    try:
        choice_list = instrument.choices_of(question) if question else None
    except KeyError:
        choice_list = None
    choice = choice_list.get(str(value)) if choice_list else None
    return choice.label.get(lang) if choice else str(value)


def column_label(instrument: Instrument, name: str, lang: str) -> str:
    """The heading of column ``name``: a metadata name or the question's label."""
    if name in METADATA:
        return t(f"collect.meta.{name}", lang)
    try:
        return instrument.question(name).text(lang)
    except KeyError:
        return name
