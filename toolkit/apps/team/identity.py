"""The identity of a team server: who a browser is, from a session cookie set at sign-in.

Replaces the Jupyter token (``--Voila.identity_provider_class``, set by ``toolkit serve``
on a team server): a token, shared or not, no longer lets anyone in. A session names the
account and its *generation*; the account is read again from the store (at most every
:data:`RECHECK_SECONDS`), so that disabling someone, changing their password or their roles
closes their sessions on every page.
"""

from __future__ import annotations

import asyncio
import json
import time

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.utils import url_path_join
from sqlalchemy.exc import SQLAlchemyError
from tornado import web

from toolkit.apps.team.handlers import SignInHandler, SignOutHandler
from toolkit.apps.team.user import TeamUser, client_address
from toolkit.errors import StoreError
from toolkit.team import Account, Accounts

__all__ = ["SESSION_DAYS", "TeamIdentityProvider"]

#: How long a session lasts without signing in again (a working day and its evening).
SESSION_DAYS = 0.5
#: Seconds an account read from the store is trusted before it is read again.
RECHECK_SECONDS = 5.0


class TeamIdentityProvider(IdentityProvider):
    """Sessions opened by :class:`~toolkit.apps.team.handlers.SignInHandler` only."""

    _accounts: Accounts | None = None
    _cache: dict[str, tuple[float, Account | None]]

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    @property
    def base_url(self) -> str:
        return getattr(self.parent, "base_url", "/") or "/"

    def get_handlers(self) -> list[tuple[str, object]]:
        return [
            (url_path_join(self.base_url, "login"), SignInHandler),
            (url_path_join(self.base_url, "logout"), SignOutHandler),
        ]

    # -- the store -------------------------------------------------------------------------
    def accounts(self) -> Accounts:
        """The accounts of the served database (``TOOLKIT_DATABASE_URL``), opened once."""
        if self._accounts is None:
            from toolkit.store import connect

            self._accounts = Accounts(connect().engine)
        return self._accounts

    async def lookup(self, name: str) -> Account | None:
        cache = self.__dict__.setdefault("_cache", {})
        seen = cache.get(name)
        if seen is not None and time.monotonic() - seen[0] < RECHECK_SECONDS:
            return seen[1]
        try:
            account = await asyncio.get_running_loop().run_in_executor(
                None, lambda: self.accounts().get(name)
            )
        except StoreError:
            # The database is away: whoever was signed in stays signed in (their answers go
            # to the journal meanwhile); nobody new can sign in until it is back.
            return seen[1] if seen is not None else None
        if len(cache) > 10_000:
            cache.clear()
        cache[name] = (time.monotonic(), account)
        return account

    def forget(self, name: str) -> None:
        """Drop ``name`` from the cache (after a sign-in or a sign-out)."""
        self.__dict__.setdefault("_cache", {}).pop(name, None)

    async def record(
        self, handler: web.RequestHandler, by: str | None, action: str, detail: str = ""
    ) -> None:
        """Write an event with the browser's address (in a thread: the store may be remote)."""
        client = client_address(handler)
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: self.accounts().record(by, action, detail, client)
            )
        except (StoreError, SQLAlchemyError):
            self.log.warning("team event %s of %s not recorded: the database is away", action, by)

    # -- sessions --------------------------------------------------------------------------
    def user_to_cookie(self, user: User) -> str:
        return json.dumps({"name": user.username, "generation": getattr(user, "generation", 0)})

    def session_cookie(self, account: Account) -> str:
        return json.dumps({"name": account.name, "generation": account.generation})

    def open_session(self, handler: web.RequestHandler, account: Account) -> None:
        """Set the session cookie (HTTP only, SameSite=Lax, Secure behind HTTPS)."""
        https = (
            handler.request.protocol == "https"
            or handler.request.headers.get("X-Forwarded-Proto", "") == "https"
        )
        handler.set_secure_cookie(
            self.get_cookie_name(handler),
            self.session_cookie(account),
            expires_days=SESSION_DAYS,
            httponly=True,
            samesite="Lax",
            path=self.base_url,
            secure=https,
        )
        self.forget(account.name)

    async def get_user(self, handler: web.RequestHandler) -> TeamUser | None:
        # Jupyter keeps the user found for this request on the handler (set by its prepare).
        known = getattr(handler, "_jupyter_current_user", None)
        if isinstance(known, TeamUser):
            return known
        raw = handler.get_secure_cookie(self.get_cookie_name(handler), max_age_days=SESSION_DAYS)
        if not raw:
            return None
        try:
            data = json.loads(raw)
            name, generation = str(data["name"]), int(data["generation"])
        except (ValueError, KeyError, TypeError):
            return None
        account = await self.lookup(name)
        if account is None or not account.active or account.generation != generation:
            self.clear_login_cookie(handler)
            return None
        return TeamUser(
            username=account.name,
            name=account.display_name,
            display_name=account.display_name,
            roles=account.roles,
        )
