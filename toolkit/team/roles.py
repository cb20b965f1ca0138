"""Who may do what on a team server: three roles, the actions they allow, the pages they open.

A **collector** fills forms and follows up their cases; a **coordinator** also corrects,
voids, exports and analyses; a **trainer** runs workshops (the projector and the trainer's
page). A person may hold several roles. Workshop participants hold no account: a room
pass lets them into one room (:mod:`toolkit.apps.room.access`).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ACTIONS",
    "PAGE_ACTIONS",
    "ROLES",
    "ROLE_ALIASES",
    "allowed",
    "page_action",
    "parse_role",
]

#: The roles, in the order they are listed.
ROLES = ("collector", "coordinator", "trainer")
#: Spellings accepted on the command line (French first), mapped to the role.
ROLE_ALIASES = {
    "collecteur": "collector",
    "collectrice": "collector",
    "coordinateur": "coordinator",
    "coordinatrice": "coordinator",
    "formateur": "trainer",
    "formatrice": "trainer",
    **{role: role for role in ROLES},
}
#: What each role allows.
ACTIONS: dict[str, frozenset[str]] = {
    "collector": frozenset({"collect", "followup"}),
    "coordinator": frozenset(
        {"collect", "followup", "correct", "void", "export", "analyse", "code", "manage"}
    ),
    "trainer": frozenset({"train"}),
}
#: The action a notebook page asks for; ``None``: anyone signed in. A page missing here
#: asks for ``analyse`` (coordinators), so that a new app is never open to all by mistake.
PAGE_ACTIONS: dict[str, str | None] = {
    "index.ipynb": None,
    "collecte.ipynb": "collect",
    "terrain.ipynb": "collect",
    "suivi.ipynb": "followup",
    "suivi_indicateurs.ipynb": "analyse",
    "analyse_barometre.ipynb": "analyse",
    "analyse_qualitative.ipynb": "analyse",
    "codage.ipynb": "code",
    "resultats.ipynb": "analyse",
    "createur.ipynb": "analyse",
    "formation_animateur.ipynb": "train",
}
_DEFAULT_PAGE_ACTION = "analyse"


def parse_role(text: str) -> str | None:
    """The role a spelling names (``"formatrice"`` → ``"trainer"``), ``None`` if none.

    Examples
    --------
    >>> parse_role(" Formatrice ")
    'trainer'
    >>> parse_role("coordinator")
    'coordinator'
    >>> parse_role("médiateur") is None
    True
    """
    return ROLE_ALIASES.get(text.strip().lower())


def allowed(roles: Iterable[str], action: str | None) -> bool:
    """Whether someone holding ``roles`` may do ``action`` (``None``: anyone signed in).

    Examples
    --------
    >>> allowed(["collector"], "collect")
    True
    >>> allowed(["collector"], "export")
    False
    >>> allowed(["collector", "coordinator"], "export")
    True
    >>> allowed([], None)
    True
    """
    if action is None:
        return True
    return any(action in ACTIONS.get(role, frozenset()) for role in roles)


def page_action(notebook: str) -> str | None:
    """The action that opening ``notebook`` (a path under ``notebooks/``) asks for.

    Examples
    --------
    >>> page_action("notebooks/collecte.ipynb")
    'collect'
    >>> page_action("index.ipynb") is None
    True
    >>> page_action("notebooks/une_nouvelle_page.ipynb")  # unknown: coordinators only
    'analyse'
    """
    name = notebook.rsplit("/", 1)[-1]
    if name in PAGE_ACTIONS:
        return PAGE_ACTIONS[name]
    return _DEFAULT_PAGE_ACTION
