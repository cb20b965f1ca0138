"""QR codes of the participants' address (segno: pure Python, BSD licence, no image library)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg", "qr_terminal"]


def qr_svg(url: str, *, label: str = "") -> str:
    """An inline ``<svg>`` of ``url`` that scales with its box (no fixed size).

    ``label`` becomes the image's accessible name (``role="img"``, ``aria-label``).
    """
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True)
    name = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)


def qr_terminal(url: str) -> str:
    """``url`` as a QR code drawn with block characters, for the console of ``toolkit serve``."""
    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
