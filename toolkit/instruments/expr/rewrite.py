"""Rewrite expression trees: one generic bottom-up transform and the rewrites built on it.

Trees are frozen, so a rewrite builds a new tree; :func:`transform` rebuilds only what the
given function changes. The XLSForm importer uses these to turn what a form writes into what
the model reads (see :mod:`toolkit.interop.xlsform`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from toolkit.instruments.expr.nodes import BinOp, Call, Name, Neg, Node

__all__ = ["equality_to_selected", "paths_to_references", "references_to_paths", "transform"]

_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
#: Quoted strings, left alone, or a path to a question (as the grammar's PATH token).
_PATH = re.compile(
    rf"(?P<quoted>'[^']*'|\"[^\"]*\")"
    rf"|(?P<path>(?:current\(\)/)?(?:\.\./)+{_NAME}|(?<![\w.)\]])/{_NAME}(?:/{_NAME})+)"
)
_REF = re.compile(rf"(?P<quoted>'[^']*'|\"[^\"]*\")|\$\{{\s*(?P<name>{_NAME})\s*\}}")


def transform(node: Node, change: Callable[[Node], Node | None]) -> Node:
    """Apply ``change`` bottom-up: children first, then the node they are part of.

    ``change`` returns a replacement node, or ``None`` to keep the node as it is.

    Examples
    --------
    >>> from toolkit.instruments.expr import Num, parse, to_text
    >>> double = lambda n: Num(n.value * 2) if isinstance(n, Num) else None
    >>> to_text(transform(parse("1 + ${a} * 3"), double))
    '2 + ${a} * 6'
    """
    if isinstance(node, Neg):
        node = Neg(transform(node.operand, change))
    elif isinstance(node, BinOp):
        node = BinOp(node.op, transform(node.left, change), transform(node.right, change))
    elif isinstance(node, Call):
        node = Call(node.name, tuple(transform(a, change) for a in node.args))
    replaced = change(node)
    return node if replaced is None else replaced


def equality_to_selected(node: Node, columns: Collection[str]) -> Node:
    """``col = x`` becomes ``selected(col, x)`` (``!=``: its negation) for the given columns.

    Used for choice filters once a filter column holds several space-separated values (two
    choices of one value merged, see ``allow_choice_duplicates``).

    Examples
    --------
    >>> from toolkit.instruments.expr import parse, to_text
    >>> to_text(equality_to_selected(parse("${state} = cf and x != 1"), {"cf", "x"}))
    'selected(cf, ${state}) and not(selected(x, 1))'
    """

    def change(sub: Node) -> Node | None:
        if not isinstance(sub, BinOp) or sub.op not in ("=", "!="):
            return None
        for side, other in ((sub.left, sub.right), (sub.right, sub.left)):
            if isinstance(side, Name) and side.name in columns:
                call = Call("selected", (side, other))
                return call if sub.op == "=" else Call("not", (call,))
        return None

    return transform(node, change)


def paths_to_references(text: str, resolve: Callable[[str], str] = str) -> str:
    """The text with every path to a question (``../x``, ``current()/../x``, ``/data/g/x``)
    written ``${x}``; ``resolve`` gives the name the question has in the model.

    Examples
    --------
    >>> paths_to_references("selected(../q1, 'other') and current()/../a != '../b'")
    "selected(${q1}, 'other') and ${a} != '../b'"
    """

    def change(match: re.Match[str]) -> str:
        if match.group("quoted"):
            return match.group(0)
        return "${" + resolve(match.group("path").rsplit("/", 1)[-1]) + "}"

    return _PATH.sub(change, text)


def references_to_paths(text: str, names: Collection[str]) -> str:
    """The text with ``${x}`` written ``../x`` for the given names (siblings in a loop, which
    pyxform cannot reach by ``${x}``).

    >>> references_to_paths(". <= ${total} and ${autre} > 0", {"total"})
    '. <= ../total and ${autre} > 0'
    """

    def change(match: re.Match[str]) -> str:
        if match.group("quoted") or match.group("name") not in names:
            return match.group(0)
        return f"../{match.group('name')}"

    return _REF.sub(change, text)
