"""A team server: accounts with hashed passwords, roles, and who is using a page.

Public names: :class:`Accounts` (the accounts and events in the store), :class:`Account`,
:class:`AccountError`, the roles (:data:`ROLES`, :func:`parse_role`, :func:`allowed`,
:func:`page_action`) and, for apps, :func:`current_person` / :func:`acting_name`.
"""

from toolkit.team.accounts import Account, AccountError, Accounts
from toolkit.team.person import Person, acting_name, current_person
from toolkit.team.roles import ROLES, allowed, page_action, parse_role

__all__ = [
    "ROLES",
    "Account",
    "AccountError",
    "Accounts",
    "Person",
    "acting_name",
    "allowed",
    "current_person",
    "page_action",
    "parse_role",
]
