"""Read YAML written by users with bounds on size, nesting and alias expansion.

ruamel.yaml builds documents recursively and shares the object an alias (``*name``) points
to, so a few hundred bytes can mean a ``RecursionError`` (nested ``[``) or a structure of
billions of items once walked (aliases of aliases: the "billion laughs"). Its parser, though,
is a state machine: :func:`load_yaml` first walks the parser's events, which costs no
recursion and builds nothing, counts the nesting and the items each anchor stands for, and
refuses the file with a coded problem (``L001``–``L004``) before anything is built. A scalar
that parses but cannot be built (``2024-13-45`` read as a date, an integer of 5,000 digits)
is ``L005`` instead of a Python traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)

from toolkit.errors import Problem, ToolkitError

__all__ = ["LIMITS", "Limits", "ReadError", "load_yaml", "read_text"]


@dataclass(frozen=True)
class Limits:
    """What a YAML file may hold. The shipped files stay far below (about 20 KB, depth 8)."""

    #: Bytes of the file (UTF-8).
    max_bytes: int = 2_000_000
    #: Levels of mappings and lists, counted through aliases.
    max_depth: int = 40
    #: Items (scalars, mappings, lists) once every alias is expanded.
    max_nodes: int = 200_000


LIMITS = Limits()


class ReadError(ToolkitError, ValueError):
    """A file was refused before being built; :attr:`problems` holds one ``L0xx`` problem."""


@dataclass
class _Open:
    anchor: str | None
    height: int = 1


def _refuse(code: str, source: str | None, line: int | None, **params: object) -> ReadError:
    return ReadError(problems=[Problem(code, params, file=source, line=line)])


def read_text(path: str | Path, *, limits: Limits = LIMITS) -> str:
    """The UTF-8 text of ``path``, reading no more than ``limits.max_bytes`` + 1 bytes.

    A device or a pipe (``/dev/zero``) is refused like a file too large instead of being read
    for ever. Raises :class:`OSError` and :class:`UnicodeDecodeError` as ``Path.read_text``.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _refuse("L001", str(path), None, limit=limits.max_bytes)
    return data.decode("utf-8")


def _check_events(yaml: YAML, text: str, source: str | None, limits: Limits) -> None:
    """Walk the parser's events; raise :class:`ReadError` when a bound is passed."""
    stack: list[_Open] = []
    #: anchor -> (items it stands for, levels of collections it holds)
    anchors: dict[str, tuple[int, int]] = {}
    counts: list[int] = []
    nodes = 0
    for event in yaml.parse(text):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, CollectionStartEvent):
            stack.append(_Open(event.anchor))
            counts.append(nodes)
            nodes += 1
            if len(stack) > limits.max_depth:
                raise _refuse("L002", source, line, limit=limits.max_depth)
        elif isinstance(event, CollectionEndEvent):
            done = stack.pop()
            first = counts.pop()
            if done.anchor is not None:
                anchors[done.anchor] = (nodes - first, done.height)
            if stack:
                stack[-1].height = max(stack[-1].height, done.height + 1)
        elif isinstance(event, ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, AliasEvent):
            if any(o.anchor == event.anchor for o in stack):
                raise _refuse("L004", source, line, name=event.anchor)
            size, height = anchors.get(event.anchor, (1, 0))
            nodes += size
            if len(stack) + height > limits.max_depth:
                raise _refuse("L002", source, line, limit=limits.max_depth)
            if stack:
                stack[-1].height = max(stack[-1].height, height + 1)
        if nodes > limits.max_nodes:
            raise _refuse("L003", source, line, limit=limits.max_nodes)


def load_yaml(text: str, *, source: str | None = None, limits: Limits = LIMITS) -> object:
    """Parse ``text`` (round-trip mode: every key keeps its line; duplicate keys refused).

    Raises
    ------
    ReadError
        ``L001`` text too large, ``L002`` nested too deeply, ``L003`` too many items once
        aliases are expanded, ``L004`` an alias inside the very thing it names.
        ``L005`` a value that cannot be built (``2024-13-45`` is taken for a date).
    ruamel.yaml.error.YAMLError
        The text is not YAML (a :class:`~ruamel.yaml.error.MarkedYAMLError` has the line).
    """
    if len(text) > limits.max_bytes or len(text.encode("utf-8", "surrogatepass")) > (
        limits.max_bytes
    ):
        raise _refuse("L001", source, None, limit=limits.max_bytes)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    _check_events(yaml, text, source, limits)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except (ValueError, OverflowError, TypeError) as exc:
        raise _refuse(
            "L005", source, None, error=str(exc).split(":")[0].split(";")[0][:80]
        ) from None
