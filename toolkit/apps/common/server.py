"""The Voilà application run by ``toolkit serve``: Voilà itself, with ``/`` opening the index.

Run as ``python -m toolkit.apps.common.server NOTEBOOK_DIR [voila options]``; every Voilà
option works unchanged. The only addition is a redirect from the root URL to
``voila/render/index.ipynb`` so that a mediator typing the server's address lands on the
app index rather than on a file listing (the listing stays at ``voila/tree``).
"""

from __future__ import annotations

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

__all__ = ["INDEX_PAGE", "ToolkitVoila", "main"]

#: The page the root URL opens.
INDEX_PAGE = "voila/render/index.ipynb"


class ToolkitVoila(Voila):
    """Voilà serving a folder of notebooks, whose root URL redirects to the app index."""

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        if self.notebook_path:
            return handlers
        target = url_path_join(self.base_url, INDEX_PAGE)
        return [
            (
                url_path_join(self.server_url, "/?"),
                RedirectHandler,
                {"url": target, "permanent": False},
            ),
            *handlers,
        ]


def main() -> None:
    """Entry point of ``python -m toolkit.apps.common.server``."""
    ToolkitVoila.launch_instance()


if __name__ == "__main__":
    main()
