"""The page bridge: what a served app needs from the browser page itself.

ipywidgets draw inside the page but cannot reach the page around them. :class:`PageBridge`
is one small front-end module (an `anywidget <https://anywidget.dev>`_, so it works under
Voilà without a JupyterLab extension to build) that every app puts at the top of its root
box. It takes care of:

- the **page title** and ``<html lang>``, from the app's language (screen readers, the
  browser tab, the phone's task list);
- the **page address**: :attr:`PageBridge.query` is written into the query string with
  ``history.replaceState``, so that a reload, a crashed tab or a copied address opens the
  same thing again (the field app keeps the draft and its page there); the kernel reads it
  back with :func:`page_query`;
- **phone keyboards**: an ``<input>`` inside an element of class ``mt-kind-integer``,
  ``mt-kind-decimal``, ``mt-kind-email`` or ``mt-kind-tel`` gets the matching ``inputmode``
  or ``type``; a ``<textarea>`` inside ``mt-kind-long_text`` grows with its content;
- the **connection**: when the browser goes offline, the kernel WebSocket drops, or the
  kernel stops answering its pings, a banner in the page's language says so at once
  (:attr:`PageBridge.offline_text`) and every button inside an element of class
  ``mt-needs-server`` is disabled until the connection is back; a connection that gave up
  is retried, and if the server answers but the kernel is gone the page reloads (the
  address brings the work back);
- **leaving**: when the page is hidden or unloaded it tells the kernel (``on_hide``), so an
  app can save what is pending.

How an app uses it (the results, coding, follow-up and workshop apps can do the same)::

    from toolkit.apps.common.page import PageBridge, page_query

    params = page_query()                     # waits for the request in a preheated kernel
    bridge = PageBridge(title=t("my.page.title", lang), lang=lang)
    bridge.offline_text = t("common.connection.lost", lang)
    root = widgets.VBox([style(), bridge, ...])
    # on a language change:
    bridge.title, bridge.lang = t("my.page.title", new), new

Only this module talks to the page; the apps stay plain ipywidgets code and their tests run
without a browser (the bridge is then an ordinary widget with traits).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import anywidget
import traitlets

from toolkit.i18n import t

__all__ = ["PageBridge", "page_query"]

_ESM = Path(__file__).with_name("page.js")


class PageBridge(anywidget.AnyWidget):
    """Page title, ``lang``, address, phone keyboards and connection banner (see module).

    Parameters
    ----------
    title, lang
        The page title and the language of the page.
    on_hide
        Called when the page is hidden or closed (a tablet going to sleep, a reload).
    """

    _esm = _ESM
    title = traitlets.Unicode("").tag(sync=True)
    lang = traitlets.Unicode("fr").tag(sync=True)
    query = traitlets.Dict().tag(sync=True)
    offline_text = traitlets.Unicode("").tag(sync=True)
    back_text = traitlets.Unicode("").tag(sync=True)
    ping_ms = traitlets.Int(3000).tag(sync=True)

    def __init__(
        self,
        *,
        title: str = "",
        lang: str = "fr",
        on_hide: Callable[[], None] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(title=title, lang=lang, **kwargs)
        self.on_hide = on_hide
        self.pings = 0
        self.set_language(lang)
        self.on_msg(self._message)
        self.add_class("mt-page-bridge")

    def set_language(self, lang: str, title: str | None = None) -> None:
        """Switch the page's language (and title) and the connection messages."""
        self.lang = lang
        if title is not None:
            self.title = title
        self.offline_text = t("collect.connection.lost", lang)
        self.back_text = t("collect.connection.back", lang)

    def _message(self, _widget: object, content: object, _buffers: object) -> None:
        if not isinstance(content, dict):
            return
        if "ping" in content:
            self.pings += 1
            self.send({"pong": content["ping"]})
        elif content.get("event") == "hide" and self.on_hide is not None:
            self.on_hide()


def page_query(query: str | None = None) -> dict[str, str]:
    """The page's query parameters (last value of each), read once the page is requested.

    Under Voilà a preheated kernel runs the notebook before anybody opens the page: this
    waits for the request (``voila.utils.wait_for_request``) so that what the app computes
    (counts, the draft to reopen) is computed when the page is opened, then reads
    ``QUERY_STRING``. Outside Voilà (tests, JupyterLab) it returns at once; ``query`` given
    explicitly is parsed as is.

    Examples
    --------
    >>> page_query("?enqueteur=Awa&lang=en&lang=fr&vide=")
    {'enqueteur': 'Awa', 'lang': 'fr'}
    """
    if query is None:
        from voila.utils import wait_for_request

        wait_for_request()
        query = os.environ.get("QUERY_STRING", "")
    return {k: v[-1] for k, v in parse_qs(query.lstrip("?")).items() if v}
