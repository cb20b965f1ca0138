"""What a question says and does: texts in each language, flags, expressions, bounds,
defaults, its name and type; and the instrument's own title, version and analysis roles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from toolkit.builder.errors import refuse, type_label
from toolkit.builder.expressions import (
    EXPRESSION_KEYS,
    TEXT_KEYS,
    rename_references,
)
from toolkit.builder.nodes import ANALYSIS_ORDER, QUESTION_ORDER, TOP_ORDER, default_choices
from toolkit.builder.splice import Splice, Splicer
from toolkit.builder.structure import StructureEdits
from toolkit.builder.tree import Located, canonical, get
from toolkit.builder.yamldoc import flow_map, flow_seq
from toolkit.instruments.loader import NAME_RE
from toolkit.instruments.model import CHOICE_TYPES, NUMERIC_TYPES

__all__ = ["ROLES", "TEXT_FIELDS", "PropertyEdits"]

#: Texts of a question that the builder edits in every language.
TEXT_FIELDS = TEXT_KEYS
#: Analysis roles a question can play (``weighting`` holds several).
ROLES = ("sector", "wave", "weighting")
#: Types a question may change between (answers of one keep a meaning in the other).
_ANSWER_TYPES = (
    "single_choice",
    "multiple_choice",
    "likert",
    "integer",
    "decimal",
    "text",
    "long_text",
    "date",
    "time",
    "datetime",
    "geopoint",
    "consent",
    "calculate",
    "note",
)
_SETTABLE = (
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "repeat_count",
    "appearance",
)


def _same_style(old: object, text: str) -> str:
    """``text`` written as the old value was (a folded ``>-`` block stays one)."""
    if isinstance(old, FoldedScalarString):
        return FoldedScalarString(text)
    if isinstance(old, LiteralScalarString):
        return LiteralScalarString(text)
    return text


def text_values(value: object, default_lang: str) -> dict[str, str]:
    """A label as ``{lang: text}`` whatever its spelling (plain text is the main language)."""
    if isinstance(value, str):
        return {default_lang: str(value)}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
    return {}


class PropertyEdits(StructureEdits):
    """Texts, flags, expressions and names of questions; title and roles of the instrument."""

    # ------------------------------------------------------------------ reading

    def get(self, ref: str, key: str, default: object = None) -> object:
        """The raw value of ``key`` of question ``ref`` (aliases understood)."""
        return get(self.find(ref).node, key, default)

    def texts(self, ref: str | None, key: str) -> dict[str, str]:
        """``key`` (``label``, ``hint``…) of question ``ref`` (``None``: the instrument) by
        language."""
        node = self._document if ref is None else self.find(ref).node
        return text_values(get(node, key), self.default_language)

    # ------------------------------------------------------------------ texts

    def set_text(self, ref: str | None, key: str, text: str, lang: str | None = None) -> None:
        """Set ``key`` of question ``ref`` (``None``: the instrument's ``title`` or
        ``description``) in ``lang`` (default: the main language); an empty text removes
        that language."""
        lang = lang or self.default_language
        if lang not in self.languages:
            raise refuse("B017", lang=lang)
        with self._editing():
            node = self._document if ref is None else self.find(ref).node
            order = TOP_ORDER if ref is None else QUESTION_ORDER
            self._apply(self._text_splices(node, key, text.strip(), lang, order))

    def set_label(self, ref: str, text: str, lang: str | None = None) -> None:
        self.set_text(ref, "label", text, lang)

    def set_hint(self, ref: str, text: str, lang: str | None = None) -> None:
        self.set_text(ref, "hint", text, lang)

    def set_title(self, text: str, lang: str | None = None) -> None:
        self.set_text(None, "title", text, lang)

    def set_description(self, text: str, lang: str | None = None) -> None:
        self.set_text(None, "description", text, lang)

    def _text_splices(
        self, node: CommentedMap, key: str, text: str, lang: str, order: Sequence[str]
    ) -> list[Splice]:
        splicer = self._splicer()
        current = get(node, key)
        default = self.default_language
        if isinstance(current, CommentedMap):
            if not text:
                if lang not in current:
                    return []
                if len(current) == 1:
                    return [splicer.remove_key(node, key)]
                return [splicer.remove_key(current, lang)]
            return [splicer.set_key(current, lang, _same_style(current.get(lang), text))]
        if isinstance(current, str):
            if lang == default:
                if not text:
                    return [splicer.remove_key(node, key)]
                return [splicer.set_key(node, key, _same_style(current, text))]
            if not text:
                return []
            values = {default: current, lang: _same_style(current, text)}
            value: object = (
                CommentedMap(values)
                if isinstance(current, FoldedScalarString)
                else flow_map(values)
            )
            return [splicer.set_key(node, key, value, order)]
        if not text:
            return []
        return [splicer.set_key(node, key, flow_map({lang: text}), order)]

    # ------------------------------------------------------------------ flags and expressions

    def _set_or_remove(self, located: Located | None, key: str, value: object) -> None:
        node = self._document if located is None else located.node
        splicer = self._splicer()
        present = get(node, key) is not None or any(canonical(k) == key for k in node)
        if value is None or value is False or value == "":
            if present:
                self._apply([splicer.remove_key(node, key)])
            return
        self._apply([splicer.set_key(node, key, value, QUESTION_ORDER)])

    def set_required(self, ref: str, value: bool | str) -> None:
        """Required always (``True``), never (``False``), or when an expression holds."""
        with self._editing():
            if isinstance(value, str) and not value.strip():
                value = False
            self._set_or_remove(
                self.find(ref), "required", value.strip() if isinstance(value, str) else value
            )

    def set_flag(self, ref: str, key: str, value: bool) -> None:
        """``pii`` (personal data: kept out of exports) or ``read_only``."""
        if key not in ("pii", "read_only"):
            raise refuse("B018", key=key)
        with self._editing(keep_valid=True):
            self._set_or_remove(self.find(ref), key, bool(value))

    def set_expression(self, ref: str, key: str, text: str | None) -> None:
        """``relevant``, ``constraint``, ``calculation``, ``choice_filter``, ``repeat_count``
        (or ``appearance``) as written; empty removes it. The draft may then have problems,
        which :attr:`problems` lists (the builder shows them as you type)."""
        if key not in _SETTABLE:
            raise refuse("B018", key=key)
        with self._editing():
            found = self.find(ref)
            value = (text or "").strip()
            if key == "calculation" and not value and found.type == "calculate":
                value = "0"
            self._set_or_remove(found, key, value or None)

    def set_default(self, ref: str, value: str | None) -> None:
        """The answer filled in advance (a code, a number, a text, or an expression)."""
        with self._editing():
            text = None if value is None else str(value).strip()
            self._set_or_remove(self.find(ref), "default", text or None)

    def set_bounds(
        self, ref: str, *, minimum: float | int | None = None, maximum: float | int | None = None
    ) -> None:
        """The smallest and largest accepted numbers (integer and decimal questions)."""
        with self._editing(keep_valid=True):
            found = self.find(ref)
            if found.type not in NUMERIC_TYPES:
                raise refuse("B025", ref=found.ref)
            if minimum is not None and maximum is not None and minimum > maximum:
                raise refuse("B020", minimum=minimum, maximum=maximum)
            for key, number in (("minimum", minimum), ("maximum", maximum)):
                self._set_or_remove(self.find(ref), key, number)

    # ------------------------------------------------------------------ name and type

    def rename(self, ref: str, new: str) -> str:
        """Rename a question; every expression, text and role using it follows.

        A question of the original file keeps its history: :attr:`renames` records it, so
        that answers already collected under the old name line up with the new one.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            old = found.name
            if new == old:
                return found.ref
            self.check_name(new)
            splicer = self._splicer()
            splices = [splicer.replace(found.node, "name", new)]
            splices += self._reference_splices(splicer, old, new)
            self._apply(splices)
            if old in self.renames.created:
                self.renames.created.discard(old)
                self.renames.created.add(new)
            else:
                original = next((o for o, c in self.renames.questions.items() if c == old), old)
                if new == original:
                    self.renames.questions.pop(original, None)
                else:
                    self.renames.questions[original] = new
            parent = "/".join(found.path[:-1])
            return self.find((parent + "/" if parent else "") + new).ref

    def _reference_splices(self, splicer: Splicer, old: str, new: str) -> list[Splice]:
        splices: list[Splice] = []
        for question in self.questions():
            node = question.node
            for key in list(node):
                name = canonical(key)
                value = node[key]
                if name in (*EXPRESSION_KEYS, *TEXT_KEYS) and isinstance(value, str):
                    changed = rename_references(value, old, new)
                    if changed != value:
                        splices.append(splicer.replace(node, key, _same_style(value, changed)))
                elif name in TEXT_KEYS and isinstance(value, CommentedMap):
                    for lang in list(value):
                        text = value[lang]
                        if isinstance(text, str):
                            changed = rename_references(text, old, new)
                            if changed != text:
                                splices.append(
                                    splicer.replace(value, lang, _same_style(text, changed))
                                )
        analysis = self._document.get("analysis")
        if isinstance(analysis, CommentedMap):
            for key in list(analysis):
                value = analysis[key]
                if isinstance(value, str) and value == old:
                    splices.append(splicer.replace(analysis, key, new))
                elif isinstance(value, CommentedSeq) and old in value:
                    splices.append(splicer.replace(value, list(value).index(old), new))
                elif isinstance(value, CommentedMap) and isinstance(value.get("by"), CommentedSeq):
                    by = value["by"]
                    if old in by:
                        splices.append(splicer.replace(by, list(by).index(old), new))
        return splices

    def set_type(self, ref: str, new_type: str) -> None:
        """Change a question's type: answer types between themselves, group and repeat.

        Choices are added (two to edit) or removed, bounds kept only for numbers, a formula
        kept only for a calculation.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            old = found.type
            if new_type == old:
                return
            answer = old in _ANSWER_TYPES and new_type in _ANSWER_TYPES
            container = {old, new_type} <= {"group", "repeat"}
            if found.is_matrix_item or (
                found.path == (found.name,) and self.layout == "sections" and not container
            ):
                raise refuse("B014", ref=found.ref, old=type_label(old), new=type_label(new_type))
            if not (answer or container):
                raise refuse("B014", ref=found.ref, old=type_label(old), new=type_label(new_type))
            if new_type == "likert" and old in CHOICE_TYPES:
                values = self._choice_values(found)
                if any(not v.lstrip("-").isdigit() for v in values):
                    raise refuse(
                        "B014", ref=found.ref, old=type_label(old), new=type_label(new_type)
                    )
            self._apply([self._splicer().set_key(found.node, "type", new_type, QUESTION_ORDER)])
            drop = []
            if new_type not in CHOICE_TYPES:
                drop += ["choices", "choice_filter"]
            if new_type not in NUMERIC_TYPES:
                drop += ["minimum", "maximum"]
            if new_type != "calculate":
                drop.append("calculation")
            if new_type != "repeat":
                drop.append("repeat_count")
            for key in drop:
                self._set_or_remove(self.find(found.ref), key, None)
            if new_type in CHOICE_TYPES and get(self.find(found.ref).node, "choices") is None:
                self._apply(
                    [
                        self._splicer().set_key(
                            self.find(found.ref).node,
                            "choices",
                            default_choices(self.default_language),
                            QUESTION_ORDER,
                        )
                    ]
                )
            if new_type == "calculate" and get(self.find(found.ref).node, "calculation") is None:
                self._set_or_remove(self.find(found.ref), "calculation", "0")

    def _choice_values(self, found: Located) -> list[str]:
        choices = get(found.node, "choices")
        if isinstance(choices, str):
            lists = self._document.get("choice_lists")
            choices = lists.get(choices) if isinstance(lists, CommentedMap) else None
        if not isinstance(choices, CommentedSeq):
            return []
        return [str(c.get("value")) for c in choices if isinstance(c, CommentedMap)]

    # ------------------------------------------------------------------ the instrument

    def set_id(self, new_id: str) -> None:
        if not NAME_RE.match(new_id or ""):
            raise refuse("B004", name=new_id)
        with self._editing(keep_valid=True):
            self._apply([self._splicer().set_key(self._document, "id", new_id, TOP_ORDER)])

    def set_version(self, version: str) -> None:
        text = str(version).strip()
        if not text:
            raise refuse("B021")
        with self._editing(keep_valid=True):
            splicer = self._splicer()
            self._apply(
                [splicer.set_key(self._document, "version", _version_scalar(text), TOP_ORDER)]
            )

    @property
    def instrument_id(self) -> str:
        return str(self._document.get("id") or "")

    @property
    def version(self) -> str:
        return str(self._document.get("version") or "")

    def set_languages(self, languages: Sequence[str]) -> None:
        """The languages of the labels, main language first (``["fr", "en"]``)."""
        chosen = [str(x) for x in languages if str(x).strip()]
        if not chosen or len(set(chosen)) != len(chosen):
            raise refuse("B017", lang=", ".join(chosen))
        with self._editing(keep_valid=True):
            value = flow_seq(chosen)
            self._apply([self._splicer().set_key(self._document, "languages", value, TOP_ORDER)])

    # ------------------------------------------------------------------ analysis roles

    def role(self, role: str) -> list[str]:
        """The question(s) playing ``role`` (``sector``, ``wave``, ``weighting``)."""
        analysis = self._document.get("analysis")
        value = analysis.get(role) if isinstance(analysis, CommentedMap) else None
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def set_role(self, role: str, names: str | Sequence[str] | None) -> None:
        """Say which question gives the sector or the wave, or which ones weight the sample."""
        if role not in ROLES:
            raise refuse("B018", key=role)
        chosen = [names] if isinstance(names, str) else list(names or [])
        with self._editing(keep_valid=True):
            for name in chosen:
                self.find(name)
            analysis = self._document.get("analysis")
            splicer = self._splicer()
            if role == "weighting":
                value: object = flow_seq(chosen) if chosen else None
            else:
                value = chosen[0] if chosen else None
            if not isinstance(analysis, CommentedMap):
                if value is None:
                    return
                self._apply(
                    [
                        splicer.set_key(
                            self._document, "analysis", CommentedMap({role: value}), TOP_ORDER
                        )
                    ]
                )
                return
            if value is not None:
                self._apply([splicer.set_key(analysis, role, value, ANALYSIS_ORDER)])
            elif role in analysis:
                if len(analysis) == 1:
                    self._apply([splicer.remove_key(self._document, "analysis")])
                else:
                    self._apply([splicer.remove_key(analysis, role)])


def _version_scalar(text: str) -> object:
    """A version written as the catalogue does: ``"1.1"`` quoted, so YAML keeps it text."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)
