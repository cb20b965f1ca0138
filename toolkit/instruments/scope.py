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
    ``entry`` set, the enclosing entries of nested repeats in ``outer``, outermost first),
    the entry's own answer for the repeat's questions; from outside a repeat, the
    :class:`NodeSet` of its entries' values (what ``count()`` and ``sum()`` take), taken
    within the entries the expression sits in, as pyxform's relative paths do.
    ``current`` is ``.`` (constraints) and ``columns`` the choice's columns (choice filters).
    ``meta`` holds what the toolkit records with the response (``collector``, ``team``...),
    which ``metadata`` questions give; ``saved`` the answers of the last response saved
    (``${last-saved#name}``).
    """

    instrument: Instrument
    values: Mapping[str, object]
    today: dt.date
    entry: Mapping[str, object] | None = None
    repeat: str | None = None
    current: object = None
    columns: Mapping[str, object] = field(default_factory=dict)
    outer: tuple[tuple[str, Mapping[str, object]], ...] = ()
    meta: Mapping[str, object] = field(default_factory=dict)
    saved: Mapping[str, object] = field(default_factory=dict)
    #: 1-based position of ``entry`` in its repeat (``position(..)``).
    position: int | None = None

    def chain(self) -> tuple[tuple[str, Mapping[str, object]], ...]:
        """The repeat entries the expression sits in, outermost first."""
        if self.repeat is None or self.entry is None:
            return self.outer
        return (*self.outer, (self.repeat, self.entry))

    def lookup(self, name: str) -> object:
        try:
            question = self.instrument.question(name)
            path = self.instrument.repeat_path(name)
        except KeyError:
            return None
        if question.type == "metadata":
            return self.metadata(question.metadata or "")
        context: Mapping[str, object] = self.values
        depth = 0
        for (repeat, entry), enclosing in zip(self.chain(), path, strict=False):
            if repeat != enclosing:
                break
            context, depth = entry, depth + 1
        contexts = [context]
        for repeat in path[depth:]:
            contexts = [
                e
                for c in contexts
                for e in (c.get(repeat) or ())  # type: ignore[attr-defined]
                if isinstance(e, Mapping)
            ]
        if question.type == "repeat":
            entries = [e for c in contexts for e in (c.get(name) or ())]  # type: ignore[attr-defined]
            if depth == len(path) and not isinstance(context.get(name), list):
                return context.get(name)
            return NodeSet(entries)
        if depth == len(path):
            return context.get(name)
        return NodeSet(c.get(name) for c in contexts)

    def metadata(self, source: str) -> object:
        if source == "today":
            return self.meta.get("today", self.today)
        return self.meta.get(source)

    def last_saved(self, name: str) -> object:
        return self.saved.get(name)

    def column(self, name: str) -> object:
        return self.columns.get(name)

    def enter(
        self, repeat: str, entry: Mapping[str, object], index: int | None = None
    ) -> AnswerScope:
        """The scope inside ``entry`` (0-based ``index``) of ``repeat``, a repeat within the
        current one if any."""
        position = None if index is None else index + 1
        return dataclasses.replace(
            self, outer=self.chain(), repeat=repeat, entry=entry, position=position
        )

    def with_(self, **changes: object) -> AnswerScope:
        """A copy with some fields changed (``entry``, ``repeat``, ``current``, ``columns``)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
