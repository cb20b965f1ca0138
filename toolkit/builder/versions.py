"""What an edit does to answers already collected, said in plain words.

:func:`changes` compares the instrument as it was opened with the draft, using the draft's
record of renames (:class:`~toolkit.builder.Renames`) to tell a renamed question from a
deleted one and a changed code from a removed one. Each :class:`Change` explains itself in
French or English. :func:`step_of` turns them into the store's
:class:`~toolkit.store.lineage.Step`, which lines answers up across the two versions.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from toolkit.builder.base import Renames
from toolkit.i18n import t
from toolkit.instruments import Instrument, Question
from toolkit.store.lineage import Step

__all__ = ["Change", "ChangeKind", "changes", "compose", "next_version", "step_of"]

#: Type changes after which an answer keeps its meaning (old type, new type).
COMPATIBLE_TYPES = frozenset(
    {
        ("integer", "decimal"),
        ("text", "long_text"),
        ("long_text", "text"),
        ("single_choice", "likert"),
        ("likert", "single_choice"),
        ("single_choice", "multiple_choice"),
    }
)


class ChangeKind(enum.StrEnum):
    QUESTION_RENAMED = "question_renamed"
    QUESTION_REMOVED = "question_removed"
    NAME_REUSED = "name_reused"
    TYPE_CHANGED = "type_changed"
    CODE_CHANGED = "code_changed"
    CODE_REMOVED = "code_removed"
    CODE_REUSED = "code_reused"
    CHOICE_RELABELLED = "choice_relabelled"


@dataclass(frozen=True)
class Change:
    """One change that touches answers already collected.

    ``question`` is the question's name in the old version, ``new_question`` in the new one;
    ``old``/``new`` are the codes (or types) concerned; ``answered`` how many responses hold
    an answer to the question (``None`` when unknown).
    """

    kind: ChangeKind
    question: str
    label: str
    new_question: str | None = None
    old: str | None = None
    new: str | None = None
    old_label: str | None = None
    new_label: str | None = None
    answered: int | None = None

    def explain(self, lang: str) -> str:
        """What changes and what happens to the answers already collected, in plain words."""
        params: dict[str, object] = {
            "label": self.label,
            "name": self.question,
            "new_name": self.new_question or "",
            "old": self.old_label or self.old or "",
            "new": self.new_label or self.new or "",
            "old_code": self.old or "",
            "new_code": self.new or "",
        }
        if self.kind is ChangeKind.TYPE_CHANGED:
            params["old"] = t(f"builder.type.{self.old}", lang)
            params["new"] = t(f"builder.type.{self.new}", lang)
        what = t(f"builder.change.{self.kind.value}", lang, **params)
        key = f"builder.effect.{self.effect}"
        if self.answered is None:
            return f"{what} {t(key + '.unknown', lang, **params)}"
        return f"{what} {t(key, lang, answered=self.answered, **params)}"

    @property
    def effect(self) -> str:
        """``follow``, ``dropped``, ``unanswered`` or ``relabelled``: what the answers get."""
        if self.drops_answers:
            return "unanswered" if self.kind is ChangeKind.CODE_REMOVED else "dropped"
        if self.kind is ChangeKind.CHOICE_RELABELLED:
            return "relabelled"
        return "follow"

    @property
    def drops_answers(self) -> bool:
        """Whether the answers concerned leave the new version's tables."""
        if self.kind is ChangeKind.TYPE_CHANGED:
            return (self.old, self.new) not in COMPATIBLE_TYPES
        return self.kind in (
            ChangeKind.QUESTION_REMOVED,
            ChangeKind.NAME_REUSED,
            ChangeKind.CODE_REMOVED,
            ChangeKind.CODE_REUSED,
        )


def _fields(instrument: Instrument) -> dict[str, Question]:
    return {q.name: q for q in instrument.fields()}


def _codes(instrument: Instrument, question: Question) -> dict[str, str]:
    choice_list = instrument.choice_lists.get(question.choices or "")
    if choice_list is None:
        return {}
    lang = instrument.default_language
    return {c.value: c.label.get(lang) for c in choice_list.choices}


def changes(
    before: Instrument,
    after: Instrument,
    renames: Renames,
    *,
    answered: Mapping[str, int] | None = None,
) -> list[Change]:
    """Every change from ``before`` to ``after`` that touches collected answers."""
    old_fields, new_fields = _fields(before), _fields(after)
    lang = before.default_language
    out: list[Change] = []
    for name, question in old_fields.items():
        label = question.text(lang)
        count = answered.get(name) if answered is not None else None
        current = renames.questions.get(name, name)
        same = current in new_fields and renames.original_of(current) == name
        if not same:
            kind = ChangeKind.NAME_REUSED if name in new_fields else ChangeKind.QUESTION_REMOVED
            out.append(Change(kind, name, label, answered=count))
            continue
        new = new_fields[current]
        if current != name:
            out.append(
                Change(
                    ChangeKind.QUESTION_RENAMED, name, label, new_question=current, answered=count
                )
            )
        if new.type != question.type:
            out.append(
                Change(
                    ChangeKind.TYPE_CHANGED,
                    name,
                    label,
                    new_question=current,
                    old=question.type,
                    new=new.type,
                    answered=count,
                )
            )
        out += _code_changes(before, after, question, new, renames, count)
    return out


def _code_changes(
    before: Instrument,
    after: Instrument,
    old_question: Question,
    new_question: Question,
    renames: Renames,
    count: int | None,
) -> list[Change]:
    old_codes, new_codes = _codes(before, old_question), _codes(after, new_question)
    if not old_codes or not new_codes:
        return []
    mapping = renames.codes.get(old_question.name, {})
    dropped = renames.dropped_codes.get(old_question.name, set())
    label = old_question.text(before.default_language)
    common = {"question": old_question.name, "label": label, "new_question": new_question.name}
    out = []
    for code, code_label in old_codes.items():
        target = mapping.get(code, code)
        if code in dropped and code in new_codes:
            out.append(
                Change(
                    ChangeKind.CODE_REUSED,
                    old=code,
                    old_label=code_label,
                    new_label=new_codes[code],
                    answered=count,
                    **common,
                )
            )
        elif target not in new_codes:
            out.append(
                Change(
                    ChangeKind.CODE_REMOVED,
                    old=code,
                    old_label=code_label,
                    answered=count,
                    **common,
                )
            )
        elif target != code:
            out.append(
                Change(
                    ChangeKind.CODE_CHANGED,
                    old=code,
                    new=target,
                    old_label=code_label,
                    new_label=new_codes[target],
                    answered=count,
                    **common,
                )
            )
        elif new_codes[target].strip() != code_label.strip():
            out.append(
                Change(
                    ChangeKind.CHOICE_RELABELLED,
                    old=code,
                    old_label=code_label,
                    new_label=new_codes[target],
                    answered=count,
                    **common,
                )
            )
    return out


def step_of(found: list[Change], from_version: str, to_version: str) -> Step:
    """The renames the store records between the two versions."""
    questions: dict[str, str] = {}
    codes: dict[str, dict[str, str]] = {}
    for change in found:
        if change.kind is ChangeKind.QUESTION_RENAMED:
            questions[change.question] = change.new_question or ""
        elif change.kind is ChangeKind.NAME_REUSED:
            questions.setdefault(change.question, "")
        elif change.kind is ChangeKind.TYPE_CHANGED and change.drops_answers:
            questions[change.question] = ""
        elif change.kind is ChangeKind.CODE_CHANGED:
            codes.setdefault(change.new_question or change.question, {})[change.old or ""] = (
                change.new or ""
            )
        elif change.kind is ChangeKind.CODE_REUSED:
            codes.setdefault(change.new_question or change.question, {})[change.old or ""] = ""
    return Step(from_version, to_version, questions, codes)


def compose(first: Step, second: Step, *, names_before: Collection[str] | None = None) -> Step:
    """The renames from ``first.from_version`` to ``second.to_version``.

    ``names_before`` are the questions of the oldest version: a rename in ``second`` of a
    question that version did not have is left out.
    """
    questions: dict[str, str] = {}
    for old, middle in first.questions.items():
        questions[old] = second.questions.get(middle, middle) if middle else ""
    targets = {m for m in first.questions.values() if m}
    for middle, new in second.questions.items():
        if middle in targets or middle in first.questions:
            continue
        if names_before is not None and middle not in names_before:
            continue
        questions[middle] = new
    codes: dict[str, dict[str, str]] = {}
    back = {new: old for old, new in second.questions.items() if new}
    for middle_name in set(first.codes) | {back.get(q, q) for q in second.codes}:
        final_name = second.questions.get(middle_name, middle_name)
        if not final_name:
            continue
        earlier = first.codes.get(middle_name, {})
        later = second.codes.get(final_name, {})
        merged = {old: (later.get(mid, mid) if mid else "") for old, mid in earlier.items()}
        for middle, new in later.items():
            if middle not in earlier and middle not in earlier.values():
                merged[middle] = new
        codes[final_name] = merged
    questions = {k: v for k, v in questions.items() if k != v}
    codes = {q: {o: n for o, n in c.items() if o != n} for q, c in codes.items()}
    return Step(
        first.from_version, second.to_version, questions, {q: c for q, c in codes.items() if c}
    )


def next_version(version: str, taken: Collection[str] = ()) -> str:
    """The version after ``version``: ``1.0`` → ``1.1``, ``2`` → ``3``, ``2026-printemps`` →
    ``2026-printemps.1``; never one of ``taken``."""
    candidate = version.strip() or "0"
    while True:
        if re.fullmatch(r"\d+(\.\d+)*", candidate):
            head, dot, tail = candidate.rpartition(".")
            candidate = f"{head}{dot}{int(tail) + 1}"
        elif match := re.fullmatch(r"(.*\.)(\d+)", candidate):
            candidate = f"{match.group(1)}{int(match.group(2)) + 1}"
        else:
            candidate = f"{candidate}.1"
        if candidate not in taken:
            return candidate
