"""A :class:`~toolkit.report.blocks.Document` as one self-contained HTML file.

Figures are embedded as ``data:`` PNG images and the style sheet is inline, so the file opens
anywhere without a network and can be sent by e-mail. A table of contents links the headings;
the print style sheet lays the report out on A4 (margins, no split table rows or figures,
headings kept with what follows). Every text is escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from html import escape

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

__all__ = ["CSS", "render_html"]

CSS = """
:root { --ink: #1d2733; --muted: #51606f; --line: #c9d2db; --box: #eef3f8; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
  line-height: 1.45; margin: 0 auto; max-width: 56rem; padding: 1.5rem 1rem 3rem; font-size: 11pt; }
header.cover { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: 1rem; }
header.cover h1 { font-size: 1.9rem; margin: 0 0 .4rem; color: var(--accent); }
header.cover p { margin: .2rem 0; color: var(--muted); }
nav.toc { border: 1px solid var(--line); padding: .6rem 1.2rem; margin: 1rem 0 2rem; }
nav.toc h2 { font-size: 1.1rem; margin: .3rem 0; }
nav.toc ol { margin: .2rem 0; padding-left: 1.2rem; }
nav.toc ul { margin: .1rem 0; padding-left: 1.2rem; list-style: circle; }
nav.toc a { color: var(--ink); text-decoration: none; }
h1 { font-size: 1.5rem; color: var(--accent); border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; margin-top: 2rem; }
h2 { font-size: 1.2rem; margin-top: 1.4rem; }
.box { background: var(--box); border-left: 5px solid var(--accent); padding: .6rem 1rem;
  margin: 1rem 0; }
.box h3 { margin: .2rem 0 .4rem; font-size: 1.05rem; }
.box dl { margin: 0; }
.box dt { font-weight: bold; margin-top: .3rem; }
.box dd { margin: 0 0 .2rem 0; }
.keys { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .6rem;
  margin: 1rem 0; }
.key { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.key .value { font-size: 1.35rem; font-weight: bold; color: var(--accent); display: block; }
.key .reading { color: var(--muted); font-size: .9rem; }
table.report { border-collapse: collapse; width: 100%; margin: .3rem 0 .2rem; font-size: .88rem; }
table.report caption { caption-side: top; text-align: left; font-weight: bold; padding: .3rem 0; }
table.report th, table.report td { border: 1px solid var(--line); padding: .3rem .45rem;
  vertical-align: top; text-align: left; }
table.report th { background: var(--box); }
table.report .num { text-align: right; }
.note { color: var(--muted); font-size: .85rem; margin: .1rem 0 1rem; }
figure { margin: 1rem 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .92rem; color: var(--muted); margin-top: .3rem; }
.mt-scroll { overflow-x: auto; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { break-after: page; }
  h1, h2, h3 { break-after: avoid; }
  figure, .box, .key, tr { break-inside: avoid; }
  table.report { break-inside: auto; }
  thead { display: table-header-group; }
  .mt-scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _table(block: Table, number: int, word: str, sep: str) -> str:
    frame = block.frame
    start = len(frame.columns) if block.numeric_from is None else block.numeric_from
    head = "".join(
        f'<th scope="col"{" class=num" if i >= start else ""}>{escape(str(c))}</th>'
        for i, c in enumerate(frame.columns)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i >= start else ''}>{escape('' if v is None else str(v))}</td>"
            for i, v in enumerate(values)
        )
        + "</tr>"
        for values in frame.itertuples(index=False, name=None)
    )
    caption = f"{word} {number}{sep}{block.caption}"
    note = f'<p class="note">{escape(block.note)}</p>' if block.note else ""
    return (
        f'<div class="mt-scroll"><table class="report"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{note}"
    )


def _figure(block: Figure, number: int, word: str, sep: str) -> str:
    data = base64.b64encode(block.png).decode("ascii")
    note = f'<p class="note">{escape(block.note)}</p>' if block.note else ""
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.alt or block.caption)}">'
        f"<figcaption>{escape(word)} {number}{escape(sep)}{escape(block.caption)}</figcaption></figure>{note}"
    )


def render_html(document: Document) -> str:
    """The whole report as one HTML page (UTF-8 text)."""
    lang = document.lang
    parts: list[str] = []
    figures = tables = 0
    anchors = iter(range(1, 10_000))
    for block in document.blocks:
        if isinstance(block, Heading):
            tag = "h1" if block.level <= 1 else "h2"
            parts.append(f'<{tag} id="s{next(anchors)}">{escape(block.text)}</{tag}>')
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Methodology):
            items = "".join(
                f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in block.items
            )
            parts.append(
                f'<section class="box"><h3>{escape(block.title)}</h3><dl>{items}</dl></section>'
            )
        elif isinstance(block, KeyFigures):
            keys = "".join(
                f'<div class="key"><span class="label">{escape(label)}</span>'
                f'<span class="value">{escape(value)}</span>'
                f'<span class="reading">{escape(reading)}</span></div>'
                for label, value, reading in block.items
            )
            parts.append(f'<h3>{escape(block.title)}</h3><div class="keys">{keys}</div>')
        elif isinstance(block, Table):
            tables += 1
            parts.append(_table(block, tables, document.word("table"), document.word("sep")))
        elif isinstance(block, Figure):
            figures += 1
            parts.append(_figure(block, figures, document.word("figure"), document.word("sep")))
        elif isinstance(block, Limits):
            parts.append(f"<p>{escape(block.intro)}</p>")
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>")
    toc = _toc(document.headings())
    date = long_date(document.created, lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(document.title)}</title><style>{CSS}</style></head><body>"
        f'<header class="cover"><h1>{escape(document.title)}</h1>'
        f"<p>{escape(document.subtitle)}</p>"
        f"<p>{escape(document.word('generated'))} {escape(date)}</p></header>"
        f'<nav class="toc"><h2>{escape(document.word("contents"))}</h2><ol>{toc}</ol></nav>'
        f"<main>{''.join(parts)}</main></body></html>\n"
    )


def _toc(headings: Iterable[tuple[int, Heading]]) -> str:
    """The table of contents: sections numbered 1, 2, 3…, their sub-headings nested unnumbered.

    A flat list numbered its sub-headings too, so the sections read 1, 2, 3, 5, 8…
    """
    items: list[str] = []
    subs: list[str] = []

    def close() -> None:
        if subs and items:
            items[-1] = items[-1][: -len("</li>")] + "<ul>" + "".join(subs) + "</ul></li>"
        elif subs:
            items.extend(subs)
        subs.clear()

    for i, heading in headings:
        link = f'<li><a href="#s{i}">{escape(heading.text)}</a></li>'
        if heading.level <= 1:
            close()
            items.append(link)
        else:
            subs.append(link)
    close()
    return "".join(items)
