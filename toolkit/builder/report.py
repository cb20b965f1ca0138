"""What the builder shows besides the questions: the translations still missing and what it
cannot edit (kept untouched, shown as « non modifiable ici »)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.expressions import TEXT_KEYS
from toolkit.builder.nodes import QUESTION_ORDER
from toolkit.builder.tree import canonical, get, walk

__all__ = [
    "EDITABLE_ANALYSIS_KEYS",
    "EDITABLE_CHOICE_KEYS",
    "EDITABLE_QUESTION_KEYS",
    "EDITABLE_TOP_KEYS",
    "Missing",
    "Untouched",
    "missing_translations",
    "untouched",
]

#: Keys the builder has a control for; every other key is kept as it is and listed.
EDITABLE_TOP_KEYS = frozenset(
    {
        "id",
        "version",
        "title",
        "description",
        "languages",
        "analysis",
        "choice_lists",
        "sections",
        "questions",
    }
)
EDITABLE_ANALYSIS_KEYS = frozenset({"sector", "wave", "weighting"})
#: The builder has a control for every key it knows where to place.
EDITABLE_QUESTION_KEYS = frozenset(QUESTION_ORDER)
EDITABLE_MATRIX_ROW_KEYS = frozenset(
    {"name", "label", "hint", "required", "required_message", "relevant", "pii"}
)
EDITABLE_CHOICE_KEYS = frozenset({"value", "label", "missing"})


@dataclass(frozen=True)
class Untouched:
    """A key the builder keeps untouched: where (a question's reference, ``""`` for the
    instrument, ``"liste:<name>"`` for a choice list), the key and a short view of it."""

    where: str
    key: str
    preview: str


def _preview(value: object) -> str:
    if isinstance(value, CommentedMap):
        text = "{" + ", ".join(f"{k}: {_preview(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, CommentedSeq):
        text = "[" + ", ".join(_preview(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _choice_rows(where: str, rows: object) -> Iterator[Untouched]:
    if not isinstance(rows, CommentedSeq):
        return
    for row in rows:
        if not isinstance(row, CommentedMap):
            continue
        for key, value in row.items():
            if str(key) not in EDITABLE_CHOICE_KEYS:
                code = row.get("value", "?")
                yield Untouched(where, f"{code}.{key}", _preview(value))


def untouched(document: CommentedMap) -> list[Untouched]:
    """Every key of ``document`` the builder has no control for, in file order."""
    out: list[Untouched] = []
    for key, value in document.items():
        if str(key) not in EDITABLE_TOP_KEYS:
            out.append(Untouched("", str(key), _preview(value)))
    analysis = document.get("analysis")
    if isinstance(analysis, CommentedMap):
        for key, value in analysis.items():
            if canonical(key) not in EDITABLE_ANALYSIS_KEYS:
                out.append(Untouched("", f"analysis.{key}", _preview(value)))
    lists = document.get("choice_lists")
    if isinstance(lists, CommentedMap):
        for name, rows in lists.items():
            out += _choice_rows(f"liste:{name}", rows)
    for question in walk(document):
        allowed = EDITABLE_MATRIX_ROW_KEYS if question.is_matrix_item else EDITABLE_QUESTION_KEYS
        for key, value in question.node.items():
            if canonical(key) not in allowed:
                out.append(Untouched(question.ref, str(key), _preview(value)))
        out += _choice_rows(question.ref, get(question.node, "choices"))
    return out


@dataclass(frozen=True)
class Missing:
    """A text written in some languages and not in ``lang``: where (as for
    :class:`Untouched`; ``liste:<name>/<code>`` for a choice), which text, and the text in
    the main language to translate."""

    where: str
    key: str
    lang: str
    source: str


def _texts(value: object, default: str) -> dict[str, str]:
    if isinstance(value, str):
        return {default: value}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str) and v.strip()}
    return {}


def _missing(where: str, key: str, value: object, languages: tuple[str, ...]) -> Iterator[Missing]:
    texts = _texts(value, languages[0])
    if not texts:
        return
    source = texts.get(languages[0]) or next(iter(texts.values()))
    for lang in languages:
        if lang not in texts:
            yield Missing(where, key, lang, source)


def missing_translations(document: CommentedMap, languages: tuple[str, ...]) -> list[Missing]:
    """Every text that some declared language lacks, in file order."""
    out: list[Missing] = []
    for key in ("title", "description"):
        out += _missing("", key, document.get(key), languages)

    def rows(where: str, seq: object) -> None:
        if isinstance(seq, CommentedSeq):
            for row in seq:
                if isinstance(row, CommentedMap):
                    code = str(row.get("value", "?"))
                    out.extend(_missing(f"{where}/{code}", "label", row.get("label"), languages))

    lists = document.get("choice_lists")
    if isinstance(lists, CommentedMap):
        for name, seq in lists.items():
            rows(f"liste:{name}", seq)
    for question in walk(document):
        for key in TEXT_KEYS:
            out += _missing(question.ref, key, get(question.node, key), languages)
        rows(question.ref, get(question.node, "choices"))
    return out
