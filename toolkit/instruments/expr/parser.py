"""Parse XLSForm expressions with a lark grammar into frozen nodes."""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from toolkit.instruments.expr.nodes import BinOp, Call, Current, Name, Neg, Node, Num, Ref, Str

MAX_LENGTH = 4000


class ExpressionSyntaxError(ValueError):
    """The text is not a valid expression; :attr:`column` is 1-based (0 when unknown)."""

    def __init__(self, text: str, column: int, found: str) -> None:
        super().__init__(f"syntax error at column {column} near {found!r}")
        self.text = text
        self.column = column
        self.found = found


@functools.cache
def _parser() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", maybe_placeholders=False)


@v_args(inline=True)
class _ToNodes(Transformer):
    def number(self, token: Token) -> Num:
        text = str(token)
        return Num(float(text) if "." in text else int(text))

    def string(self, token: Token) -> Str:
        return Str(str(token)[1:-1])

    def ref(self, token: Token) -> Ref:
        return Ref(str(token)[2:-1])

    def name(self, token: Token) -> Name:
        return Name(str(token))

    def current(self) -> Current:
        return Current()

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
        raise ExpressionSyntaxError(text, MAX_LENGTH, text[MAX_LENGTH : MAX_LENGTH + 10])
    if not text.strip():
        raise ExpressionSyntaxError(text, 1, "")
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF as exc:
        raise ExpressionSyntaxError(text, len(text) + 1, "") from exc
    except UnexpectedCharacters as exc:
        raise ExpressionSyntaxError(
            text, exc.column, text[exc.pos_in_stream : exc.pos_in_stream + 10]
        ) from exc
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        column = getattr(exc, "column", 0) or 0
        found = str(token) if token is not None else ""
        if getattr(token, "type", "") == "$END":
            column, found = len(text) + 1, ""
        raise ExpressionSyntaxError(text, column if isinstance(column, int) else 0, found) from exc
    except (LarkError, RecursionError) as exc:
        raise ExpressionSyntaxError(text, 0, "") from exc
    return _ToNodes().transform(tree)
