"""Structural edits made on the lines of the file, so that comments stay where they belong.

ruamel.yaml attaches a comment, or a blank line, to whatever node comes before it: the blank
line and the ``# Profil`` heading that open a section belong, in its document, to the last
key of the last question of the section above. Deleting or moving that question through the
document would take them along. Here a *block* is what a reader sees as one entry (a
question, a section, a key with its value): its heading comments right above it, its first
line, and every line indented deeper; the blank lines and comments that separate it from
the next entry stay in place. Blocks are cut, indented and pasted as lines, then the file is
parsed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Block", "block_at", "indent_of", "reindent", "separator"]


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip()


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


@dataclass(frozen=True)
class Block:
    """Lines ``head..end`` (0-based, inclusive) of one entry; ``start`` is its first line and
    ``column`` the column of its key or of its dash."""

    head: int
    start: int
    end: int
    column: int

    def lines(self, lines: Sequence[str]) -> list[str]:
        return list(lines[self.head : self.end + 1])


def entry_column(line: str, content_column: int, *, sequence: bool) -> int:
    """Column of a sequence item's dash (``- name: …``), or of a mapping key."""
    if not sequence:
        return content_column
    head = line[:content_column]
    dash = head.rfind("-")
    return dash if dash >= 0 and not head[:dash].strip() else content_column


def block_at(lines: Sequence[str], start: int, column: int) -> Block:
    """The block whose first line is ``start`` and whose key or dash is at ``column``.

    It ends before the next line of content indented at ``column`` or less; blank lines and
    comments at ``column`` or less before that line separate it from what follows and are
    not part of it. Comment lines right above ``start``, indented at ``column`` or deeper,
    are its heading.
    """
    stop = len(lines)
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if _blank(line) or _comment(line):
            continue
        if indent_of(line) <= column:
            stop = number
            break
    end = stop - 1
    while end > start and (
        _blank(lines[end]) or (_comment(lines[end]) and indent_of(lines[end]) <= column)
    ):
        end -= 1
    head = start
    while head > 0 and _comment(lines[head - 1]) and indent_of(lines[head - 1]) >= column:
        head -= 1
    return Block(head=head, start=start, end=end, column=column)


def separator(blocks: Sequence[Block], lines: Sequence[str]) -> int:
    """How many blank lines separate the entries of a list (those between its first two)."""
    if len(blocks) < 2:
        return 0
    between = lines[blocks[0].end + 1 : blocks[1].head]
    return sum(1 for line in between if _blank(line))


def reindent(block: Sequence[str], delta: int) -> list[str]:
    """Shift every non-blank line by ``delta`` columns (negative: to the left)."""
    if delta >= 0:
        return [(" " * delta + line) if line.strip() else line for line in block]
    cut = -delta
    out = []
    for line in block:
        if not line.strip():
            out.append(line)
        elif indent_of(line) >= cut:
            out.append(line[cut:])
        else:
            out.append(line.lstrip(" "))
    return out
