"""One helper for every status message of the field app, and the database status bar."""

from __future__ import annotations

import ipywidgets as widgets

from toolkit.apps.common.html import esc
from toolkit.collect import CollectSession
from toolkit.i18n import t

__all__ = ["StatusBar", "message"]

_ROLES = {"error": "alert", "warn": "status", "ok": "status", "info": "status"}


def message(kind: str, text: object, *, block: bool = False) -> str:
    """Escaped HTML for a message of ``kind`` (``ok``, ``warn``, ``error`` or ``info``).

    Errors are announced at once by screen readers (``role="alert"``), the rest politely
    (``role="status"``); ``block`` makes a paragraph instead of an inline span.

    >>> message("error", "<b>non</b>")
    '<span class="mt-error" role="alert">&lt;b&gt;non&lt;/b&gt;</span>'
    """
    if kind not in _ROLES:
        raise ValueError(f"kind must be one of {', '.join(_ROLES)}; got {kind!r}")
    tag = "div" if block else "span"
    return f'<{tag} class="mt-{kind}" role="{_ROLES[kind]}">{esc(text)}</{tag}>'


class StatusBar:
    """Whether the database answers and how many responses wait in the journal, with a
    *Send now* button when some do."""

    def __init__(self, session: CollectSession) -> None:
        self.session = session
        self.html = widgets.HTML()
        self.sync_button = widgets.Button(icon="refresh", layout=widgets.Layout(width="auto"))
        self.sync_button.add_class("mt-needs-server")

    def update(self, lang: str) -> None:
        """Redraw in ``lang`` from the session's last contact with the database."""
        waiting = len(self.session.pending())
        self.sync_button.description = t("collect.status.sync", lang)
        if self.session.last_error is not None:
            self.html.value = message(
                "warn", t("collect.status.offline", lang, pending=waiting), block=True
            )
            self.sync_button.layout.display = None
        elif waiting:
            self.html.value = message(
                "warn", t("collect.status.pending", lang, pending=waiting), block=True
            )
            self.sync_button.layout.display = None
        else:
            self.html.value = message("ok", t("collect.status.online", lang), block=True)
            self.sync_button.layout.display = "none"
