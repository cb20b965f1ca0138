"""Exceptions and coded problems shared by every part of the toolkit.

A :class:`Problem` is one thing wrong with a user's input (an instrument file, an
answer, an imported row...). It carries a code (``I012``), where it was found
(file, line, field) and the parameters of its message; the text itself comes from the
message catalogue, so that the same problem reads in French or in English. Tests
check codes, not prose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from toolkit.i18n import Text, t

__all__ = [
    "AnalysisError",
    "AnswerError",
    "ConflictError",
    "DataImportError",
    "ExpressionError",
    "InstrumentError",
    "Problem",
    "StoreError",
    "StoreUnavailableError",
    "ToolkitError",
    "TrainingError",
]


@dataclass(frozen=True)
class Problem:
    """One coded problem, located as precisely as the input allows."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    file: str | None = None
    line: int | None = None
    field: str | None = None
    #: A message written by the instrument's author (``constraint_message``...), used
    #: instead of the catalogue text when given.
    text: Text | None = None

    def message(self, lang: str | None = None) -> str:
        """The catalogue text for :attr:`code`, filled with the parameters and the field."""
        if self.text is not None:
            return self.text.get(lang)
        params = dict(self.params)
        params.setdefault("field", self.field or "")
        return t(self.code, lang, **params)

    def format(self, lang: str | None = None) -> str:
        """``file:line: CODE message`` as printed by ``toolkit validate``."""
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.code} {self.message(lang)}"

    def __str__(self) -> str:
        return self.format()


class ToolkitError(Exception):
    """Root of every error the toolkit raises on purpose.

    Either a plain message or a list of :class:`Problem`; ``str()`` gives the text in the
    current language, one problem a line.
    """

    def __init__(self, message: str | None = None, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self._message = message
        super().__init__(message or "")

    def __str__(self) -> str:
        lines = [self._message] if self._message else []
        lines.extend(p.format() for p in self.problems)
        return "\n".join(lines)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class InstrumentError(ToolkitError, ValueError):
    """An instrument definition (YAML or XLSForm) is invalid."""


class ExpressionError(InstrumentError):
    """A skip-logic, constraint or calculation expression cannot be parsed or evaluated."""


class AnswerError(ToolkitError, ValueError):
    """Answers do not satisfy their instrument (types, required, constraints...)."""


class StoreError(ToolkitError):
    """The store refused an operation (unknown instrument, unknown response...)."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached; callers journal the response instead of losing it."""


class ConflictError(StoreError):
    """A response id was reused for different content."""


class DataImportError(ToolkitError, ValueError):
    """An import file was rejected as a whole; :attr:`problems` lists every bad row."""


class TrainingError(ToolkitError, ValueError):
    """A training module file is invalid, or a workshop operation is not allowed."""


class AnalysisError(ToolkitError, ValueError):
    """An analysis function got unusable input (unknown column, bad weights...)."""
