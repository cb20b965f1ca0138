"""The expression language: parser round-trip, evaluation against a reference, safety."""

from __future__ import annotations

import datetime as dt
import math
import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.instruments.expr import (
    FUNCTIONS,
    BinOp,
    Call,
    Current,
    EvaluationError,
    ExpressionSyntaxError,
    ExpressionTooComplex,
    MappingContext,
    Neg,
    NodeSet,
    Num,
    Ref,
    Str,
    UnsupportedRegexError,
    evaluate,
    parse,
    references,
    to_text,
)

NAMES = st.sampled_from(["a", "b", "c_1", "q.x", "long-name"])
OPS = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]

leaves = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(Num),
    st.integers(min_value=0, max_value=10**4)
    .map(lambda i: Num(i / 100))
    .filter(lambda n: isinstance(n.value, float)),
    st.text(alphabet="abcé xyz'01-", max_size=8).map(Str),
    NAMES.map(Ref),
    st.just(Current()),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    calls = st.sampled_from(sorted(FUNCTIONS)).flatmap(
        lambda name: st.lists(
            children,
            min_size=FUNCTIONS[name].min_args,
            max_size=FUNCTIONS[name].max_args if FUNCTIONS[name].max_args is not None else 3,
        ).map(lambda args, name=name: Call(name, tuple(args)))
    )
    return st.one_of(
        st.builds(BinOp, st.sampled_from(OPS), children, children),
        children.map(Neg),
        calls,
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@given(trees)
@settings(max_examples=300, deadline=None)
def test_parse__printed_tree__parses_back_to_the_same_tree(tree) -> None:
    assert parse(to_text(tree)) == tree


# ------------------------------------------------------------------ reference evaluation

int_leaves = st.one_of(
    st.integers(min_value=0, max_value=50).map(Num), st.sampled_from(["a", "b", "c_1"]).map(Ref)
)
ARITH = ["+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or"]
int_trees = st.recursive(
    int_leaves,
    lambda children: st.one_of(
        st.builds(BinOp, st.sampled_from(ARITH), children, children), children.map(Neg)
    ),
    max_leaves=10,
)


def _reference(node, env):  # independent of toolkit's evaluator: plain floats and Python operators
    if isinstance(node, Num):
        return float(node.value)
    if isinstance(node, Ref):
        return float(env[node.name])
    if isinstance(node, Neg):
        return -_as_float(_reference(node.operand, env))
    left, right = _reference(node.left, env), _reference(node.right, env)
    if node.op == "and":
        return _truth(left) and _truth(right)
    if node.op == "or":
        return _truth(left) or _truth(right)
    if node.op in ("=", "!=") and (isinstance(left, bool) or isinstance(right, bool)):
        # XPath 1.0, 3.4: when one side is a boolean, both are compared as booleans.
        return (_truth(left) == _truth(right)) == (node.op == "=")
    a, b = _as_float(left), _as_float(right)
    comparisons = {
        "=": operator.eq,
        "!=": operator.ne,
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
    }
    if node.op in comparisons:
        return comparisons[node.op](a, b)
    if node.op == "div":
        if b == 0:
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
        return a / b
    if node.op == "mod":
        return (
            math.nan
            if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b)
            else math.fmod(a, b)
        )
    return {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op](a, b)


def _as_float(value):
    return float(value) if not isinstance(value, bool) else float(int(value))


def _truth(value):
    return value if isinstance(value, bool) else not (value == 0 or math.isnan(value))


@given(int_trees, st.integers(-20, 20), st.integers(-20, 20), st.integers(0, 20))
@settings(max_examples=400, deadline=None)
def test_evaluate__numeric_expressions__match_reference(tree, a, b, c) -> None:
    env = {"a": a, "b": b, "c_1": c}
    try:
        expected = _reference(tree, env)
    except OverflowError:
        return
    got = evaluate(parse(to_text(tree)), MappingContext(env))
    if isinstance(expected, bool):
        assert got is expected
    elif math.isnan(expected):
        assert isinstance(got, float)
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


# ------------------------------------------------------------------ XLSForm semantics


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("${a} = 'oui'", {"a": "oui"}, True),
        ("${a} = ''", {}, True),
        ("${n} > 3", {}, False),
        ("${n} != 3", {}, True),
        ("${c} = 1", {"c": "1"}, True),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("selected(${m}, 'b')", {"m": "a b"}, True),
        ("count-selected(${m})", {"m": ["a", "b"]}, 2),
        ("string-length(${t})", {"t": "éèà"}, 3),
        ("regex(${t}, '^[0-9]{5}$')", {"t": "75011"}, True),
        ("if(${n} >= 18, 'majeur', 'mineur')", {"n": 17}, "mineur"),
        ("coalesce(${x}, 'défaut')", {}, "défaut"),
        ("concat(${a}, '-', 3)", {"a": "x"}, "x-3"),
        ("not(${a} = 'oui')", {"a": "non"}, True),
        ("7 div 2", {}, 3.5),
        ("round(2.345, 2)", {}, 2.35),
        ("int(-3.7)", {}, -3),
        ("${d} < '2026-01-01'", {"d": "2025-12-31"}, True),
        ("today() - ${d}", {"d": "2026-11-28"}, 1),
        (". > ${h}", {"h": "09:00"}, False),
        ("'10:30' > ${h}", {"h": "09:00"}, True),
        ("'2026-11-29T10:00:00+01:00' < ${t}", {"t": "2026-11-29T10:00:00Z"}, True),
    ],
)
def test_evaluate__xlsform_semantics(expression: str, values: dict, expected: object) -> None:
    ctx = MappingContext(values, today=dt.date(2026, 11, 29))
    assert evaluate(parse(expression), ctx) == expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('id')",
        "${a}.__class__",
        "().__class__",
        "lambda: 1",
        "${a}[0]",
        "a; b",
        "${a} ${b}",
        "",
    ],
)
def test_parse__code_injection_attempts__never_evaluate_python(text: str) -> None:
    try:
        tree = parse(text)
    except ExpressionSyntaxError:
        return
    # Anything that parses is a call of a function name, which only our table can run.
    with pytest.raises(EvaluationError):
        evaluate(tree, MappingContext({}))


def test_parse__too_long__syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse("1 + " * 2000 + "1")


def test_references__in_order_without_repeats() -> None:
    assert references(parse("${b} + ${a} * ${b}")) == ["b", "a"]


def test_evaluate__invalid_regex__evaluation_error() -> None:
    with pytest.raises(EvaluationError):
        evaluate(parse("regex('x', '(')"), MappingContext({}))


# ------------------------------------------------------------------ hostile values (issue 14)


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("round(${d}, -400)", {"d": 3.5}, 0),
        ("round(${d}, 100000000)", {"d": 3.5}, 3.5),
        ("round(${d}, 400)", {"d": 1e300}, 1e300),
        ("round(${d}, -2)", {"d": 1234.5}, 1200),
        ("if(${n}, 'oui', 'non')", {"n": 10**401}, "oui"),
        ("${n} * ${n}", {"n": 2**62}, 2.0**124),
        ("${n} + 1", {"n": 10**401}, math.inf),
        ("int(${d})", {"d": 1e300}, 1e300),
        ("substr('abc', 1, 1 div 0)", {}, "bc"),
        ("date(99999999999)", {}, ""),
        ("sum(${s})", {"s": NodeSet((1e308, 1e308))}, math.inf),
    ],
)
def test_evaluate__extreme_values__bounded_result(expression, values, expected) -> None:
    assert evaluate(parse(expression), MappingContext(values)) == expected


@pytest.mark.parametrize(
    ("expression", "values"),
    [("today() + 99999999999", {}), ("${t} + 1", {"t": "9" * 401})],
)
def test_evaluate__past_the_calendar_or_a_double__nan_not_overflow(expression, values) -> None:
    got = evaluate(parse(expression), MappingContext(values, today=dt.date(2026, 1, 1)))
    assert math.isnan(got)


def test_evaluate__catastrophic_regex__linear_answer_false() -> None:
    tree = parse("regex(., '^([0-9]+ ?)+$')")
    # Backtracking engines double their time with each digit here: 5,000 would never end.
    assert evaluate(tree, MappingContext({}, current="1" * 5000 + "x")) is False
    assert evaluate(tree, MappingContext({}, current="12 34 56")) is True


def test_evaluate__backreference__unsupported_regex_error() -> None:
    with pytest.raises(UnsupportedRegexError):
        evaluate(parse("regex(., '(a)\\1')"), MappingContext({}, current="aa"))


def test_evaluate__wrong_number_of_arguments__evaluation_error() -> None:
    for text in ("round()", "if(1)", "regex('a')"):
        with pytest.raises(EvaluationError):
            evaluate(parse(text), MappingContext({}))


def test_parse__487_leading_minus_signs__too_complex_not_recursion_error() -> None:
    with pytest.raises(ExpressionTooComplex):
        parse("-" * 487 + "1")
    assert evaluate(parse("-" * 50 + "1"), MappingContext({})) == 1


def test_evaluate__datetime_minus_days__date_not_type_error() -> None:
    # Found by atheris: ``round(${d} - 400)`` with a datetime answer raised TypeError.
    moment = dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)
    ctx = MappingContext({"d": moment}, today=dt.date(2026, 3, 1))
    assert evaluate(parse("${d} - 400"), ctx) == dt.date(2025, 1, 25)
    assert evaluate(parse("${d} - today()"), ctx) == 0
    assert evaluate(parse("now() - 1"), ctx) == dt.date(2026, 2, 28)
