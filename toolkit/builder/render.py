"""One entry (a key and its value, or a list item) written as lines at a given column.

Only the entry being edited is written by ruamel.yaml; every other line of the file stays
as it was read. Before writing, the comment ruamel attached to the entry's last line is cut
down to its end-of-line part: the blank lines and headings after it belong to what follows
and are still in the file, outside the entry.
"""

from __future__ import annotations

import io
from typing import TypeGuard

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.lines import indent_of, reindent
from toolkit.builder.yamldoc import Style, _yaml

__all__ = ["detach_trailing", "render_item", "render_key"]


def _is_block(node: object) -> TypeGuard[CommentedMap | CommentedSeq]:
    """A mapping or list written as a block (one entry a line), not empty nor on one line."""
    return (
        isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()
    )


def _cut(token_holder: list, index: int) -> None:
    token = token_holder[index] if len(token_holder) > index else None
    if token is None:
        return
    value = str(token.value)
    eol, _newline, _rest = value.partition("\n")
    if eol.strip():
        token.value = eol + "\n"
    else:
        token_holder[index] = None


def detach_trailing(node: object) -> None:
    """Keep only the end-of-line comment on the last line of ``node`` (in place)."""
    while _is_block(node):
        node.ca.end = []
        if isinstance(node, CommentedMap):
            key = list(node)[-1]
            slot = node.ca.items.get(key)
            if slot is not None:
                _cut(slot, 2)
            node = node[key]
        else:
            index = len(node) - 1
            slot = node.ca.items.get(index)
            if slot is not None:
                _cut(slot, 0)
            node = node[index]


def _dump(data: object, style: Style) -> list[str]:
    buffer = io.StringIO()
    _yaml(Style(mapping=style.mapping, sequence=style.sequence, offset=style.offset)).dump(
        data, buffer
    )
    lines = buffer.getvalue().split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def render_key(key: str, value: object, style: Style, column: int) -> list[str]:
    """``key: value`` (and the value's lines) with the key at ``column``."""
    detach_trailing(value)
    wrapper = CommentedMap()
    wrapper[key] = value
    return reindent(_dump(wrapper, style), column)


def render_item(value: object, style: Style, column: int) -> list[str]:
    """A list item ``- …`` with its dash at ``column``."""
    detach_trailing(value)
    lines = _dump(CommentedSeq([value]), style)
    dash = indent_of(lines[0]) if lines else 0
    return reindent(lines, column - dash)
