"""Escaping: every string from an instrument or a user goes through :func:`esc` before HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["esc", "paragraph", "table"]


def esc(value: object) -> str:
    """HTML-escape any value (``None`` gives an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def paragraph(text: object, css_class: str = "") -> str:
    """``<p>`` holding the escaped text."""
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{attr}>{esc(text)}</p>"


def table(
    headers: Iterable[object], rows: Iterable[Iterable[object]], css_class: str = "mt-table"
) -> str:
    """A small HTML table; every header and cell is escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="mt-scroll"><table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )
