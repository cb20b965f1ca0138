"""Parse XLSForm expressions with a lark grammar into frozen nodes.

Parsing is bounded: at most :data:`MAX_LENGTH` characters and :data:`MAX_DEPTH` levels of
nesting (``ExpressionTooComplex``). The tree is built without recursion, so that no input
can exhaust Python's stack, and the nesting is measured before anything recursive (the
evaluator, the printer) walks it; what parses is what the evaluator can run.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from toolkit.instruments.expr.nodes import (
    BinOp,
    Call,
    Current,
    LastSaved,
    Name,
    Neg,
    Node,
    Num,
    Parent,
    Ref,
    Str,
)

MAX_LENGTH = 4000
#: Levels of nesting of the node tree (``a + b + c`` is two levels, ``-(-x)`` three).
MAX_DEPTH = 60


class ExpressionSyntaxError(ValueError):
    """The text is not a valid expression; :attr:`column` is 1-based (0 when unknown)."""

    def __init__(self, text: str, column: int, found: str) -> None:
        super().__init__(f"syntax error at column {column} near {found!r}")
        self.text = text
        self.column = column
        self.found = found


class ExpressionTooComplex(ExpressionSyntaxError):
    """Longer than :data:`MAX_LENGTH` characters or nested deeper than :data:`MAX_DEPTH`."""


def depth(node: Node) -> int:
    """Levels of the tree under ``node`` (1 for a leaf), measured without recursion."""
    stack = [(node, 1)]
    deepest = 0
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, BinOp):
            stack += [(current.left, level + 1), (current.right, level + 1)]
        elif isinstance(current, Call):
            stack += [(a, level + 1) for a in current.args]
        elif isinstance(current, Neg):
            stack.append((current.operand, level + 1))
    return deepest


@functools.cache
def _parser() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", maybe_placeholders=False)


@v_args(inline=True)
class _ToNodes(Transformer_NonRecursive):
    def number(self, token: Token) -> Num:
        text = str(token)
        return Num(float(text) if "." in text else int(text))

    def string(self, token: Token) -> Str:
        return Str(str(token)[1:-1])

    def ref(self, token: Token) -> Ref:
        return Ref(str(token)[2:-1])

    def last_saved(self, token: Token) -> LastSaved:
        return LastSaved(str(token)[len("${last-saved#") : -1])

    def path(self, token: Token) -> Ref:
        return Ref(str(token).rsplit("/", 1)[-1])

    def name(self, token: Token) -> Name:
        return Name(str(token))

    def current(self) -> Current:
        return Current()

    def parent(self, _token: Token) -> Parent:
        return Parent()

    def neg(self, operand: Node) -> Neg:
        return Neg(operand)

    def binop(self, left: Node, op: Token, right: Node) -> BinOp:
        return BinOp(str(op), left, right)

    def compare(self, left: Node, op: Token, right: Node) -> BinOp:
        return BinOp(str(op), left, right)

    def call(self, name: Token, *args: Node) -> Call:
        return Call(str(name), tuple(a for a in args if a is not None))

    def or_(self, *operands: Node) -> Node:
        return _chain("or", operands)

    def and_(self, *operands: Node) -> Node:
        return _chain("and", operands)


def _chain(op: str, operands: tuple[Node, ...]) -> Node:
    node = operands[0]
    for operand in operands[1:]:
        node = BinOp(op, node, operand)
    return node


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse ``text`` into a node tree; raise :class:`ExpressionSyntaxError` on bad input."""
    if len(text) > MAX_LENGTH:
        raise ExpressionTooComplex(text, MAX_LENGTH, text[MAX_LENGTH : MAX_LENGTH + 10])
    if not text.strip():
        raise ExpressionSyntaxError(text, 1, "")
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF as exc:
        raise ExpressionSyntaxError(text, len(text) + 1, "") from exc
    except UnexpectedCharacters as exc:
        start = exc.pos_in_stream or 0
        raise ExpressionSyntaxError(text, exc.column, text[start : start + 10]) from exc
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        column = getattr(exc, "column", 0) or 0
        found = str(token) if token is not None else ""
        if getattr(token, "type", "") == "$END":
            column, found = len(text) + 1, ""
        raise ExpressionSyntaxError(text, column if isinstance(column, int) else 0, found) from exc
    except (LarkError, RecursionError) as exc:
        raise ExpressionSyntaxError(text, 0, "") from exc
    node = _ToNodes().transform(tree)
    if depth(node) > MAX_DEPTH:
        raise ExpressionTooComplex(text, 0, "")
    return node
