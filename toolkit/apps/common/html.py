"""Escaping: every string from an instrument or a user goes through :func:`esc` before HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["esc", "paragraph", "table"]


def esc(value: object) -> str:
    """HTML-escape any value (``None`` gives an empty string).

    Examples
    --------
    >>> esc('<b>Rue "des Lilas" & co</b>')
    '&lt;b&gt;Rue &quot;des Lilas&quot; &amp; co&lt;/b&gt;'
    >>> esc(None), esc(3.5)
    ('', '3.5')
    """
    return "" if value is None else html.escape(str(value), quote=True)


def paragraph(text: object, css_class: str = "") -> str:
    """``<p>`` holding the escaped text.

    Examples
    --------
    >>> paragraph("Moins de 5 réponses : <masqué>", "mt-hint")
    '<p class="mt-hint">Moins de 5 réponses : &lt;masqué&gt;</p>'
    """
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{attr}>{esc(text)}</p>"


def table(
    headers: Iterable[object], rows: Iterable[Iterable[object]], css_class: str = "mt-table"
) -> str:
    """A small HTML table; every header and cell is escaped.

    Examples
    --------
    >>> page = table(["Secteur", "Réponses"], [["Gare & centre", 12], ["<Nord>", 3]])
    >>> page[page.index("<tbody>") :]
    '<tbody><tr><td>Gare &amp; centre</td><td>12</td></tr><tr><td>&lt;Nord&gt;</td><td>3</td></tr></tbody></table></div>'
    """
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="mt-scroll"><table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )
