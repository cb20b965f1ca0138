"""The building blocks of a report, shared by every report kind and rendered by both writers.

A report is a :class:`Document`: a title and a flat list of blocks. A kind (baromètre,
formation…) only builds blocks from its data; :mod:`toolkit.report.html` and
:mod:`toolkit.report.docx` each render every block, so a new kind needs no writer code.
Texts are already translated and numbers already formatted when a block is built (see
:func:`toolkit.analysis.present`); writers escape every text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "Block",
    "Bullets",
    "Document",
    "Figure",
    "Heading",
    "KeyFigures",
    "Limits",
    "Methodology",
    "Paragraph",
    "Table",
]


@dataclass(frozen=True)
class Heading:
    """A section title; ``level`` 1 (chapter) or 2 (section) goes into the table of contents."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Methodology:
    """The framed methodology box: a title and short « label : text » lines."""

    title: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class KeyFigures:
    """Headline indicators: each a label, a value, and an optional reading (change)."""

    title: str
    items: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, eq=False)
class Table:
    """A presented table (text cells, see :func:`toolkit.analysis.present`) with a caption.

    ``numeric_from``: columns from this position on hold figures (right-aligned).
    ``note``: a line under the table (source, reading aid).
    """

    frame: pd.DataFrame
    caption: str
    numeric_from: int | None = None
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart as PNG bytes, with its caption (numbered by the writers) and a text alternative."""

    png: bytes
    caption: str
    alt: str = ""
    note: str | None = None


@dataclass(frozen=True)
class Limits:
    """The « limits » section: what was suppressed or could not be concluded, and why."""

    title: str
    intro: str
    items: tuple[str, ...]


Block = Heading | Paragraph | Bullets | Methodology | KeyFigures | Table | Figure | Limits


@dataclass(frozen=True, eq=False)
class Document:
    """A whole report: what both writers render.

    Parameters
    ----------
    title, subtitle : str
        Shown on the first page (and as the HTML title / DOCX core properties).
    blocks : sequence of Block
        The body, in order.
    lang : str
        Language of the texts (``lang`` attribute, Word proofing language).
    created : datetime.date
        Date printed on the first page.
    labels : tuple of (key, text)
        The writers' own words in ``lang`` (:func:`toolkit.report.output.words`).
    stem : str
        File name of the report without extension (``barometre_ambiance-2026-printemps``).
    """

    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    lang: str = "fr"
    created: dt.date = field(default_factory=dt.date.today)
    labels: tuple[tuple[str, str], ...] = ()
    stem: str = "rapport"

    def word(self, key: str) -> str:
        return dict(self.labels).get(key, key)

    def headings(self) -> Iterator[tuple[int, Heading]]:
        """Numbered headings (their anchor index) for the table of contents."""
        index = 0
        for block in self.blocks:
            if isinstance(block, Heading):
                index += 1
                yield index, block

    def count(self, kind: type) -> int:
        return sum(isinstance(b, kind) for b in self.blocks)


def bullets(items: Sequence[str]) -> Bullets:
    return Bullets(tuple(items))
