"""Map the questions of pyxform's JSON to the YAML shape of the model.

Each JSON question is looked up with its row of the survey sheet (for the appearance as
written and for locating problems), its type is mapped (:mod:`.subset`), its expressions are
checked against the functions and syntax the toolkit evaluates, and its children are mapped in
turn. A question outside the model is either left out with a warning (metadata, media) or an
error; ``skip_unsupported`` turns those errors into warnings too (``X010``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from toolkit.i18n import Msg
from toolkit.instruments import QUESTION_TYPES
from toolkit.instruments.expr import FUNCTIONS, Call, ExpressionSyntaxError, parse, walk
from toolkit.interop.xlsform.choices import ChoiceLists
from toolkit.interop.xlsform.export import bounds_constraint
from toolkit.interop.xlsform.left_out import LeftOut
from toolkit.interop.xlsform.locate import Findings, header
from toolkit.interop.xlsform.sheets import SheetIndex
from toolkit.interop.xlsform.subset import (
    EXPRESSION_COLUMNS,
    RANGE,
    SELECT_MULTIPLE,
    SELECT_ONE,
    SELECT_ONE_EXTERNAL,
    UNSUPPORTED_SELECTS,
    model_type,
    type_defaults,
)
from toolkit.interop.xlsform.translations import FormLanguages
from toolkit.interop.xlsform.values import FALSE, TRUE, is_expression, range_limits, yes

__all__ = ["QuestionMapper"]

#: Names pyxform gives the nodes it adds (labels of table-lists and field-lists).
GENERATED = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
_FILE_ITEMSET = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)
#: pyxform passes ``select_multiple_external L`` through unchanged (it knows only the one).
_MULTIPLE_EXTERNAL = re.compile(r"^select[_ ]multiple[_ ]external\s+(\S+)$", re.IGNORECASE)
#: Questions left out with a warning: feature key -> warning code.
_LEFT_OUT = {"feature.metadata": "X016", "feature.media": "X017"}
_MATRIX_ROW_KEYS = ("name", "label", "hint", "required", "required_message", "relevant", "pii")


class QuestionMapper:
    """Maps the JSON questions of one form; problems go to ``findings``."""

    def __init__(
        self,
        index: SheetIndex,
        languages: FormLanguages,
        choices: ChoiceLists,
        left_out: LeftOut,
        findings: Findings,
        *,
        skip_unsupported: bool,
    ) -> None:
        self.index = index
        self.languages = languages
        self.choices = choices
        self.left_out = left_out
        self.findings = findings
        self.skip = skip_unsupported

    # ------------------------------------------------------------------ problems

    def unsupported(
        self, name: str, column_key: str, feature: Msg | str, value: str, *, drop: bool = True
    ) -> None:
        """Report an unsupported feature of question ``name``: an error, or a warning (X010)."""
        row, _ = self.index.row_of(name)
        column = self.index.column_of(name, (column_key,), column_key)
        if self.skip and drop:
            self.findings.warn(
                "X010", "survey", row, column, feature=feature, value=value, name=name
            )
            self.left_out.add(name, row)
            return
        self.findings.error("X004", "survey", row, column, feature=feature, value=value)

    def leave_out(self, name: str, raw_type: str, feature: Msg, code: str) -> None:
        """Leave out question ``name`` with warning ``code`` (metadata, media)."""
        row, _ = self.index.row_of(name)
        column = self.index.column_of(name, ("type",), "type")
        self.findings.warn(code, "survey", row, column, feature=feature, value=raw_type, name=name)
        self.left_out.add(name, row)

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
        row, _ = self.index.row_of(name)
        column = self.index.column_of(name, EXPRESSION_COLUMNS[key], key)
        if self.skip:
            self.findings.warn(
                "X010", "survey", row, column, feature=feature, value=text, name=name
            )
            self.left_out.add(name, row)
            return True
        self.findings.error("X005", "survey", row, column, feature=feature, value=text)
        return True

    # ------------------------------------------------------------------ questions

    def children(
        self, items: list, in_repeat: bool, lists: set[str], matrix: bool = False
    ) -> list[dict]:
        """The YAML shape of a list of JSON children; ``lists`` collects the lists used."""
        out: list[dict] = []
        items = list(items)
        generated_counts = {
            f"{item['name']}_count"
            for item in items
            if item.get("type") == "repeat"
            and (item.get("control") or {}).get("jr:count") == f"${{{item['name']}_count}}"
            and f"{item['name']}_count" not in self.index.rows
        }
        for item in items:
            name = str(item.get("name", ""))
            if name.startswith(GENERATED) or name in generated_counts:
                continue
            if item.get("type") == "group" and (item.get("control") or {}).get("bodyless"):
                # The meta group pyxform adds (instanceID, entity): only audit comes from a row.
                for child in item.get("children", []):
                    if str(child.get("name", "")) in self.index.rows:
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
        row, raw = self.index.row_of(name)
        raw_type = str(raw.get(self.index.column_of(name, ("type",), "type"), json_type))
        bind = dict(item.get("bind") or {})
        control = dict(item.get("control") or {})
        appearance = _raw_appearance(raw, control, name in self.index.rows)
        marker = item.get("mediation_type")
        out: dict = {"name": name}
        limits: dict = {}
        if "or_other" in raw_type.split():
            self.unsupported(name, "type", Msg.of("feature.or_other"), raw_type)
            return None
        if json_type in ("group", "repeat"):
            qtype = "repeat" if json_type == "repeat" else "group"
            if qtype == "repeat" and in_repeat:
                problem = self.findings.located(
                    "X007", "survey", row, self.index.column_of(name, ("type",), "")
                )
                (self.findings.warnings if self.skip else self.findings.errors).append(problem)
                self.left_out.add(name, row)
                return None
        elif json_type in UNSUPPORTED_SELECTS:
            self.unsupported(name, "type", Msg.of(UNSUPPORTED_SELECTS[json_type]), raw_type)
            return None
        elif json_type == SELECT_ONE_EXTERNAL or _MULTIPLE_EXTERNAL.match(json_type):
            # pyxform knows only select_one_external and passes the multiple one through.
            multiple = _MULTIPLE_EXTERNAL.match(json_type)
            itemset = multiple.group(1) if multiple else str(item.get("itemset") or "")
            if itemset not in self.index.external:
                feature = Msg.of("feature.external_list", list=itemset)
                self.unsupported(name, "type", feature, raw_type, drop=False)
                return None
            qtype = "multiple_choice" if multiple else "single_choice"
            out["choices"] = self.choices.external_list_name(itemset)
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
                limits = range_limits(item.get("parameters") or {})
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
            "default": item.get("default") if is_expression(item.get("default")) else None,
            "appearance": appearance,
        }
        required = str(bind.get("required", "")).strip()
        if required.lower() not in TRUE | FALSE:
            expressions["required"] = required
        repeat_count = self.repeat_count(item, control, siblings)
        if repeat_count:
            expressions["repeat_count"] = repeat_count
        if not self.check_expressions(name, expressions):
            return None
        out["type"] = qtype
        self.texts(item, qtype, out)
        if required.lower() in TRUE:
            out["required"] = True
        elif required.lower() not in FALSE:
            out["required"] = required
        for key, bind_key in (
            ("required_message", "jr:requiredMsg"),
            ("constraint_message", "jr:constraintMsg"),
        ):
            text = self.languages.text(bind.get(bind_key))
            if text is not None:
                out[key] = text
        if bind.get("relevant"):
            out["relevant"] = bind["relevant"]
        _bounds(item, bind.get("constraint"), out)
        if limits:
            out.update(minimum=limits["minimum"], maximum=limits["maximum"])
            step = limits.get("step")
            if step:
                out["constraint"] = (
                    f"{step} and ({out['constraint']})" if out.get("constraint") else step
                )
        if bind.get("calculate") and qtype == "calculate":
            out["calculation"] = bind["calculate"]
        for key in ("default", "choice_filter"):
            if item.get(key) not in (None, ""):
                out[key] = str(item[key])
        if str(bind.get("readonly", "")).strip().lower() in TRUE:
            out["read_only"] = True
        if yes(item.get("mediation_pii")):
            out["pii"] = True
        if appearance:
            out["appearance"] = appearance
        if repeat_count:
            out["repeat_count"] = repeat_count
        return self.contents(item, qtype, raw_type, in_repeat, lists, out)

    def texts(self, item: Mapping, qtype: str, out: dict) -> None:
        """Label and hint; a group's may sit in the note pyxform generates for a table-list."""
        label = self.languages.text(item.get("label"))
        hint = self.languages.text(item.get("hint"))
        if qtype in ("group", "likert_matrix"):
            for child in item.get("children", []):
                if str(child.get("name", "")).startswith(GENERATED[0]):
                    label = label or self.languages.text(child.get("label"))
                    hint = hint or self.languages.text(child.get("hint"))
        if label is not None and not yes(item.get("mediation_nolabel")):
            out["label"] = label
        if hint is not None:
            out["hint"] = hint

    def contents(
        self, item: Mapping, qtype: str, raw_type: str, in_repeat: bool, lists: set[str], out: dict
    ) -> dict | None:
        """The children of a group, repeat or matrix (a container left empty is left out)."""
        name = out["name"]
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
            out["items"] = [{k: v for k, v in r.items() if k in _MATRIX_ROW_KEYS} for r in rows]
        return out

    def marker_type(self, name: str, marker: str, natural: str) -> str:
        if marker in QUESTION_TYPES:
            return marker
        row, _ = self.index.row_of(name)
        column = self.index.column_of(name, ("mediation_type",), "mediation_type")
        self.findings.error("X012", "survey", row, column, value=marker)
        return natural

    def repeat_count(self, item: Mapping, control: Mapping, siblings: list) -> str | None:
        count = control.get("jr:count")
        if not count:
            return None
        generated = f"{item['name']}_count"
        if count == f"${{{generated}}}" and generated not in self.index.rows:
            for sibling in siblings:
                if sibling.get("name") == generated:
                    return str((sibling.get("bind") or {}).get("calculate", count))
        return str(count)


def _raw_appearance(raw: Mapping, control: Mapping, has_row: bool) -> str | None:
    """The appearance as written: pyxform rewrites it inside table-lists."""
    for key, value in raw.items():
        if header(key) == "appearance" and value not in (None, ""):
            return str(value).strip()
    value = None if has_row else control.get("appearance")
    return str(value).strip() if value else None


def _bounds(item: Mapping, constraint: str | None, out: dict) -> None:
    """``mediation_minimum``/``maximum`` and the author's part of the constraint."""
    bounds: dict[str, float | int] = {}
    for key in ("minimum", "maximum"):
        raw = item.get(f"mediation_{key}")
        if raw not in (None, ""):
            try:
                value = float(raw)
            except ValueError:
                continue
            bounds[key] = int(raw) if re.fullmatch(r"[+-]?\d+", str(raw)) else value
    out.update(bounds)
    if not constraint:
        return
    if bounds:
        generated = bounds_constraint(bounds.get("minimum"), bounds.get("maximum"))
        if constraint == generated:
            return
        prefix = f"{generated} and ("
        if constraint.startswith(prefix) and constraint.endswith(")"):
            out["constraint"] = constraint[len(prefix) : -1]
            return
    out["constraint"] = constraint
