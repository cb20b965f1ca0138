"""The workshop room served without a kernel per phone: the participants' light page and
the projector's page, as Tornado handlers inside the Voilà server of ``toolkit serve``.

Public names: :func:`room_handlers` (the URL rules), :class:`RoomPolicy` (who may do what),
:func:`chart_html` and :func:`qr_svg` (also used by the trainer's Voilà page). The handlers
(Tornado, Jupyter server) load on first use, so that a kernel that only draws a chart or a
QR code does not import the web server.
"""

import importlib
from typing import TYPE_CHECKING

from toolkit.apps.room.charts import chart_html
from toolkit.apps.room.paths import ROOM_PATH, ROOM_URL_ENV
from toolkit.apps.room.qr import qr_svg, qr_terminal

if TYPE_CHECKING:
    # What __getattr__ loads on first use, named for the type checker.
    from toolkit.apps.room.access import RoomPolicy
    from toolkit.apps.room.handlers import room_handlers

__all__ = [
    "ROOM_PATH",
    "ROOM_URL_ENV",
    "RoomPolicy",
    "chart_html",
    "qr_svg",
    "qr_terminal",
    "room_handlers",
]

_LAZY = {"room_handlers": "handlers", "RoomPolicy": "access"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
