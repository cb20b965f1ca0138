"""Widget helpers shared by the apps: escaping, tablet CSS, language switch, the Voilà server."""

from toolkit.apps.common.html import esc, paragraph, table
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.style import TABLET_CSS, style

__all__ = ["TABLET_CSS", "esc", "language_switch", "paragraph", "style", "table"]
