"""Pieces shared by the trainer's and the participants' workshop apps."""

from __future__ import annotations

import contextvars
import html
import math
import os
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.i18n import set_language, t

__all__ = ["POLL_SECONDS", "Poller", "chart_html", "error_html", "query_params"]

#: How often the views look at the database.
POLL_SECONDS = 1.0

_BAR_COLOURS = {True: "#2e7d32", False: "#1565c0"}


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


def chart_html(tally: pd.DataFrame, *, show_key: bool) -> str:
    """Horizontal bar charts (one per group) as HTML; every label is escaped.

    Each bar carries ``data-option`` and ``data-value`` attributes (the browser tests read
    them). Counts are scaled to the largest count of the group; means to the group maximum.
    """
    parts = ["<div class='wk-chart'>"]
    for group, rows in tally.groupby("group", sort=False):
        values = pd.to_numeric(rows["value"], errors="coerce")
        top = values.max() if values.notna().any() and values.max() > 0 else 1
        parts.append(
            f"<div class='wk-group' data-group='{html.escape(str(group))}'>"
            f"<h4 style='margin:.6em 0 .2em'>{html.escape(str(rows['group_label'].iloc[0]))}</h4>"
        )
        for row, value in zip(rows.itertuples(index=False), values, strict=True):
            shown = (
                "–"
                if math.isnan(value)
                else (f"{value:.1f}" if row.kind == "mean" else f"{int(value)}")
            )
            width = 0 if math.isnan(value) else round(100 * value / top)
            correct = row.correct is True and show_key
            mark = f" ✓ {html.escape(t('workshop.trainer.correct_mark'))}" if correct else ""
            colour = _BAR_COLOURS[bool(correct)]
            parts.append(
                f"<div class='wk-bar' data-option='{html.escape(str(row.option))}' "
                f"data-value='{shown}' style='margin:.15em 0'>"
                f"<div style='font-size:90%'>{html.escape(str(row.label))}{mark}</div>"
                f"<div style='display:flex;align-items:center;gap:.4em'>"
                f"<div style='background:{colour};height:1.1em;width:{width}%;min-width:2px'></div>"
                f"<span class='wk-value'>{shown}</span></div></div>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


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
