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
from toolkit.instruments.expr import (
    FUNCTIONS,
    Call,
    ExpressionSyntaxError,
    parse,
    paths_to_references,
    walk,
)
from toolkit.interop.xlsform.choices import ChoiceLists
from toolkit.interop.xlsform.export import bounds_constraint
from toolkit.interop.xlsform.left_out import LeftOut
from toolkit.interop.xlsform.locate import Findings, header, language_of, raw_column
from toolkit.interop.xlsform.sheets import SheetIndex
from toolkit.interop.xlsform.subset import (
    DEVICE_PROPERTIES,
    EXPRESSION_COLUMNS,
    FILE_ITEMSET,
    RANGE,
    RECORDED_METADATA,
    SELECT_MULTIPLE,
    SELECT_ONE,
    SELECT_ONE_EXTERNAL,
    UNSUPPORTED_SELECTS,
    model_type,
    preload,
    type_defaults,
)
from toolkit.interop.xlsform.translations import FormLanguages
from toolkit.interop.xlsform.values import FALSE, TRUE, is_expression, range_limits, yes

__all__ = ["QuestionMapper"]

#: Names pyxform gives the nodes it adds (labels of table-lists and field-lists).
GENERATED = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
#: pyxform passes ``select_multiple_external L`` through unchanged (it knows only the one).
MULTIPLE_EXTERNAL = re.compile(r"^select[_ ]multiple[_ ]external\s+(\S+)$", re.IGNORECASE)
#: ``select_one L or_other`` and the older spellings pyxform still reads.
_OR_OTHER = re.compile(r"\s(or_other|or specify other|or other)\s*$", re.IGNORECASE)
#: ``begin loop over L`` (also ``begin_loop over L``).
_LOOP_OVER = re.compile(r"^begin[_ ]loop\s+over\s+(\S+)", re.IGNORECASE)

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
        referenced: frozenset[str] = frozenset(),
    ) -> None:
        self.index = index
        self.languages = languages
        self.choices = choices
        self.left_out = left_out
        self.findings = findings
        self.skip = skip_unsupported
        #: Names an expression uses as ``${name}`` (device properties are kept only then).
        self.referenced = referenced
        #: Every name given so far, and the new name of a question renamed in a container.
        self.names: dict[str, int | None] = {}
        self.renamed: dict[tuple[str | None, str], str] = {}

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

    # ------------------------------------------------------------------ names

    def own_name(self, name: str, parent: str | None) -> str:
        """The name of the next question ``name`` of the sheet, its row taken in sheet order.

        XLSForm allows one name in two groups or repeats; the model names every question once,
        so a later one becomes ``<group>_<name>`` (``X060``). Its row is kept under that name.
        """
        occurrence = self.index.take(name)
        final = name
        if name in self.names:
            base = f"{parent}_{name}" if parent else f"{name}_2"
            final, number = base, 2
            while final in self.names or final in self.index.rows:
                number += 1
                final = f"{base}_{number}"
            self.renamed[(parent, name)] = final
            if occurrence is not None:
                self.findings.warn(
                    "X060",
                    "survey",
                    occurrence[0],
                    raw_column(occurrence[1], ("name",)) or "name",
                    name=name,
                    new=final,
                    other_row=self.names[name] or "?",
                )
        if occurrence is not None:
            self.index.rows[final] = occurrence
        self.names[final] = occurrence[0] if occurrence is not None else None
        return final

    def expression(self, text: object, parent: str | None) -> str | None:
        """An expression with its paths (``../x``, ``current()/../x``) written ``${x}``."""
        if text in (None, ""):
            return None
        return paths_to_references(str(text), lambda ref: self.renamed.get((parent, ref), ref))

    # ------------------------------------------------------------------ questions

    def children(
        self, items: list, in_repeat: bool, lists: set[str], parent: str | None = None
    ) -> list[dict]:
        """The YAML shape of a list of JSON children; ``lists`` collects the lists used."""
        out: list[dict] = []
        items = list(items)
        generated = {
            f"{item['name']}_count"
            for item in items
            if item.get("type") == "repeat"
            and (item.get("control") or {}).get("jr:count") == f"${{{item['name']}_count}}"
            and f"{item['name']}_count" not in self.index.rows
        } | {
            f"{item['name']}_other"
            for item in items
            if _OR_OTHER.search(self.raw_type(str(item.get("name", "")), ""))
            and f"{item['name']}_other" not in self.index.rows
        }
        for item in items:
            name = str(item.get("name", ""))
            if name.startswith(GENERATED) or name in generated:
                continue
            if item.get("type") == "group" and (item.get("control") or {}).get("bodyless"):
                # The meta group pyxform adds (instanceID, entity): only audit comes from a row.
                for child in item.get("children", []):
                    if str(child.get("name", "")) in self.index.rows:
                        self.question(child, in_repeat, lists, [], parent)
                continue
            question = self.question(item, in_repeat, lists, items, parent)
            if question is not None:
                out.append(question)
        return out

    def raw_type(self, name: str, default: str) -> str:
        _, raw = self.index.row_of(name)
        return str(raw.get(self.index.column_of(name, ("type",), "type"), default) or default)

    def question(
        self, item: Mapping, in_repeat: bool, lists: set[str], siblings: list, parent: str | None
    ) -> dict | None:
        name = self.own_name(str(item.get("name", "")), parent)
        json_type = str(item.get("type", ""))
        _, raw = self.index.row_of(name)
        raw_type = self.raw_type(name, json_type)
        bind = dict(item.get("bind") or {})
        control = dict(item.get("control") or {})
        appearance = _raw_appearance(raw, control, name in self.index.rows)
        marker = item.get("mediation_type")
        out: dict = {"name": name}
        limits: dict = {}
        if marker == "metadata":
            # Written by the exporter for what XLSForm has no metadata type for (team...).
            out.update(type="metadata", metadata=item.get("mediation_metadata"))
            self.texts(item, "metadata", out)
            return out
        if json_type in ("group", "repeat", "loop"):
            qtype = "group" if json_type == "group" else "repeat"
            loop = _LOOP_OVER.match(raw_type)
            if json_type == "loop" and loop:
                out["loop_over"] = loop.group(1)
        elif json_type in UNSUPPORTED_SELECTS:
            self.unsupported(name, "type", Msg.of(UNSUPPORTED_SELECTS[json_type]), raw_type)
            return None
        elif json_type == SELECT_ONE_EXTERNAL or MULTIPLE_EXTERNAL.match(json_type):
            # pyxform knows only select_one_external and passes the multiple one through.
            multiple = MULTIPLE_EXTERNAL.match(json_type)
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
            qtype = "single_choice" if json_type == SELECT_ONE else "multiple_choice"
            if FILE_ITEMSET.search(itemset):
                list_name = self.choices.file_list_name(itemset)
                if list_name is None:
                    return None  # the file could not be read: reported with its row
                out["choices"] = list_name
            else:
                out["choices"] = itemset
            lists.add(out["choices"])
            if _OR_OTHER.search(raw_type):
                out["other"] = True
        else:
            mapped = model_type(json_type, bind.get("type"))
            if isinstance(mapped, Msg):
                if mapped.key == "feature.metadata":
                    return self.metadata(item, name, json_type, raw_type, mapped)
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
        for key in ("relevant", "constraint", "calculate", "required"):
            if isinstance(bind.get(key), str):
                bind[key] = self.expression(bind[key], parent)
        choice_filter = self.expression(item.get("choice_filter"), parent)
        default = item.get("default")
        if is_expression(default):
            default = self.expression(default, parent)
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
            "choice_filter": choice_filter,
            "default": default if is_expression(default) else None,
            "appearance": appearance,
        }
        required = str(bind.get("required", "")).strip()
        if required.lower() not in TRUE | FALSE:
            expressions["required"] = required
        repeat_count = self.repeat_count(item, control, siblings)
        if repeat_count:
            repeat_count = self.expression(repeat_count, parent)
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
        if bind.get("calculate") and qtype not in ("group", "repeat", "note"):
            out["calculation"] = bind["calculate"]
        if default not in (None, ""):
            out["default"] = str(default)
        if choice_filter:
            out["choice_filter"] = choice_filter
        readonly = str(bind.get("readonly", "")).strip()
        if readonly.lower() in TRUE:
            out["read_only"] = True
        elif readonly.lower() not in FALSE:
            # A condition: the model's read_only is yes or no; the question stays editable.
            row, _ = self.index.row_of(name)
            column = self.index.column_of(name, ("read_only", "readonly"), "read_only")
            self.findings.warn("X072", "survey", row, column, name=name, value=readonly)
        if yes(item.get("mediation_pii")):
            out["pii"] = True
        if qtype == "group" and yes(item.get("flat")):
            out["flat"] = True
        if appearance:
            out["appearance"] = appearance
        if repeat_count:
            out["repeat_count"] = repeat_count
        return self.contents(item, qtype, raw_type, in_repeat, lists, out)

    def metadata(
        self, item: Mapping, name: str, json_type: str, raw_type: str, feature: Msg
    ) -> dict | None:
        """Automatic metadata: what the toolkit records itself becomes a ``metadata`` question;
        a device property used by the form is kept as a hidden personal field (``X061``);
        the rest is left out (``X016``)."""
        source = RECORDED_METADATA.get(preload(json_type))
        if source is not None:
            out = {"name": name, "type": "metadata", "metadata": source}
            self.texts(item, "metadata", out)
            return out
        if preload(json_type) in DEVICE_PROPERTIES and name in self.referenced:
            row, _ = self.index.row_of(name)
            column = self.index.column_of(name, ("type",), "type")
            self.findings.warn("X061", "survey", row, column, name=name, value=raw_type)
            return {"name": name, "type": "hidden", "pii": True}
        self.leave_out(name, raw_type, feature, "X016")
        return None

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
                item.get("children", []), in_repeat or qtype == "repeat", lists, name
            )
            if not out["questions"] and len(self.left_out) > before:
                self.leave_out(name, raw_type, Msg.of("feature.emptied"), "X010")
                return None
            if not out["questions"]:
                return self.empty_container(out, qtype)
            if "loop_over" in out:
                out["questions"] = _unescape_percent(out["questions"])
        elif qtype == "likert_matrix":
            rows = self.children(item.get("children", []), in_repeat, lists, name)
            out["choices"] = next((r["choices"] for r in rows if "choices" in r), None)
            out["items"] = [{k: v for k, v in r.items() if k in _MATRIX_ROW_KEYS} for r in rows]
        return out

    def empty_container(self, out: dict, qtype: str) -> dict | None:
        """An empty group or repeat collects nothing: its label becomes a note (``X062``)."""
        row, _ = self.index.row_of(out["name"])
        column = self.index.column_of(out["name"], ("type",), "type")
        kept = "label" in out
        self.findings.warn(
            "X062", "survey", row, column, name=out["name"], type=qtype, kept=str(kept).lower()
        )
        if not kept:
            self.left_out.add(out["name"], row)
            return None
        note = {"name": out["name"], "type": "note", "label": out["label"]}
        for key in ("hint", "relevant"):
            if key in out:
                note[key] = out[key]
        return note

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


def _unescape_percent(value: object) -> object:
    """Inside a loop, pyxform reads ``%%`` as ``%`` (``%(label)s`` is the choice's label)."""
    if isinstance(value, str):
        return value.replace("%%", "%")
    if isinstance(value, list):
        return [_unescape_percent(v) for v in value]
    if isinstance(value, dict):
        return {k: _unescape_percent(v) for k, v in value.items()}
    return value


def _raw_appearance(raw: Mapping, control: Mapping, has_row: bool) -> str | None:
    """The appearance as written: pyxform rewrites it inside table-lists."""
    for key, value in raw.items():
        column = header(key)
        if value in (None, "") or column not in ("appearance", "control"):
            continue
        if column == "appearance" or language_of(key) == "appearance":
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
