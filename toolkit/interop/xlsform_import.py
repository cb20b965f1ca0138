"""Read an XLSForm (xlsx, xls, csv or md) into an instrument, through pyxform's own readers.

pyxform reads the workbook (``get_xlsform``: every file type, case-insensitive sheet and
column names) and resolves its aliases and groups (``workbook_to_json``); this module maps
that JSON to the YAML shape of our model and checks it with the usual loader. What lies
outside the model is reported with a coded problem naming the sheet, the row and the column,
in the manner of pyxform's ``[row : 3] On the 'survey' sheet...`` messages.

Left out with a warning (the form imports):

* ``X016`` automatic metadata (``start``, ``end``, ``today``, ``deviceid``, ``username``,
  ``audit``...): the store records the start and submission times and the collector itself;
* ``X017`` media and device capture (``image``, ``audio``, ``video``, ``file``, ``barcode``,
  ``osm``, ``geotrace``, ``geoshape``...) that the field app cannot collect;
* ``X011`` the ``entities`` sheet (ODK Central datasets: no effect on what is collected);
* ``X009`` presentation or deployment columns (media, ``rows``, ``public_key``...);
* ``X019`` a label, hint or message showing a left-out question: the reference becomes
  ``[name]``.

Errors (the form's logic would change, or depends on data outside the form): ``X018`` an
expression of a kept question refers to a left-out question; ``X004`` type (``rank``,
``select_one_from_file``, ``or_other``...), ``X005`` function (``pulldata()``...) or syntax,
``X007`` nested repeat. With ``skip_unsupported=True`` those questions are left out too and
the problem becomes a warning (``X010``).

Mapped: ``range`` becomes an integer (a decimal when pyxform says so) with ``minimum`` and
``maximum`` from its ``start`` and ``end``, and its step becomes a constraint (``(. - start)
mod step = 0``, or a rounding test for a decimal step). ``select_one_external`` and
``select_multiple_external`` become single and multiple choices whose list is read from the
``external_choices`` sheet (renamed ``<list>_external`` when the ``choices`` sheet has a list
of the same name), filter columns and ``choice_filter`` kept; the exporter writes them back
as plain ``select_one``/``select_multiple`` from the ``choices`` sheet, which every server and
client reads without an attached ``itemsets.csv``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from toolkit.errors import InstrumentError, Problem
from toolkit.i18n import Msg
from toolkit.instruments import Instrument, Question
from toolkit.instruments.expr import (
    FUNCTIONS,
    Call,
    ExpressionSyntaxError,
    parse,
    references,
    walk,
)
from toolkit.instruments.loader import NAME_RE, from_mapping
from toolkit.interop.languages import code_of
from toolkit.interop.xlsform_export import bounds_constraint
from toolkit.interop.xlsform_subset import (
    CHOICE_COLUMNS,
    CHOICE_MEDIA_COLUMNS,
    EXPRESSION_COLUMNS,
    RANGE,
    SELECT_MULTIPLE,
    SELECT_ONE,
    SELECT_ONE_EXTERNAL,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    UNSUPPORTED_SELECTS,
    model_type,
    type_defaults,
)

_TRUE = {"yes", "true", "true()", "1", "oui", "vrai"}
_FALSE = {"no", "false", "false()", "0", "non", "faux", ""}
_GENERATED = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
_FILE_ITEMSET = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)
#: pyxform passes ``select_multiple_external L`` through unchanged (it knows only the one).
_MULTIPLE_EXTERNAL = re.compile(r"^select[_ ]multiple[_ ]external\s+(\S+)$", re.IGNORECASE)
#: Questions left out with a warning: feature key -> warning code.
_LEFT_OUT = {"feature.metadata": "X016", "feature.media": "X017"}
#: Text fields of a question that may show other questions with ``${name}``.
_TEXT_KEYS = {
    "label": ("label",),
    "hint": ("hint",),
    "required_message": ("required_message", "requiredmsg"),
    "constraint_message": ("constraint_message", "constraintmsg", "constraining_message"),
}
_SHEET_ORDER = ("survey", "choices", "external_choices", "settings", "entities")
_REFERENCE = re.compile(r"\$\{\s*([^}\s]+)\s*\}")


@dataclass(frozen=True)
class XLSFormImport:
    """The instrument read from an XLSForm and the warnings about what was left out."""

    instrument: Instrument
    warnings: tuple[Problem, ...] = ()


def _header(key: str) -> str:
    """A column header without its language suffix, lower case: ``LABEL::EN`` -> ``label``."""
    return re.split(r"::?", key.strip(), maxsplit=1)[0].strip().lower()


class _Reader:
    def __init__(self, source: str, language: str, skip_unsupported: bool) -> None:
        self.source = source
        #: Questions left out (name -> row), whose references are checked at the end.
        self.left_out: dict[str, int | None] = {}
        #: Rows of the external_choices sheet by list name, and the model name of each list.
        self.external: dict[str, list[tuple[int, dict]]] = {}
        self.external_names: dict[str, str] = {}
        self.fallback_language = language
        self.skip = skip_unsupported
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: dict[str, tuple[int, dict]] = {}
        self.choice_rows: dict[str, int] = {}
        self.default_code = language
        self.codes: dict[str, str] = {}
        self.languages: list[str] = []

    # ------------------------------------------------------------------ problems

    def where(self, sheet: str) -> str:
        return f"{self.source}[{sheet}]"

    def located(
        self, code: str, sheet: str, row: int | None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(
            code,
            {"sheet": sheet, "row": row or "?", "column": column or "", **params},
            file=self.where(sheet),
            line=row,
        )

    def unsupported(
        self, name: str, column_key: str, feature: Msg | str, value: str, *, drop: bool = True
    ) -> bool:
        """Report an unsupported feature of question ``name``; True when it must be left out."""
        row, raw = self.rows.get(name, (None, {}))
        column = self.raw_column(raw, (column_key,)) or column_key
        if self.skip and drop:
            self.warnings.append(
                self.located("X010", "survey", row, column, feature=feature, value=value, name=name)
            )
            self.left_out[name] = row
            return True
        self.errors.append(
            self.located("X004", "survey", row, column, feature=feature, value=value)
        )
        return True

    @staticmethod
    def raw_column(raw: Mapping[str, object], spellings: Iterable[str]) -> str | None:
        wanted = set(spellings)
        return next((key for key in raw if _header(key) in wanted), None)

    # ------------------------------------------------------------------ sheets as read

    def index_rows(self, workbook: DefinitionData) -> None:
        for number, raw in enumerate(workbook.survey or [], start=2):
            name_key = self.raw_column(raw, ("name",))
            if name_key and raw.get(name_key):
                self.rows.setdefault(str(raw[name_key]).strip(), (number, raw))
        for number, raw in enumerate(workbook.choices or [], start=2):
            list_key = self.raw_column(raw, ("list_name", "list name"))
            if list_key and raw.get(list_key):
                self.choice_rows.setdefault(str(raw[list_key]).strip(), number)

    def leave_out(self, name: str, raw_type: str, feature: Msg, code: str) -> None:
        """Leave out question ``name`` with warning ``code`` (metadata, media)."""
        row, raw = self.rows.get(name, (None, {}))
        column = self.raw_column(raw, ("type",)) or "type"
        self.warnings.append(
            self.located(code, "survey", row, column, feature=feature, value=raw_type, name=name)
        )
        self.left_out[name] = row

    def check_sheets(self, workbook: DefinitionData) -> None:
        if workbook.entities:
            feature = Msg.of("feature.entities")
            self.warnings.append(self.located("X011", "entities", 2, None, feature=feature))
        for number, raw in enumerate(workbook.external_choices or [], start=2):
            list_key = self.raw_column(raw, ("list_name", "list name"))
            if list_key and raw.get(list_key):
                self.external.setdefault(str(raw[list_key]).strip(), []).append((number, raw))
        self.ignored_columns("survey", workbook.survey or [], self.survey_column_known)
        self.ignored_columns("choices", workbook.choices or [], self.choice_column_known)
        self.ignored_columns(
            "external_choices", workbook.external_choices or [], self.choice_column_known
        )
        self.ignored_columns("settings", workbook.settings or [], self.settings_column_known)

    def ignored_columns(self, sheet: str, rows: list[dict], known: object) -> None:
        reported: set[str] = set()
        for number, raw in enumerate(rows, start=2):
            for key, value in raw.items():
                if value in (None, "") or key in reported or known(key):  # type: ignore[operator]
                    continue
                if sheet == "survey" and _header(key) == "parameters" and _is_range(raw):
                    continue  # start, end and step become the bounds and a constraint
                reported.add(key)
                self.warnings.append(self.located("X009", sheet, number, key))

    @staticmethod
    def survey_column_known(key: str) -> bool:
        return _header(key) in SURVEY_COLUMNS or key.lower().startswith("mediation_")

    @staticmethod
    def choice_column_known(key: str) -> bool:
        # Other choice columns are filter columns, kept as such.
        return _header(key) not in CHOICE_MEDIA_COLUMNS and not key.startswith("$")

    @staticmethod
    def settings_column_known(key: str) -> bool:
        return key.strip().lower() in SETTINGS_COLUMNS or key.lower().startswith("mediation_")

    # ------------------------------------------------------------------ languages

    def setup_languages(self, form: Mapping) -> None:
        declared = form.get("mediation_languages")
        names: dict[str, None] = {}
        self.collect_names(form.get("children", []), names)
        for choices in (form.get("choices") or {}).values():
            for choice in choices:
                if isinstance(choice.get("label"), Mapping):
                    names.update(dict.fromkeys(choice["label"]))
        for rows in self.external.values():
            for _, raw in rows:
                names.update(dict.fromkeys(_language_of(k) for k in raw if _header(k) == "label"))
        explicit = [n for n in names if n != "default"]
        default_setting = str(form.get("default_language") or "default")
        if default_setting != "default":
            self.default_code = code_of(default_setting)
        elif explicit:
            self.default_code = code_of(explicit[0])
        codes: dict[str, None] = {self.default_code: None}
        if isinstance(declared, str) and declared.split():
            codes = dict.fromkeys(declared.split())
            self.default_code = next(iter(codes))
        for name in explicit:
            codes.setdefault(code_of(name))
        self.languages = list(codes)

    def collect_names(self, children: list, names: dict[str, None]) -> None:
        for child in children:
            for value in (
                child.get("label"),
                child.get("hint"),
                (child.get("bind") or {}).get("jr:constraintMsg"),
                (child.get("bind") or {}).get("jr:requiredMsg"),
            ):
                if isinstance(value, Mapping):
                    names.update(dict.fromkeys(value))
                elif isinstance(value, str):
                    names.setdefault("default")
            self.collect_names(child.get("children", []), names)

    def text(self, value: object) -> dict[str, str] | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return {self.default_code: value}
        out: dict[str, str] = {}
        for name, text in value.items():  # type: ignore[union-attr]
            if name == "default":
                out.setdefault(self.default_code, str(text))
            else:
                out[code_of(name)] = str(text)
        return out or None

    # ------------------------------------------------------------------ expressions

    def check_expressions(self, name: str, values: Mapping[str, str | None]) -> bool:
        """Report functions and syntax outside the subset; True when the question is kept."""
        keep = True
        for key, text in values.items():
            if not text:
                continue
            if key == "appearance":
                if "search(" in text:
                    keep = not self.expression_problem(name, key, Msg.of("feature.search"), text)
                continue
            try:
                tree = parse(text)
            except ExpressionSyntaxError:
                keep = not self.expression_problem(name, key, Msg.of("feature.syntax"), text)
                continue
            for node in walk(tree):
                if isinstance(node, Call) and node.name not in FUNCTIONS:
                    feature = Msg.of("feature.function", function=node.name)
                    keep = not self.expression_problem(name, key, feature, text) and keep
        return keep

    def expression_problem(self, name: str, key: str, feature: Msg, text: str) -> bool:
        row, raw = self.rows.get(name, (None, {}))
        column = self.raw_column(raw, EXPRESSION_COLUMNS[key]) or key
        if self.skip:
            self.warnings.append(
                self.located("X010", "survey", row, column, feature=feature, value=text, name=name)
            )
            self.left_out[name] = row
            return True
        self.errors.append(self.located("X005", "survey", row, column, feature=feature, value=text))
        return True

    # ------------------------------------------------------------------ questions

    def children(
        self, items: list, in_repeat: bool, lists: set[str], matrix: bool = False
    ) -> list[dict]:
        out: list[dict] = []
        items = list(items)
        generated_counts = {
            f"{item['name']}_count"
            for item in items
            if item.get("type") == "repeat"
            and (item.get("control") or {}).get("jr:count") == f"${{{item['name']}_count}}"
            and f"{item['name']}_count" not in self.rows
        }
        for item in items:
            name = str(item.get("name", ""))
            if name.startswith(_GENERATED) or name in generated_counts:
                continue
            if item.get("type") == "group" and (item.get("control") or {}).get("bodyless"):
                # The meta group pyxform adds (instanceID, entity): only audit comes from a row.
                for child in item.get("children", []):
                    if str(child.get("name", "")) in self.rows:
                        self.question(child, in_repeat, lists, [])
                continue
            question = self.question(item, in_repeat, lists, items)
            if question is not None:
                out.append(question)
        return out

    def question(
        self, item: Mapping, in_repeat: bool, lists: set[str], siblings: list
    ) -> dict | None:
        name = str(item.get("name", ""))
        json_type = str(item.get("type", ""))
        row, raw = self.rows.get(name, (None, {}))
        raw_type = str(raw.get(self.raw_column(raw, ("type",)) or "type", json_type))
        bind = dict(item.get("bind") or {})
        control = dict(item.get("control") or {})
        appearance = self.raw_appearance(raw, control, name in self.rows)
        marker = item.get("mediation_type")
        out: dict = {"name": name}
        range_limits: dict = {}
        if "or_other" in raw_type.split():
            self.unsupported(name, "type", Msg.of("feature.or_other"), raw_type)
            return None
        if json_type in ("group", "repeat"):
            qtype = "repeat" if json_type == "repeat" else "group"
            if qtype == "repeat" and in_repeat:
                problem = self.located("X007", "survey", row, self.raw_column(raw, ("type",)))
                (self.warnings if self.skip else self.errors).append(problem)
                self.left_out[name] = row
                return None
        elif json_type in UNSUPPORTED_SELECTS:
            self.unsupported(name, "type", Msg.of(UNSUPPORTED_SELECTS[json_type]), raw_type)
            return None
        elif json_type == SELECT_ONE_EXTERNAL or _MULTIPLE_EXTERNAL.match(json_type):
            # pyxform knows only select_one_external and passes the multiple one through.
            multiple = _MULTIPLE_EXTERNAL.match(json_type)
            itemset = multiple.group(1) if multiple else str(item.get("itemset") or "")
            if itemset not in self.external:
                feature = Msg.of("feature.external_list", list=itemset)
                self.unsupported(name, "type", feature, raw_type, drop=False)
                return None
            qtype = "multiple_choice" if multiple else "single_choice"
            out["choices"] = self.external_list_name(itemset)
            lists.add(out["choices"])
        elif json_type in (SELECT_ONE, SELECT_MULTIPLE):
            itemset = str(item.get("itemset") or item.get("list_name") or "")
            if _FILE_ITEMSET.search(itemset):
                self.unsupported(name, "type", Msg.of("feature.from_file"), raw_type)
                return None
            qtype = "single_choice" if json_type == SELECT_ONE else "multiple_choice"
            out["choices"] = itemset
            lists.add(itemset)
        else:
            mapped = model_type(json_type, bind.get("type"))
            if isinstance(mapped, Msg):
                if mapped.key in _LEFT_OUT:
                    self.leave_out(name, raw_type, mapped, _LEFT_OUT[mapped.key])
                else:
                    self.unsupported(name, "type", mapped, raw_type)
                return None
            qtype = mapped
            if json_type == RANGE:
                range_limits = _range_limits(item.get("parameters") or {})
            for key, value in type_defaults(json_type).items():
                if key == "constraint":
                    bind.setdefault("constraint", value)
                else:
                    item = {**item, "hint": item.get("hint", value)}
        tokens = (appearance or "").split()
        if qtype == "text" and "multiline" in tokens and marker is None:
            qtype = "long_text"
        if marker:
            qtype = self.marker_type(name, str(marker), qtype)
        if qtype == "long_text" and "multiline" in tokens:
            tokens.remove("multiline")
        if qtype == "likert_matrix" and "table-list" in tokens:
            tokens.remove("table-list")
        appearance = " ".join(tokens) or None
        expressions = {
            "relevant": bind.get("relevant"),
            "constraint": bind.get("constraint"),
            "calculation": bind.get("calculate"),
            "choice_filter": item.get("choice_filter"),
            "default": item.get("default") if _is_expression(item.get("default")) else None,
            "appearance": appearance,
        }
        required = str(bind.get("required", "")).strip()
        if required.lower() not in _TRUE | _FALSE:
            expressions["required"] = required
        repeat_count = self.repeat_count(item, control, siblings)
        if repeat_count:
            expressions["repeat_count"] = repeat_count
        if not self.check_expressions(name, expressions):
            return None
        out["type"] = qtype
        label = self.text(item.get("label"))
        hint = self.text(item.get("hint"))
        if qtype in ("group", "likert_matrix"):
            for child in item.get("children", []):
                if str(child.get("name", "")).startswith(_GENERATED[0]):
                    label = label or self.text(child.get("label"))
                    hint = hint or self.text(child.get("hint"))
        if label is not None and not _yes(item.get("mediation_nolabel")):
            out["label"] = label
        if hint is not None:
            out["hint"] = hint
        if required.lower() in _TRUE:
            out["required"] = True
        elif required.lower() not in _FALSE:
            out["required"] = required
        for key, bind_key in (
            ("required_message", "jr:requiredMsg"),
            ("constraint_message", "jr:constraintMsg"),
        ):
            text = self.text(bind.get(bind_key))
            if text is not None:
                out[key] = text
        if bind.get("relevant"):
            out["relevant"] = bind["relevant"]
        self.bounds(item, bind.get("constraint"), out)
        if range_limits:
            out.update(minimum=range_limits["minimum"], maximum=range_limits["maximum"])
            step = range_limits.get("step")
            if step:
                out["constraint"] = (
                    f"{step} and ({out['constraint']})" if out.get("constraint") else step
                )
        if bind.get("calculate") and qtype == "calculate":
            out["calculation"] = bind["calculate"]
        for key in ("default", "choice_filter"):
            if item.get(key) not in (None, ""):
                out[key] = str(item[key])
        if str(bind.get("readonly", "")).strip().lower() in _TRUE:
            out["read_only"] = True
        if _yes(item.get("mediation_pii")):
            out["pii"] = True
        if appearance:
            out["appearance"] = appearance
        if repeat_count:
            out["repeat_count"] = repeat_count
        if qtype in ("group", "repeat"):
            before = len(self.left_out)
            out["questions"] = self.children(
                item.get("children", []), in_repeat or qtype == "repeat", lists
            )
            if not out["questions"] and len(self.left_out) > before:
                self.leave_out(name, raw_type, Msg.of("feature.emptied"), "X010")
                return None
        elif qtype == "likert_matrix":
            rows = self.children(item.get("children", []), in_repeat, lists, matrix=True)
            out["choices"] = next((r["choices"] for r in rows if "choices" in r), None)
            keep = ("name", "label", "hint", "required", "required_message", "relevant", "pii")
            out["items"] = [{k: v for k, v in r.items() if k in keep} for r in rows]
        return out

    def marker_type(self, name: str, marker: str, natural: str) -> str:
        from toolkit.instruments import QUESTION_TYPES

        if marker in QUESTION_TYPES:
            return marker
        row, raw = self.rows.get(name, (None, {}))
        column = self.raw_column(raw, ("mediation_type",)) or "mediation_type"
        self.errors.append(self.located("X012", "survey", row, column, value=marker))
        return natural

    @staticmethod
    def raw_appearance(raw: Mapping, control: Mapping, has_row: bool) -> str | None:
        """The appearance as written: pyxform rewrites it inside table-lists."""
        for key, value in raw.items():
            if _header(key) == "appearance" and value not in (None, ""):
                return str(value).strip()
        value = None if has_row else control.get("appearance")
        return str(value).strip() if value else None

    def repeat_count(self, item: Mapping, control: Mapping, siblings: list) -> str | None:
        count = control.get("jr:count")
        if not count:
            return None
        generated = f"{item['name']}_count"
        if count == f"${{{generated}}}" and generated not in self.rows:
            for sibling in siblings:
                if sibling.get("name") == generated:
                    return str((sibling.get("bind") or {}).get("calculate", count))
        return str(count)

    def bounds(self, item: Mapping, constraint: str | None, out: dict) -> None:
        bounds: dict[str, float | int] = {}
        for key in ("minimum", "maximum"):
            raw = item.get(f"mediation_{key}")
            if raw not in (None, ""):
                try:
                    number = float(raw)
                except ValueError:
                    continue
                bounds[key] = int(raw) if re.fullmatch(r"[+-]?\d+", str(raw)) else number
        out.update(bounds)
        if not constraint:
            return
        if bounds:
            generated = bounds_constraint(Question(name="_", type="decimal", **bounds))
            if constraint == generated:
                return
            prefix = f"{generated} and ("
            if constraint.startswith(prefix) and constraint.endswith(")"):
                out["constraint"] = constraint[len(prefix) : -1]
                return
        out["constraint"] = constraint

    # ------------------------------------------------------------------ choices

    def choice_lists(self, form: Mapping, used: set[str], questions: list[dict]) -> dict:
        lists: dict[str, list[dict]] = {}
        sources = [
            (name, choices, "choices", None)
            for name, choices in (form.get("choices") or {}).items()
        ]
        for original, name in self.external_names.items():
            rows = self.external[original]
            sources.append(
                (name, [_external_choice(raw) for _, raw in rows], "external_choices", rows[0][0])
            )
        for list_name, choices, sheet, first_row in sources:
            merged: dict[str, dict] = {}
            multi: set[str] = set()
            for choice in choices:
                value = str(choice.get("name", "")).strip()
                label = self.text(choice.get("label"))
                if label is None:
                    label = {self.default_code: value}
                    row = first_row or self.choice_rows.get(list_name)
                    self.warnings.append(
                        self.located("X013", sheet, row, "label", value=value, list=list_name)
                    )
                filters = {
                    str(k): str(v)
                    for k, v in choice.items()
                    if k not in ("name", "label", "media", "mediation_missing")
                    and _header(str(k)) not in CHOICE_COLUMNS | CHOICE_MEDIA_COLUMNS
                    and not str(k).startswith("$")
                }
                entry = {"value": value, "label": label}
                if _yes(choice.get("mediation_missing")):
                    entry["missing"] = True
                if value in merged:
                    where = (sheet, first_row or self.choice_rows.get(list_name))
                    self.merge_duplicate(list_name, merged[value], entry, filters, multi, where)
                    continue
                if filters:
                    entry["filter"] = filters
                merged[value] = entry
            if multi:
                self.rewrite_filters(list_name, multi, questions)
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
            self.errors.append(
                self.located("X014", sheet, row, "name", value=entry["value"], list=list_name)
            )
            return
        for key, value in filters.items():
            values = first["filter"][key].split()
            if value not in values:
                first["filter"][key] = " ".join([*values, value])
                multi.add(key)

    def rewrite_filters(self, list_name: str, keys: set[str], questions: list[dict]) -> None:
        """``${x} = cf`` becomes ``selected(cf, ${x})`` once ``cf`` holds several values."""
        from toolkit.instruments.expr import BinOp, Name, to_text

        def rewrite(node: object) -> object:
            if isinstance(node, BinOp):
                if node.op in ("=", "!="):
                    for side, other in ((node.left, node.right), (node.right, node.left)):
                        if isinstance(side, Name) and side.name in keys:
                            call = Call("selected", (side, other))
                            return call if node.op == "=" else Call("not", (call,))
                return BinOp(node.op, rewrite(node.left), rewrite(node.right))  # type: ignore[arg-type]
            if isinstance(node, Call):
                return Call(node.name, tuple(rewrite(a) for a in node.args))  # type: ignore[misc]
            return node

        for question in _all_questions(questions):
            if question.get("choices") == list_name and question.get("choice_filter"):
                try:
                    tree = parse(question["choice_filter"])
                except ExpressionSyntaxError:
                    continue
                question["choice_filter"] = to_text(rewrite(tree))  # type: ignore[arg-type]

    def external_list_name(self, original: str) -> str:
        """The model name of an ``external_choices`` list (renamed if ``choices`` has it)."""
        if original not in self.external_names:
            name = original
            taken = set(self.choice_rows) | set(self.external_names.values())
            if name in taken:
                name = f"{original}_external"
                while name in taken or name in self.external:
                    name += "_"
            self.external_names[original] = name
        return self.external_names[original]

    # ------------------------------------------------------------------ left-out questions

    def check_left_out(self, items: list[dict], lists: Mapping[str, list[dict]]) -> None:
        """Expressions may not use a left-out question (``X018``); texts lose the reference."""
        if not self.left_out:
            return
        for question in _all_questions(items):
            name = question.get("name", "")
            for key in EXPRESSION_COLUMNS:
                text = question.get(key)
                if not isinstance(text, str) or (key == "default" and not _is_expression(text)):
                    continue
                try:
                    tree = parse(text)
                except ExpressionSyntaxError:
                    continue
                for ref in references(tree):
                    if ref in self.left_out:
                        row, raw = self.rows.get(name, (None, {}))
                        column = self.raw_column(raw, EXPRESSION_COLUMNS[key]) or key
                        self.errors.append(
                            self.located(
                                "X018",
                                "survey",
                                row,
                                column,
                                name=name,
                                ref=ref,
                                ref_row=self.left_out[ref] or "?",
                            )
                        )
            row, raw = self.rows.get(name, (None, {}))
            for key, spellings in _TEXT_KEYS.items():
                self.strip_references(question, key, "survey", row, raw, spellings)
        for list_name, choices in lists.items():
            row = self.choice_rows.get(list_name)
            for choice in choices:
                self.strip_references(choice, "label", "choices", row, {}, ("label",))

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
            found = [m for m in _REFERENCE.finditer(text) if m.group(1) in self.left_out]
            if not found:
                continue
            columns = [k for k in raw if _header(k) in spellings]
            column = next(
                (
                    k
                    for k in columns
                    if _language_of(k) != "default" and code_of(_language_of(k)) == lang
                ),
                next((k for k in columns if _language_of(k) == "default"), key),
            )
            for match in found:
                self.warnings.append(
                    self.located("X019", sheet, row, column, ref=match.group(1), lang=lang)
                )
            texts[lang] = _REFERENCE.sub(
                lambda m: f"[{m.group(1)}]" if m.group(1) in self.left_out else m.group(0), text
            )

    # ------------------------------------------------------------------ whole form

    def instrument_dict(self, form: Mapping) -> dict:
        used: set[str] = set()
        items = self.children(form.get("children", []), False, used)
        lists = self.choice_lists(form, used, items)
        self.check_left_out(items, lists)
        inline = set(str(form.get("mediation_inline") or "").split())
        self.inline_lists(items, lists, inline)
        form_id = str(form.get("id_string") or form.get("name") or "form")
        out: dict = {
            "id": _safe_id(form_id),
            "version": str(form.get("version") or "1"),
            "title": self.settings_json(form, "mediation_title")
            or {self.default_code: str(form.get("title") or form_id)},
            "languages": self.languages,
        }
        description = self.settings_json(form, "mediation_description")
        if description:
            out["description"] = description
        analysis = self.settings_json(form, "mediation_analysis")
        if analysis:
            out["analysis"] = analysis
        privacy = self.settings_json(form, "mediation_privacy")
        if privacy:
            out["privacy"] = privacy
        if lists:
            out["choice_lists"] = lists
        layout = form.get("mediation_layout")
        if layout not in ("sections", "questions"):
            layout = (
                "sections"
                if items and all(q["type"] in ("group", "repeat") for q in items)
                else "questions"
            )
        out[str(layout)] = items
        return out

    def inline_lists(self, items: list[dict], lists: dict, inline: set[str]) -> None:
        for question in _all_questions(items):
            name = question.get("choices")
            if (
                isinstance(name, str)
                and name in inline
                and name == question["name"]
                and name in lists
            ):
                question["choices"] = lists.pop(name)

    def settings_json(self, form: Mapping, key: str) -> dict | None:
        raw = form.get(key)
        if raw in (None, ""):
            return None
        try:
            value = json.loads(str(raw))
        except ValueError:
            value = None
        if not isinstance(value, dict):
            self.errors.append(self.located("X015", "settings", 2, key))
            return None
        return value

    def relocate(self, problems: Iterable[Problem]) -> list[Problem]:
        """Loader problems point at survey or choices rows instead of YAML lines."""
        out = []
        for problem in problems:
            name = problem.field or ""
            if name in self.rows:
                out.append(replace(problem, file=self.where("survey"), line=self.rows[name][0]))
            elif name in self.choice_rows:
                out.append(
                    replace(problem, file=self.where("choices"), line=self.choice_rows[name])
                )
            else:
                out.append(replace(problem, file=self.source, line=None))
        return out


def _all_questions(items: list[dict]) -> Iterable[dict]:
    for item in items:
        yield item
        yield from _all_questions(item.get("questions", []))
        yield from _all_questions(item.get("items", []))


def _language_of(key: str) -> str:
    """The language part of a column header: ``label::English (en)`` -> ``English (en)``."""
    parts = re.split(r"::?", key.strip(), maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[1].strip() else "default"


def _external_choice(raw: Mapping[str, object]) -> dict:
    """An ``external_choices`` row in the shape of pyxform's JSON choices."""
    out: dict = {}
    labels: dict[str, str] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        header = _header(key)
        if header in ("list_name", "list name"):
            continue
        if header in ("name", "value"):
            out["name"] = str(value)
        elif header == "label":
            labels[_language_of(key)] = str(value)
        else:
            out[key] = str(value)
    if labels:
        out["label"] = labels
    return out


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _range_limits(parameters: Mapping[str, str]) -> dict:
    """Bounds and step constraint of a ``range`` (pyxform has checked the numbers)."""
    start = Decimal(str(parameters.get("start", "1")))
    end = Decimal(str(parameters.get("end", "10")))
    step = abs(Decimal(str(parameters.get("step", "1"))))
    out: dict = {
        "minimum": _number(str(min(start, end))),
        "maximum": _number(str(max(start, end))),
    }
    offset = f"(. - {start})" if start else "."
    if start.to_integral_value() == start and step.to_integral_value() == step:
        if step != 1:
            out["step"] = f"{offset} mod {step} = 0"
    else:
        out["step"] = f"round({offset} div {step}, 6) = round({offset} div {step})"
    return out


def _is_range(raw: Mapping[str, object]) -> bool:
    return any(
        _header(k) == "type" and str(v or "").strip().lower() == RANGE for k, v in raw.items()
    )


def _yes(value: object) -> bool:
    return str(value or "").strip().lower() in _TRUE


def _is_expression(value: object) -> bool:
    return isinstance(value, str) and ("${" in value or "(" in value)


def _safe_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_") or "form"
    return cleaned if NAME_RE.match(cleaned) else f"f_{cleaned}"


def _duplicate_column(path: Path, message: str) -> Problem | None:
    """Locate pyxform's ``Duplicate column header: label`` in the workbook (xlsx only)."""
    column = message.split(":", 1)[1].strip()
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return Problem("X002", {"sheet": "?", "row": 1, "column": column}, file=str(path), line=1)
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        for sheet in workbook.worksheets:
            header = next(sheet.iter_rows(max_row=1, values_only=True), ())
            cells = [str(v).strip() for v in header if v is not None]
            if column in cells and cells.count(column) > 1:
                index = [
                    i for i, v in enumerate(header) if v is not None and str(v).strip() == column
                ][1]
                letter = _letter(index)
                return Problem(
                    "X002",
                    {"sheet": sheet.title, "row": 1, "column": f"{column} ({letter}1)"},
                    file=f"{path}[{sheet.title}]",
                    line=1,
                )
    finally:
        workbook.close()
    return None


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_xlsform(
    path: str | Path, *, language: str = "fr", skip_unsupported: bool = False
) -> XLSFormImport:
    """Read an XLSForm file (``.xlsx``, ``.xls``, ``.csv`` or ``.md``) into an instrument.

    Parameters
    ----------
    path
        The form.
    language
        Language code of the labels written without a language (``label`` alone) when the
        form declares no ``default_language``.
    skip_unsupported
        Also leave out (with a ``X010`` warning) the questions whose feature is otherwise an
        error (``pulldata()``, ``select_one_from_file``, ``rank``, nested repeat...).
        Metadata and media questions are left out with a warning in any case.

    Returns
    -------
    XLSFormImport
        The instrument and the warnings (:class:`~toolkit.errors.Problem`, each naming the
        sheet, row and column): metadata (``X016``) and media (``X017``) questions left out,
        entities ignored (``X011``), columns ignored (``X009``), references in texts to
        left-out questions (``X019``)...

    Raises
    ------
    InstrumentError
        Every problem of the form, each naming the sheet and the row: ``X001`` unreadable,
        ``X002`` duplicate column, ``X004``-``X007`` outside the subset, ``X008`` refused by
        pyxform, ``X018`` an expression using a left-out question, and the usual instrument
        codes (``I012``...) for the converted form.
    """
    path = Path(path)
    source = str(path)
    try:
        workbook = get_xlsform(xlsform=str(path))
    except PyXFormError as exc:
        message = str(exc)
        located = _duplicate_column(path, message) if "Duplicate column" in message else None
        raise InstrumentError(
            problems=[located or Problem("X001", {"error": message}, file=source)]
        ) from None
    except (OSError, ValueError) as exc:
        raise InstrumentError(
            problems=[Problem("X001", {"error": str(exc)}, file=source)]
        ) from None
    reader = _Reader(source, language, skip_unsupported)
    reader.index_rows(workbook)
    reader.check_sheets(workbook)
    pyxform_warnings: list[str] = []
    try:
        form = workbook_to_json(
            workbook_dict=workbook,
            fallback_form_name=workbook.fallback_form_name,
            warnings=pyxform_warnings,
        )
    except PyXFormError as exc:
        raise InstrumentError(
            problems=[*reader.errors, Problem("X008", {"error": str(exc)}, file=source)]
        ) from None
    reader.setup_languages(form)
    data = reader.instrument_dict(form)
    if reader.errors:
        raise InstrumentError(problems=reader.errors)
    try:
        instrument = from_mapping(data, source=source)
    except InstrumentError as exc:
        raise InstrumentError(problems=reader.relocate(exc.problems)) from None
    return XLSFormImport(instrument, tuple(sorted(reader.warnings, key=_warning_order)))


def _warning_order(problem: Problem) -> tuple[int, int]:
    """Warnings sheet by sheet (survey first), row by row, in the order found within a row."""
    sheet = str(problem.params.get("sheet", ""))
    order = _SHEET_ORDER.index(sheet) if sheet in _SHEET_ORDER else len(_SHEET_ORDER)
    return order, problem.line or 0


__all__ = ["XLSFormImport", "read_xlsform"]
