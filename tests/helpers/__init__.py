"""Helpers shared by the tests: the catalogue messages an app is expected to show.

App tests compare what a screen shows against the rendered catalogue message, not against
French prose copied into the test: a reworded message does not break them, a wrong message
(another key, another count, another name) still does.
"""

from __future__ import annotations

import re

from toolkit.apps.common.html import esc
from toolkit.i18n import catalogue, t

__all__ = ["html_msg", "msg", "msg_pattern"]


def msg(key: str, /, lang: str = "fr", **params: object) -> str:
    """The catalogue message ``key`` rendered with ``params``, as a plain-text widget shows it.

    A key missing from the catalogue fails at once: :func:`toolkit.i18n.t` would return
    the key itself, and an app showing that same wrong key would pass unnoticed.
    """
    assert key in catalogue(), f"no message {key!r} in the catalogue"
    return t(key, lang, **params)


def html_msg(key: str, /, lang: str = "fr", **params: object) -> str:
    """:func:`msg` HTML-escaped, as an app puts it in an HTML widget."""
    return esc(msg(key, lang, **params))


def msg_pattern(
    key: str, /, lang: str = "fr", *, holes: dict[str, str], **params: object
) -> re.Pattern[str]:
    """A regular expression for :func:`msg` where the parameters named in ``holes`` are only
    known by shape (an age, a generated reference): each is matched by its pattern."""
    marks = {name: f"\0{name}\0" for name in holes}
    pattern = re.escape(msg(key, lang, **params, **marks))
    for name, hole in holes.items():
        pattern = pattern.replace(re.escape(marks[name]), f"(?:{hole})")
    return re.compile(pattern)
