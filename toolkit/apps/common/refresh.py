"""Figures that stay live while a page is open: a callback repeated on the kernel's loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["REFRESH_SECONDS", "Repeater"]

#: How often the index and the fieldwork view read their counts again while open.
REFRESH_SECONDS = 30.0


class Repeater:
    """Call ``callback`` every ``interval`` seconds on the running event loop.

    Under Voilà the notebook's cell runs inside the kernel's asyncio loop, so the callback
    runs on the kernel's own thread (widgets can be updated safely) and stops with the
    kernel when the page is closed. Without a running loop (tests, plain Python) nothing is
    scheduled and :attr:`running` stays ``False``; tests call the callback themselves. An
    exception in the callback does not stop the repetition (a database hiccup must not
    freeze the page): it is kept in :attr:`last_error`.
    """

    def __init__(self, callback: Callable[[], None], interval: float = REFRESH_SECONDS) -> None:
        self.callback = callback
        self.interval = interval
        self.last_error: Exception | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self._handle is not None

    def start(self) -> bool:
        """Start repeating (``False`` when there is no running event loop)."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._handle = self._loop.call_later(self.interval, self._tick)
        return True

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self) -> None:
        try:
            self.callback()
            self.last_error = None
        except Exception as error:
            self.last_error = error
        if self._handle is not None and self._loop is not None:
            self._handle = self._loop.call_later(self.interval, self._tick)
