"""The Voilà application run by ``toolkit serve``: Voilà itself, plus the workshop room.

Run as ``python -m toolkit.apps.server NOTEBOOK_DIR [voila options]``; every Voilà
option works unchanged. Additions:

- the root URL redirects to ``voila/render/index.ipynb``, so that a mediator typing the
  server's address lands on the app index rather than on a file listing (the listing stays
  at ``voila/tree``);
- the workshop room (:mod:`toolkit.apps.room`): the participants' light page at ``salle``
  (no kernel per phone, no token: a room code) and the projector's page (token required);
- the former participants' notebook address redirects to ``salle``, query kept;
- the app pages go through :class:`~toolkit.apps.team.GuardedVoilaHandler`: on a team
  server (``toolkit serve`` then sets the identity provider to
  :class:`~toolkit.apps.team.TeamIdentityProvider`) each app opens only for the roles that
  may use it, and its kernel learns who opened it.
"""

from __future__ import annotations

import os

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

__all__ = ["INDEX_PAGE", "ToolkitVoila", "main"]

#: The page the root URL opens.
INDEX_PAGE = "voila/render/index.ipynb"
#: Where phones used to open the workshop (a Voilà page with its own kernel).
FORMER_PARTICIPANT_PAGE = "voila/render/formation_participant.ipynb"


class ToolkitVoila(Voila):
    """Voilà serving a folder of notebooks, with the app index at its root and the room."""

    def init_handlers(self) -> list:
        from voila.tornado.handler import TornadoVoilaHandler

        from toolkit.apps.room import ROOM_PATH, RoomPolicy, room_handlers
        from toolkit.apps.team import GuardedVoilaHandler

        handlers = [
            (rule[0], GuardedVoilaHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler else rule
            for rule in super().init_handlers()
        ]
        if self.notebook_path:
            return handlers
        secret = getattr(self, "cookie_secret", b"") or os.urandom(32)
        room = room_handlers(self.server_url, RoomPolicy(secret))
        return [
            (
                url_path_join(self.server_url, "/?"),
                RedirectHandler,
                {"url": url_path_join(self.base_url, INDEX_PAGE), "permanent": False},
            ),
            (
                url_path_join(self.server_url, FORMER_PARTICIPANT_PAGE),
                RedirectHandler,
                {"url": url_path_join(self.base_url, ROOM_PATH), "permanent": False},
            ),
            *room,
            *handlers,
        ]


def main() -> None:
    """Entry point of ``python -m toolkit.apps.server``."""
    ToolkitVoila.launch_instance()


if __name__ == "__main__":
    main()
