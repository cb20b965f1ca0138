"""New document nodes, laid out as the catalogue files are (labels and choices on one line)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from toolkit.builder.yamldoc import flow_map
from toolkit.i18n import t
from toolkit.instruments.model import CHOICE_TYPES, QUESTION_KEYS

__all__ = [
    "BUILDER_TYPES",
    "QUESTION_ORDER",
    "choice_node",
    "code_value",
    "question_node",
    "text_node",
]

#: The question types a draft can create, in the order the builder offers them.
BUILDER_TYPES = (
    "text",
    "long_text",
    "integer",
    "decimal",
    "single_choice",
    "multiple_choice",
    "likert",
    "likert_matrix",
    "date",
    "time",
    "datetime",
    "geopoint",
    "consent",
    "note",
    "calculate",
    "group",
    "repeat",
)
#: Question keys the builder has no control for (kept as written, listed as untouched).
_NOT_EDITED = frozenset({"other", "loop_over", "metadata", "flat"})
#: Where each key of a question goes when the builder adds it (the writer's order).
QUESTION_ORDER = tuple(key for key in QUESTION_KEYS if key not in _NOT_EDITED)
TOP_ORDER = (
    "id",
    "version",
    "title",
    "description",
    "languages",
    "analysis",
    "choice_lists",
    "sections",
    "questions",
)
ANALYSIS_ORDER = ("sector", "wave", "weighting", "quotas")
CHOICE_ORDER = ("value", "label", "missing", "filter")


#: Words other YAML readers (YAML 1.1: pyxform's, PyYAML) take for booleans or nothing.
_AMBIGUOUS = re.compile(
    r"^(y|n|yes|no|on|off|true|false|null|~|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?)$",
    re.IGNORECASE,
)


def code_value(code: str) -> str | int:
    """A choice code as written in YAML: ``1`` for a plain number; a code that some YAML
    reader would take for something else (``yes``, ``0.5``, ``01``) in quotes."""
    text = str(code).strip()
    if text.isdigit() and (text == "0" or not text.startswith("0")) and len(text) < 10:
        return int(text)
    if _AMBIGUOUS.match(text):
        return DoubleQuotedScalarString(text)
    return text


def text_node(texts: Mapping[str, str]) -> CommentedMap | str:
    """A label: ``{fr: …, en: …}`` on one line, each text without the spaces typed around it
    (a spreadsheet cell loses them, so an XLSForm round trip would change the label)."""
    return flow_map({str(k): str(v).strip() for k, v in texts.items() if str(v).strip()})


def choice_node(code: str, label: Mapping[str, str], *, missing: bool = False) -> CommentedMap:
    values: dict = {"value": code_value(code), "label": text_node(label)}
    if missing:
        values["missing"] = True
    return flow_map(values)


def default_choices(lang: str) -> CommentedSeq:
    """Two placeholder choices for a new choice question (codes 1 and 2)."""
    return CommentedSeq(
        [choice_node(str(n), {lang: t("builder.new.option", lang, number=n)}) for n in (1, 2)]
    )


def question_node(
    name: str,
    qtype: str,
    *,
    lang: str,
    label: Mapping[str, str] | None = None,
    choices: str | Sequence[CommentedMap] | None = None,
    child: CommentedMap | None = None,
    section: bool = False,
    matrix_item: bool = False,
) -> CommentedMap:
    """A new question, section, container or matrix row, valid as it is."""
    node = CommentedMap()
    node["name"] = name
    if not section and not matrix_item:
        node["type"] = qtype
    texts = dict(label) if label else {lang: t(_placeholder(qtype, section), lang)}
    node["label"] = text_node(texts)
    if matrix_item:
        return node
    if qtype in CHOICE_TYPES:
        if isinstance(choices, str):
            node.insert(2, "choices", choices)
        else:
            rows = CommentedSeq(list(choices)) if choices else default_choices(lang)
            node.insert(2, "choices", rows)
    if qtype == "calculate":
        node["calculation"] = "0"
    if qtype == "likert_matrix":
        node["items"] = CommentedSeq([child]) if child is not None else CommentedSeq()
    elif qtype in ("group", "repeat") or section:
        node["questions"] = CommentedSeq([child]) if child is not None else CommentedSeq()
    return node


def _placeholder(qtype: str, section: bool) -> str:
    if section:
        return "builder.new.section"
    if qtype in ("group", "repeat"):
        return "builder.new.group"
    if qtype == "note":
        return "builder.new.note"
    return "builder.new.question"
