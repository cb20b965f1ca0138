"""The edit primitives of a draft: each one computes a :class:`Splice` of the file's lines.

A splice replaces lines ``start..stop-1`` (``start == stop``: an insertion) by new lines.
Several splices computed against the same text are applied from the bottom up, so that the
line numbers of the others stay right, and the text is parsed once afterwards.

Block mappings and lists are edited entry by entry (only the entry's lines change); a
mapping or list written on one line (``{value: 1, label: Oui}``, ``[fr, en]``) is changed
in memory and the entry holding it is written again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.lines import Block, block_at, entry_column, indent_of, separator
from toolkit.builder.render import render_item, render_key
from toolkit.builder.tree import canonical
from toolkit.builder.yamldoc import Style

__all__ = ["Owners", "Splice", "Splicer", "apply_splices", "end_of_line_comment"]

Container = CommentedMap | CommentedSeq


@dataclass(frozen=True)
class Splice:
    start: int
    stop: int
    lines: tuple[str, ...]


def apply_splices(lines: list[str], splices: Sequence[Splice]) -> list[str]:
    """Apply splices computed against ``lines`` (the last one wins on the same range)."""
    unique: dict[tuple[int, int], Splice] = {}
    for splice in splices:
        unique[(splice.start, splice.stop)] = splice
    ordered = sorted(unique.values(), key=lambda s: (s.start, s.stop), reverse=True)
    out = list(lines)
    floor = len(out) + 1
    for splice in ordered:
        if splice.stop > floor:
            raise ValueError("overlapping splices")
        out[splice.start : splice.stop] = list(splice.lines)
        floor = splice.start
    return out


def end_of_line_comment(line: str) -> str | None:
    """The ``# …`` comment ending ``line`` (outside quotes), or ``None``."""
    quote: str | None = None
    previous = " "
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and previous in " {[,:":
            quote = char
        elif char == "#" and previous in " \t":
            return line[index:]
        previous = char
    return None


class Owners:
    """Where each node of the document sits: its container and its key or index."""

    def __init__(self, document: CommentedMap) -> None:
        self.of: dict[int, tuple[Container, object]] = {}
        self._visit(document)

    def _visit(self, node: object) -> None:
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                if isinstance(value, CommentedMap | CommentedSeq):
                    self.of[id(value)] = (node, key)
                    self._visit(value)
        elif isinstance(node, CommentedSeq):
            for index, value in enumerate(node):
                if isinstance(value, CommentedMap | CommentedSeq):
                    self.of[id(value)] = (node, index)
                    self._visit(value)


def _flow(node: Container) -> bool:
    return bool(node.fa.flow_style()) or len(node) == 0


class Splicer:
    """Computes splices against one parsed state of the file."""

    def __init__(self, document: CommentedMap, lines: list[str], style: Style) -> None:
        self.document = document
        self.lines = lines
        self.style = style
        self._owners: Owners | None = None

    @property
    def owners(self) -> Owners:
        if self._owners is None:
            self._owners = Owners(self.document)
        return self._owners

    # ------------------------------------------------------------------ blocks

    def block(self, container: Container, key: object) -> Block:
        """The block of entry ``key`` (a mapping key or a list index) of a block container."""
        if isinstance(container, CommentedSeq):
            line, column = container.lc.item(key)
            column = entry_column(self.lines[line], column, sequence=True)
            if not self.lines[line][column:].startswith("-"):
                # The dash is alone on a line above (``-\n  name: …``).
                line -= 1
                column = indent_of(self.lines[line])
        else:
            line, column = container.lc.key(key)
        return block_at(self.lines, line, column)

    def blocks(self, container: Container) -> list[Block]:
        keys: Iterator[object] = (
            iter(range(len(container))) if isinstance(container, CommentedSeq) else iter(container)
        )
        return [self.block(container, key) for key in keys]

    # ------------------------------------------------------------------ whole entries

    def rewrite(self, node: Container) -> Splice:
        """Write again the entry holding ``node`` (climbing out of one-line containers)."""
        container, key = self.owners.of[id(node)]
        while _flow(container):
            node = container
            container, key = self.owners.of[id(node)]
        return self.replace(container, key, container[key])

    def replace(self, container: Container, key: object, value: object) -> Splice:
        """Entry ``key`` of ``container`` with a new value, written in place."""
        if _flow(container):
            container[key] = value
            return self.rewrite(container)
        block = self.block(container, key)
        if isinstance(container, CommentedSeq):
            lines = render_item(value, self.style, block.column)
        else:
            lines = render_key(str(key), value, self.style, block.column)
        prefix = self.lines[block.start][: block.column]
        if prefix.strip() and lines:
            # The first key of a list item shares its line with the dash (``- name: …``).
            lines = [prefix + lines[0][block.column :], *lines[1:]]
        if block.start == block.end and len(lines) == 1:
            comment = end_of_line_comment(self.lines[block.start])
            if comment and end_of_line_comment(lines[0]) is None:
                original = self.lines[block.start]
                column = original.rfind(comment)
                gap = len(original[:column]) - len(original[:column].rstrip())
                lines = [lines[0].ljust(column - gap) + " " * gap + comment]
        return Splice(block.start, block.end + 1, tuple(lines))

    # ------------------------------------------------------------------ mappings

    def set_key(
        self, node: CommentedMap, key: str, value: object, order: Sequence[str] = ()
    ) -> Splice:
        """Set ``key`` (kept where it is, else placed by ``order``, canonical key names)."""
        existing = next((k for k in node if k == key or canonical(k) == key), None)
        if existing is not None:
            return self.replace(node, existing, value)
        position = self._position(node, key, order)
        if _flow(node):
            node.insert(position, key, value)
            return self.rewrite(node)
        keys = list(node)
        if position == 0 and self._on_dash_line(node, keys[0]):
            position = 1
        if position < len(keys):
            at = self.block(node, keys[position]).head
            column = self.block(node, keys[position]).column
        else:
            last = self.block(node, keys[-1])
            at, column = last.end + 1, last.column
        return Splice(at, at, tuple(render_key(key, value, self.style, column)))

    @staticmethod
    def _position(node: CommentedMap, key: str, order: Sequence[str]) -> int:
        """Just after the last key that comes before ``key`` in ``order``."""
        if key not in order:
            return len(node)
        rank = order.index(key)
        position = 0
        for index, existing in enumerate(node):
            name = canonical(existing)
            if name in order and order.index(name) < rank:
                position = index + 1
        return position

    def remove_key(self, node: CommentedMap, key: str) -> Splice:
        existing = next((k for k in node if k == key or canonical(k) == key), None)
        if existing is None:
            raise KeyError(key)
        index = list(node).index(existing)
        if _flow(node) or (index == 0 and self._on_dash_line(node, existing)):
            del node[existing]
            return self.rewrite(node)
        return self._remove(node, index)

    def _on_dash_line(self, node: CommentedMap, key: object) -> bool:
        line, column = node.lc.key(key)
        return bool(self.lines[line][:column].strip())

    # ------------------------------------------------------------------ lists

    def insert_item(self, seq: CommentedSeq, index: int, value: object) -> Splice:
        if _flow(seq):
            if len(seq) == 0 and isinstance(value, CommentedMap) and not value.fa.flow_style():
                seq.fa.set_block_style()
            seq.insert(index, value)
            return self.rewrite(seq)
        blocks = self.blocks(seq)
        return self.insert_lines(seq, index, render_item(value, self.style, blocks[0].column))

    def separator(self, seq: CommentedSeq) -> int | None:
        """Blank lines between the items of a block list (``None`` below two items)."""
        if _flow(seq) or len(seq) < 2:
            return None
        return separator(self.blocks(seq), self.lines)

    def insert_lines(
        self, seq: CommentedSeq, index: int, lines: Sequence[str], *, gap: int | None = None
    ) -> Splice:
        """Paste lines of an item (dash at the list's column) at ``index`` of a block list,
        separated from its neighbours as the list's items are (or by ``gap`` blank lines
        when the list has a single item)."""
        blocks = self.blocks(seq)
        found = separator(blocks, self.lines) if len(blocks) > 1 else gap or 0
        gap_lines = [""] * found
        if index < len(blocks):
            at = blocks[index].head
            return Splice(at, at, (*lines, *gap_lines))
        at = blocks[-1].end + 1
        return Splice(at, at, (*gap_lines, *lines))

    def remove_item(self, seq: CommentedSeq, index: int) -> Splice:
        if _flow(seq):
            del seq[index]
            return self.rewrite(seq)
        return self._remove(seq, index)

    def _remove(self, container: Container, index: int) -> Splice:
        blocks = self.blocks(container)
        block = blocks[index]
        if index + 1 < len(blocks):
            return Splice(block.head, blocks[index + 1].head, ())
        if index > 0:
            return Splice(blocks[index - 1].end + 1, block.end + 1, ())
        return Splice(block.head, block.end + 1, ())

    def item_lines(self, seq: CommentedSeq, index: int) -> tuple[list[str], int]:
        """The lines of item ``index`` (heading comments included) and its dash column."""
        block = self.block(seq, index)
        return block.lines(self.lines), block.column
