"""Reports a coordinator can send: a self-contained HTML file and an editable Word document.

A report kind (``barometre``, ``formation``…) builds a :class:`Document` from shared blocks
(:mod:`toolkit.report.blocks`); :func:`render_html` and :func:`render_docx` render every
block; :func:`write` puts both files in a folder. Kinds register themselves in
:mod:`toolkit.report.registry` (one module in :mod:`toolkit.report.kinds` each), which is how
``toolkit report <kind>`` finds them.

Examples
--------
A document of two blocks, rendered by both writers:

>>> import tempfile
>>> from toolkit.report import Document, Heading, Paragraph
>>> document = Document(
...     title="Bilan du trimestre",
...     subtitle="Quartier de la Gare",
...     blocks=(Heading("Constats"), Paragraph("Moins de bruit le soir.")),
...     labels=words("fr"),
...     stem="bilan",
... )
>>> dict(words("fr"))["contents"]
'Sommaire'
>>> "<h2" in render_html(document) and "Moins de bruit le soir." in render_html(document)
True
>>> render_docx(document)[:2]
b'PK'
>>> [p.name for p in write(document, tempfile.mkdtemp(), document.stem)]
['bilan.html', 'bilan.docx']

The kinds that ``toolkit report`` offers, found in the registry; :func:`register` adds a
kind (or replaces the one of the same name) and returns it:

>>> sorted(kinds())
['activite', 'barometre', 'formation', 'qualitatif']
>>> kind = get_kind("barometre")
>>> register(kind) is kind, kind.help_key
(True, 'report.barometre.help')
>>> get_kind("inconnu")
Traceback (most recent call last):
...
toolkit.report.registry.ReportError: R001 type de rapport inconnu « inconnu » ; types disponibles : activite, barometre, formation, qualitatif
"""

# The sub-package of the kinds is loaded first: loading it later (by ``kinds()``) would set
# the package's attribute ``kinds`` to that sub-package, hiding the function of that name.
import toolkit.report.kinds  # noqa: F401
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
