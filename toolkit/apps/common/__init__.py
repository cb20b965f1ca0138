"""Widget helpers shared by the apps: escaping, tablet CSS, language switch, the page bridge
(title and ``lang``, address, phone keyboards, connection banner), live refresh. The Voilà
server that mounts the apps is :mod:`toolkit.apps.server`."""

from toolkit.apps.common.html import esc, paragraph, table
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.page import PageBridge, page_query
from toolkit.apps.common.refresh import REFRESH_SECONDS, Repeater
from toolkit.apps.common.style import TABLET_CSS, style

__all__ = [
    "REFRESH_SECONDS",
    "TABLET_CSS",
    "PageBridge",
    "Repeater",
    "esc",
    "language_switch",
    "page_query",
    "paragraph",
    "style",
    "table",
]
