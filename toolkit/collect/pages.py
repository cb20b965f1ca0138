"""The page model of a form: one section (top-level group) per page.

Top-level questions that sit outside any group are gathered, in order, into pages of their
own so that any instrument can be shown page by page, whatever its layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.i18n import Text
from toolkit.instruments import Instrument, Question

__all__ = ["Page", "consent_question", "pages"]


@dataclass(frozen=True)
class Page:
    """One screen of the form.

    Attributes
    ----------
    name
        The section's question name (or ``_page<n>`` for loose top-level questions).
    label
        The section title, ``None`` for loose questions.
    items
        The questions shown on the page, in order (containers keep their children).
    group
        The section question itself (its ``relevant`` applies to the whole page).
    """

    name: str
    label: Text | None
    items: tuple[Question, ...]
    group: Question | None = None

    def names(self) -> tuple[str, ...]:
        """Every question name on the page, depth-first (containers included)."""
        out: list[str] = []

        def visit(items: tuple[Question, ...]) -> None:
            for item in items:
                out.append(item.name)
                visit(item.children)

        visit(self.items)
        return tuple(out)

    def owns(self, path: str) -> bool:
        """Whether a field path (``name`` or ``repeat[i].name``) belongs to this page."""
        head = path.split("[", 1)[0].split(".", 1)[0]
        return head in self.names()


def consent_question(instrument: Instrument) -> Question | None:
    """The first top-level consent question (not inside a repeat), asked on the start screen.

    Examples
    --------
    >>> from toolkit.instruments import load
    >>> consent_question(load("surveys/barometre_ambiance.yaml")).name
    'consentement'
    >>> consent_question(load("surveys/barometre_tournee.yaml")) is None  # no one is asked
    True
    """
    for question in instrument.questions():
        if question.type == "consent" and instrument.repeat_of(question.name) is None:
            return question
    return None


def pages(instrument: Instrument, *, exclude: tuple[str, ...] = ()) -> tuple[Page, ...]:
    """Split ``instrument`` into pages; questions named in ``exclude`` are left out.

    A page left with nothing to show but notes is kept (it may be the closing thanks);
    a page left with nothing at all is dropped.

    Examples
    --------
    Each top-level group is a page; loose questions between groups make a page of their own:

    >>> from toolkit.instruments import load
    >>> barometre = load("surveys/barometre_ambiance.yaml")
    >>> [page.name for page in pages(barometre)]
    ['accueil', 'cadre_de_vie', 'securite', 'mediation', 'profil']
    >>> pages(barometre)[0].names()
    ('presentation', 'consentement', 'secteur')
    >>> "consentement" in pages(barometre, exclude=("consentement",))[0].names()
    False
    """
    out: list[Page] = []
    loose: list[Question] = []

    def strip(items: tuple[Question, ...]) -> tuple[Question, ...]:
        return tuple(q for q in items if q.name not in exclude)

    def flush() -> None:
        if loose:
            out.append(Page(f"_page{len(out) + 1}", None, tuple(loose)))
            loose.clear()

    for item in strip(instrument.items):
        if item.type == "group":
            flush()
            children = strip(item.children)
            if children:
                out.append(Page(item.name, item.label, children, item))
        else:
            loose.append(item)
    flush()
    return tuple(out)
