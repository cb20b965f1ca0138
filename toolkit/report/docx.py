"""A :class:`~toolkit.report.blocks.Document` as an editable Word file (python-docx).

What a coordinator reworks in Word or LibreOffice: real heading styles (``Heading 1``,
``Heading 2``, so the navigation pane and the table of contents work), a table of contents
field that Word fills on opening, real tables with a repeated header row, figures with
captions numbered by ``SEQ`` fields (Word renumbers them when figures move), and the document
language set for proofing.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from toolkit.report.blocks import (
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
from toolkit.report.dates import long_date

__all__ = ["render_docx"]

_LANG = {"fr": "fr-FR", "en": "en-GB"}
_ACCENT = RGBColor(0x1F, 0x5F, 0x99)
_BOX = "EEF3F8"
_WIDTH = Cm(16.5)


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A complex field (``TOC``, ``SEQ Figure``) whose result Word recomputes."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(shown)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _caption(doc, word: str, sequence: str, number: int, sep: str, text: str) -> None:
    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(f"{word} ")
    _field(paragraph, f"SEQ {sequence} \\* ARABIC", str(number))
    paragraph.add_run(f"{sep}{text}")


def _setup(doc, document: Document) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    language = _LANG.get(document.lang, document.lang)
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Caption"):
        r_pr = styles[name].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), language)
        r_pr.append(lang)
    for name in ("Heading 1", "Heading 2", "Title"):
        styles[name].font.color.rgb = _ACCENT
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    doc.core_properties.title = document.title
    doc.core_properties.subject = document.subtitle
    doc.core_properties.language = language


def _table(doc, block: Table) -> None:
    frame = block.frame
    start = len(frame.columns) if block.numeric_from is None else block.numeric_from
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for i, name in enumerate(frame.columns):
        cell = header.cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
        _shade(cell, _BOX)
    for values in frame.itertuples(index=False, name=None):
        cells = table.add_row().cells
        for i, value in enumerate(values):
            cells[i].text = "" if value is None else str(value)
            if i >= start:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    if block.note:
        note = doc.add_paragraph(block.note)
        note.runs[0].italic = True


def _box(doc, title: str, lines: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    cell = table.rows[0].cells[0]
    _shade(cell, _BOX)
    heading = cell.paragraphs[0]
    run = heading.add_run(title)
    run.bold = True
    run.font.color.rgb = _ACCENT
    for label, text in lines:
        paragraph = cell.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run(f" {text}" if label.endswith((":", "\u00a0:")) else f"\u00a0: {text}")
    doc.add_paragraph()


def _key_figures(doc, block: KeyFigures) -> None:
    doc.add_paragraph().add_run(block.title).bold = True
    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for label, value, reading in block.items:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = ""
        run = cells[1].paragraphs[0].add_run(value)
        run.bold = True
        run.font.color.rgb = _ACCENT
        cells[2].text = reading
        _shade(cells[1], _BOX)
    doc.add_paragraph()


def render_docx(document: Document, path: str | Path | None = None) -> bytes:
    """The report as ``.docx`` bytes (also written to ``path`` when given)."""
    doc = new_document()
    _setup(doc, document)
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(document.subtitle)
    date = long_date(document.created, document.lang)
    doc.add_paragraph(f"{document.word('generated')} {date}")
    doc.add_heading(document.word("contents"), level=1)
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', document.word("toc_hint"))
    doc.add_page_break()
    sep = document.word("sep")
    figures = tables = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(max(block.level, 1), 2))
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, Bullets | Limits):
            if isinstance(block, Limits):
                doc.add_paragraph(block.intro)
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Methodology):
            _box(doc, block.title, list(block.items))
        elif isinstance(block, KeyFigures):
            _key_figures(doc, block)
        elif isinstance(block, Table):
            tables += 1
            _caption(
                doc,
                document.word("table"),
                "Tableau" if document.lang == "fr" else "Table",
                tables,
                sep,
                block.caption,
            )
            _table(doc, block)
        elif isinstance(block, Figure):
            figures += 1
            doc.add_picture(io.BytesIO(block.png), width=_WIDTH)
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _caption(doc, document.word("figure"), "Figure", figures, sep, block.caption)
            if block.note:
                doc.add_paragraph(block.note).runs[0].italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
