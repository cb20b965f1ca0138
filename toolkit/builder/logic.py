"""Skip logic and constraints in words: « afficher si [question] [est / n'est pas /
contient / est supérieur à…] [valeur] », joined with « et » / « ou ».

A :class:`Rule` is written as an XLSForm expression by :func:`compile_rule` and read back by
:func:`rule_of` whenever the expression has that shape (conditions joined by ``and`` /
``or``, ``and`` binding tighter, as in XLSForm). Anything else stays an expression, shown
and edited as such. :func:`describe` says a rule in French or English, with the questions'
labels and the choices' labels, never codes.

>>> from toolkit.instruments import load
>>> baro = load("surveys/barometre_ambiance.yaml")
>>> rule = Rule((Condition("a_signale", Op.EQ, "oui"),))
>>> compile_rule(rule, baro)
"${a_signale} = 'oui'"
>>> rule_of("selected(${problemes}, 'bruit') or ${a_signale} = 'oui'", baro) == Rule(
...     (Condition("problemes", Op.CONTAINS, "bruit"), Condition("a_signale", Op.EQ, "oui")),
...     ("or",),
... )
True
>>> describe(Rule((Condition("connait_mediateurs", Op.EQ, "contact"),)), baro, "fr")
"« Connaissez-vous les médiateurs du quartier ? » est « Oui, j'ai déjà échangé avec eux »"
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from toolkit.i18n import t
from toolkit.instruments import Instrument, Question
from toolkit.instruments.expr import (
    BinOp,
    Call,
    Current,
    ExpressionSyntaxError,
    Node,
    Num,
    Ref,
    Str,
    parse,
    to_text,
)
from toolkit.instruments.model import NUMERIC_TYPES

__all__ = [
    "CURRENT",
    "Condition",
    "Op",
    "Rule",
    "compile_rule",
    "describe",
    "needs_value",
    "operators",
    "remove_condition",
    "replace_condition",
    "rule_of",
]

#: The question being checked, in a constraint (XLSForm ``.``).
CURRENT = "."
_LABEL_LENGTH = 70


class Op(enum.StrEnum):
    """What a condition says about an answer."""

    EQ = "eq"
    NE = "ne"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"
    ANSWERED = "answered"
    EMPTY = "empty"


_COMPARE = {Op.EQ: "=", Op.NE: "!=", Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="}
_FROM_COMPARE = {v: k for k, v in _COMPARE.items()}
_FLIPPED = {"=": "=", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_ORDERED = (Op.GT, Op.GE, Op.LT, Op.LE)


@dataclass(frozen=True)
class Condition:
    """One condition: ``question`` (a name, or :data:`CURRENT`) ``op`` ``value``.

    ``other`` names a question whose answer is compared instead of a fixed value.
    """

    question: str
    op: Op
    value: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class Rule:
    """Conditions joined by ``"and"`` / ``"or"`` (``joins[i]`` sits between condition ``i``
    and ``i + 1``); « et » binds tighter than « ou »."""

    conditions: tuple[Condition, ...]
    joins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.joins) != max(len(self.conditions) - 1, 0) or any(
            j not in ("and", "or") for j in self.joins
        ):
            raise ValueError(
                f"a rule of {len(self.conditions)} conditions needs "
                f"{max(len(self.conditions) - 1, 0)} joins ('and' or 'or'); got {self.joins!r}"
            )


def operators(qtype: str) -> tuple[Op, ...]:
    """The operators offered for a question of type ``qtype``."""
    if qtype in ("single_choice",):
        return (Op.EQ, Op.NE, Op.ANSWERED, Op.EMPTY)
    if qtype == "likert":
        return (Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE, Op.ANSWERED, Op.EMPTY)
    if qtype == "multiple_choice":
        return (Op.CONTAINS, Op.NOT_CONTAINS, Op.ANSWERED, Op.EMPTY)
    if qtype in ("integer", "decimal", "calculate", "date", "time", "datetime"):
        return (Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE, Op.ANSWERED, Op.EMPTY)
    if qtype in ("text", "long_text"):
        return (Op.EQ, Op.NE, Op.CONTAINS, Op.NOT_CONTAINS, Op.ANSWERED, Op.EMPTY)
    if qtype == "consent":
        return (Op.EQ, Op.NE)
    if qtype == "geopoint":
        return (Op.ANSWERED, Op.EMPTY)
    return ()


def needs_value(op: Op) -> bool:
    return op not in (Op.ANSWERED, Op.EMPTY)


def replace_condition(
    rule: Rule, index: int, condition: Condition, *, join: str | None = None
) -> Rule:
    """``rule`` with condition ``index`` changed (and, given ``join``, the word joining it
    to the condition before it); the other conditions and joins stay.

    >>> rule = Rule((Condition("a", Op.EQ, "1"), Condition("b", Op.ANSWERED)), ("and",))
    >>> replace_condition(rule, 1, Condition("b", Op.EMPTY), join="or")
    Rule(conditions=(Condition(question='a', op=<Op.EQ: 'eq'>, value='1', other=None), \
Condition(question='b', op=<Op.EMPTY: 'empty'>, value=None, other=None)), joins=('or',))
    """
    if not 0 <= index < len(rule.conditions):
        raise IndexError(f"the rule has no condition {index}; it has {len(rule.conditions)}")
    conditions = list(rule.conditions)
    conditions[index] = condition
    joins = list(rule.joins)
    if join is not None and index > 0:
        joins[index - 1] = join
    return Rule(tuple(conditions), tuple(joins))


def remove_condition(rule: Rule, index: int) -> Rule:
    """``rule`` without condition ``index``; the word that joined it goes with it.

    >>> rule = Rule((Condition("a", Op.ANSWERED), Condition("b", Op.ANSWERED)), ("or",))
    >>> remove_condition(rule, 0).conditions
    (Condition(question='b', op=<Op.ANSWERED: 'answered'>, value=None, other=None),)
    """
    if not 0 <= index < len(rule.conditions):
        raise IndexError(f"the rule has no condition {index}; it has {len(rule.conditions)}")
    conditions = rule.conditions[:index] + rule.conditions[index + 1 :]
    joins = list(rule.joins)
    if joins:
        del joins[max(index - 1, 0)]
    return Rule(conditions, tuple(joins))


# ---------------------------------------------------------------------- words -> expression


def _question(instrument: Instrument, name: str, current: Question | None) -> Question | None:
    if name == CURRENT:
        return current
    try:
        return instrument.question(name)
    except KeyError:
        return None


def _literal(question: Question | None, op: Op, value: str) -> Node:
    kind = question.type if question is not None else ""
    if kind == "consent":
        return Call("true" if value.strip().lower() in ("true", "oui", "1", "yes") else "false", ())
    numeric = kind in NUMERIC_TYPES or kind == "calculate" or (kind == "likert" and op in _ORDERED)
    if numeric:
        text = value.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return Str(value)
        return Num(int(number) if number.is_integer() and "." not in text else number)
    return Str(value.strip() if kind in ("single_choice", "multiple_choice", "likert") else value)


def _atom(condition: Condition, instrument: Instrument, current: Question | None) -> Node:
    subject: Node = Current() if condition.question == CURRENT else Ref(condition.question)
    question = _question(instrument, condition.question, current)
    kind = question.type if question is not None else ""
    if condition.op in (Op.ANSWERED, Op.EMPTY):
        return BinOp("!=" if condition.op is Op.ANSWERED else "=", subject, Str(""))
    target: Node = (
        Ref(condition.other)
        if condition.other
        else _literal(question, condition.op, condition.value or "")
    )
    if condition.op in (Op.CONTAINS, Op.NOT_CONTAINS):
        function = "selected" if kind == "multiple_choice" else "contains"
        found = Call(function, (subject, target))
        return found if condition.op is Op.CONTAINS else Call("not", (found,))
    return BinOp(_COMPARE[condition.op], subject, target)


def compile_rule(rule: Rule, instrument: Instrument, *, current: Question | None = None) -> str:
    """The XLSForm expression of ``rule``; ``current`` is the question a constraint checks."""
    if not rule.conditions:
        return ""
    groups: list[list[Node]] = [[_atom(rule.conditions[0], instrument, current)]]
    for join, condition in zip(rule.joins, rule.conditions[1:], strict=True):
        atom = _atom(condition, instrument, current)
        if join == "and":
            groups[-1].append(atom)
        else:
            groups.append([atom])
    tree: Node | None = None
    for group in groups:
        conjunction = group[0]
        for atom in group[1:]:
            conjunction = BinOp("and", conjunction, atom)
        tree = conjunction if tree is None else BinOp("or", tree, conjunction)
    return to_text(tree) if tree is not None else ""


# ---------------------------------------------------------------------- expression -> words


def _chain(node: Node, op: str) -> list[Node]:
    if isinstance(node, BinOp) and node.op == op:
        return _chain(node.left, op) + _chain(node.right, op)
    return [node]


def _subject(node: Node) -> str | None:
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Current):
        return CURRENT
    return None


def _value_of(node: Node) -> tuple[str | None, str | None] | None:
    """(value, other question) of the compared side, or ``None`` when not a plain value."""
    if isinstance(node, Str):
        return node.value, None
    if isinstance(node, Num):
        return to_text(node), None
    if isinstance(node, Ref):
        return None, node.name
    if isinstance(node, Call) and node.name in ("true", "false") and not node.args:
        return node.name, None
    return None


def _condition(node: Node, instrument: Instrument) -> Condition | None:
    if isinstance(node, Call) and node.name == "not" and len(node.args) == 1:
        inner = _condition(node.args[0], instrument)
        if inner is not None and inner.op is Op.CONTAINS:
            return Condition(inner.question, Op.NOT_CONTAINS, inner.value, inner.other)
        return None
    if isinstance(node, Call) and node.name in ("selected", "contains") and len(node.args) == 2:
        subject = _subject(node.args[0])
        compared = _value_of(node.args[1])
        if subject is None or compared is None:
            return None
        question = _question(instrument, subject, None)
        if (
            node.name == "selected"
            and question is not None
            and question.type in ("single_choice", "likert")
        ):
            return Condition(subject, Op.EQ, *compared)
        return Condition(subject, Op.CONTAINS, *compared)
    if isinstance(node, BinOp) and node.op in _FLIPPED:
        op, left, right = node.op, node.left, node.right
        if _subject(left) is None and _subject(right) is not None:
            op, left, right = _FLIPPED[op], right, left
        subject = _subject(left)
        compared = _value_of(right)
        if subject is None or compared is None:
            return None
        if compared == ("", None) and op in ("=", "!="):
            return Condition(subject, Op.EMPTY if op == "=" else Op.ANSWERED)
        return Condition(subject, _FROM_COMPARE[op], *compared)
    return None


def rule_of(text: str, instrument: Instrument) -> Rule | None:
    """The rule an expression says, or ``None`` when it cannot be said in words here."""
    if not text or not text.strip():
        return Rule(())
    try:
        tree = parse(text)
    except ExpressionSyntaxError:
        return None
    conditions: list[Condition] = []
    joins: list[str] = []
    for index, group in enumerate(_chain(tree, "or")):
        for position, node in enumerate(_chain(group, "and")):
            condition = _condition(node, instrument)
            if condition is None:
                return None
            if conditions:
                joins.append("or" if position == 0 and index > 0 else "and")
            conditions.append(condition)
    return Rule(tuple(conditions), tuple(joins))


# ---------------------------------------------------------------------- words


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 1] + "…"


def value_words(question: Question | None, instrument: Instrument, value: str, lang: str) -> str:
    """A value as a mediator reads it: a choice's label, « accepté », a number."""
    if question is not None and question.type == "consent":
        return t("builder.logic.accepted" if value == "true" else "builder.logic.refused", lang)
    if question is not None and question.choices:
        choice_list = instrument.choice_lists.get(question.choices)
        choice = choice_list.get(value) if choice_list is not None else None
        if choice is not None:
            return f"« {_short(choice.label.get(lang))} »"
    if question is not None and (question.type in NUMERIC_TYPES or question.type == "calculate"):
        return value
    return f"« {value} »"


def _condition_words(
    condition: Condition, instrument: Instrument, lang: str, current: Question | None
) -> str:
    question = _question(instrument, condition.question, current)
    if condition.question == CURRENT:
        subject = t("builder.logic.current", lang)
    else:
        label = question.text(lang) if question is not None else condition.question
        subject = f"« {_short(label)} »"
    kind = question.type if question is not None else ""
    dated = kind in ("date", "time", "datetime")
    variant = "date." if dated and condition.op in _ORDERED else ""
    if condition.question == CURRENT and not variant:
        variant = "current."
    key = f"builder.op.{variant}{condition.op.value}"
    words = f"{subject} {t(key, lang)}"
    if not needs_value(condition.op):
        return words
    if condition.other:
        other = _question(instrument, condition.other, current)
        label = other.text(lang) if other is not None else condition.other
        return f"{words} {t('builder.logic.answer_to', lang, label=_short(label))}"
    return f"{words} {value_words(question, instrument, condition.value or '', lang)}"


def describe(
    rule: Rule, instrument: Instrument, lang: str, *, current: Question | None = None
) -> str:
    """``rule`` in words (labels, not codes)."""
    parts = (
        [_condition_words(rule.conditions[0], instrument, lang, current)] if rule.conditions else []
    )
    for join, condition in zip(rule.joins, rule.conditions[1:], strict=True):
        parts.append(t(f"builder.logic.{join}", lang))
        parts.append(_condition_words(condition, instrument, lang, current))
    return " ".join(parts)
