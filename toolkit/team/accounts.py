"""The team's accounts in the store: add, change, disable, check a password, log events.

Every change and every sign-in is written to ``team_events`` with who did it; responses
keep their own audit (``response_audit.by``), filled with the signed-in person's name by
the apps of a team server (:mod:`toolkit.team.person`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Row, func, insert, select, update

from toolkit.errors import Problem, ToolkitError
from toolkit.team import passwords
from toolkit.team.roles import ROLES
from toolkit.team.tables import accounts as accounts_t
from toolkit.team.tables import events as events_t

__all__ = ["Account", "AccountError", "Accounts"]

#: A sign-in name: letters, digits, dot, dash, underscore, at; 2 to 64 characters.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_DETAIL_MAX = 500
_BY_MAX = 200


class AccountError(ToolkitError, ValueError):
    """An account operation was refused (unknown name, weak password, unknown role…)."""


@dataclass(frozen=True)
class Account:
    """One person's account (the password hash stays in the store)."""

    name: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    generation: int


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_name(name: str) -> str:
    """The sign-in name as stored: trimmed, lower case, Unicode NFC."""
    return unicodedata.normalize("NFC", str(name)).strip().lower()


def _fail(code: str, **params: object) -> AccountError:
    return AccountError(problems=[Problem(code, params)])


def _check_name(name: str) -> str:
    name = normalise_name(name)
    if not NAME_PATTERN.match(name):
        raise _fail("U001", name=name[:80])
    return name


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(role for role in ROLES if role in set(roles))
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not chosen:
        raise _fail("U002", roles=", ".join(unknown) or "—", known=", ".join(ROLES))
    return chosen


def _check_password(password: str) -> str:
    if not isinstance(password, str) or not (
        passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH
    ):
        raise _fail("U003", minimum=passwords.MIN_LENGTH, maximum=passwords.MAX_LENGTH)
    return password


def _account(row: Row[Any]) -> Account:
    """The account of a row of the accounts table (roles stored comma-separated)."""
    return Account(
        name=row.name,
        display_name=row.display_name,
        roles=tuple(r for r in row.roles.split(",") if r),
        active=bool(row.active),
        generation=int(row.generation),
    )


class Accounts:
    """The accounts and events tables of one store's database.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store's engine (``connect(url).engine``), migrated to ``0010`` or later.

    Examples
    --------
    >>> from toolkit.store import connect
    >>> team = Accounts(connect("sqlite://").engine)
    >>> team.add("awa", "un mot de passe assez long", roles=["collector"], by="admin").roles
    ('collector',)
    >>> team.authenticate("awa", "un mot de passe assez long").name
    'awa'
    >>> team.authenticate("awa", "pas le bon") is None
    True
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- reading ---------------------------------------------------------------------------
    def get(self, name: str) -> Account | None:
        """The account called ``name`` (active or not), ``None`` if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(accounts_t).where(accounts_t.c.name == normalise_name(name))
            ).first()
        return _account(row) if row is not None else None

    def any_active(self) -> bool:
        """Whether at least one account may sign in (the server then asks everyone to)."""
        with self.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).select_from(accounts_t).where(accounts_t.c.active)
            ).scalar_one()
        return count > 0

    def table(self) -> pd.DataFrame:
        """Every account: ``name``, ``display_name``, ``roles`` (comma-separated), ``active``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(accounts_t).order_by(accounts_t.c.name)).all()
        return pd.DataFrame(
            [(r.name, r.display_name, r.roles, bool(r.active)) for r in rows],
            columns=["name", "display_name", "roles", "active"],
        )

    def events(self, *, limit: int = 200) -> pd.DataFrame:
        """The latest events, newest first: ``at`` (UTC), ``by``, ``action``, ``detail``,
        ``client``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(events_t).order_by(events_t.c.id.desc()).limit(limit)).all()
        return pd.DataFrame(
            [(r.at, r.by, r.action, r.detail, r.client) for r in rows],
            columns=["at", "by", "action", "detail", "client"],
        )

    # -- checking a password ---------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> Account | None:
        """The active account whose name and password these are, else ``None``.

        An unknown name costs the same time as a wrong password; a hash made with older
        Argon2 parameters is replaced.
        """
        key = normalise_name(name)
        with self.engine.connect() as conn:
            row = conn.execute(select(accounts_t).where(accounts_t.c.name == key)).first()
        stored = row.password_hash if row is not None else None
        # Verified first, whatever the row: an unknown name costs a hash too.
        verified = passwords.verify_password(stored, str(password))
        if not verified or row is None or stored is None or not row.active:
            return None
        if passwords.needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(
                    update(accounts_t)
                    .where(accounts_t.c.name == key)
                    .values(password_hash=passwords.hash_password(password))
                )
        return _account(row)

    # -- changing --------------------------------------------------------------------------
    def add(
        self,
        name: str,
        password: str,
        *,
        roles: Iterable[str],
        by: str,
        display_name: str | None = None,
    ) -> Account:
        """Create an account.

        Raises
        ------
        AccountError
            ``U001`` bad name, ``U002`` unknown or no role, ``U003`` password too short or
            too long, ``U004`` the name is taken, ``U006`` display name too long.
        """
        name = _check_name(name)
        chosen = _check_roles(list(roles))
        display = " ".join(str(display_name or name).split())
        if len(display) > 200:
            raise _fail("U006", maximum=200)
        hashed = passwords.hash_password(_check_password(password))
        now = _now()
        with self.engine.begin() as conn:
            taken = conn.execute(select(accounts_t.c.name).where(accounts_t.c.name == name)).first()
            if taken is not None:
                raise _fail("U004", name=name)
            conn.execute(
                insert(accounts_t).values(
                    name=name,
                    display_name=display,
                    roles=",".join(chosen),
                    password_hash=hashed,
                    active=True,
                    generation=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            self._event(conn, by, "account_added", f"{name} ({','.join(chosen)})")
        return Account(name, display, chosen, True, 1)

    def set_password(self, name: str, password: str, *, by: str) -> None:
        """Replace the password (every open session of that person is closed)."""
        hashed = passwords.hash_password(_check_password(password))
        self._change(name, by, "password_changed", name, password_hash=hashed)

    def set_roles(self, name: str, roles: Iterable[str], *, by: str) -> None:
        """Replace the roles (every open session of that person is closed)."""
        chosen = _check_roles(list(roles))
        detail = f"{normalise_name(name)} ({','.join(chosen)})"
        self._change(name, by, "roles_changed", detail, roles=",".join(chosen))

    def set_active(self, name: str, active: bool, *, by: str) -> None:
        """Disable (sessions closed, sign-in refused) or enable again an account; accounts
        are never deleted, so that the audit keeps naming real people."""
        action = "account_enabled" if active else "account_disabled"
        self._change(name, by, action, normalise_name(name), active=active)

    def record(self, by: str | None, action: str, detail: str = "", client: str = "") -> None:
        """Write one event (a sign-in, a refused page, a projector control…)."""
        with self.engine.begin() as conn:
            self._event(conn, by, action, detail, client)

    def _change(self, name: str, by: str, action: str, detail: str, **values: object) -> None:
        key = normalise_name(name)
        with self.engine.begin() as conn:
            done = conn.execute(
                update(accounts_t)
                .where(accounts_t.c.name == key)
                .values(**values, generation=accounts_t.c.generation + 1, updated_at=_now())
            )
            if done.rowcount != 1:
                raise _fail("U005", name=key[:80])
            self._event(conn, by, action, detail)

    @staticmethod
    def _event(conn: object, by: str | None, action: str, detail: str, client: str = "") -> None:
        conn.execute(  # type: ignore[attr-defined]
            insert(events_t).values(
                at=_now(),
                by=(by or "")[:_BY_MAX] or None,
                action=action,
                detail=_clean(detail)[:_DETAIL_MAX] or None,
                client=_clean(client)[:100] or None,
            )
        )


def _clean(text: str) -> str:
    """Text without control characters (PostgreSQL refuses NUL; logs should not hold any)."""
    return "".join(ch for ch in str(text) if ch.isprintable())
