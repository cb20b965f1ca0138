"""Live state of the rooms inside the server process, and waiting for it to change.

Participants' and projector pages ask for the room's state with the version they already
show; the request is held (*long polling*) until something changes or :data:`HOLD_SECONDS`
pass. One background task reads the revisions of the watched rooms, every
:data:`POLL_SECONDS`, in one query for all of them, and wakes the waiting requests of rooms
that moved; the session itself (:class:`~toolkit.training.sessions.SessionInfo`) is read
once per change, not once per phone. Writes made through this process (a participant
joining or answering) wake the room at once; the trainer's Voilà page, another process,
is seen at the next poll.

Database calls run on a small thread pool so that the server's event loop (which also
carries the trainer's kernel traffic) never waits for a disk sync.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select

from toolkit.errors import ToolkitError
from toolkit.store.engine import read_connection
from toolkit.training import tables as tb
from toolkit.training.sessions import LiveSessions, SessionInfo

__all__ = ["HOLD_SECONDS", "POLL_SECONDS", "RoomHub", "RoomState"]

#: How often the watched rooms' revisions are read.
POLL_SECONDS = 0.25
#: How long a state request is held when nothing changes (below common proxy time-outs).
HOLD_SECONDS = 20.0
#: Threads for database calls (SQLite serialises writers anyway).
WORKERS = 4

T = TypeVar("T")


@dataclass(frozen=True)
class RoomState:
    """A room as last read: its revision and session (``info`` is ``None`` if unknown)."""

    revision: int
    info: SessionInfo | None


class RoomHub:
    """Room states shared by every request of the server process.

    Parameters
    ----------
    sessions : LiveSessions
        The workshops of the store.
    poll : float
        Seconds between two reads of the watched rooms' revisions.
    """

    def __init__(self, sessions: LiveSessions, *, poll: float = POLL_SECONDS) -> None:
        self.sessions = sessions
        self.poll = poll
        self._executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="room-db")
        self._states: dict[str, RoomState] = {}
        self._changed: dict[str, asyncio.Event] = {}
        self._waiting: dict[str, int] = {}
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    async def call(self, function: Callable[..., T], *args: object) -> T:
        """Run a (blocking) database call on the pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    async def state(self, code: str) -> RoomState:
        """The room's state, read from the database if it was never read or has moved."""
        known = self._states.get(code)
        revision = await self.call(self._revision, code)
        if known is not None and known.revision == revision:
            return known
        return await self._refresh(code, revision)

    async def _refresh(self, code: str, revision: int) -> RoomState:
        info = await self.call(self._info, code) if revision >= 0 else None
        state = RoomState(revision, info)
        previous = self._states.get(code)
        self._states[code] = state
        if previous is None or previous.revision != revision:
            event = self._changed.pop(code, None)
            if event is not None:
                event.set()
        return state

    async def wait(
        self, code: str, ready: Callable[[RoomState], bool], timeout: float = HOLD_SECONDS
    ) -> RoomState:
        """The room's state as soon as ``ready(state)`` holds, or when ``timeout`` passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        state = await self.state(code)
        self._waiting[code] = self._waiting.get(code, 0) + 1
        self._ensure_task()
        try:
            while not ready(state):
                left = deadline - loop.time()
                if left <= 0:
                    break
                event = self._changed.setdefault(code, asyncio.Event())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), left)
                state = self._states.get(code, state)
        finally:
            self._waiting[code] -= 1
            if not self._waiting[code]:
                del self._waiting[code]
        return state

    def touched(self, code: str) -> None:
        """Something was written to the room by this process: look again now."""
        self._states.pop(code, None)
        self._wake.set()

    def _ensure_task(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        """Read the watched rooms' revisions until nobody waits any more."""
        while self._waiting:
            codes = sorted(self._waiting)
            try:
                revisions = await self.call(self._revisions, codes)
            except Exception:
                revisions = {}
            for code in codes:
                revision = revisions.get(code, -1)
                known = self._states.get(code)
                if known is None or known.revision != revision:
                    with contextlib.suppress(Exception):
                        await self._refresh(code, revision)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)

    # -- blocking parts (run on the pool) ---------------------------------------------------
    def _revision(self, code: str) -> int:
        return self._revisions([code]).get(code, -1)

    def _revisions(self, codes: list[str]) -> dict[str, int]:
        query = select(tb.sessions.c.code, tb.sessions.c.revision).where(
            tb.sessions.c.code.in_(codes)
        )
        with read_connection(self.sessions.engine) as conn:
            return {code: int(revision) for code, revision in conn.execute(query)}

    def _info(self, code: str) -> SessionInfo | None:
        try:
            return self.sessions.info(code)
        except ToolkitError:  # the room is unknown (deleted meanwhile)
            return None
