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
    LastSaved,
    Name,
    Neg,
    Node,
    Num,
    Parent,
    Ref,
    Str,
    last_saved_references,
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
from toolkit.instruments.expr.rewrite import (
    equality_to_selected,
    paths_to_references,
    references_to_paths,
    transform,
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
    "LastSaved",
    "MappingContext",
    "Name",
    "Neg",
    "Node",
    "NodeSet",
    "Num",
    "Parent",
    "Ref",
    "Str",
    "UnsupportedRegexError",
    "equality_to_selected",
    "evaluate",
    "last_saved_references",
    "parse",
    "paths_to_references",
    "references",
    "references_to_paths",
    "to_bool",
    "to_number",
    "to_string",
    "to_text",
    "transform",
    "walk",
]
