"""What an expression sees while answers are checked, shown or generated."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from toolkit.instruments.expr import NodeSet
from toolkit.instruments.model import Instrument


@dataclass
class AnswerScope:
    """An expression context over a set of answers (:class:`toolkit.instruments.expr.Context`).

    ``${name}`` gives the top-level answer; inside the entry of a repeat (``repeat`` and
    ``entry`` set), the entry's own answer for the repeat's questions; from outside a repeat,
    the :class:`NodeSet` of its entries' values (what ``count()`` and ``sum()`` take).
    ``current`` is ``.`` (constraints) and ``columns`` the choice's columns (choice filters).
    """

    instrument: Instrument
    values: Mapping[str, object]
    today: dt.date
    entry: Mapping[str, object] | None = None
    repeat: str | None = None
    current: object = None
    columns: Mapping[str, object] = field(default_factory=dict)

    def lookup(self, name: str) -> object:
        try:
            owner = self.instrument.repeat_of(name)
        except KeyError:
            return None
        if owner is None:
            value = self.values.get(name)
            if isinstance(value, list) and self.instrument.question(name).type == "repeat":
                return NodeSet(value)
            return value
        if owner == self.repeat and self.entry is not None:
            return self.entry.get(name)
        entries = self.values.get(owner)
        if not isinstance(entries, list | tuple):
            return NodeSet(())
        return NodeSet(e.get(name) for e in entries if isinstance(e, Mapping))

    def column(self, name: str) -> object:
        return self.columns.get(name)

    def with_(self, **changes: object) -> AnswerScope:
        """A copy with some fields changed (``entry``, ``repeat``, ``current``, ``columns``)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
