"""Pieces of the trainer's Voilà app: the page's query string, errors, the poller."""

from __future__ import annotations

import contextvars
import html
import os
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

from toolkit.errors import ToolkitError
from toolkit.i18n import set_language

__all__ = ["POLL_SECONDS", "Poller", "error_html", "query_params"]

#: How often the views look at the database.
POLL_SECONDS = 1.0


def query_params() -> dict[str, str]:
    """The page's query string (Voilà passes it to the kernel as ``QUERY_STRING``).

    A preheated kernel runs the notebook before any page asks for it: it waits here for the
    request (``voila.utils.wait_for_request``) so that ``?code=`` reaches the right page.
    A ``lang`` parameter (``fr`` / ``en``) switches the language of the page.
    """
    from voila.utils import wait_for_request

    wait_for_request()
    params = {k: v[-1] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items()}
    if params.get("lang") in ("fr", "en"):
        set_language(params["lang"])
    return params


def error_html(error: ToolkitError) -> str:
    """A coded error as escaped HTML (one problem a line)."""
    lines = [html.escape(p.format()) for p in error.problems] or [html.escape(str(error))]
    return "<div class='wk-error' style='color:#b71c1c'>" + "<br>".join(lines) + "</div>"


class Poller:
    """Call ``callback`` every ``interval`` seconds on a background thread.

    Under Voilà each page keeps its kernel alive while it is open; widget changes made from
    this thread reach the browser through the kernel's comm channel. The thread runs in a
    copy of the caller's context (so the page's language follows). Errors are kept in
    :attr:`last_error` and the loop goes on: a database hiccup must not freeze the page.
    """

    def __init__(self, callback: Callable[[], None], interval: float = POLL_SECONDS) -> None:
        self.callback = callback
        self.interval = interval
        self.last_error: Exception | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._loop,), name="workshop-poller", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5 * self.interval)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.callback()
                self.last_error = None
            except Exception as error:
                self.last_error = error
