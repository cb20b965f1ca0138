"""Reports a coordinator can send: a self-contained HTML file and an editable Word document.

A report kind (``barometre``, ``formation``…) builds a :class:`Document` from shared blocks
(:mod:`toolkit.report.blocks`); :func:`render_html` and :func:`render_docx` render every
block; :func:`write` puts both files in a folder. Kinds register themselves in
:mod:`toolkit.report.registry` (one module in :mod:`toolkit.report.kinds` each), which is how
``toolkit report <kind>`` finds them.
"""

from toolkit.report.blocks import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    KeyFigures,
    Limits,
    Methodology,
    Paragraph,
    Table,
)
from toolkit.report.docx import render_docx
from toolkit.report.html import render_html
from toolkit.report.output import FORMATS, words, write
from toolkit.report.registry import ReportError, ReportKind, get_kind, kinds, register

__all__ = [
    "FORMATS",
    "Block",
    "Bullets",
    "Document",
    "Figure",
    "Heading",
    "KeyFigures",
    "Limits",
    "Methodology",
    "Paragraph",
    "ReportError",
    "ReportKind",
    "Table",
    "get_kind",
    "kinds",
    "register",
    "render_docx",
    "render_html",
    "words",
    "write",
]
