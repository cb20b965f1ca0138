"""Who a request comes from on a team server: the signed-in person and the browser's address.

Apart from the identity provider (:mod:`toolkit.apps.team.identity`) so that the sign-in
handlers, which the provider mounts, can name them without importing the provider.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from jupyter_server.auth.identity import User
from tornado import web

__all__ = ["TeamUser", "client_address"]


@dataclass
class TeamUser(User):
    """A signed-in person: Jupyter's user plus the account's roles."""

    roles: tuple[str, ...] = ()


def client_address(handler: web.RequestHandler) -> str:
    """The browser's address: the proxy's ``X-Real-IP`` when the request came from this
    machine (a reverse proxy in front of ``toolkit serve``), else the peer's address."""
    peer = handler.request.remote_ip or "?"
    forwarded = handler.request.headers.get("X-Real-IP", "").strip()
    try:
        local = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        local = False
    return forwarded[:64] if local and forwarded else peer
