"""Names shared by the room's server side, the trainer's panel and ``toolkit serve``
(kept apart so that none of them has to import the web server to know them)."""

from __future__ import annotations

__all__ = ["PASS_HEADER", "ROOM_PATH", "ROOM_URL_ENV"]

#: Path of the room under the server's base URL (``http://HOST:PORT/salle``).
ROOM_PATH = "salle"
#: The participants' address as phones reach it (set by ``toolkit serve``).
ROOM_URL_ENV = "TOOLKIT_ROOM_URL"
#: Header in which a participant's page sends its room pass.
PASS_HEADER = "X-Room-Pass"  # noqa: S105 (a header name, not a secret)
