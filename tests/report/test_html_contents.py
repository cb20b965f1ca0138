"""The HTML report's table of contents: chapters numbered in order, their sections nested."""

from __future__ import annotations

from html.parser import HTMLParser

from toolkit.report.blocks import Document, Heading, Paragraph
from toolkit.report.html import render_html


class _Contents(HTMLParser):
    """The table of contents as (depth, text) pairs, depth 1 for a chapter."""

    def __init__(self) -> None:
        super().__init__()
        self.in_nav = False
        self.depth = 0
        self.entries: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "nav":
            self.in_nav = True
        elif self.in_nav and tag in ("ol", "ul"):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav = False
        elif self.in_nav and tag in ("ol", "ul"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_nav and self.depth and data.strip():
            self.entries.append((self.depth, data.strip()))


def test_render_html__chapters_with_sections__chapters_numbered_one_two_three():
    blocks = (
        Heading("Méthode"),
        Paragraph("…"),
        Heading("Cadre de vie"),
        Heading("Propreté", level=2),
        Heading("Bruit", level=2),
        Heading("Sécurité"),
        Heading("Le soir", level=2),
    )
    html = render_html(Document("Rapport", "", blocks, labels=(("contents", "Sommaire"),)))
    parser = _Contents()
    parser.feed(html)
    assert parser.entries == [
        (1, "Méthode"),
        (1, "Cadre de vie"),
        (2, "Propreté"),
        (2, "Bruit"),
        (1, "Sécurité"),
        (2, "Le soir"),
    ]
    # One numbered list holding exactly the three chapters as its own items.
    nav = html[html.index("<nav") : html.index("</nav>")]
    top = nav[nav.index("<ol>") + 4 : nav.rindex("</ol>")]
    assert top.count("<ol") == 0
    assert top.count("<ul>") == 2
    assert "<h2>Sommaire</h2>" in nav
