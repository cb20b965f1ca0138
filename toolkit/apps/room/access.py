"""Who may do what in the room pages: the one place where their access rules live.

- A **participant** holds a *room pass*: a value signed by the server that names one room
  code and one participant of it, given when they join with a valid code. Every participant
  request carries it (header ``X-Room-Pass``); it opens that room only, and nothing of the
  Voilà server (index, collection, store, notebooks, kernels), which keeps demanding its token.
- A **trainer** is whoever the Jupyter server itself authenticated (its token, or the cookie
  set when the token was given once); the projector view and its controls ask for that. On
  a team server (:mod:`toolkit.apps.team`) people sign in under their own name and only
  an account with the trainer role passes: the token opens nothing there.
- **Guessing codes**: a join with an unknown or closed code counts as a failure for the
  client's address; after :data:`FAILURES_ALLOWED` failures in :data:`FAILURE_WINDOW`
  seconds the address is refused (HTTP 429) until the window has passed.

The handlers ask nothing of anyone outside this module.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tornado.web import create_signed_value, decode_signed_value

__all__ = [
    "FAILURES_ALLOWED",
    "FAILURE_WINDOW",
    "Denied",
    "RoomPass",
    "RoomPolicy",
    "Throttle",
]

#: Failed joins an address may make in :data:`FAILURE_WINDOW` seconds before it is refused.
FAILURES_ALLOWED = 8
FAILURE_WINDOW = 300.0
#: How long a room pass stays valid (a workshop lasts a day; rejoining gives a new one).
PASS_DAYS = 2
_PASS_NAME = "toolkit-room-pass"  # noqa: S105 (the signed value's name, not a secret)
#: Addresses remembered at most (the oldest are forgotten first).
_MAX_CLIENTS = 10_000


class Denied(Exception):
    """A request the policy refuses: HTTP ``status`` and the catalogue key of the reason."""

    def __init__(self, status: int, key: str, **params: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


@dataclass(frozen=True)
class RoomPass:
    """What a participant's pass proves: they joined room ``code`` as ``participant_id``."""

    code: str
    participant_id: str


class Throttle:
    """Count failures per key over a sliding window.

    Parameters
    ----------
    limit : int
        Failures allowed in the window; the next attempt is refused.
    window : float
        Seconds a failure is remembered.
    clock : callable
        Monotonic seconds (tests pass a fake clock).
    """

    def __init__(
        self,
        limit: int = FAILURES_ALLOWED,
        window: float = FAILURE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def wait(self, key: str) -> float:
        """Seconds before ``key`` may try again (0 when it may now)."""
        failures = self._recent(key)
        if len(failures) < self.limit:
            return 0.0
        return max(failures[0] + self.window - self._clock(), 0.0)

    def failed(self, key: str) -> None:
        """Record one failure of ``key``."""
        failures = self._recent(key)
        if key not in self._failures:
            if len(self._failures) >= _MAX_CLIENTS:
                self._failures.pop(next(iter(self._failures)))
            self._failures[key] = failures
        failures.append(self._clock())


class RoomPolicy:
    """The access rules of the room pages (see the module docstring).

    Parameters
    ----------
    secret : bytes
        Key that signs room passes (the server's cookie secret).
    throttle : Throttle, optional
        Failure counter for joins (a fresh :class:`Throttle` by default).
    """

    def __init__(self, secret: bytes, throttle: Throttle | None = None) -> None:
        if not secret:
            raise ValueError("a room policy needs a non-empty secret to sign passes")
        self._secret = secret
        self.throttle = throttle or Throttle()

    # -- participants ---------------------------------------------------------------------
    def issue(self, room_pass: RoomPass) -> str:
        """The signed pass a participant keeps after joining."""
        value = f"{room_pass.code}/{room_pass.participant_id}"
        return create_signed_value(self._secret, _PASS_NAME, value).decode("ascii")

    def participant(self, token: str | None, code: str | None = None) -> RoomPass:
        """The pass in a request, checked; ``code``, when given, must be the pass's room.

        Raises :class:`Denied` (401) for a missing, forged or expired pass and (403) for a
        pass of another room.
        """
        raw = (
            decode_signed_value(self._secret, _PASS_NAME, token, max_age_days=PASS_DAYS)
            if token
            else None
        )
        if raw is None:
            raise Denied(401, "room.error.pass")
        room, _, participant_id = raw.decode("ascii", "replace").partition("/")
        if not room or not participant_id:
            raise Denied(401, "room.error.pass")
        if code is not None and code != room:
            raise Denied(403, "room.error.other_room")
        return RoomPass(room, participant_id)

    def may_try_code(self, client: str) -> None:
        """Refuse (429) an address that failed too often; the wait is in whole minutes."""
        wait = self.throttle.wait(client)
        if wait > 0:
            raise Denied(429, "room.error.throttled", minutes=max(1, round(wait / 60 + 0.49)))

    def code_failed(self, client: str) -> None:
        """Count a join with an unknown or closed code against ``client``."""
        self.throttle.failed(client)

    # -- trainers -------------------------------------------------------------------------
    def trainer(self, user: object) -> None:
        """Let through whoever the Jupyter server authenticated (403 for anyone else).

        ``user`` is the handler's ``current_user``: with a token, only its holder; served
        on 127.0.0.1 without a token, everyone on this machine (Voilà's own rule); on a team
        server, a signed-in person whose roles include ``trainer``.
        """
        if not user:
            raise Denied(403, "room.error.trainer")
        roles = getattr(user, "roles", None)
        if roles is not None and "trainer" not in roles:
            raise Denied(403, "room.error.trainer")
