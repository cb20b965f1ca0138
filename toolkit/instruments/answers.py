"""Check a set of answers against an instrument, as the field app and the store do.

Order of work: every raw answer is first coerced to its type (``"3"`` -> ``3``); then the
questions are walked in order: an irrelevant question loses its answer (so that later
rules see it gone), a calculation is computed, a required answer is checked, bounds,
choice filters and constraints are applied. Problems of irrelevant questions are never
reported. Repeats are walked entry by entry, with their own questions in scope.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from toolkit.errors import AnswerError, Problem
from toolkit.i18n import Text
from toolkit.instruments.expr import EvaluationError, NodeSet, evaluate, parse, to_bool, to_number
from toolkit.instruments.expr.evaluate import INT_LIMIT
from toolkit.instruments.model import Instrument, Question
from toolkit.instruments.scope import AnswerScope

MAX_TEXT = 10_000
#: Whole numbers are kept exact in 64 bits by the store and by pandas ("Int64").
MAX_INTEGER = INT_LIMIT - 1
#: Digits of the longest whole number written out (``-9223372036854775807``).
_MAX_DIGITS = len(str(MAX_INTEGER))
_INT_RE = re.compile(r"^[+-]?\d+$")
#: ``HH:MM``, ``HH:MM:SS``, with the milliseconds and UTC offset ODK and Enketo add
#: (``14:15:00.000-04:00``): the wall-clock time is kept, as the mediator entered it.
_TIME_RE = re.compile(
    r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$"
)
_FR_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YES = {"oui", "yes", "true", "vrai", "1", "ok", "o", "y"}
_NO = {"non", "no", "false", "faux", "0", "n"}


@dataclass(frozen=True)
class ValidationResult:
    """Cleaned answers and the problems found, each tied to a field path.

    Field paths are question names; inside a repeat, ``repeat[i].name`` with ``i`` from 0.
    """

    answers: dict
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_field(self, lang: str | None = None) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.field or "", []).append(problem.message(lang))
        return out

    def raise_for_problems(self) -> dict:
        """Return the cleaned answers, or raise :class:`AnswerError` listing the problems."""
        if self.problems:
            raise AnswerError(problems=self.problems)
        return self.answers


# ------------------------------------------------------------------ coercion


class _Invalid(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, list | tuple | set | dict) and len(value) == 0


def _whole(number: int) -> int:
    if not -MAX_INTEGER <= number <= MAX_INTEGER:
        raise _Invalid("L020", limit=MAX_INTEGER)
    return number


def _number(value: object, *, integer: bool) -> int | float:
    if isinstance(value, bool):
        raise _Invalid("A002" if integer else "A003")
    if isinstance(value, int):
        return _whole(value) if integer else float(_whole(value))
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise _Invalid("A003")
        if integer:
            if not value.is_integer():
                raise _Invalid("A002")
            return _whole(int(value))
        return value
    text = str(value).strip().replace("\u202f", "").replace(" ", "")
    if integer:
        if not _INT_RE.match(text):
            raise _Invalid("A002")
        digits = text.lstrip("+-").lstrip("0")
        if len(digits) > _MAX_DIGITS:
            raise _Invalid("L020", limit=MAX_INTEGER)
        number = int(digits or "0")
        return _whole(-number if text.startswith("-") else number)
    try:
        decimal = float(text.replace(",", "."))
    except ValueError:
        raise _Invalid("A003") from None
    if math.isnan(decimal) or math.isinf(decimal):
        raise _Invalid("A003")
    exact = decimal.is_integer() and abs(decimal) <= MAX_INTEGER and _INT_RE.match(text)
    return int(decimal) if exact else decimal


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = _FR_DATE_RE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text[:10]).isoformat() if len(text) == 10 else _raise("A008")
    except ValueError:
        raise _Invalid("A008") from None


def _raise(code: str) -> str:
    raise _Invalid(code)


def _time(value: object) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    text = str(value).strip()
    match = _TIME_RE.match(text)
    if not match:
        raise _Invalid("A009")
    return text[:8] if match.group(3) else text[:5]


def _datetime(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value).strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise _Invalid("A010") from None


def _geopoint(value: object) -> dict:
    keys = ("latitude", "longitude", "altitude", "accuracy")
    if isinstance(value, Mapping):
        aliases = {
            "lat": "latitude",
            "lon": "longitude",
            "lng": "longitude",
            "alt": "altitude",
            "acc": "accuracy",
        }
        raw = {aliases.get(str(k), str(k)): v for k, v in value.items()}
        parts = [raw.get(k) for k in keys]
    elif isinstance(value, list | tuple):
        parts = [*value, None, None, None, None][:4]
    else:
        parts = [*str(value).split(), None, None, None, None][:4]
    try:
        numbers = [None if p is None or p == "" else float(p) for p in parts]
    except (TypeError, ValueError):
        raise _Invalid("A011") from None
    lat, lon = numbers[0], numbers[1]
    if lat is None or lon is None or not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise _Invalid("A011")
    if any(n is not None and not math.isfinite(n) for n in numbers):
        raise _Invalid("A011")
    return {k: v for k, v in zip(keys, numbers, strict=True) if v is not None}


def _consent(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Invalid("A012")


def coerce(instrument: Instrument, question: Question, value: object) -> object:
    """Convert one raw answer to its stored type; raise ``_Invalid`` with an answer code."""
    qtype = question.type
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        # Beyond any type's range, and str() of it can fail past 4,300 digits.
        raise _Invalid("L020", limit=MAX_INTEGER)
    if qtype == "integer":
        return _number(value, integer=True)
    if qtype == "decimal":
        return float(_number(value, integer=False))
    if qtype in ("text", "long_text", "hidden"):
        text = str(value)
        if len(text) > MAX_TEXT:
            raise _Invalid("A017", length=len(text), limit=MAX_TEXT)
        return text.strip()
    if qtype in ("single_choice", "likert"):
        choice_list = instrument.choice_lists.get(question.choices or "")
        text = (
            str(int(value))
            if isinstance(value, float) and value.is_integer()
            else str(value).strip()
        )
        if choice_list is not None and text not in choice_list.values():
            raise _Invalid("A006", value=text[:60])
        return text
    if qtype == "multiple_choice":
        if isinstance(value, str):
            items = value.split()
        elif isinstance(value, list | tuple | set | frozenset):
            items = [str(v).strip() for v in value]
        else:
            raise _Invalid("A018")
        choice_list = instrument.choice_lists.get(question.choices or "")
        if choice_list is None:
            return sorted(set(items))
        for item in items:
            if item not in choice_list.values():
                raise _Invalid("A006", value=item[:60])
        chosen = set(items)
        return [v for v in choice_list.values() if v in chosen]
    if qtype == "date":
        return _date(value)
    if qtype == "time":
        return _time(value)
    if qtype == "datetime":
        return _datetime(value)
    if qtype == "geopoint":
        return _geopoint(value)
    if qtype == "consent":
        return _consent(value)
    return value


# ------------------------------------------------------------------ walker


class _Walker:
    def __init__(self, instrument: Instrument, today: dt.date) -> None:
        self.instrument = instrument
        self.today = today
        self.values: dict = {}
        self.problems: list[Problem] = []
        self.pending: dict[str, _Invalid] = {}
        self.consent_refused = False

    def problem(
        self, code: str, path: str, question: Question | None = None, **params: object
    ) -> None:
        self.problems.append(Problem(code, params, field=path, text=_custom_text(code, question)))

    def evaluate(
        self, question: Question, key: str, text: str, scope: AnswerScope, path: str
    ) -> object:
        try:
            return evaluate(parse(text), scope)
        except (EvaluationError, ValueError, TypeError, OverflowError) as exc:
            self.problems.append(Problem("A019", {"key": key, "error": str(exc)}, field=path))
            return None

    # -------------------------------------------------------------- coercion pass

    def coerce_all(self, answers: Mapping) -> None:
        instrument = self.instrument
        for name, raw in answers.items():
            try:
                question = instrument.question(str(name))
            except KeyError:
                self.problem("A013", str(name))
                continue
            if instrument.repeat_of(question.name) is not None:
                self.problem("A013", str(name))
                continue
            if question.type == "repeat":
                self.values[question.name] = self.coerce_entries(question, raw, "")
            elif question.holds_answer and question.type != "calculate":
                self.values[question.name] = self.coerce_one(question, raw, question.name)
            elif not _is_empty(raw) and question.type != "calculate":
                self.problem("A013", str(name))

    def coerce_one(self, question: Question, raw: object, path: str) -> object:
        if _is_empty(raw):
            return None
        try:
            return coerce(self.instrument, question, raw)
        except _Invalid as exc:
            self.pending[path] = exc
            return None

    def coerce_entries(self, repeat: Question, raw: object, prefix: str) -> list[dict] | None:
        """The entries of ``repeat`` coerced; a repeat inside it is coerced in turn."""
        if _is_empty(raw):
            return []
        if not isinstance(raw, list | tuple) or not all(isinstance(e, Mapping) for e in raw):
            self.pending[f"{prefix}{repeat.name}"] = _Invalid("A014")
            return None
        members = {
            q.name: q for q in _own_descendants(repeat) if q.holds_answer or q.type == "repeat"
        }
        entries = []
        for index, entry in enumerate(raw):
            clean: dict = {}
            inner = f"{prefix}{repeat.name}[{index}]."
            for name, value in entry.items():
                question = members.get(str(name))
                path = f"{inner}{name}"
                if question is None:
                    if not _is_empty(value):
                        self.problem("A013", path)
                    continue
                if question.type == "repeat":
                    clean[question.name] = self.coerce_entries(question, value, inner)
                elif question.type != "calculate":
                    clean[question.name] = self.coerce_one(question, value, path)
            entries.append(clean)
        return entries

    # -------------------------------------------------------------- rule pass

    def walk(
        self,
        items: tuple[Question, ...],
        target: dict,
        scope: AnswerScope,
        relevant: bool,
        prefix: str,
    ) -> None:
        for question in items:
            path = f"{prefix}{question.name}"
            here = relevant and not self.consent_refused
            if here and question.relevant:
                here = to_bool(self.evaluate(question, "relevant", question.relevant, scope, path))
            if question.type in ("group", "likert_matrix"):
                self.walk(question.children, target, scope, here, prefix)
                continue
            if question.type == "repeat":
                self.walk_repeat(question, target, scope, here, prefix)
                continue
            if question.type in ("note", "metadata"):
                continue
            if not here:
                target.pop(question.name, None)
                self.pending.pop(path, None)
                continue
            if question.type == "calculate":
                value = self.evaluate(
                    question, "calculation", question.calculation or "", scope, path
                )
                target[question.name] = _stored(value)
                if target[question.name] is None:
                    target.pop(question.name)
                continue
            self.fill(question, target, scope, path)
            self.check_value(question, target, scope, path)

    def fill(self, question: Question, target: dict, scope: AnswerScope, path: str) -> None:
        """An unanswered question with a ``calculation`` takes its result (ODK: a calculated
        default the mediator may change); a ``hidden`` one takes its ``default``."""
        if target.get(question.name) is not None or path in self.pending:
            return
        if question.calculation:
            raw = _stored(self.evaluate(question, "calculation", question.calculation, scope, path))
        elif question.type == "hidden" and question.default:
            raw = (
                _stored(self.evaluate(question, "default", question.default, scope, path))
                if _is_default_expression(question.default)
                else question.default
            )
        else:
            return
        target[question.name] = self.coerce_one(question, raw, path)

    def check_value(self, question: Question, target: dict, scope: AnswerScope, path: str) -> None:
        invalid = self.pending.pop(path, None)
        if invalid is not None:
            self.problem(invalid.code, path, question, **invalid.params)
            target.pop(question.name, None)
            return
        value = target.get(question.name)
        if value is None:
            target.pop(question.name, None)
            required = question.required
            if not required and question.required_if:
                required = to_bool(
                    self.evaluate(question, "required", question.required_if, scope, path)
                )
            if required:
                self.problem("A001", path, question)
            return
        if question.type == "consent" and value is False:
            self.consent_refused = True
            others = [
                k for k in self.values if k != question.name and self.values[k] not in (None, [])
            ]
            if others:
                self.problem("A016", path)
        if question.minimum is not None and value < question.minimum:
            self.problem("A004", path, minimum=question.minimum)
            return
        if question.maximum is not None and value > question.maximum:
            self.problem("A005", path, maximum=question.maximum)
            return
        if (
            question.choice_filter
            and not question.choices_from
            and question.type
            in (
                "single_choice",
                "multiple_choice",
                "likert",
            )
        ):
            allowed = self.filtered_values(question, scope, path)
            for chosen in value if isinstance(value, list) else [value]:
                if chosen not in allowed:
                    self.problem("A020", path, value=chosen)
                    return
        if question.choices_from:
            offered = repeat_choices(scope, question)
            for chosen in value if isinstance(value, list) else [value]:
                if chosen not in offered:
                    self.problem("A020", path, value=chosen)
                    return
        if question.constraint:
            own = scope.with_(current=value)
            if not to_bool(self.evaluate(question, "constraint", question.constraint, own, path)):
                self.problem("A007", path, question)

    def filtered_values(self, question: Question, scope: AnswerScope, path: str) -> set[str]:
        choice_list = self.instrument.choice_lists.get(question.choices or "")
        if choice_list is None:
            return set()
        tree = parse(question.choice_filter or "true()")
        allowed = set()
        for choice in choice_list.choices:
            own = scope.with_(
                columns={**dict(choice.filters), "name": choice.value, "value": choice.value}
            )
            try:
                keep = to_bool(evaluate(tree, own))
            except (EvaluationError, ValueError, TypeError) as exc:
                self.problems.append(
                    Problem("A019", {"key": "choice_filter", "error": str(exc)}, field=path)
                )
                return set(choice_list.values())
            if keep:
                allowed.add(choice.value)
        return allowed

    def walk_repeat(
        self, repeat: Question, target: dict, scope: AnswerScope, relevant: bool, prefix: str
    ) -> None:
        path = f"{prefix}{repeat.name}"
        invalid = self.pending.pop(path, None)
        if not relevant:
            target.pop(repeat.name, None)
            return
        if invalid is not None:
            self.problem(invalid.code, path)
            target.pop(repeat.name, None)
            return
        entries = target.get(repeat.name) or []
        expected: object = None
        if repeat.loop_over:
            # One entry per choice; entries left out at the end are simply not answered.
            items = len(self.instrument.loop_items(repeat.name))
            expected = items if len(entries) > items else None
        elif repeat.repeat_count:
            expected = to_number(
                self.evaluate(repeat, "repeat_count", repeat.repeat_count, scope, path)
            )
        if (
            isinstance(expected, int | float)
            and math.isfinite(expected)
            and int(expected) != len(entries)
        ):
            self.problem("A015", path, expected=int(expected), got=len(entries))
        for index, entry in enumerate(entries):
            entry_scope = scope.enter(repeat.name, entry, index)
            self.walk(repeat.children, entry, entry_scope, True, f"{path}[{index}].")
        if entries:
            target[repeat.name] = list(entries)
        else:
            target.pop(repeat.name, None)


def _own_descendants(question: Question) -> list[Question]:
    """Questions inside ``question``, not looking into the repeats it holds."""
    out = []
    for child in question.children:
        out.append(child)
        if child.type != "repeat":
            out.extend(_own_descendants(child))
    return out


def _is_default_expression(text: str) -> bool:
    return "${" in text or "(" in text


def repeat_choices(scope: AnswerScope, question: Question) -> tuple[str, ...]:
    """The choices of a ``choices: ${name}`` question: the answers given to ``name`` in the
    entries of its repeat, in order; a ``choice_filter`` is read in each entry, where
    ``${age}`` is the entry's own answer and ``position()`` its position."""
    name = question.choices_from or ""
    instrument = scope.instrument
    try:
        repeat = instrument.repeat_of(name)
    except KeyError:
        return ()
    entries = scope.lookup(repeat) if repeat else None
    tree = parse(question.choice_filter) if question.choice_filter else None
    seen: dict[str, None] = {}
    for position, entry in enumerate(entries if isinstance(entries, NodeSet) else (), start=1):
        if not isinstance(entry, Mapping) or entry.get(name) in (None, ""):
            continue
        if tree is not None:
            inner = _EntryScope(scope, instrument, repeat or "", entry, position)
            try:
                if not to_bool(evaluate(tree, inner)):
                    continue
            except (EvaluationError, ValueError, TypeError, OverflowError):
                pass  # the rule is reported where it is checked; the answer stays offered
        seen.setdefault(str(entry[name]))
    return tuple(seen)


@dataclass
class _EntryScope:
    """What a choice filter sees for one entry of the repeat its choices come from."""

    outer: AnswerScope
    instrument: Instrument
    repeat: str
    entry: Mapping[str, object]
    position: int

    def lookup(self, name: str) -> object:
        try:
            inside = self.repeat in self.instrument.repeat_path(name)
        except KeyError:
            return None
        return self.entry.get(name) if inside else self.outer.lookup(name)

    @property
    def current(self) -> object:
        return self.outer.current

    @property
    def today(self) -> dt.date:
        return self.outer.today

    def last_saved(self, name: str) -> object:
        return self.outer.last_saved(name)


def _stored(value: object) -> object:
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value == "":
        return None
    return value


def _custom_text(code: str, question: Question | None) -> Text | None:
    if question is None:
        return None
    if code == "A001":
        return question.required_message
    if code == "A007":
        return question.constraint_message
    return None


def validate_answers(
    instrument: Instrument,
    answers: Mapping,
    *,
    lang: str | None = None,
    today: dt.date | None = None,
    meta: Mapping[str, object] | None = None,
    last_saved: Mapping[str, object] | None = None,
) -> ValidationResult:
    """Apply types, required, relevance, constraints, calculations and repeat rules.

    Returns a :class:`ValidationResult`: the cleaned answers (irrelevant ones dropped,
    calculations filled) and the problems per field. ``today`` fixes the date seen by
    ``today()`` (reproducible checks); default: the real date. ``lang`` is accepted for symmetry with the rest of the API: problems keep their codes
    and parameters and are rendered in any language later (``problem.message(lang)``).
    ``meta`` is what the toolkit records with the response (``collector``, ``team``,
    ``sector``, ``wave``, ``started_at``, ``submitted_at``, ``response_id``), which
    ``metadata`` questions give to expressions; ``last_saved`` the answers of the last
    response saved, for ``${last-saved#name}``.
    """
    walker = _Walker(instrument, today or dt.date.today())
    if not isinstance(answers, Mapping):
        return ValidationResult({}, (Problem("A018", {}, field=""),))
    walker.coerce_all(answers)
    scope = AnswerScope(
        instrument, walker.values, walker.today, meta=meta or {}, saved=last_saved or {}
    )
    walker.walk(instrument.items, walker.values, scope, True, "")
    cleaned = {k: v for k, v in walker.values.items() if v is not None}
    return ValidationResult(cleaned, tuple(walker.problems))
