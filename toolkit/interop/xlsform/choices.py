"""Choice lists of a form: the choices sheet, the external_choices sheet, merged duplicates.

A list of the external_choices sheet keeps its name unless the choices sheet has a list of the
same name; it is then ``<list>_external``. Two choices of one value in a list
(``allow_choice_duplicates``) become one choice whose filter columns hold both values, and the
choice filters that test those columns are rewritten accordingly.
"""

from __future__ import annotations

from collections.abc import Mapping

from toolkit.instruments.expr import ExpressionSyntaxError, equality_to_selected, parse, to_text
from toolkit.interop.xlsform.left_out import all_questions
from toolkit.interop.xlsform.locate import Findings, header, language_of
from toolkit.interop.xlsform.sheets import SheetIndex
from toolkit.interop.xlsform.subset import CHOICE_COLUMNS, CHOICE_MEDIA_COLUMNS
from toolkit.interop.xlsform.translations import FormLanguages
from toolkit.interop.xlsform.values import yes

__all__ = ["ChoiceLists"]


class ChoiceLists:
    """Builds the model's choice lists of one form."""

    def __init__(self, index: SheetIndex, languages: FormLanguages, findings: Findings) -> None:
        self.index = index
        self.languages = languages
        self.findings = findings
        #: external_choices list name -> its model name.
        self.external_names: dict[str, str] = {}

    def external_list_name(self, original: str) -> str:
        """The model name of an ``external_choices`` list (renamed if ``choices`` has it)."""
        if original not in self.external_names:
            name = original
            taken = set(self.index.choice_rows) | set(self.external_names.values())
            if name in taken:
                name = f"{original}_external"
                while name in taken or name in self.index.external:
                    name += "_"
            self.external_names[original] = name
        return self.external_names[original]

    def build(self, form: Mapping, questions: list[dict]) -> dict[str, list[dict]]:
        """Every list in YAML shape (``value``, ``label``, ``missing``, ``filter``)."""
        lists: dict[str, list[dict]] = {}
        sources = [
            (name, choices, "choices", None)
            for name, choices in (form.get("choices") or {}).items()
        ]
        for original, name in self.external_names.items():
            rows = self.index.external[original]
            sources.append(
                (name, [_external_choice(raw) for _, raw in rows], "external_choices", rows[0][0])
            )
        for list_name, choices, sheet, first_row in sources:
            merged: dict[str, dict] = {}
            multi: set[str] = set()
            for choice in choices:
                value = str(choice.get("name", "")).strip()
                label = self.languages.text(choice.get("label"))
                if label is None:
                    label = {self.languages.default_code: value}
                    row = first_row or self.index.choice_rows.get(list_name)
                    self.findings.warn("X013", sheet, row, "label", value=value, list=list_name)
                filters = {
                    str(k): str(v)
                    for k, v in choice.items()
                    if k not in ("name", "label", "media", "mediation_missing")
                    and header(str(k)) not in CHOICE_COLUMNS | CHOICE_MEDIA_COLUMNS
                    and not str(k).startswith("$")
                }
                entry: dict = {"value": value, "label": label}
                if yes(choice.get("mediation_missing")):
                    entry["missing"] = True
                if value in merged:
                    where = (sheet, first_row or self.index.choice_rows.get(list_name))
                    self.merge_duplicate(list_name, merged[value], entry, filters, multi, where)
                    continue
                if filters:
                    entry["filter"] = filters
                merged[value] = entry
            if multi:
                _rewrite_filters(list_name, multi, questions)
            lists[list_name] = list(merged.values())
        return lists

    def merge_duplicate(
        self,
        list_name: str,
        first: dict,
        entry: dict,
        filters: dict,
        multi: set[str],
        where: tuple[str, int | None],
    ) -> None:
        """Two choices with one value (``allow_choice_duplicates``): one choice, filters joined."""
        sheet, row = where
        if first["label"] != entry["label"] or set(first.get("filter", {})) != set(filters):
            self.findings.error("X014", sheet, row, "name", value=entry["value"], list=list_name)
            return
        for key, value in filters.items():
            values = first["filter"][key].split()
            if value not in values:
                first["filter"][key] = " ".join([*values, value])
                multi.add(key)


def _rewrite_filters(list_name: str, keys: set[str], questions: list[dict]) -> None:
    """``${x} = cf`` becomes ``selected(cf, ${x})`` once ``cf`` holds several values."""
    for question in all_questions(questions):
        if question.get("choices") == list_name and question.get("choice_filter"):
            try:
                tree = parse(question["choice_filter"])
            except ExpressionSyntaxError:
                continue
            question["choice_filter"] = to_text(equality_to_selected(tree, keys))


def _external_choice(raw: Mapping[str, object]) -> dict:
    """An ``external_choices`` row in the shape of pyxform's JSON choices."""
    out: dict = {}
    labels: dict[str, str] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        column = header(key)
        if column in ("list_name", "list name"):
            continue
        if column in ("name", "value"):
            out["name"] = str(value)
        elif column == "label":
            labels[language_of(key)] = str(value)
        else:
            out[key] = str(value)
    if labels:
        out["label"] = labels
    return out
