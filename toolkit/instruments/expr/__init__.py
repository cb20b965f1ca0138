"""The XLSForm expression language: parse, print, check and evaluate, never ``eval``."""

from toolkit.instruments.expr.evaluate import (
    FUNCTIONS,
    Context,
    EvaluationError,
    MappingContext,
    NodeSet,
    evaluate,
    to_bool,
    to_number,
    to_string,
)
from toolkit.instruments.expr.nodes import (
    BinOp,
    Call,
    Current,
    Name,
    Neg,
    Node,
    Num,
    Ref,
    Str,
    references,
    to_text,
    walk,
)
from toolkit.instruments.expr.parser import ExpressionSyntaxError, parse

__all__ = [
    "FUNCTIONS",
    "BinOp",
    "Call",
    "Context",
    "Current",
    "EvaluationError",
    "ExpressionSyntaxError",
    "MappingContext",
    "Name",
    "Neg",
    "Node",
    "NodeSet",
    "Num",
    "Ref",
    "Str",
    "evaluate",
    "parse",
    "references",
    "to_bool",
    "to_number",
    "to_string",
    "to_text",
    "walk",
]
