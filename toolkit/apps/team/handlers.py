"""Tornado handlers of a team server: sign-in, sign-out, and the guard of the app pages.

- ``GET/POST {base}login``: the sign-in form (French first, ``?lang=en``); failures are
  counted per address and per name, and past :data:`FAILURES_ALLOWED` in
  :data:`FAILURE_WINDOW` seconds refused until the window has passed;
- ``POST {base}logout``: closes the session;
- :class:`GuardedVoilaHandler` replaces Voilà's page handler: an app opens only for the
  roles that may use it (:func:`toolkit.team.page_action`), and its kernel is told who
  opened it (the request headers ``X-Toolkit-User`` and ``X-Toolkit-Roles``, always
  overwritten by the server, passed to the kernel by Voilà's ``http_header_envs``).

Every sign-in, failure, sign-out and refused page is an event in ``team_events``.
"""

from __future__ import annotations

import asyncio
import enum
from typing import TYPE_CHECKING, Literal, Protocol, cast, runtime_checkable
from urllib.parse import urlparse

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from sqlalchemy.exc import SQLAlchemyError
from tornado import web
from voila.tornado.handler import TornadoVoilaHandler

from toolkit.apps.room.access import Throttle
from toolkit.apps.team.pages import (
    denied_page,
    error_page,
    page_csp,
    signed_in_page,
    signin_page,
)
from toolkit.apps.team.user import TeamUser, client_address
from toolkit.errors import StoreError
from toolkit.i18n import LANGUAGES, get_language, t
from toolkit.team import Account, page_action
from toolkit.team.person import ROLES_HEADER, USER_HEADER
from toolkit.team.roles import allowed

__all__ = [
    "FAILURES_ALLOWED",
    "FAILURE_WINDOW",
    "ROLES_HEADER",
    "USER_HEADER",
    "GuardedVoilaHandler",
    "SignInHandler",
    "SignOutHandler",
]

#: Failed sign-ins allowed per address and per name in :data:`FAILURE_WINDOW` seconds.
FAILURES_ALLOWED = 10
FAILURE_WINDOW = 900.0
_THROTTLE = Throttle(limit=FAILURES_ALLOWED, window=FAILURE_WINDOW)
_INDEX = "voila/render/index.ipynb"


class _Offline(enum.Enum):
    """What :meth:`SignInHandler._authenticate` returns when the database cannot be reached."""

    OFFLINE = enum.auto()


_OFFLINE = _Offline.OFFLINE

if TYPE_CHECKING:
    from toolkit.apps.team.identity import TeamIdentityProvider


@runtime_checkable
class _Recorder(Protocol):
    """What the page guard needs of the server's identity provider: writing an event."""

    async def record(
        self, handler: web.RequestHandler, by: str | None, action: str, detail: str = ""
    ) -> None: ...


def _lang(handler: web.RequestHandler) -> str:
    lang = handler.get_argument("lang", None)
    return lang if lang in LANGUAGES else get_language()


def _safe_next(handler: JupyterHandler, value: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    home = url_path_join(handler.base_url, _INDEX)
    if not value:
        return home
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or not value.startswith("/") or value.startswith("//"):
        return home
    if "\\" in value or any(not ch.isprintable() for ch in value):
        return home
    return value


class _TeamPage(JupyterHandler):
    """Base of the sign-in pages: strict headers, the team identity provider."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Content-Security-Policy", page_csp())
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")

    @property
    def team(self) -> TeamIdentityProvider:
        # These handlers are mounted only by TeamIdentityProvider.get_handlers, so the
        # server's provider is that one; Jupyter types it as its base class.
        return cast("TeamIdentityProvider", self.identity_provider)

    def html(self, page: str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)

    def check_xsrf_cookie(self) -> None:
        # Jupyter skips the check when Voilà's settings leave xsrf_cookies off; these forms
        # always check it (the session cookie is also SameSite=Lax).
        web.RequestHandler.check_xsrf_cookie(self)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        """A page in the reader's language with a way back to the sign-in (an expired
        form, a refused request), never Jupyter's English error page or a traceback."""
        lang = _lang(self)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(error_page(signin=url_path_join(self.base_url, "login"), lang=lang))


class SignInHandler(_TeamPage):
    @allow_unauthenticated
    def get(self) -> None:
        lang = _lang(self)
        user = self.current_user
        if user:
            self.html(
                signed_in_page(
                    name=user.display_name or user.username,
                    home=_safe_next(self, self.get_argument("next", None)),
                    signout=url_path_join(self.base_url, "logout"),
                    xsrf_form=self.xsrf_form_html(),
                    lang=lang,
                )
            )
            return
        self._form(lang)

    def _form(self, lang: str, *, name: str = "", error: str = "", status: int = 200) -> None:
        notice = t("team.signout.done", lang) if self.get_argument("out", "") == "1" else ""
        self.html(
            signin_page(
                action=url_path_join(self.base_url, "login"),
                next_url=_safe_next(self, self.get_argument("next", None)),
                xsrf_form=self.xsrf_form_html(),
                lang=lang,
                name=name,
                error=error,
                notice=notice if not error else "",
            ),
            status,
        )

    @allow_unauthenticated
    async def post(self) -> None:
        lang = _lang(self)
        name = self.get_argument("username", "").strip()[:64]
        password = self.get_argument("password", "")
        client = client_address(self)
        keys = (f"address:{client}", f"name:{name.lower()}")
        wait = max(_THROTTLE.wait(key) for key in keys)
        if wait > 0:
            minutes = max(1, round(wait / 60 + 0.49))
            await self.team.record(self, None, "sign_in_throttled", name)
            self._form(
                lang, name=name, error=t("team.signin.throttled", lang, minutes=minutes), status=429
            )
            return
        account = await self._authenticate(name, password)
        if account is _OFFLINE:
            self._form(lang, name=name, error=t("team.signin.offline", lang), status=503)
            return
        if account is None:
            for key in keys:
                _THROTTLE.failed(key)
            # Nobody is known yet: the name typed is what was tried, not who tried it.
            await self.team.record(self, None, "sign_in_failed", name)
            self._form(lang, name=name, error=t("team.signin.failed", lang), status=403)
            return
        self.team.open_session(self, account)
        await self.team.record(self, account.name, "signed_in")
        self.redirect(_safe_next(self, self.get_argument("next", None)))

    async def _authenticate(
        self, name: str, password: str
    ) -> Account | Literal[_Offline.OFFLINE] | None:
        try:
            accounts = self.team.accounts()
            return await asyncio.get_running_loop().run_in_executor(
                None, accounts.authenticate, name, password
            )
        except (StoreError, SQLAlchemyError):
            return _OFFLINE


class SignOutHandler(_TeamPage):
    @allow_unauthenticated
    async def post(self) -> None:
        user = self.current_user
        self.team.clear_login_cookie(self)
        if user:
            self.team.forget(user.username)
            await self.team.record(self, user.username, "signed_out")
        self.redirect(url_path_join(self.base_url, "login") + "?out=1")

    @allow_unauthenticated
    def get(self) -> None:
        # Signing out by a link would let any page sign people out: a form posts instead.
        self.redirect(url_path_join(self.base_url, "login"))


class GuardedVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, opening each app only to the roles that may use it."""

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        headers = self.request.headers
        for header in (USER_HEADER, ROLES_HEADER):
            if header in headers:
                del headers[header]
        user = self.current_user
        # A team server's users carry their roles; Jupyter's own (no team) open every page.
        if isinstance(user, TeamUser):
            action = page_action(path or "")
            if not allowed(user.roles, action):
                await self._refuse(user, path or "", action)
                return
            headers[USER_HEADER] = user.username
            headers[ROLES_HEADER] = ",".join(user.roles)
        await super().get(path)

    async def _refuse(self, user: TeamUser, path: str, action: str | None) -> None:
        identity = self.identity_provider
        if isinstance(identity, _Recorder):
            await identity.record(self, user.username, "page_refused", path[:200])
        lang = _lang(self)
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", page_csp())
        self.finish(
            denied_page(
                name=user.display_name or user.username,
                roles=user.roles,
                action=action or "",
                home=url_path_join(self.base_url, _INDEX),
                signout=url_path_join(self.base_url, "logout"),
                xsrf_form=self.xsrf_form_html(),
                lang=lang,
            )
        )
