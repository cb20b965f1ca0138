"""Questions left out of the instrument, and what still refers to them.

An expression of a kept question may not use a left-out question: the form's logic would
change (``X018``, an error). A text that showed one (``Bonjour ${username}``) keeps its words
and the reference becomes ``[username]`` (``X019``, a warning).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from toolkit.instruments.expr import ExpressionSyntaxError, parse, references
from toolkit.interop.xlsform.languages import code_of
from toolkit.interop.xlsform.locate import Findings, header, language_of
from toolkit.interop.xlsform.sheets import SheetIndex
from toolkit.interop.xlsform.subset import EXPRESSION_COLUMNS
from toolkit.interop.xlsform.values import is_expression

__all__ = ["TEXT_KEYS", "LeftOut", "all_questions"]

#: Text fields of a question that may show other questions with ``${name}``.
TEXT_KEYS = {
    "label": ("label",),
    "hint": ("hint",),
    "required_message": ("required_message", "requiredmsg"),
    "constraint_message": ("constraint_message", "constraintmsg", "constraining_message"),
}
_REFERENCE = re.compile(r"\$\{\s*([^}\s]+)\s*\}")


def all_questions(items: list[dict]) -> Iterable[dict]:
    """Every question of a list in YAML shape, depth-first, containers and matrix rows included."""
    for item in items:
        yield item
        yield from all_questions(item.get("questions", []))
        yield from all_questions(item.get("items", []))


class LeftOut:
    """The questions left out (name -> row) and the check of what refers to them."""

    def __init__(self, index: SheetIndex, findings: Findings) -> None:
        self.index = index
        self.findings = findings
        self.names: dict[str, int | None] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str, row: int | None) -> None:
        self.names[name] = row

    def check(self, items: list[dict], lists: Mapping[str, list[dict]]) -> None:
        """``X018`` for expressions using a left-out question; ``X019`` and ``[name]`` in texts."""
        if not self.names:
            return
        for question in all_questions(items):
            name = question.get("name", "")
            self.check_expressions(question, name)
            row, raw = self.index.row_of(name)
            for key, spellings in TEXT_KEYS.items():
                self.strip_references(question, key, "survey", row, raw, spellings)
        for list_name, choices in lists.items():
            row = self.index.choice_rows.get(list_name)
            for choice in choices:
                self.strip_references(choice, "label", "choices", row, {}, ("label",))

    def check_expressions(self, question: dict, name: str) -> None:
        for key in EXPRESSION_COLUMNS:
            text = question.get(key)
            if not isinstance(text, str) or (key == "default" and not is_expression(text)):
                continue
            try:
                tree = parse(text)
            except ExpressionSyntaxError:
                continue
            for ref in references(tree):
                if ref in self.names:
                    row, _ = self.index.row_of(name)
                    self.findings.error(
                        "X018",
                        "survey",
                        row,
                        self.index.column_of(name, EXPRESSION_COLUMNS[key], key),
                        name=name,
                        ref=ref,
                        ref_row=self.names[ref] or "?",
                    )

    def strip_references(
        self,
        holder: dict,
        key: str,
        sheet: str,
        row: int | None,
        raw: Mapping[str, object],
        spellings: tuple[str, ...],
    ) -> None:
        texts = holder.get(key)
        if not isinstance(texts, dict):
            return
        for lang, text in texts.items():
            found = [m for m in _REFERENCE.finditer(text) if m.group(1) in self.names]
            if not found:
                continue
            columns = [k for k in raw if header(k) in spellings]
            column = next(
                (
                    k
                    for k in columns
                    if language_of(k) != "default" and code_of(language_of(k)) == lang
                ),
                next((k for k in columns if language_of(k) == "default"), key),
            )
            for match in found:
                self.findings.warn("X019", sheet, row, column, ref=match.group(1), lang=lang)
            texts[lang] = _REFERENCE.sub(
                lambda m: f"[{m.group(1)}]" if m.group(1) in self.names else m.group(0), text
            )
