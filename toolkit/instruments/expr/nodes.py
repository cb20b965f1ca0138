"""Frozen expression nodes and their canonical printer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Num:
    value: int | float


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class LastSaved:
    """``${last-saved#name}``: the answer to ``name`` in the last response saved (ODK)."""

    name: str


@dataclass(frozen=True)
class Name:
    """A bare name: a column of the choice list, in a ``choice_filter`` only."""

    name: str


@dataclass(frozen=True)
class Current:
    """``.``: the value of the question being checked (constraints)."""


@dataclass(frozen=True)
class Parent:
    """``..``: the repeat entry the question is in, as in ``position(..)``."""


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str  # or and = != < <= > >= + - * div mod
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Num | Str | Ref | LastSaved | Name | Current | Parent | Neg | BinOp | Call

# Binding strength, loosest first; used by the printer to add only the brackets needed.
PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "div": 5,
    "mod": 5,
}
_ATOM = 7


def _precedence(node: Node) -> int:
    if isinstance(node, BinOp):
        return PRECEDENCE[node.op]
    if isinstance(node, Neg):
        return 6
    return _ATOM


def to_text(node: Node) -> str:
    """Print ``node`` in canonical XLSForm syntax; ``parse(to_text(n)) == n``."""
    if isinstance(node, Num):
        return repr(node.value) if isinstance(node.value, float) else str(node.value)
    if isinstance(node, Str):
        quote = "'" if "'" not in node.value else '"'
        return f"{quote}{node.value}{quote}"
    if isinstance(node, Ref):
        return "${" + node.name + "}"
    if isinstance(node, LastSaved):
        return "${last-saved#" + node.name + "}"
    if isinstance(node, Current):
        return "."
    if isinstance(node, Parent):
        return ".."
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Neg):
        inner = to_text(node.operand)
        return f"-{inner}" if _precedence(node.operand) >= 6 else f"-({inner})"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_text(a) for a in node.args)})"
    prec = PRECEDENCE[node.op]
    left = to_text(node.left)
    right = to_text(node.right)
    if _precedence(node.left) < prec or (prec == 3 and _precedence(node.left) == 3):
        left = f"({left})"
    # Operators are left-associative: a right operand of equal strength needs brackets.
    if _precedence(node.right) <= prec:
        right = f"({right})"
    return f"{left} {node.op} {right}"


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, depth-first, root first."""
    yield node
    if isinstance(node, Neg):
        yield from walk(node.operand)
    elif isinstance(node, BinOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)


def references(node: Node) -> list[str]:
    """Names referenced with ``${name}``, in order of appearance, without repeats.

    ``${last-saved#name}`` is not among them: it reads an earlier response, not this one
    (see :func:`last_saved_references`).
    """
    seen: dict[str, None] = {}
    for sub in walk(node):
        if isinstance(sub, Ref):
            seen.setdefault(sub.name)
    return list(seen)


def last_saved_references(node: Node) -> list[str]:
    """Names referenced with ``${last-saved#name}``, in order, without repeats.

    Examples
    --------
    >>> from toolkit.instruments.expr import parse
    >>> last_saved_references(parse("${last-saved#secteur} = ${secteur} or ${last-saved#secteur} = 'x'"))
    ['secteur']
    """
    seen: dict[str, None] = {}
    for sub in walk(node):
        if isinstance(sub, LastSaved):
            seen.setdefault(sub.name)
    return list(seen)
