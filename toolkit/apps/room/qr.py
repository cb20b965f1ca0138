"""QR codes of the participants' address (segno: pure Python, BSD licence, no image library)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg", "qr_terminal"]


def qr_svg(url: str, *, label: str = "") -> str:
    """An inline ``<svg>`` of ``url`` that scales with its box (no fixed size).

    ``label`` becomes the image's accessible name (``role="img"``, ``aria-label``).

    Examples
    --------
    A 29-module code (version 3) with a two-module margin, named for screen readers:

    >>> svg = qr_svg("http://192.168.1.20:8866/salle", label="Salle & atelier")
    >>> svg[: svg.index(" class=")]
    '<svg role="img" aria-label="Salle &amp; atelier" viewBox="0 0 33 33"'
    >>> svg.endswith("</svg>")
    True
    """
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True)
    name = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)


def qr_terminal(url: str) -> str:
    """``url`` as a QR code drawn with block characters, for the console of ``toolkit serve``.

    Two modules a character (half blocks): 33 columns and 17 lines for the same code as
    :func:`qr_svg`, the finder pattern at the top left.

    Examples
    --------
    >>> lines = qr_terminal("http://192.168.1.20:8866/salle").splitlines()
    >>> len(lines), {len(line) for line in lines}
    (17, {33})
    >>> lines[1][:9]
    '██ ▄▄▄▄▄ '
    """
    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
