"""Reading YAML mappings while keeping line numbers and collecting every problem.

The loader walks the parsed document with a :class:`Reader`: each accessor checks one
field, records a coded :class:`~toolkit.errors.Problem` (file, line, field) when it is
wrong and returns ``None`` so that the walk goes on and every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar, overload

from toolkit.errors import Problem
from toolkit.i18n import LANGUAGES, Msg, Text
from toolkit.reading.lines import closest, line_of

__all__ = ["Reader"]

_A = TypeVar("_A")
_B = TypeVar("_B")
_C = TypeVar("_C")

#: Type words shown in messages, translated by the catalogue (``training.type.*``).
_TYPE_NAMES = {
    str: Msg.of("training.type.text"),
    int: Msg.of("training.type.integer"),
    float: Msg.of("training.type.number"),
    bool: Msg.of("training.type.bool"),
    list: Msg.of("training.type.list"),
    dict: Msg.of("training.type.mapping"),
}


def _type_name(value: object) -> Msg | str:
    if isinstance(value, bool):
        return _TYPE_NAMES[bool]
    if isinstance(value, Mapping):
        return _TYPE_NAMES[dict]
    if isinstance(value, list | tuple):
        return _TYPE_NAMES[list]
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Alternatives(Msg):
    """Several type words joined by " / ", each rendered in the message's language."""

    def render(self, lang: str | None = None) -> str:
        return " / ".join(m.render(lang) if isinstance(m, Msg) else str(m) for _, m in self.params)


class Reader:
    """Problem collector bound to one file."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    # -- locating -------------------------------------------------------------------------
    @staticmethod
    def line_of(node: object, key: str | int | None = None) -> int | None:
        """1-based line of ``node`` (or of its ``key`` / item), when the parser kept it."""
        return line_of(node, key)

    def add(self, code: str, *, line: int | None, field: str | None, **params: object) -> None:
        self.problems.append(Problem(code, params, self.file, line, field))

    # -- structure ------------------------------------------------------------------------
    def check_keys(
        self,
        node: Mapping,
        where: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> None:
        """Report missing required keys (T003) and unknown keys with a suggestion (T005)."""
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in required:
            if key not in node:
                self.add("T003", line=self.line_of(node), field=_join(where, key))
        for key in node:
            if key not in allowed:
                self.add(
                    "T005",
                    line=self.line_of(node, key),
                    field=_join(where, str(key)),
                    suggestion=closest(str(key), sorted(allowed)) or ", ".join(sorted(allowed)),
                )

    def mapping(self, value: object, *, line: int | None, field: str) -> Mapping | None:
        if isinstance(value, Mapping):
            return value
        self.add("T004", line=line, field=field, expected=_TYPE_NAMES[dict], got=_type_name(value))
        return None

    def entries(
        self, items: Sequence[object], parent: str, key: str
    ) -> Iterator[tuple[Mapping, str, str]]:
        """Each entry of the list ``items`` (found under ``key`` of ``parent``) that has an id.

        Yields ``(node, id, where)``. An entry that is not a mapping is reported and skipped;
        a missing id is reported and the entry's position stands in for it.
        """
        for index, raw in enumerate(items):
            node = self.mapping(raw, line=self.line_of(items, index), field=_join(parent, key))
            if node is None:
                continue
            ident = self.identifier(node, "id", _join(parent, key)) or f"[{index}]"
            yield node, ident, _join(parent, ident)

    def sequence(
        self, node: Mapping, key: str, where: str, *, minimum: int = 0
    ) -> Sequence[object] | None:
        """A list under ``key``; reports wrong types and lists shorter than ``minimum``."""
        if key not in node:
            return None
        value = node[key]
        field = _join(where, key)
        if not isinstance(value, list):
            self.add(
                "T004",
                line=self.line_of(node, key),
                field=field,
                expected=_TYPE_NAMES[list],
                got=_type_name(value),
            )
            return None
        if len(value) < minimum:
            self.add(
                "T010", line=self.line_of(node, key), field=field, minimum=minimum, got=len(value)
            )
        return value

    @overload
    def scalar(
        self, node: Mapping, key: str, where: str, kind: type[_A], *, default: _A | None = None
    ) -> _A | None: ...
    @overload
    def scalar(
        self,
        node: Mapping,
        key: str,
        where: str,
        kind: tuple[type[_A], type[_B]],
        *,
        default: _A | _B | None = None,
    ) -> _A | _B | None: ...
    @overload
    def scalar(
        self,
        node: Mapping,
        key: str,
        where: str,
        kind: tuple[type[_A], type[_B], type[_C]],
        *,
        default: _A | _B | _C | None = None,
    ) -> _A | _B | _C | None: ...
    def scalar(
        self,
        node: Mapping,
        key: str,
        where: str,
        kind: type | tuple[type, ...],
        *,
        default: object = None,
    ) -> object:
        """A scalar of ``kind`` under ``key`` (``default`` when absent)."""
        if key not in node:
            return default
        value = node[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            self.add(
                "T004",
                line=self.line_of(node, key),
                field=_join(where, key),
                expected=_Alternatives(
                    "", tuple((str(i), _TYPE_NAMES.get(k, k.__name__)) for i, k in enumerate(kinds))
                ),
                got=_type_name(value),
            )
            return default
        return value

    def identifier(self, node: Mapping, key: str, where: str) -> str | None:
        """An id: a non-empty string of letters, digits, ``_`` and ``-``."""
        value = self.scalar(node, key, where, (str, int))
        if value is None:
            return None
        text = str(value)
        if not text or not all(c.isalnum() or c in "_-" for c in text):
            self.add("T021", line=self.line_of(node, key), field=_join(where, key), got=text)
            return None
        return text

    def text(self, node: Mapping, key: str, where: str) -> Text | None:
        """A multilingual text: a French string, or ``{fr: ..., en: ...}`` (French required)."""
        if key not in node:
            return None
        return self.text_value(node[key], line=self.line_of(node, key), field=_join(where, key))

    def required_text(self, node: Mapping, key: str, where: str) -> Text:
        """A text the entry must have (see :meth:`text`).

        When it is missing or wrong the problem is recorded and an empty text stands in, so
        that the walk goes on; the loader discards what it built once a problem is recorded.
        """
        return self.text(node, key, where) or Text(())

    def text_value(self, value: object, *, line: int | None, field: str) -> Text | None:
        """Check one multilingual text value (see :meth:`text`)."""
        if isinstance(value, str):
            if value.strip():
                return Text.of(value)
            self.add("T008", line=line, field=field)
            return None
        if not isinstance(value, Mapping):
            self.add(
                "T004", line=line, field=field, expected=_TYPE_NAMES[str], got=_type_name(value)
            )
            return None
        texts: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.add("T023", line=self.line_of(value, lang), field=field, lang=lang)
            elif not isinstance(text, str):
                self.add(
                    "T004",
                    line=self.line_of(value, lang),
                    field=f"{field}.{lang}",
                    expected=_TYPE_NAMES[str],
                    got=_type_name(text),
                )
            else:
                texts[str(lang)] = str(text)
        if not texts.get("fr", "").strip():
            self.add("T008", line=line, field=field)
            return None
        return Text.of(texts)

    def texts(self, node: Mapping, key: str, where: str) -> tuple[Text, ...]:
        """A list of multilingual texts."""
        items = self.sequence(node, key, where) or ()
        out = []
        for index, value in enumerate(items):
            text = self.text_value(
                value, line=self.line_of(items, index), field=f"{_join(where, key)}[{index}]"
            )
            if text is not None:
                out.append(text)
        return tuple(out)

    def unique(self, ids: Iterable[tuple[str | None, int | None]], where: str) -> None:
        """Report ids used twice (T006)."""
        seen: set[str] = set()
        for ident, line in ids:
            if ident is None:
                continue
            if ident in seen:
                self.add("T006", line=line, field=_join(where, ident), id=ident)
            seen.add(ident)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
