"""Finding the questions of a round-trip document: by name, by path, with their list.

A question is addressed by its name when the name is unique in the instrument, else by its
path from the top, ``"section/group/name"``. Keys are read through the loader's alias table,
so that a file written ``relevance:`` or ``min:`` is edited where it says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.instruments.loader import KEY_ALIASES

__all__ = ["CHILD_KEYS", "Located", "canonical", "get", "layout_key", "raw_key", "walk"]

#: Keys holding the questions of a container: ``questions`` (group, repeat, section) and
#: ``items`` (Likert matrix).
CHILD_KEYS = ("questions", "items")


def canonical(key: object) -> str:
    text = str(key)
    return KEY_ALIASES.get(text, text)


def raw_key(node: CommentedMap, key: str) -> str | None:
    """The key of ``node`` spelling canonical ``key`` (``relevance`` for ``relevant``)."""
    if key in node:
        return key
    return next((str(k) for k in node if canonical(k) == key), None)


def get(node: CommentedMap, key: str, default: object = None) -> object:
    found = raw_key(node, key)
    return node[found] if found is not None else default


def layout_key(document: CommentedMap) -> str:
    """``sections`` or ``questions``: the key holding the top-level items."""
    if "sections" in document or "questions" not in document:
        return "sections"
    return "questions"


@dataclass(frozen=True)
class Located:
    """A question found in the document."""

    node: CommentedMap
    container: CommentedSeq
    index: int
    path: tuple[str, ...]
    #: ``questions`` or ``items`` (a Likert matrix's row), ``sections``/``questions`` at top.
    holder_key: str
    parent: CommentedMap | None

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def ref(self) -> str:
        return "/".join(self.path)

    @property
    def is_matrix_item(self) -> bool:
        return self.holder_key == "items"

    @property
    def type(self) -> str:
        from toolkit.instruments.loader import TYPE_ALIASES

        raw = self.node.get("type")
        if raw is None:
            if self.is_matrix_item:
                return "likert"
            return "group" if self.parent is None else ""
        text = str(raw).strip().lower()
        return TYPE_ALIASES.get(text, text)


def walk(document: CommentedMap) -> Iterator[Located]:
    """Every question of the document, depth first, containers before their children."""
    top = document.get(layout_key(document))
    if not isinstance(top, CommentedSeq):
        return

    def visit(
        seq: CommentedSeq, prefix: tuple[str, ...], key: str, parent: CommentedMap | None
    ) -> Iterator[Located]:
        for index, node in enumerate(seq):
            if not isinstance(node, CommentedMap):
                continue
            path = (*prefix, str(node.get("name", "")))
            yield Located(node, seq, index, path, key, parent)
            for child_key in CHILD_KEYS:
                children = node.get(child_key)
                if isinstance(children, CommentedSeq):
                    yield from visit(children, path, child_key, node)

    yield from visit(top, (), layout_key(document), None)
