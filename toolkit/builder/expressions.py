"""Following a question or a choice code through the expressions that use it.

When a question is renamed, every ``${old}`` becomes ``${new}`` as text (the rest of each
expression is left exactly as written). When a choice code changes, the comparisons with
that code are rewritten from the parsed tree (``${q} = 'old'``, ``selected(${q}, 'old')``,
``. = 'old'`` in the question's own constraint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.instruments.expr import (
    BinOp,
    Call,
    Current,
    ExpressionSyntaxError,
    Neg,
    Node,
    Ref,
    Str,
    parse,
    references,
    to_text,
)

__all__ = [
    "EXPRESSION_KEYS",
    "TEXT_KEYS",
    "is_expression",
    "mentions_code",
    "recode",
    "refers_to",
    "rename_references",
]

#: Keys of a question whose value is an expression (``required`` only when not a boolean,
#: ``default`` only when it computes something).
EXPRESSION_KEYS = (
    "relevant",
    "constraint",
    "calculation",
    "required",
    "choice_filter",
    "repeat_count",
    "default",
)
#: Keys whose texts may show an answer (``${name}`` in a label).
TEXT_KEYS = ("label", "hint", "required_message", "constraint_message")


def is_expression(key: str, value: object) -> bool:
    """Whether ``value`` of ``key`` is an expression (not a flag, a number or a literal)."""
    if not isinstance(value, str) or not value.strip():
        return False
    if key == "default":
        return "${" in value or "(" in value
    return key in EXPRESSION_KEYS


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"\$\{\s*" + re.escape(name) + r"\s*\}")


def rename_references(text: str, old: str, new: str) -> str:
    """``text`` with every ``${old}`` written ``${new}``."""
    return _pattern(old).sub("${" + new + "}", text)


def refers_to(text: str, name: str) -> bool:
    """Whether the expression (or text) ``text`` refers to ``${name}``."""
    try:
        return name in references(parse(text))
    except ExpressionSyntaxError:
        return bool(_pattern(name).search(text))


def _targets(node: Node, names: set[str], current: bool) -> bool:
    return (isinstance(node, Ref) and node.name in names) or (current and isinstance(node, Current))


def _rewrite(node: Node, names: set[str], current: bool, old: str, new: str | None) -> Node:
    """``node`` with the code ``old`` replaced (or, ``new`` being None, only looked for)."""

    def swap(value: Node) -> Node:
        if isinstance(value, Str) and value.value.strip() == old and new is not None:
            return Str(new)
        return value

    if isinstance(node, BinOp):
        left = _rewrite(node.left, names, current, old, new)
        right = _rewrite(node.right, names, current, old, new)
        if node.op in ("=", "!="):
            if _targets(left, names, current):
                right = swap(right)
            elif _targets(right, names, current):
                left = swap(left)
        return BinOp(node.op, left, right)
    if isinstance(node, Call):
        args = tuple(_rewrite(a, names, current, old, new) for a in node.args)
        if node.name == "selected" and len(args) == 2 and _targets(args[0], names, current):
            args = (args[0], swap(args[1]))
        return Call(node.name, args)
    if isinstance(node, Neg):
        return Neg(_rewrite(node.operand, names, current, old, new))
    return node


def _mentions(node: Node, names: set[str], current: bool, code: str) -> bool:
    marker = "\x00"
    return _rewrite(node, names, current, code, marker) != node


def recode(
    text: str, questions: Iterable[str], old: str, new: str, *, current: bool = False
) -> str | None:
    """``text`` with comparisons of ``questions`` (and ``.`` when ``current``) to code
    ``old`` made against ``new``; ``None`` when nothing had to change."""
    try:
        tree = parse(text)
    except ExpressionSyntaxError:
        return None
    changed = _rewrite(tree, set(questions), current, old, new)
    return to_text(changed) if changed != tree else None


def mentions_code(text: str, questions: Iterable[str], code: str, *, current: bool = False) -> bool:
    """Whether ``text`` compares one of ``questions`` (or ``.``) with ``code``."""
    try:
        tree = parse(text)
    except ExpressionSyntaxError:
        return False
    return _mentions(tree, set(questions), current, code)
