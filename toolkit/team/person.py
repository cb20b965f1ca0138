"""Who is using a page, as seen from inside a Voilà kernel of a team server.

``toolkit serve`` on a team server passes the signed-in person to each page's kernel
(``TOOLKIT_TEAM=1``, and the name and roles in ``HTTP_X_TOOLKIT_USER`` and
``HTTP_X_TOOLKIT_ROLES``, set by the server itself after sign-in and never taken from the
browser). Under JupyterHub each person has their own server, started by the hub with
``JUPYTERHUB_USER`` and, from ``deploy/jupyterhub_config.py``, ``TOOLKIT_ROLES``.
Served only to oneself, there is no sign-in: :func:`current_person` is ``None`` and the
apps keep asking for the collector's name as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.team.roles import ROLES, allowed

__all__ = [
    "ROLES_ENV",
    "ROLES_HEADER",
    "TEAM_ENV",
    "USER_ENV",
    "USER_HEADER",
    "Person",
    "acting_name",
    "current_person",
    "refused",
]

TEAM_ENV = "TOOLKIT_TEAM"
#: Request headers the server sets after sign-in (Voilà hands them to the kernel as
#: ``HTTP_…`` variables, following CGI's rule).
USER_HEADER = "X-Toolkit-User"
ROLES_HEADER = "X-Toolkit-Roles"
USER_ENV = "HTTP_X_TOOLKIT_USER"
ROLES_ENV = "HTTP_X_TOOLKIT_ROLES"
#: Set by JupyterHub in a person's own server (and so in its kernels).
HUB_USER_ENV = "JUPYTERHUB_USER"
HUB_ROLES_ENV = "TOOLKIT_ROLES"


@dataclass(frozen=True)
class Person:
    """A signed-in person: their sign-in name and roles."""

    name: str
    roles: tuple[str, ...]

    def may(self, action: str | None) -> bool:
        """Whether their roles allow ``action`` (see :data:`toolkit.team.roles.ACTIONS`)."""
        return allowed(self.roles, action)


def current_person(environ: Mapping[str, str] | None = None) -> Person | None:
    """The person this kernel's page was opened by; ``None`` when serving to oneself.

    On a team server a kernel without a name (which the server never starts) gets a
    person with no role, who may do nothing.

    Examples
    --------
    >>> current_person({}) is None
    True
    >>> team = {"TOOLKIT_TEAM": "1", "HTTP_X_TOOLKIT_USER": "amina",
    ...         "HTTP_X_TOOLKIT_ROLES": "collector,inconnu"}
    >>> current_person(team)
    Person(name='amina', roles=('collector',))
    >>> current_person({"TOOLKIT_TEAM": "1", "HTTP_X_TOOLKIT_ROLES": "coordinator"})
    Person(name='', roles=())
    """
    env = os.environ if environ is None else environ
    if env.get(TEAM_ENV) != "1":
        return None
    name, roles = env.get(USER_ENV, "").strip(), env.get(ROLES_ENV, "")
    if not name and env.get(HUB_USER_ENV):
        name, roles = env[HUB_USER_ENV].strip(), env.get(HUB_ROLES_ENV, "")
    known = tuple(r for r in roles.split(",") if r in ROLES)
    return Person(name, known if name else ())


def acting_name(typed: str, environ: Mapping[str, str] | None = None) -> str:
    """The name written in the audit: the signed-in person's, else what was typed.

    Examples
    --------
    >>> acting_name("  med07 ", {})
    'med07'
    >>> acting_name("med07", {"TOOLKIT_TEAM": "1", "HTTP_X_TOOLKIT_USER": "amina"})
    'amina'
    """
    person = current_person(environ)
    return person.name if person is not None and person.name else typed.strip()


def refused(person: Person, action: str, lang: str | None = None) -> str:
    """The sentence shown when ``person`` may not do ``action`` (``U009``)."""
    from toolkit.i18n import t

    return t("U009", lang, name=person.name, action=t(f"team.action.{action}", lang))
