"""Seeded synthetic answers that satisfy any instrument (demos, tests, benchmarks).

The generator walks the instrument, draws a plausible value for every question (choice
filters, bounds and simple comparisons in constraints are honoured while drawing), then
checks the whole set with the instrument's own rules
(:func:`toolkit.instruments.validate_answers`) and redraws, deterministically, only the
fields that were refused, until nothing is refused. The cleaned answers are returned:
irrelevant answers dropped, calculations filled, ready for :meth:`Store.submit`.

Examples
--------
>>> import numpy as np
>>> from toolkit.instruments import load, validate_answers
>>> from toolkit.demo.synthetic import synthetic_answers
>>> baro = load("surveys/barometre_ambiance.yaml")
>>> answers = synthetic_answers(baro, np.random.default_rng(1))
>>> validate_answers(baro, answers).ok
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
import re._constants as sre
import re._parser as sre_parse  # the stdlib's own regex parser: patterns are walked, never run
from collections.abc import Mapping
from typing import Any

import numpy as np

from toolkit.errors import AnswerError, Problem
from toolkit.i18n import t
from toolkit.instruments import Instrument, Question, validate_answers
from toolkit.instruments.dates import parse_date
from toolkit.instruments.expr import (
    BinOp,
    Call,
    Current,
    EvaluationError,
    Node,
    NodeSet,
    Str,
    evaluate,
    parse,
    to_bool,
    to_number,
    walk,
)
from toolkit.instruments.expr.evaluate import compile_regex
from toolkit.instruments.scope import AnswerScope

__all__ = ["MAX_ROUNDS", "synthetic_answers", "synthetic_responses"]

#: Rounds of "validate, then redraw what was refused" before giving up.
MAX_ROUNDS = 80
#: Share of optional questions left unanswered, as real respondents do.
SKIP_OPTIONAL = 0.15
#: Share of non-substantive answers ("ne sait pas", "refus") where a list offers them.
MISSING_SHARE = 0.05
#: Entries drawn for a repeat without ``repeat_count``.
REPEAT_RANGE = (1, 4)
MAX_REPEAT = 40
#: Centre of the generated GPS points (a generic French town centre) and spread in degrees.
GEO_CENTRE = (47.2184, -1.5536)
GEO_SPREAD = 0.006

_PATH_RE = re.compile(r"^(?P<repeat>[^\[\]]+)\[(?P<index>\d+)\]\.(?P<name>.+)$")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}

_NAMES = (
    "Mme Leroy",
    "M. Benali",
    "Mme Nguyen",
    "M. Da Silva",
    "Mme Traoré",
    "M. Petit",
    "Mme Kaya",
    "M. Rousseau",
    "Mme Haddad",
    "M. Lambert",
)
_PLACES = (
    "Hall du bâtiment B, 12 rue des Lilas",
    "Parking souterrain de la résidence Les Tilleuls",
    "Aire de jeux derrière l'école Jean-Jaurès",
    "Arrêt de bus Gare-Nord",
    "Passage entre la place du Marché et l'avenue Pasteur",
    "Cage d'escalier C, 3e étage",
    "Square des Acacias, côté city-stade",
    "Devant la supérette, rue Victor-Hugo",
)
_PHRASES = (
    "Rien de particulier à ajouter.",
    "Situation déjà signalée le mois dernier.",
    "La personne souhaite être tenue au courant.",
    "À revoir lors de la prochaine tournée.",
    "Échange calme, la personne remercie les médiateurs.",
    "Le problème revient surtout en fin de semaine.",
    "Point à vérifier avec le gardien.",
    "Demande transmise au partenaire concerné.",
)
_SENTENCES = (
    "Les habitants disent que l'ambiance s'est améliorée depuis l'ouverture du local associatif.",
    "Le bruit dans le hall revient souvent en soirée, surtout le week-end.",
    "Plusieurs personnes âgées évitent de sortir après la tombée de la nuit.",
    "Les jeunes rencontrés demandent un lieu où se retrouver sans gêner les voisins.",
    "Les démarches en ligne restent difficiles pour beaucoup de familles.",
    "Chacun a pu exprimer son point de vue et un nouveau rendez-vous a été fixé.",
    "Les parties se sont engagées à respecter les horaires de calme après 22 heures.",
    "Le gardien confirme que les dépôts d'encombrants ont lieu surtout le lundi.",
    "La réunion a permis de clarifier qui fait quoi entre le bailleur et la ville.",
    "La personne connaît mal les services du quartier et ne sait pas à qui s'adresser.",
)
_EMAILS = ("camille.martin@exemple.fr", "k.diallo@exemple.org", "habitant42@exemple.net")
_PHONES = ("06 12 34 56 78", "0612345678", "07 98 76 54 32", "01 23 45 67 89")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class _Unsupported(Exception):
    """A regular expression construct the generator does not draw from."""


class _Unrepairable(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _evaluate(text: str, context: AnswerScope) -> object:
    try:
        return evaluate(parse(text), context)
    except (EvaluationError, ValueError, TypeError, OverflowError):
        return None


# ------------------------------------------------------------------ constraint bounds


def _comparisons(node: Node) -> list[tuple[str, Node]]:
    """``(op, other side)`` for each ``. op expr`` joined by ``and`` at the top of a constraint."""
    if isinstance(node, BinOp) and node.op == "and":
        return _comparisons(node.left) + _comparisons(node.right)
    if isinstance(node, BinOp) and node.op in _FLIP:
        left_current = isinstance(node.left, Current)
        right_current = isinstance(node.right, Current)
        if left_current and not any(isinstance(n, Current) for n in walk(node.right)):
            return [(node.op, node.right)]
        if right_current and not any(isinstance(n, Current) for n in walk(node.left)):
            return [(_FLIP[node.op], node.left)]
    return []


def _bounds(question: Question, context: AnswerScope) -> list[tuple[str, object]]:
    """Evaluated bounds ``(op, value)`` that the constraint puts on the answer itself."""
    if not question.constraint:
        return []
    try:
        tree = parse(question.constraint)
    except ValueError:
        return []
    out = []
    for op, other in _comparisons(tree):
        try:
            value = evaluate(other, context)
        except (EvaluationError, ValueError, TypeError, OverflowError):
            continue
        if isinstance(value, NodeSet):
            value = value[0] if value else None
        if value is not None and value != "":
            out.append((op, value))
    return out


def _regexes(question: Question) -> list[str]:
    """Patterns of ``regex(., '...')`` calls in the constraint."""
    if not question.constraint:
        return []
    try:
        tree = parse(question.constraint)
    except ValueError:
        return []
    return [
        node.args[1].value
        for node in walk(tree)
        if isinstance(node, Call)
        and node.name == "regex"
        and len(node.args) == 2
        and isinstance(node.args[0], Current)
        and isinstance(node.args[1], Str)
    ]


# ------------------------------------------------------------------ regular expressions


def _draw_regex(pattern: str, rng: np.random.Generator) -> str:
    """A string matching ``pattern``, drawn from the parsed pattern (simple constructs only)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise _Unsupported(pattern) from exc
    return _draw_items(list(parsed), rng)


def _draw_items(items: list, rng: np.random.Generator) -> str:
    return "".join(_draw_item(op, arg, rng) for op, arg in items)


def _draw_item(op: object, arg: Any, rng: np.random.Generator) -> str:
    # Any: an item of re's parsed pattern, whose argument's shape depends on ``op``.
    if op is sre.LITERAL:
        return chr(arg)
    if op is sre.AT:
        return ""
    if op is sre.ANY:
        return _ALPHABET[int(rng.integers(0, 26))]
    if op is sre.IN:
        return _draw_class(arg, rng)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, sub = arg
        high = low + 3 if high is sre.MAXREPEAT else min(high, low + 3)
        count = int(rng.integers(low, high + 1)) if high > low else low
        return "".join(_draw_items(list(sub), rng) for _ in range(count))
    if op is sre.SUBPATTERN:
        return _draw_items(list(arg[-1]), rng)
    if op is sre.BRANCH:
        branches = arg[1]
        return _draw_items(list(branches[int(rng.integers(0, len(branches)))]), rng)
    if op is sre.CATEGORY:
        return _draw_class([(sre.CATEGORY, arg)], rng)
    raise _Unsupported(str(op))


def _class_members(items: list) -> tuple[set[str], bool]:
    members: set[str] = set()
    negate = False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            members.add(chr(arg))
        elif op is sre.RANGE:
            members.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 200) + 1))
        elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
            members.update("0123456789")
        elif op is sre.CATEGORY and arg is sre.CATEGORY_WORD:
            members.update(_ALPHABET + "_")
        elif op is sre.CATEGORY and arg is sre.CATEGORY_SPACE:
            members.update(" \t")
        else:
            raise _Unsupported(str(op))
    return members, negate


def _draw_class(items: list, rng: np.random.Generator) -> str:
    members, negate = _class_members(items)
    pool = sorted(set(_ALPHABET) - members) if negate else sorted(members)
    if not pool:
        raise _Unsupported("empty class")
    return pool[int(rng.integers(0, len(pool)))]


# ------------------------------------------------------------------ the generator


class _Generator:
    def __init__(
        self, instrument: Instrument, rng: np.random.Generator, today: dt.date, fixed: set[str]
    ) -> None:
        self.instrument = instrument
        self.rng = rng
        self.today = today
        self.fixed = fixed

    # -------------------------------------------------------------- walking

    def fill(
        self,
        items: tuple[Question, ...],
        answers: dict,
        context: AnswerScope,
        entry: dict | None = None,
    ) -> None:
        """Draw answers to ``items`` into ``entry`` (the repeat entry of ``context``), else
        into ``answers``."""
        target = entry if entry is not None else answers
        for question in items:
            if question.type in ("group", "likert_matrix"):
                self.fill(question.children, answers, context, entry)
            elif question.type == "repeat":
                if question.name not in self.fixed:
                    answers[question.name] = self.entries(question, answers, None)
            elif question.holds_answer and question.type != "calculate":
                if context.entry is None and question.name in self.fixed:
                    continue
                if not self.wanted(question):
                    target.pop(question.name, None)
                    continue
                value = self.value(question, context)
                if value is None:
                    target.pop(question.name, None)
                else:
                    target[question.name] = value

    def wanted(self, question: Question) -> bool:
        """Optional questions are skipped now and then (a draw is made for every question)."""
        skip = self.rng.random() < SKIP_OPTIONAL
        return question.required or question.type == "consent" or not skip

    def entries(self, repeat: Question, answers: dict, count: int | None) -> list[dict]:
        if count is None:
            count = self.repeat_count(repeat, answers)
        entries: list[dict] = []
        answers[repeat.name] = entries
        for _ in range(count):
            entry: dict = {}
            entries.append(entry)
            context = AnswerScope(
                self.instrument, answers, self.today, entry=entry, repeat=repeat.name
            )
            self.fill(repeat.children, answers, context, entry)
        return entries

    def repeat_count(self, repeat: Question, answers: dict) -> int:
        if repeat.repeat_count:
            expected = to_number(
                _evaluate(repeat.repeat_count, AnswerScope(self.instrument, answers, self.today))
            )
            if isinstance(expected, int | float) and math.isfinite(expected):
                return max(0, min(int(expected), MAX_REPEAT))
        return int(self.rng.integers(REPEAT_RANGE[0], REPEAT_RANGE[1] + 1))

    # -------------------------------------------------------------- one value

    def value(self, question: Question, context: AnswerScope) -> object:
        qtype = question.type
        if qtype in ("single_choice", "likert"):
            return self.choice(question, context)
        if qtype == "multiple_choice":
            return self.choices(question, context)
        if qtype in ("integer", "decimal"):
            return self.number(question, context)
        if qtype in ("text", "long_text"):
            return self.text(question)
        if qtype == "date":
            return self.date(question, context).isoformat()
        if qtype == "time":
            return self.time()
        if qtype == "datetime":
            return f"{self.date(question, context).isoformat()}T{self.time()}:00"
        if qtype == "geopoint":
            return {
                "latitude": round(GEO_CENTRE[0] + self.rng.normal(0, GEO_SPREAD), 6),
                "longitude": round(GEO_CENTRE[1] + self.rng.normal(0, GEO_SPREAD), 6),
                "accuracy": round(float(self.rng.uniform(3, 25)), 1),
            }
        if qtype == "consent":
            return True
        return None

    def offered(self, question: Question, context: AnswerScope) -> list[str]:
        """Values the question offers given the answers so far (choice filter applied)."""
        choice_list = self.instrument.choice_lists.get(question.choices or "")
        if choice_list is None:
            return []
        if not question.choice_filter:
            return list(choice_list.values())
        tree = parse(question.choice_filter)
        offered = []
        for choice in choice_list.choices:
            columns = {**dict(choice.filters), "name": choice.value, "value": choice.value}
            try:
                keep = to_bool(evaluate(tree, context.with_(columns=columns)))
            except (EvaluationError, ValueError, TypeError):
                return list(choice_list.values())
            if keep:
                offered.append(choice.value)
        return offered

    def split(self, question: Question, context: AnswerScope) -> tuple[list[str], list[str]]:
        choice_list = self.instrument.choice_lists[question.choices or ""]
        offered = set(self.offered(question, context))
        missing = {c.value for c in choice_list.non_substantive()}
        values = [v for v in choice_list.values() if v in offered]
        return [v for v in values if v not in missing], [v for v in values if v in missing]

    def choice(self, question: Question, context: AnswerScope) -> str | None:
        substantive, missing = self.split(question, context)
        pool = missing if missing and self.rng.random() < MISSING_SHARE else substantive
        pool = pool or missing
        return pool[int(self.rng.integers(0, len(pool)))] if pool else None

    def choices(self, question: Question, context: AnswerScope) -> list[str] | None:
        substantive, _ = self.split(question, context)
        if not substantive:
            return None
        size = min(len(substantive), 1 + int(self.rng.binomial(3, 0.35)))
        picked = self.rng.choice(len(substantive), size=size, replace=False)
        return [substantive[i] for i in sorted(int(p) for p in picked)]

    def number(self, question: Question, context: AnswerScope) -> int | float | None:
        integer = question.type == "integer"
        step = 1 if integer else 0.1
        low = question.minimum
        high = question.maximum
        for op, raw in _bounds(question, context.with_(current=None)):
            bound = to_number(raw)
            if not isinstance(bound, int | float) or not math.isfinite(bound):
                continue
            if op in (">", ">="):
                bound = (math.floor(bound) + 1 if integer else bound + step) if op == ">" else bound
                low = bound if low is None else max(low, bound)
            else:
                bound = (math.ceil(bound) - 1 if integer else bound - step) if op == "<" else bound
                high = bound if high is None else min(high, bound)
        low = 0 if low is None else low
        high = low + 20 if high is None else high
        if integer:
            low, high = math.ceil(low), math.floor(high)
        if low > high:
            return None
        span = high - low
        if span <= 20:
            drawn = float(self.rng.uniform(low, high))
        else:
            drawn = low + min(span, float(self.rng.gamma(1.5, span / 8)))
        if integer:
            return int(min(high, max(low, round(drawn))))
        return float(min(high, max(low, round(drawn, 1))))

    def text(self, question: Question) -> str:
        patterns = _regexes(question)
        if patterns:
            return self.matching(patterns)
        name = question.name.lower()
        if "mail" in name:
            return _EMAILS[int(self.rng.integers(0, len(_EMAILS)))]
        if "tel" in name or "phone" in name:
            return _PHONES[int(self.rng.integers(0, len(_PHONES)))]
        if "nom" in name or "name" in name:
            return _NAMES[int(self.rng.integers(0, len(_NAMES)))]
        if "lieu" in name or "parcours" in name or "adresse" in name:
            return _PLACES[int(self.rng.integers(0, len(_PLACES)))]
        if "photo" in name:
            return f"IMG_{int(self.rng.integers(1000, 9999))}"
        if question.type == "long_text":
            size = int(self.rng.integers(1, 4))
            picked = self.rng.choice(len(_SENTENCES), size=size, replace=False)
            return " ".join(_SENTENCES[int(i)] for i in picked)
        return _PHRASES[int(self.rng.integers(0, len(_PHRASES)))]

    def matching(self, patterns: list[str]) -> str:
        """A plausible value matching every pattern: known shapes first, then drawn."""
        compiled = [compile_regex(p) for p in patterns]

        def ok(text: str) -> bool:
            return all(c.search(text) for c in compiled)

        known = [v for v in (*_EMAILS, *_PHONES) if ok(v)]
        if known:
            return known[int(self.rng.integers(0, len(known)))]
        for _ in range(20):
            try:
                text = _draw_regex(patterns[0], self.rng)
            except _Unsupported:
                break
            if ok(text):
                return text
        return _PHRASES[int(self.rng.integers(0, len(_PHRASES)))]

    def date(self, question: Question, context: AnswerScope) -> dt.date:
        low: dt.date | None = None
        high: dt.date | None = None
        for op, raw in _bounds(question, context.with_(current=None)):
            bound = parse_date(raw)
            if bound is None:
                continue
            if op in (">", ">="):
                bound += dt.timedelta(days=1 if op == ">" else 0)
                low = bound if low is None else max(low, bound)
            else:
                bound -= dt.timedelta(days=1 if op == "<" else 0)
                high = bound if high is None else min(high, bound)
        # No bound: the last year; one bound: a year before it, or 90 days after it.
        if high is None:
            high = self.today if low is None else low + dt.timedelta(days=90)
        if low is None:
            low = high - dt.timedelta(days=365)
        if low > high:
            return low
        days = (high - low).days
        return low + dt.timedelta(days=int(self.rng.integers(0, days + 1)))

    def time(self) -> str:
        minutes = 8 * 60 + 5 * int(self.rng.integers(0, 14 * 12))
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    # -------------------------------------------------------------- repair

    def repair(self, answers: dict, problem: Problem) -> None:
        """Redraw the field that ``problem`` refused (or give up when it cannot help)."""
        path = problem.field or ""
        if problem.code in ("A019", "A014", "A018"):
            raise _Unrepairable(problem)
        match = _PATH_RE.match(path)
        if match is not None:
            repeat, index, name = match["repeat"], int(match["index"]), match["name"]
            if repeat in self.fixed:
                raise _Unrepairable(problem)
            entries = answers.get(repeat) or []
            if index >= len(entries):
                raise _Unrepairable(problem)
            entry = entries[index]
            if problem.code == "A013":
                entry.pop(name, None)
                return
            context = AnswerScope(self.instrument, answers, self.today, entry=entry, repeat=repeat)
            self.redraw(self.instrument.question(name), entry, context)
            return
        if path in self.fixed:
            raise _Unrepairable(problem)
        if problem.code == "A013":
            answers.pop(path, None)
            return
        try:
            question = self.instrument.question(path)
        except KeyError:
            raise _Unrepairable(problem) from None
        if question.type == "repeat":
            expected = problem.params.get("expected") if problem.code == "A015" else None
            count = int(expected) if isinstance(expected, int) else None
            self.entries(question, answers, count)
            return
        self.redraw(question, answers, AnswerScope(self.instrument, answers, self.today))

    def redraw(self, question: Question, target: dict, context: AnswerScope) -> None:
        value = self.value(question, context)
        if value is None:
            target.pop(question.name, None)
        else:
            target[question.name] = value


# ------------------------------------------------------------------ public functions


def synthetic_answers(
    instrument: Instrument,
    rng: np.random.Generator,
    *,
    overrides: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> dict:
    """One set of valid answers to ``instrument``, drawn with ``rng``.

    Parameters
    ----------
    instrument
        Any loaded instrument.
    rng
        The random generator; the same seed (and ``today``) gives the same answers.
    overrides
        Top-level answers to impose (``{"phase": "avant"}``; a repeat name takes a list of
        entries). They are never redrawn: if one breaks a rule, :class:`AnswerError` ``Y002``.
    today
        The date ``today()`` means in expressions and the end of the default date window
        (default: the real date).

    Returns
    -------
    dict
        Cleaned answers as :meth:`Instrument.validate_answers` returns them (irrelevant
        answers dropped, calculations filled), in the stored value shapes.

    Raises
    ------
    AnswerError
        ``Y001`` when no valid set was found within :data:`MAX_ROUNDS` rounds, ``Y002``
        when an override is refused; the instrument's own problems follow.
    """
    today = today or dt.date.today()
    fixed = dict(overrides or {})
    generator = _Generator(instrument, rng, today, set(fixed))
    answers: dict = dict(fixed)
    generator.fill(instrument.items, answers, AnswerScope(instrument, answers, today))
    result = validate_answers(instrument, answers, today=today)
    for _ in range(MAX_ROUNDS):
        if result.ok:
            return result.answers
        try:
            for problem in result.problems:
                generator.repair(answers, problem)
        except _Unrepairable as exc:
            code = "Y002" if (exc.problem.field or "").split("[")[0] in fixed else "Y001"
            head = Problem(code, {"instrument": instrument.id, "field": exc.problem.field or ""})
            raise AnswerError(problems=[head, *result.problems]) from None
        result = validate_answers(instrument, answers, today=today)
    if result.ok:
        return result.answers
    head = Problem("Y001", {"instrument": instrument.id, "field": result.problems[0].field or ""})
    raise AnswerError(problems=[head, *result.problems])


def synthetic_responses(
    instrument: Instrument,
    n: int,
    rng: np.random.Generator,
    *,
    overrides: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> list[dict]:
    """``n`` independent sets of valid answers (see :func:`synthetic_answers`).

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.instruments import load, validate_answers
    >>> tour = load("surveys/barometre_tournee.yaml")
    >>> rows = synthetic_responses(tour, 3, np.random.default_rng(7))
    >>> len(rows), all(validate_answers(tour, r).ok for r in rows)
    (3, True)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(t("Y003", got=repr(n)))
    return [synthetic_answers(instrument, rng, overrides=overrides, today=today) for _ in range(n)]
