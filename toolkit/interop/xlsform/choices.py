"""Choice lists of a form: the choices sheet, the external_choices sheet, merged duplicates.

A list of the external_choices sheet keeps its name unless the choices sheet has a list of the
same name; it is then ``<list>_external``. Two choices of one value in a list
(``allow_choice_duplicates``) become one choice whose filter columns hold both values, and the
choice filters that test those columns are rewritten accordingly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from toolkit.i18n import Msg
from toolkit.instruments.expr import ExpressionSyntaxError, equality_to_selected, parse, to_text
from toolkit.instruments.model import OTHER_VALUE
from toolkit.interop.xlsform.files import ChoiceFile, ChoiceFileError, read_choice_file
from toolkit.interop.xlsform.left_out import LeftOut, all_questions
from toolkit.interop.xlsform.locate import Findings, header, language_of
from toolkit.interop.xlsform.sheets import SheetIndex
from toolkit.interop.xlsform.subset import (
    CHOICE_COLUMNS,
    CHOICE_MEDIA_COLUMNS,
    FILE_ITEMSET,
    SELECT_MULTIPLE,
    SELECT_ONE,
)
from toolkit.interop.xlsform.translations import FormLanguages
from toolkit.interop.xlsform.values import yes

__all__ = ["ChoiceLists"]

SELECT_TYPES = (SELECT_ONE, SELECT_MULTIPLE)


class ChoiceLists:
    """Builds the model's choice lists of one form."""

    def __init__(self, index: SheetIndex, languages: FormLanguages, findings: Findings) -> None:
        self.index = index
        self.languages = languages
        self.findings = findings
        #: external_choices list name -> its model name.
        self.external_names: dict[str, str] = {}
        #: Choice file (as the form names it) -> its choices, or None when it was not read.
        self.files: dict[str, ChoiceFile | None] = {}
        #: Choice file -> its list name in the model.
        self.file_names: dict[str, str] = {}

    # ------------------------------------------------------------------ choice files

    def read_files(self, form: Mapping, media: Path, left_out: LeftOut, *, skip: bool) -> None:
        """Read every choice file the form names (``select_one_from_file``), from ``media``.

        A missing file is an error (``X063``; with ``skip`` a warning ``X010`` and the
        question is left out), an unreadable one too (``X064``).
        """
        failures: dict[str, tuple[str, dict[str, object]]] = {}
        for item in _json_questions(form.get("children", [])):
            itemset = str(item.get("itemset") or "")
            if not FILE_ITEMSET.search(itemset) or item.get("type") not in SELECT_TYPES:
                continue
            name = str(item.get("name", ""))
            row, _ = self.index.row_of(name)
            column = self.index.column_of(name, ("type",), "type")
            if itemset not in self.files:
                self.files[itemset], failure = _read(media, itemset, item)
                if failure is not None:
                    failures[itemset] = failure
                elif self.files[itemset].geometry_dropped:  # type: ignore[union-attr]
                    self.findings.warn("X065", "survey", row, column, file=itemset)
            if itemset not in failures:
                continue
            code, params = failures[itemset]
            left_out.add(name, row)
            if code == "X063" and skip:
                feature = Msg.of("feature.file_missing", **params)
                self.findings.warn(
                    "X010", "survey", row, column, feature=feature, value=itemset, name=name
                )
            else:
                self.findings.error(code, "survey", row, column, **params)

    def file_list_name(self, itemset: str) -> str | None:
        """The model name of the list read from a choice file (its stem), None if unread."""
        if self.files.get(itemset) is None:
            return None
        if itemset not in self.file_names:
            stem = re.sub(r"[^A-Za-z0-9_]+", "_", Path(itemset).stem).strip("_") or "fichier"
            name = stem if stem[0].isalpha() else f"f_{stem}"
            taken = (
                set(self.index.choice_rows)
                | set(self.external_names.values())
                | set(self.file_names.values())
            )
            while name in taken:
                name += "_fichier" if not name.endswith("_fichier") else "_"
            self.file_names[itemset] = name
        return self.file_names[itemset]

    def file_label_names(self) -> list[str]:
        """The language names of the labels of the choice files read."""
        names: dict[str, None] = {}
        for read in self.files.values():
            for choice in read.choices if read else ():
                label = choice.get("label")
                if isinstance(label, Mapping):
                    names.update(dict.fromkeys(str(k) for k in label))
        return list(names)

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
        sources: list[tuple[str, Sequence[Mapping], str, int | None]] = [
            (name, choices, "choices", None)
            for name, choices in (form.get("choices") or {}).items()
        ]
        for original, name in self.external_names.items():
            rows = self.index.external[original]
            sources.append(
                (name, [_external_choice(raw) for _, raw in rows], "external_choices", rows[0][0])
            )
        for itemset, name in self.file_names.items():
            read = self.files[itemset]
            if read is not None:
                sources.append((name, read.choices, itemset, read.lines[0]))
        generated_other = _generated_other(form, self.index)
        for list_name, choices, sheet, first_row in sources:
            merged: dict[str, dict] = {}
            multi: set[str] = set()
            for choice in choices:
                value = str(choice.get("name", "")).strip()
                if list_name in generated_other and value == OTHER_VALUE and sheet == "choices":
                    continue  # added by pyxform for or_other: the model derives it again
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


def _read(
    media: Path, itemset: str, item: Mapping
) -> tuple[ChoiceFile | None, tuple[str, dict[str, object]] | None]:
    """The choices of a file, or the code and parameters of why it could not be read."""
    try:
        read = read_choice_file(media / itemset, item.get("parameters") or {})
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None, ("X063", {"file": itemset, "media": str(media)})
    except (ChoiceFileError, OSError) as exc:
        reason = exc.reason if isinstance(exc, ChoiceFileError) else str(exc)
        line = getattr(exc, "line", None) or "?"
        return None, ("X064", {"file": itemset, "line": line, "error": reason})
    if not read.choices:
        return None, ("X064", {"file": itemset, "line": 1, "error": Msg.of("feature.no_choice")})
    return read, None


def _json_questions(children: list) -> Iterable[Mapping]:
    for child in children:
        if isinstance(child, Mapping):
            yield child
            yield from _json_questions(child.get("children") or [])


def _generated_other(form: Mapping, index: SheetIndex) -> set[str]:
    """Lists whose ``other`` choice pyxform added (``or_other`` without one in the sheet)."""
    items = list(_json_questions(form.get("children", [])))
    names = {str(item.get("name", "")) for item in items}
    out = set()
    for item in items:
        specify = f"{item.get('name', '')}_other"
        if specify in names and specify not in index.rows:
            list_name = str(item.get("list_name") or item.get("itemset") or "")
            if OTHER_VALUE not in index.choice_values.get(list_name, set()):
                out.add(list_name)
    return out


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
        elif key:
            out[str(key)] = str(value)
    if labels:
        out["label"] = labels
    return out
