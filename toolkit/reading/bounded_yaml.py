"""Read YAML written by users with bounds on size, nesting and alias expansion.

ruamel.yaml builds documents recursively and shares the object an alias (``*name``) points
to, so a few hundred bytes can mean a ``RecursionError`` (nested ``[``) or a structure of
billions of items once walked (aliases of aliases: the "billion laughs"). :func:`load_yaml`
reads with a composer that counts, as it goes, the nesting and the items each node stands
for once its aliases are expanded, and refuses the file with a coded problem
(``L001``–``L004``) as soon as a bound is passed: before any deeper recursion and before the
constructor builds any object. A scalar that parses but cannot be built (``2024-13-45`` read
as a date, an integer of 5,000 digits) is ``L005`` instead of a Python traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from toolkit.errors import Problem, ToolkitError

__all__ = ["LIMITS", "Limits", "ReadError", "load_yaml", "read_text"]


@dataclass(frozen=True)
class Limits:
    """What a YAML file may hold. The shipped files stay far below (about 20 KB, depth 8)."""

    #: Bytes of the file (UTF-8).
    max_bytes: int = 1_000_000
    #: Levels of mappings and lists, counted through aliases.
    max_depth: int = 40
    #: Items (scalars, mappings, lists) once every alias is expanded.
    max_nodes: int = 100_000


LIMITS = Limits()


class ReadError(ToolkitError, ValueError):
    """A file was refused before being built; :attr:`problems` holds one ``L0xx`` problem."""


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


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class _BoundedComposer(Composer):
    """ruamel.yaml's composer, counting levels and expanded items before going deeper."""

    limits: Limits = LIMITS
    source: str | None = None

    def __init__(self, loader: object = None) -> None:
        super().__init__(loader)
        self.levels = 0
        self.items = 0
        #: id(node) -> (items it stands for, aliases expanded; levels of collections in it)
        self.sizes: dict[int, tuple[int, int]] = {}

    def compose_node(self, parent: object, index: object) -> Node:
        event = self.parser.peek_event()
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            size = self.sizes.get(id(node))
            if size is None:  # the anchored node is still being composed: it holds itself
                raise _refuse("L004", self.source, line, name=event.anchor)
            self.count(size[0], self.levels + size[1], line)
            return node
        collection = isinstance(event, CollectionStartEvent)
        self.levels += collection
        self.count(1, self.levels, line)
        node = super().compose_node(parent, index)
        self.levels -= collection
        inner = [self.sizes[id(child)] for child in _children(node)]
        self.sizes[id(node)] = (
            1 + sum(size[0] for size in inner),
            collection + max((size[1] for size in inner), default=0),
        )
        return node

    def count(self, items: int, levels: int, line: int | None) -> None:
        self.items += items
        if levels > self.limits.max_depth:
            raise _refuse("L002", self.source, line, limit=self.limits.max_depth)
        if self.items > self.limits.max_nodes:
            raise _refuse("L003", self.source, line, limit=self.limits.max_nodes)


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
    composer: type[Composer] = type(
        "Composer", (_BoundedComposer,), {"limits": limits, "source": source}
    )
    yaml.Composer = composer
    try:
        return yaml.load(text)
    except ReadError:
        raise
    except (ValueError, OverflowError, TypeError) as exc:
        raise _refuse(
            "L005", source, None, error=str(exc).split(":")[0].split(";")[0][:80]
        ) from None
