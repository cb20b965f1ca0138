"""The XLSForm expression language: parse, print, check and evaluate, never ``eval``.

Examples
--------
>>> node = parse("${age} >= 18 and selected(${problemes}, 'bruit')")
>>> references(node)
['age', 'problemes']
>>> to_text(node)
"${age} >= 18 and selected(${problemes}, 'bruit')"
>>> sum(1 for _ in walk(node))
7
>>> evaluate(node, MappingContext({"age": 20, "problemes": ["bruit"]}))
True
>>> to_bool(""), to_number("12"), to_string(2.0)
(False, 12, '2')
"""

from toolkit.instruments.expr.evaluate import (
    FUNCTIONS,
    Context,
    EvaluationError,
    MappingContext,
    NodeSet,
    UnsupportedRegexError,
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
from toolkit.instruments.expr.parser import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionSyntaxError,
    ExpressionTooComplex,
    parse,
)

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "BinOp",
    "Call",
    "Context",
    "Current",
    "EvaluationError",
    "ExpressionSyntaxError",
    "ExpressionTooComplex",
    "MappingContext",
    "Name",
    "Neg",
    "Node",
    "NodeSet",
    "Num",
    "Ref",
    "Str",
    "UnsupportedRegexError",
    "evaluate",
    "parse",
    "references",
    "to_bool",
    "to_number",
    "to_string",
    "to_text",
    "walk",
]
