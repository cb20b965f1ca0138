"""Parts of an instrument the loader derives from a short form: ``other: true``.

A choice question marked ``other: true`` (XLSForm ``or_other``) offers one more choice,
« Autre » (value ``other``), and is followed by a text question ``<name>_other``,
« Précisez », shown only when « Autre » is chosen. Both are real parts of the model, so that
answers, frames, exports and the field app treat them like any other; they are never written
back (the writer and the XLSForm exporter write ``other: true``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from toolkit.i18n import LANGUAGES, Text, t
from toolkit.instruments.model import OTHER_VALUE, Choice, ChoiceList, Question

__all__ = ["other_choice", "specify_question", "with_other_parts"]


def _translated(key: str, languages: tuple[str, ...]) -> Text:
    # Built-in texts exist in French and English; other languages get the English one.
    return Text.of({lang: t(key, lang if lang in LANGUAGES else "en") for lang in languages})


def other_choice(languages: tuple[str, ...]) -> Choice:
    """The « Autre » choice, labelled in each language of the instrument."""
    return Choice(value=OTHER_VALUE, label=_translated("model.other.choice", languages))


def specify_question(question: Question, languages: tuple[str, ...]) -> Question:
    """The « Précisez » text question that follows ``question`` (marked ``other: true``)."""
    return Question(
        name=f"{question.name}_other",
        type="text",
        label=_translated("model.other.specify", languages),
        relevant=f"selected(${{{question.name}}}, '{OTHER_VALUE}')",
        specify_for=question.name,
        line=question.line,
        key_lines=question.key_lines,
    )


def with_other_parts(
    items: tuple[Question, ...], lists: Mapping[str, ChoiceList], languages: tuple[str, ...]
) -> tuple[tuple[Question, ...], dict[str, ChoiceList]]:
    """``items`` and ``lists`` with the « Autre » choice and « Précisez » question added."""
    out_lists = dict(lists)

    def extended(name: str) -> str:
        base = out_lists[name]
        if base.get(OTHER_VALUE) is not None:
            return name  # the author's own « other » choice is kept as it is
        derived = f"{name}__other"
        while derived in out_lists and out_lists[derived].base != name:
            derived += "_"
        out_lists[derived] = ChoiceList(
            name=derived,
            choices=(*base.choices, other_choice(languages)),
            inline=base.inline,
            line=base.line,
            base=name,
        )
        return derived

    def visit(questions: tuple[Question, ...]) -> tuple[Question, ...]:
        out: list[Question] = []
        for question in questions:
            if question.children:
                question = replace(question, children=visit(question.children))
            if not question.other or question.type not in ("single_choice", "multiple_choice"):
                out.append(question)  # other: true elsewhere is reported by the loader
                continue
            if question.choices in out_lists:
                question = replace(question, choices=extended(question.choices))
            out += [question, specify_question(question, languages)]
        return tuple(out)

    return visit(items), out_lists
