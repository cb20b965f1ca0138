"""Evaluate expression trees with XPath 1.0 conversion rules, as ODK and Enketo do.

Values are Python values: ``None`` (no answer), ``str``, ``int``/``float``, ``bool``,
``list`` (a multiple-choice answer), ``dict`` (a geopoint), ``datetime.date`` and
:class:`NodeSet` (the values of a question inside a repeat, seen from outside it).

Every operation is bounded, whatever the answers: integers stay exact below 2⁶³ and become
floats beyond (so no answer can make an integer of a million digits), ``round()`` takes at
most :data:`MAX_ROUND_DIGITS` places, dates stay within the calendar, and ``regex()`` runs on
RE2, whose matching time grows linearly with the answer (no catastrophic backtracking).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import re2

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

_EPOCH = dt.date(1970, 1, 1)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: Integers are exact strictly between -INT_LIMIT and INT_LIMIT (the store's 64-bit range).
INT_LIMIT = 2**63
#: ``round(x, n)`` with more places than a double holds gives ``x`` (fewer than minus: 0).
MAX_ROUND_DIGITS = 308
_DAYS_MIN = (dt.date.min - _EPOCH).days
_DAYS_MAX = (dt.date.max - _EPOCH).days


class EvaluationError(ValueError):
    """An expression could not be evaluated (e.g. an invalid regular expression)."""


class UnsupportedRegexError(EvaluationError):
    """A valid pattern that RE2 refuses: backreferences, lookaround, repetitions over 1000."""


class NodeSet(tuple):
    """Values of one question across the entries of a repeat (or the entries themselves)."""

    __slots__ = ()


class Context(Protocol):
    """What an expression can see: answers by name, the current value and the date."""

    def lookup(self, name: str) -> object: ...

    @property
    def current(self) -> object: ...

    @property
    def today(self) -> dt.date: ...


@dataclass
class MappingContext:
    """A simple :class:`Context` over a mapping of answers (tests and one-off checks)."""

    values: Mapping[str, object] = field(default_factory=dict)
    current: object = None
    today: dt.date = field(default_factory=dt.date.today)
    columns: Mapping[str, object] = field(default_factory=dict)

    def lookup(self, name: str) -> object:
        return self.values.get(name)

    def column(self, name: str) -> object:
        return self.columns.get(name)


# ---------------------------------------------------------------- conversions


def to_number(value: object) -> float | int:
    """XPath ``number()``: empty or non-numeric text gives NaN."""
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return bounded(value)
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1970, 1, 1, tzinfo=value.tzinfo)).total_seconds() / 86400
    if isinstance(value, dt.date):
        return (value - _EPOCH).days
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return math.nan
        if math.isinf(number) and not text.lower().lstrip("+-").startswith("inf"):
            return math.nan
        return bounded(
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    return math.nan


def bounded(number: int | float) -> int | float:
    """``number``, as a float when it is an integer outside ±2⁶³ (infinite past a double)."""
    if isinstance(number, int) and not -INT_LIMIT < number < INT_LIMIT:
        try:
            return float(number)
        except OverflowError:
            return math.inf if number > 0 else -math.inf
    return number


def to_string(value: object) -> str:
    """XPath ``string()``: numbers lose a trailing ``.0``, lists are space-separated."""
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return " ".join(to_string(v) for v in value)
    if isinstance(value, dict):
        keys = ("latitude", "longitude", "altitude", "accuracy")
        return " ".join(to_string(value[k]) for k in keys if value.get(k) is not None)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def to_bool(value: object) -> bool:
    """XPath ``boolean()``: empty text, 0 and NaN are false."""
    if isinstance(value, NodeSet):
        return len(value) > 0
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, list | tuple | dict | str):
        return len(value) > 0
    return True


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if isinstance(value, dt.datetime):  # now(): its day (date arithmetic mixes no times)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_instant(value: object) -> dt.datetime | dt.time | None:
    """A datetime or a time of day, for ordering comparisons of ``datetime`` and ``time`` answers."""
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if isinstance(value, dt.datetime | dt.time):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _DATETIME_RE.match(text):
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        if _TIME_RE.match(text):
            return dt.time.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
    return None


def _selection(value: object) -> list[str]:
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [to_string(v) for v in value]
    return to_string(value).split()


def _tidy(number: float | int) -> float | int:
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


# ---------------------------------------------------------------- operators


def _compare(op: str, left: object, right: object) -> bool:
    if isinstance(left, NodeSet) or isinstance(right, NodeSet):
        lefts = left if isinstance(left, NodeSet) else (left,)
        rights = right if isinstance(right, NodeSet) else (right,)
        return any(_compare(op, a, b) for a in lefts for b in rights)
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = to_bool(left) == to_bool(right)
        elif (isinstance(left, int | float) and not isinstance(left, bool)) or (
            isinstance(right, int | float) and not isinstance(right, bool)
        ):
            equal = to_number(left) == to_number(right)
        elif isinstance(left, dt.date) or isinstance(right, dt.date):
            equal = _as_date(left) is not None and _as_date(left) == _as_date(right)
        else:
            equal = to_string(left) == to_string(right)
        return equal if op == "=" else not equal
    dleft, dright = _as_date(left), _as_date(right)
    ileft, iright = _as_instant(left), _as_instant(right)
    if dleft is not None and dright is not None:
        a: object = dleft
        b: object = dright
    elif ileft is not None and iright is not None and type(ileft) is type(iright):
        a, b = ileft, iright
    else:
        a, b = to_number(left), to_number(right)
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return False
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _arith(op: str, left: object, right: object) -> object:
    dleft, dright = _as_date(left), _as_date(right)
    if op == "-" and dleft is not None and dright is not None:
        return (dleft - dright).days
    if op in ("+", "-") and dleft is not None and isinstance(right, int | float):
        if math.isnan(right) or math.isinf(right):
            return math.nan
        return _shift(dleft, int(right) if op == "+" else -int(right))
    a, b = to_number(left), to_number(right)
    if op == "+":
        return bounded(a + b)
    if op == "-":
        return bounded(a - b)
    if op == "*":
        return bounded(a * b)
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * (1 if math.copysign(1, b) > 0 else -1)
        return _tidy(a / b)
    # mod: XPath keeps the sign of the dividend (like C's fmod)
    if b == 0 or math.isnan(a) or math.isnan(b) or math.isinf(a):
        return math.nan
    return _tidy(math.fmod(a, b))


def _shift(date: dt.date, days: int) -> dt.date | float:
    """``date`` moved by ``days``; NaN past the calendar (years 1 to 9999)."""
    target = (date - _EPOCH).days + days
    if not _DAYS_MIN <= target <= _DAYS_MAX:
        return math.nan
    return _EPOCH + dt.timedelta(days=target)


# ---------------------------------------------------------------- functions


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    return options


@functools.lru_cache(maxsize=256)
def compile_regex(pattern: str) -> re2._Regexp:
    r"""Compile an ODK ``regex()`` pattern with RE2 (cached).

    RE2 matches in time linear in the text, so a pattern such as ``^([0-9]+ ?)+$`` cannot
    freeze the form however long the answer. Its syntax is Perl's (as ODK's Java and Enketo's
    JavaScript): ``\d``, ``\w`` and ``\s`` are ASCII, as in ODK.

    Raises
    ------
    UnsupportedRegexError
        A pattern Python's ``re`` accepts but RE2 does not (backreference, lookaround,
        repetition count over 1000): its matching time could explode.
    EvaluationError
        An invalid pattern.
    """
    try:
        return re2.compile(pattern, _re2_options())
    except (re2.error, ValueError) as exc:
        reason = exc
    try:
        re.compile(pattern)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        raise EvaluationError(f"invalid regular expression {pattern!r}: {exc}") from exc
    raise UnsupportedRegexError(f"unsupported regular expression {pattern!r}: {reason}")


def _f_selected(ctx: Context, items: object, value: object) -> bool:
    return to_string(value).strip() in _selection(items)


def _f_selected_at(ctx: Context, items: object, index: object) -> str:
    position = to_number(index)
    selection = _selection(items)
    if isinstance(position, float) and not position.is_integer():
        return ""
    position = int(position) if not (isinstance(position, float) and math.isnan(position)) else -1
    return selection[position] if 0 <= position < len(selection) else ""


def _f_regex(ctx: Context, text: object, pattern: object) -> bool:
    return compile_regex(to_string(pattern)).search(to_string(text)) is not None


def _f_if(ctx: Context, condition: object, then: object, otherwise: object) -> object:
    return then if to_bool(condition) else otherwise


def _f_coalesce(ctx: Context, first: object, second: object) -> object:
    return first if to_string(first) != "" else second


def _f_int(ctx: Context, value: object) -> float | int:
    number = to_number(value)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return number
    return bounded(int(number))


def _f_round(ctx: Context, value: object, digits: object = 0) -> float | int:
    number = to_number(value)
    places = to_number(digits)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return number
    if isinstance(places, float) and (math.isnan(places) or math.isinf(places)):
        return math.nan if math.isnan(places) or places < 0 else number
    places = int(places)
    if places > MAX_ROUND_DIGITS:
        return number  # finer than any double: nothing to round
    if places < -MAX_ROUND_DIGITS:
        return 0
    factor = 10**places if places >= 0 else 10.0**places
    scaled = number * factor
    if not math.isfinite(scaled):
        return number
    # XPath rounds half up (towards positive infinity), not half to even.
    return _tidy(bounded(math.floor(scaled + 0.5)) / factor)


def _position(value: float | int, length: int) -> int:
    """A string index from a number, clamped to ``0..length`` (infinities included)."""
    if isinstance(value, float) and math.isinf(value):
        return length if value > 0 else 0
    return min(max(int(value), 0), length)


def _f_substr(ctx: Context, text: object, start: object, end: object = None) -> str:
    string = to_string(text)
    begin = to_number(start)
    stop = len(string) if end is None else to_number(end)
    if any(isinstance(x, float) and math.isnan(x) for x in (begin, stop)):
        return ""
    return string[_position(begin, len(string)) : _position(stop, len(string))]


def _numbers(values: tuple[object, ...]) -> list[float | int]:
    flat: list[object] = []
    for value in values:
        flat.extend(value if isinstance(value, NodeSet) else (value,))
    return [to_number(v) for v in flat]


def _f_sum(ctx: Context, values: object) -> float | int:
    numbers = _numbers((values,))
    if not numbers:
        return 0
    try:
        return _tidy(bounded(math.fsum(numbers)))
    except (OverflowError, ValueError):  # inf - inf, or a sum past the largest double
        return _tidy(sum(float(n) for n in numbers))


def _f_count(ctx: Context, values: object) -> int:
    if isinstance(values, NodeSet):
        return len(values)
    return 0 if values is None or values == "" else 1


def _f_min(ctx: Context, *values: object) -> float | int:
    numbers = _numbers(values)
    if not numbers or any(isinstance(n, float) and math.isnan(n) for n in numbers):
        return math.nan
    return min(numbers)


def _f_max(ctx: Context, *values: object) -> float | int:
    numbers = _numbers(values)
    if not numbers or any(isinstance(n, float) and math.isnan(n) for n in numbers):
        return math.nan
    return max(numbers)


def _f_date(ctx: Context, value: object) -> dt.date | str:
    parsed = _as_date(value)
    if parsed is not None:
        return parsed
    number = to_number(value)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return ""
    shifted = _shift(_EPOCH, int(number))
    return "" if isinstance(shifted, float) else shifted


def _f_normalize_space(ctx: Context, value: object) -> str:
    return " ".join(to_string(value).split())


def _math(function: Callable[..., float]) -> Callable[..., float | int]:
    """A numeric function of XPath numbers: NaN in, NaN out; outside its domain, NaN."""

    def apply(ctx: Context, *values: object) -> float | int:
        numbers = [to_number(v) for v in values]
        if any(isinstance(n, float) and math.isnan(n) for n in numbers):
            return math.nan
        try:
            return _tidy(function(*numbers))
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf

    return apply


def _f_floor_ceiling(rounding: Callable[[float], int]) -> Callable[..., float | int]:
    def apply(ctx: Context, value: object) -> float | int:
        number = to_number(value)
        if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
            return number
        return rounding(number)

    return apply


@dataclass(frozen=True)
class Function:
    """A supported function: its arity and implementation."""

    min_args: int
    max_args: int | None
    impl: Callable[..., object]


FUNCTIONS: dict[str, Function] = {
    "selected": Function(2, 2, _f_selected),
    "count-selected": Function(1, 1, lambda ctx, v: len(_selection(v))),
    "selected-at": Function(2, 2, _f_selected_at),
    "string-length": Function(1, 1, lambda ctx, v: len(to_string(v))),
    "regex": Function(2, 2, _f_regex),
    "if": Function(3, 3, _f_if),
    "coalesce": Function(2, 2, _f_coalesce),
    "concat": Function(0, None, lambda ctx, *v: "".join(to_string(x) for x in v)),
    "today": Function(0, 0, lambda ctx: ctx.today),
    "now": Function(0, 0, lambda ctx: dt.datetime.combine(ctx.today, dt.datetime.now().time())),
    "not": Function(1, 1, lambda ctx, v: not to_bool(v)),
    "true": Function(0, 0, lambda ctx: True),
    "false": Function(0, 0, lambda ctx: False),
    "boolean": Function(1, 1, lambda ctx, v: to_bool(v)),
    "number": Function(1, 1, lambda ctx, v: to_number(v)),
    "string": Function(1, 1, lambda ctx, v: to_string(v)),
    "int": Function(1, 1, _f_int),
    "round": Function(1, 2, _f_round),
    "contains": Function(2, 2, lambda ctx, a, b: to_string(b) in to_string(a)),
    "starts-with": Function(2, 2, lambda ctx, a, b: to_string(a).startswith(to_string(b))),
    "ends-with": Function(2, 2, lambda ctx, a, b: to_string(a).endswith(to_string(b))),
    "substr": Function(2, 3, _f_substr),
    "count": Function(1, 1, _f_count),
    "sum": Function(1, 1, _f_sum),
    "min": Function(1, None, _f_min),
    "max": Function(1, None, _f_max),
    "date": Function(1, 1, _f_date),
    "normalize-space": Function(1, 1, _f_normalize_space),
    "abs": Function(1, 1, _math(abs)),
    "floor": Function(1, 1, _f_floor_ceiling(math.floor)),
    "ceiling": Function(1, 1, _f_floor_ceiling(math.ceil)),
    "sqrt": Function(1, 1, _math(math.sqrt)),
    "pow": Function(2, 2, _math(math.pow)),
    "exp": Function(1, 1, _math(math.exp)),
    "exp10": Function(1, 1, _math(lambda x: math.pow(10, x))),
    "log": Function(1, 1, _math(math.log)),
    "log10": Function(1, 1, _math(math.log10)),
    "sin": Function(1, 1, _math(math.sin)),
    "cos": Function(1, 1, _math(math.cos)),
    "tan": Function(1, 1, _math(math.tan)),
    "asin": Function(1, 1, _math(math.asin)),
    "acos": Function(1, 1, _math(math.acos)),
    "atan": Function(1, 1, _math(math.atan)),
    "atan2": Function(2, 2, _math(math.atan2)),
    "pi": Function(0, 0, lambda ctx: math.pi),
    # once(): computed the first time only; a response is checked as a whole, so as is.
    "once": Function(1, 1, lambda ctx, v: v),
    "position": Function(0, 1, lambda ctx, *v: to_number(v[0]) if v else _entry_position(ctx)),
    "indexed-repeat": Function(3, 7, lambda ctx, *v: None),  # evaluated by _indexed_repeat
}


def _entry_position(ctx: Context) -> float | int:
    """The 1-based position of the repeat entry being checked (NaN outside a repeat)."""
    position = getattr(ctx, "position", None)
    return position if isinstance(position, int) else math.nan


def _indexed_repeat(node: Call, ctx: Context) -> object:
    """``indexed-repeat(${x}, ${rep}, n[, ${inner}, m...])``: ``x`` in the n-th entry of
    ``rep`` (then the m-th of ``inner`` within it), positions from 1 as in ODK."""
    args = node.args
    names = [args[0], *args[1::2]]
    if len(args) % 2 == 0 or not all(isinstance(a, Ref) for a in names):
        raise EvaluationError("indexed-repeat() takes ${question}, then ${repeat}, position pairs")
    entries: object = ctx.lookup(args[1].name)  # type: ignore[union-attr]
    entry: object = None
    for index in range(1, len(args), 2):
        if index > 1:
            entries = entry.get(args[index].name) if isinstance(entry, Mapping) else None  # type: ignore[union-attr]
        position = to_number(_eval(args[index + 1], ctx))
        items = list(entries) if isinstance(entries, tuple | list) else []
        if not (isinstance(position, int | float) and math.isfinite(position)):
            return None
        entry = items[int(position) - 1] if 1 <= int(position) <= len(items) else None
    return entry.get(args[0].name) if isinstance(entry, Mapping) else None  # type: ignore[union-attr]


def evaluate(node: Node, ctx: Context) -> object:
    """Evaluate ``node`` in ``ctx``; every failure is an :class:`EvaluationError`.

    Unknown functions and invalid regular expressions raise it on purpose. Arithmetic is
    bounded so that nothing else should fail; should a value still break a conversion, the
    error comes out as an :class:`EvaluationError` too (its ``__cause__`` says which), never
    as a traceback in front of a mediator.
    """
    try:
        return _eval(node, ctx)
    except RecursionError as exc:
        raise EvaluationError("expression too deeply nested") from exc
    except (ArithmeticError, ValueError, TypeError) as exc:
        if isinstance(exc, EvaluationError):
            raise
        raise EvaluationError(f"cannot evaluate: {exc}") from exc


def _eval(node: Node, ctx: Context) -> object:
    if isinstance(node, Str):
        return node.value
    if isinstance(node, Num):
        return bounded(node.value)
    if isinstance(node, Ref):
        value = ctx.lookup(node.name)
        return bounded(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(node, LastSaved):
        last_saved = getattr(ctx, "last_saved", None)
        return last_saved(node.name) if last_saved is not None else None
    if isinstance(node, Current):
        return ctx.current
    if isinstance(node, Parent):
        return _entry_position(ctx)
    if isinstance(node, Name):
        column = getattr(ctx, "column", None)
        return column(node.name) if column is not None else None
    if isinstance(node, Neg):
        return -to_number(_eval(node.operand, ctx))
    if isinstance(node, BinOp):
        if node.op == "or":
            return to_bool(_eval(node.left, ctx)) or to_bool(_eval(node.right, ctx))
        if node.op == "and":
            return to_bool(_eval(node.left, ctx)) and to_bool(_eval(node.right, ctx))
        left, right = _eval(node.left, ctx), _eval(node.right, ctx)
        if node.op in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(node.op, left, right)
        return _arith(node.op, left, right)
    if isinstance(node, Call):
        function = FUNCTIONS.get(node.name)
        if function is None:
            raise EvaluationError(f"unknown function {node.name!r}")
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise EvaluationError(f"{node.name}() cannot take {count} arguments")
        if node.name == "indexed-repeat":
            return _indexed_repeat(node, ctx)
        if node.name == "if":
            # Only the branch taken is evaluated, as in XPath.
            condition = to_bool(_eval(node.args[0], ctx))
            return _eval(node.args[1] if condition else node.args[2], ctx)
        return function.impl(ctx, *(_eval(a, ctx) for a in node.args))
    raise EvaluationError(f"unknown node {node!r}")
