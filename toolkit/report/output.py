"""Writing a document to files: the HTML and DOCX of one report side by side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.i18n import t
from toolkit.report.blocks import Document
from toolkit.report.docx import render_docx
from toolkit.report.html import render_html

__all__ = ["FORMATS", "words", "write"]

FORMATS = ("html", "docx")


def words(lang: str) -> tuple[tuple[str, str], ...]:
    """The writers' own words in ``lang`` (for :attr:`Document.labels`)."""
    keys = ("contents", "figure", "table", "generated", "sep", "toc_hint")
    return tuple((key, t(f"report.word.{key}", lang)) for key in keys)


def write(
    document: Document, directory: str | Path, stem: str, *, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Write ``<stem>.html`` and/or ``<stem>.docx`` in ``directory`` (created); return the paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    if "html" in formats:
        path = folder / f"{stem}.html"
        path.write_text(render_html(document), encoding="utf-8")
        paths.append(path)
    if "docx" in formats:
        path = folder / f"{stem}.docx"
        render_docx(document, path)
        paths.append(path)
    return paths
