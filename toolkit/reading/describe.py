"""Short descriptions of user values for error messages, bounded whatever the value.

``repr()`` of a value read from YAML can be as large as the whole file, or larger when
aliases share parts of it; :func:`describe` looks at no more than a few items and a few levels.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["describe"]

_ITEMS = 3
_LEVELS = 2


def describe(value: object, width: int = 60) -> str:
    """At most ``width`` characters saying what ``value`` is; text is shown in « ».

    >>> describe("bonjour"), describe([1, 2, 3, 4, 5]), describe({"a": {"b": {"c": 1}}})
    ('« bonjour »', '[1, 2, 3, …]', '{a: {b: {…}}}')
    >>> len(describe("x" * 1000))
    60
    """
    text = f"« {value} »" if isinstance(value, str) and len(value) <= width else _short(value, 0)
    if isinstance(value, str) and len(value) > width:
        text = f"« {value[: width - 5]}… »"
    return text if len(text) <= width else text[: width - 1] + "…"


def _short(value: object, level: int) -> str:
    if isinstance(value, str):
        return value if len(value) <= 20 else value[:19] + "…"
    if isinstance(value, Mapping):
        if level >= _LEVELS:
            return "{…}" if value else "{}"
        parts = []
        for index, (key, item) in enumerate(value.items()):
            if index == _ITEMS:
                parts.append("…")
                break
            parts.append(f"{_short(key, _LEVELS)}: {_short(item, level + 1)}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        if level >= _LEVELS:
            return "[…]" if value else "[]"
        parts = []
        for index, item in enumerate(value):
            if index == _ITEMS:
                parts.append("…")
                break
            parts.append(_short(item, level + 1))
        return "[" + ", ".join(parts) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"{'-' if value < 0 else ''}10^{int(value.bit_length() * 0.30103)}…"
    text = repr(value)
    return text if len(text) <= 30 else text[:29] + "…"
