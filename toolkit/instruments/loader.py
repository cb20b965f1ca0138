"""Read instrument YAML into the frozen model, collecting every problem with its line.

The file is read with ruamel.yaml, which keeps the line of every key; the structure is
checked field by field and every problem is collected (never the first one only), then the
cross-references are checked by :mod:`toolkit.instruments.checks`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from toolkit.errors import InstrumentError, Problem
from toolkit.i18n import Msg, Text
from toolkit.instruments.derived import with_other_parts
from toolkit.instruments.model import (
    CHOICE_TYPES,
    CONTAINER_TYPES,
    DRAFT_DAYS,
    LEGAL_BASES,
    METADATA_SOURCES,
    NUMERIC_TYPES,
    QUESTION_KEYS,
    QUESTION_TYPES,
    AnalysisMeta,
    Choice,
    ChoiceList,
    Instrument,
    PrivacyMeta,
    Question,
    Quotas,
)
from toolkit.reading import ReadError, describe, load_yaml, read_text
from toolkit.reading.lines import line_of, suggestion

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
#: Problems reported for one file; past it ``L006`` says how many more there are (a file
#: broken that badly is fixed a hundred problems at a time, and each problem costs a
#: "did you mean" search among every name when shown).
MAX_PROBLEMS = 100
#: ``choices: ${name}``: the choices are the answers given to a question of a repeat.
_REPEAT_CHOICES = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\s*$")

#: Spellings users write (XLSForm habits, French words) mapped to the canonical type.
TYPE_ALIASES = {
    "select_one": "single_choice",
    "select one": "single_choice",
    "choix_unique": "single_choice",
    "single": "single_choice",
    "select_multiple": "multiple_choice",
    "select multiple": "multiple_choice",
    "choix_multiple": "multiple_choice",
    "multiple": "multiple_choice",
    "likert_item": "likert",
    "matrix": "likert_matrix",
    "matrice": "likert_matrix",
    "int": "integer",
    "entier": "integer",
    "number": "decimal",
    "float": "decimal",
    "decimal_number": "decimal",
    "string": "text",
    "texte": "text",
    "textarea": "long_text",
    "texte_long": "long_text",
    "acknowledge": "consent",
    "consentement": "consent",
    "calcul": "calculate",
    "groupe": "group",
    "section": "group",
    "begin_group": "group",
    "begin_repeat": "repeat",
    "repetition": "repeat",
}

#: Spellings of keys mapped to the canonical key.
KEY_ALIASES = {
    "relevance": "relevant",
    "calculate": "calculation",
    "min": "minimum",
    "max": "maximum",
    "scale": "choices",
    "list": "choices",
    "required_msg": "required_message",
    "constraint_msg": "constraint_message",
    "readonly": "read_only",
    "personal": "pii",
    "repeat_times": "repeat_count",
    "or_other": "other",
    "over": "loop_over",
    "loop": "loop_over",
}

_TOP_KEYS = {
    "id",
    "version",
    "title",
    "description",
    "languages",
    "analysis",
    "draft_days",
    "privacy",
    "choice_lists",
    "sections",
    "questions",
}
_QUESTION_KEYS = set(QUESTION_KEYS)
_CHOICE_KEYS = {"value", "label", "missing", "filter"}
_ANALYSIS_KEYS = {"sector", "wave", "weighting", "quotas"}
_QUOTA_KEYS = {"by", "default_target", "targets"}
_PRIVACY_KEYS = {"retention_days", "purpose", "legal_basis", "recipients", "categories"}
#: Longest retention period accepted (a century: beyond it a typo is more likely than a plan).
MAX_RETENTION_DAYS = 36_500


#: Instruments already read in this process, by file name and text: the catalogue's YAML
#: takes about half a second per file to parse, and the apps, the demo and the reports read
#: the same files again and again. Reading a file is cheap; only an unchanged text is not
#: parsed again. Instruments are frozen, so one can be shared.
_LOADED: OrderedDict[tuple[str, str], Instrument] = OrderedDict()
_LOADED_MAX = 64
_LOADED_LOCK = threading.Lock()


def load(path: str | Path) -> Instrument:
    """Load and check an instrument file; raise :class:`InstrumentError` listing every problem.

    A file read before in this process and unchanged since gives back the same instrument
    without being parsed again.

    >>> load("surveys/barometre_tournee.yaml") is load("surveys/barometre_tournee.yaml")
    True
    """
    source = str(path)
    text = _read(path, source)
    with _LOADED_LOCK:
        hit = _LOADED.get((source, text))
        if hit is not None:
            _LOADED.move_to_end((source, text))
            return hit
    instrument = loads(text, source=source)
    with _LOADED_LOCK:
        _LOADED[(source, text)] = instrument
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return instrument


def _read(path: str | Path, source: str) -> str:
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(
            problems=[Problem("I001", {"error": str(exc)}, file=source)]
        ) from None
    except ReadError as exc:
        raise InstrumentError(problems=exc.problems) from None
    return text


def loads(text: str, *, source: str | None = None) -> Instrument:
    """Parse instrument YAML given as text (``source`` names it in messages).

    The text is refused before anything is built when it is too large, too deeply nested or
    when its aliases expand too far (``L001``–``L004``, see :mod:`toolkit.reading`).
    """
    source = source or "<texte>"
    try:
        data = load_yaml(text, source=source)
    except ReadError as exc:
        raise InstrumentError(problems=exc.problems) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        error = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InstrumentError(
            problems=[Problem("I002", {"error": error}, file=source, line=line)]
        ) from None
    except YAMLError as exc:
        raise InstrumentError(
            problems=[Problem("I002", {"error": str(exc)}, file=source)]
        ) from None
    return from_mapping(data, source=source)


def from_mapping(data: object, *, source: str | None = None) -> Instrument:
    """Build and check an instrument from a (possibly line-annotated) mapping."""
    builder = _Builder(source)
    instrument = builder.build(data)
    if instrument is not None:
        from toolkit.instruments.checks import check_instrument

        builder.problems.extend(check_instrument(instrument))
    if builder.problems or instrument is None:
        problems = sorted(builder.problems, key=lambda p: (p.line or 0, p.code))
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            summary = Problem("L006", {"count": more}, file=source)
            problems = [*problems[:MAX_PROBLEMS], summary]
        raise InstrumentError(problems=problems)
    return instrument


def _line(node: object, key: object = None) -> int | None:
    """Line of ``key`` in ``node``, else of ``node`` itself (the nearest place to look)."""
    return line_of(node, key) or line_of(node)


class _Builder:
    def __init__(self, source: str | None) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("fr", "en")

    # ------------------------------------------------------------------ helpers

    def problem(
        self, code: str, line: int | None, field: str | None = None, **params: object
    ) -> None:
        self.problems.append(Problem(code, params, file=self.source, line=line, field=field))

    def keys(
        self, node: Mapping, allowed: set[str], subject: Msg, field: str | None
    ) -> dict[str, object]:
        """Canonical key -> value; unknown keys are reported with a suggestion."""
        out: dict[str, object] = {}
        for raw_key, value in node.items():
            key = KEY_ALIASES.get(str(raw_key), str(raw_key))
            if key not in allowed:
                self.problem(
                    "I005",
                    _line(node, raw_key),
                    field,
                    subject=subject,
                    key=raw_key,
                    suggestion=suggestion(str(raw_key), allowed),
                )
                continue
            out[key] = value
        return out

    def wrong_type(
        self, node: Mapping, key: str, subject: Msg, field: str | None, expected: str
    ) -> None:
        self.problem(
            "I006",
            _line(node, key),
            field,
            subject=subject,
            key=key,
            expected=Msg.of(expected),
            got=describe(node.get(key)),
        )

    def text(self, node: Mapping, key: str, subject: Msg, field: str | None) -> Text | None:
        raw_key = next((k for k in node if KEY_ALIASES.get(str(k), str(k)) == key), key)
        value = node.get(raw_key)
        if value is None:
            return None
        if isinstance(value, str):
            return Text.of(value, self.languages[0])
        if isinstance(value, Mapping) and value and all(isinstance(v, str) for v in value.values()):
            for lang in value:
                if str(lang) not in self.languages:
                    self.problem("I025", _line(value, lang), field, subject=subject, lang=lang)
            return Text.of({str(k): v for k, v in value.items()})
        self.wrong_type(node, raw_key, subject, field, "expected.text_or_translations")
        return None

    def string(self, node: Mapping, key: str, subject: Msg, field: str | None) -> str | None:
        raw_key = next((k for k in node if KEY_ALIASES.get(str(k), str(k)) == key), key)
        value = node.get(raw_key)
        if value is None:
            return None
        if isinstance(value, bool | Mapping | list):
            self.wrong_type(node, raw_key, subject, field, "expected.text")
            return None
        return str(value).strip() if isinstance(value, str) else str(value)

    def boolean(self, node: Mapping, key: str, subject: Msg, field: str | None) -> bool:
        raw_key = next((k for k in node if KEY_ALIASES.get(str(k), str(k)) == key), key)
        value = node.get(raw_key, False)
        if isinstance(value, bool):
            return value
        self.wrong_type(node, raw_key, subject, field, "expected.bool")
        return False

    def number(
        self, node: Mapping, key: str, subject: Msg, field: str | None
    ) -> float | int | None:
        raw_key = next((k for k in node if KEY_ALIASES.get(str(k), str(k)) == key), key)
        value = node.get(raw_key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong_type(node, raw_key, subject, field, "expected.number")
            return None
        return int(value) if isinstance(value, int) else float(value)

    def name(self, node: Mapping, subject: Msg, field: str | None) -> str | None:
        value = node.get("name")
        if value is None:
            self.problem("I004", _line(node), field, subject=subject, key="name")
            return None
        text = str(value)
        if not NAME_RE.match(text):
            self.problem("I009", _line(node, "name"), field, subject=subject, name=text)
        return text

    # ------------------------------------------------------------------ instrument

    def build(self, data: object) -> Instrument | None:
        subject = Msg.of("subject.instrument")
        if not isinstance(data, Mapping):
            self.problem("I003", _line(data) or 1, got=describe(data))
            return None
        node = self.keys(data, _TOP_KEYS, subject, None)
        languages = node.get("languages", ["fr", "en"])
        if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
            self.languages = tuple(str(x) for x in languages)
        else:
            self.wrong_type(data, "languages", subject, None, "expected.list")
        for key in ("id", "version", "title"):
            if node.get(key) in (None, ""):
                self.problem("I004", _line(data), None, subject=subject, key=key)
        instrument_id = self.string(data, "id", subject, None) or ""
        if instrument_id and not NAME_RE.match(instrument_id):
            self.problem("I009", _line(data, "id"), None, subject=subject, name=instrument_id)
        version = self.string(data, "version", subject, None) or ""
        title = self.text(data, "title", subject, None) or Text.of("")
        description = self.text(data, "description", subject, None)
        choice_lists = self.choice_lists(data.get("choice_lists"), data)
        analysis = self.analysis(data.get("analysis"), data)
        draft_days = self.number(data, "draft_days", subject, None)
        if draft_days is not None and (not isinstance(draft_days, int) or draft_days < 1):
            self.wrong_type(data, "draft_days", subject, None, "expected.integer")
            draft_days = None
        privacy = self.privacy(data.get("privacy"), data)
        if "sections" in node and "questions" in node:
            self.problem(
                "I027",
                _line(data, "questions"),
                None,
                subject=subject,
                detail=Msg.of("detail.both_layouts"),
            )
        layout = "questions" if "questions" in node and "sections" not in node else "sections"
        raw_items = node.get(layout)
        if raw_items is None:
            self.problem("I004", _line(data), None, subject=subject, key="sections")
            raw_items = []
        inline_lists: dict[str, ChoiceList] = {}
        items = self.question_list(
            raw_items, data, layout, subject, inline_lists, section=layout == "sections"
        )
        for name, inline in inline_lists.items():
            choice_lists.setdefault(name, inline)
        items, choice_lists = with_other_parts(items, choice_lists, self.languages)
        return Instrument(
            id=instrument_id,
            version=version,
            title=title,
            items=items,
            languages=self.languages,
            description=description,
            choice_lists=choice_lists,
            analysis=analysis,
            draft_days=DRAFT_DAYS if draft_days is None else draft_days,
            privacy=privacy,
            layout=layout,
            source=self.source,
        )

    # ------------------------------------------------------------------ choices

    def choice_lists(self, raw: object, parent: Mapping) -> dict[str, ChoiceList]:
        lists: dict[str, ChoiceList] = {}
        if raw is None:
            return lists
        if not isinstance(raw, Mapping):
            self.wrong_type(
                parent, "choice_lists", Msg.of("subject.instrument"), None, "expected.mapping"
            )
            return lists
        for list_name, choices in raw.items():
            name = str(list_name)
            subject = Msg.of("subject.choice_list", name=name)
            if not NAME_RE.match(name):
                self.problem("I009", _line(raw, list_name), name, subject=subject, name=name)
            built = self.choice_list(name, choices, raw, list_name, subject, inline=False)
            if built is not None:
                lists[name] = built
        return lists

    def choice_list(
        self, name: str, raw: object, parent: Mapping, key: object, subject: Msg, *, inline: bool
    ) -> ChoiceList | None:
        if not isinstance(raw, list) or not raw:
            self.problem(
                "I006",
                _line(parent, key),
                name,
                subject=subject,
                key=key,
                expected=Msg.of("expected.list"),
                got=describe(raw),
            )
            return None
        choices: list[Choice] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            line = _line(raw, index)
            if not isinstance(item, Mapping):
                self.problem(
                    "I006",
                    line,
                    name,
                    subject=subject,
                    key="value",
                    expected=Msg.of("expected.mapping"),
                    got=describe(item),
                )
                continue
            node = self.keys(item, _CHOICE_KEYS, subject, name)
            if node.get("value") is None or isinstance(node.get("value"), bool | Mapping | list):
                self.problem("I004", line, name, subject=subject, key="value")
                continue
            value = str(node["value"]).strip()
            if value in seen:
                self.problem("I018", _line(item, "value"), name, subject=subject, value=value)
            seen.add(value)
            label = self.text(item, "label", subject, name)
            if label is None:
                if "label" not in node:
                    self.problem("I004", line, name, subject=subject, key="label")
                label = Text.of(value)
            missing = self.boolean(item, "missing", subject, name) if "missing" in node else False
            filters: tuple[tuple[str, str], ...] = ()
            raw_filter = node.get("filter")
            if raw_filter is not None:
                if isinstance(raw_filter, Mapping):
                    filters = tuple((str(k), str(v)) for k, v in raw_filter.items())
                else:
                    self.wrong_type(item, "filter", subject, name, "expected.mapping")
            choices.append(Choice(value=value, label=label, missing=missing, filters=filters))
        return ChoiceList(name=name, choices=tuple(choices), inline=inline, line=_line(parent, key))

    # ------------------------------------------------------------------ analysis

    def analysis(self, raw: object, parent: Mapping) -> AnalysisMeta:
        subject = Msg.of("subject.analysis")
        if raw is None:
            return AnalysisMeta()
        if not isinstance(raw, Mapping):
            self.wrong_type(parent, "analysis", subject, None, "expected.mapping")
            return AnalysisMeta()
        node = self.keys(raw, _ANALYSIS_KEYS, subject, None)
        weighting = node.get("weighting", [])
        if not isinstance(weighting, list):
            self.wrong_type(raw, "weighting", subject, None, "expected.list")
            weighting = []
        quotas = None
        raw_quotas = node.get("quotas")
        if raw_quotas is not None:
            quotas = self.quotas(raw_quotas, raw, subject)
        return AnalysisMeta(
            sector=self.string(raw, "sector", subject, None),
            wave=self.string(raw, "wave", subject, None),
            weighting=tuple(str(w) for w in weighting),
            quotas=quotas,
        )

    def privacy(self, raw: object, parent: Mapping) -> PrivacyMeta:
        subject = Msg.of("subject.privacy")
        if raw is None:
            return PrivacyMeta()
        if not isinstance(raw, Mapping):
            self.wrong_type(parent, "privacy", subject, None, "expected.mapping")
            return PrivacyMeta()
        node = self.keys(raw, _PRIVACY_KEYS, subject, None)
        days = node.get("retention_days")
        if days is not None and (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not 1 <= days <= MAX_RETENTION_DAYS
        ):
            self.problem(
                "P010",
                _line(raw, "retention_days"),
                None,
                subject=subject,
                got=describe(days),
                maximum=MAX_RETENTION_DAYS,
            )
            days = None
        basis = self.string(raw, "legal_basis", subject, None)
        if basis is not None and basis not in LEGAL_BASES:
            self.problem(
                "P011",
                _line(raw, "legal_basis"),
                None,
                subject=subject,
                got=basis,
                known=", ".join(LEGAL_BASES),
                suggestion=suggestion(basis, set(LEGAL_BASES)),
            )
            basis = None
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("recipients", "categories"):
            value = node.get(key, [])
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                self.wrong_type(raw, key, subject, None, "expected.list")
                value = []
            lists[key] = tuple(str(v).strip() for v in value)
        purpose = self.text(raw, "purpose", subject, None)
        if purpose is not None:
            # Plain str: a folded YAML scalar (>-) would not write back otherwise.
            purpose = Text.of({lang: str(text) for lang, text in purpose.to_plain().items()})
        return PrivacyMeta(
            retention_days=days,
            purpose=purpose,
            legal_basis=basis,
            recipients=lists["recipients"],
            categories=lists["categories"],
        )

    def quotas(self, raw: object, parent: Mapping, subject: Msg) -> Quotas | None:
        if not isinstance(raw, Mapping):
            self.wrong_type(parent, "quotas", subject, None, "expected.mapping")
            return None
        node = self.keys(raw, _QUOTA_KEYS, subject, None)
        by = node.get("by")
        if not isinstance(by, list) or not by:
            self.wrong_type(raw, "by", subject, None, "expected.list")
            return None
        default = node.get("default_target")
        if default is not None and (
            isinstance(default, bool) or not isinstance(default, int) or default < 0
        ):
            self.wrong_type(raw, "default_target", subject, None, "expected.integer")
            default = None
        targets = []
        raw_targets = node.get("targets") or []
        if not isinstance(raw_targets, list):
            self.wrong_type(raw, "targets", subject, None, "expected.list")
            raw_targets = []
        for item in raw_targets:
            cell, target = (
                (item.get("cell"), item.get("target"))
                if isinstance(item, Mapping)
                else (None, None)
            )
            if (
                not isinstance(cell, Mapping)
                or isinstance(target, bool)
                or not isinstance(target, int)
            ):
                self.problem(
                    "I006",
                    _line(item) or _line(raw, "targets"),
                    None,
                    subject=subject,
                    key="targets",
                    expected=Msg.of("expected.mapping"),
                    got=describe(item),
                )
                continue
            targets.append((tuple((str(k), str(v)) for k, v in cell.items()), target))
        return Quotas(by=tuple(str(b) for b in by), default_target=default, targets=tuple(targets))

    # ------------------------------------------------------------------ questions

    def question_list(
        self,
        raw: object,
        parent: Mapping,
        key: str,
        subject: Msg,
        inline_lists: dict[str, ChoiceList],
        *,
        section: bool = False,
    ) -> tuple[Question, ...]:
        if not isinstance(raw, list):
            self.wrong_type(parent, key, subject, None, "expected.list")
            return ()
        out = []
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping):
                self.problem(
                    "I006",
                    _line(raw, index),
                    None,
                    subject=subject,
                    key=key,
                    expected=Msg.of("expected.mapping"),
                    got=describe(item),
                )
                continue
            question = self.question(item, inline_lists, section=section)
            if question is not None:
                out.append(question)
        return tuple(out)

    def question(
        self, item: Mapping, inline_lists: dict[str, ChoiceList], *, section: bool = False
    ) -> Question | None:
        raw_name = item.get("name")
        subject = Msg.of("subject.question", name=raw_name if raw_name is not None else "?")
        name = self.name(item, subject, None)
        field = name
        node = self.keys(item, _QUESTION_KEYS, subject, field)
        line = _line(item)
        raw_type = node.get("type", "group" if section else None)
        if raw_type is None:
            self.problem("I004", line, field, subject=subject, key="type")
            return None
        qtype = TYPE_ALIASES.get(str(raw_type).strip().lower(), str(raw_type).strip().lower())
        if qtype not in QUESTION_TYPES:
            self.problem(
                "I007",
                _line(item, "type"),
                field,
                subject=subject,
                got=raw_type,
                suggestion=suggestion(str(raw_type), QUESTION_TYPES),
            )
            return None
        if section and qtype not in ("group", "repeat"):
            self.problem(
                "I027",
                _line(item, "type"),
                field,
                subject=subject,
                detail=Msg.of("detail.section_not_group", type=qtype),
            )
        # choices: a list name or an inline list
        choices: str | None = None
        raw_choices = node.get("choices")
        choices_from: str | None = None
        if raw_choices is not None:
            choices_key = next(k for k in item if KEY_ALIASES.get(str(k), str(k)) == "choices")
            from_answers = (
                _REPEAT_CHOICES.match(raw_choices) if isinstance(raw_choices, str) else None
            )
            if from_answers:
                choices_from = from_answers.group(1)
            elif isinstance(raw_choices, str):
                choices = raw_choices.strip()
            elif isinstance(raw_choices, list) and name:
                built = self.choice_list(name, raw_choices, item, choices_key, subject, inline=True)
                if built is not None:
                    inline_lists[name] = built
                    choices = name
            else:
                self.wrong_type(item, choices_key, subject, field, "expected.choices")
            if qtype not in CHOICE_TYPES:
                self.problem(
                    "I026",
                    _line(item, choices_key),
                    field,
                    subject=subject,
                    key="choices",
                    type=qtype,
                )
        elif qtype in CHOICE_TYPES:
            self.problem("I011", line, field, subject=subject, type=qtype)
        if choices_from is not None and qtype in ("likert", "likert_matrix"):
            self.problem(
                "I026", _line(item, "choices"), field, subject=subject, key="choices", type=qtype
            )
        # required: a boolean or an expression
        required, required_if = False, None
        if "required" in node:
            raw_required = node["required"]
            if isinstance(raw_required, bool):
                required = raw_required
            elif isinstance(raw_required, str) and raw_required.strip():
                required_if = raw_required.strip()
            else:
                self.wrong_type(item, "required", subject, field, "expected.bool_or_expression")
        children: tuple[Question, ...] = ()
        if qtype in ("group", "repeat"):
            children = self.question_list(
                node.get("questions", []), item, "questions", subject, inline_lists
            )
            if not children:
                self.problem("I022", line, field, subject=subject, type=qtype)
        elif qtype == "likert_matrix":
            children = self.matrix_items(node.get("items", []), item, subject, choices)
            if not children:
                self.problem("I022", line, field, subject=subject, type=qtype)
        for key in ("questions", "items"):
            if (
                key in node
                and not (key == "questions" and qtype in ("group", "repeat"))
                and not (key == "items" and qtype == "likert_matrix")
            ):
                self.problem("I026", _line(item, key), field, subject=subject, key=key, type=qtype)
        minimum = self.number(item, "minimum", subject, field)
        maximum = self.number(item, "maximum", subject, field)
        for key, value in (("minimum", minimum), ("maximum", maximum)):
            if value is not None and qtype not in NUMERIC_TYPES:
                self.problem("I026", line, field, subject=subject, key=key, type=qtype)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem("I020", line, field, subject=subject, minimum=minimum, maximum=maximum)
        calculation = self.string(item, "calculation", subject, field)
        if qtype == "calculate" and not calculation:
            self.problem("I021", line, field, subject=subject)
        repeat_count = self.string(item, "repeat_count", subject, field)
        if repeat_count is not None and qtype != "repeat":
            self.problem(
                "I026",
                _line(item, "repeat_count"),
                field,
                subject=subject,
                key="repeat_count",
                type=qtype,
            )
        extras = self.extras(item, node, qtype, subject, field, repeat_count)
        label = self.text(item, "label", subject, field)
        if label is not None and self.languages[0] not in label.languages():
            self.problem(
                "I019", _line(item, "label"), field, subject=subject, lang=self.languages[0]
            )
        return Question(
            name=name or "",
            type=qtype,
            label=label,
            hint=self.text(item, "hint", subject, field),
            choices=choices,
            choice_filter=self.string(item, "choice_filter", subject, field),
            required=required,
            required_if=required_if,
            required_message=self.text(item, "required_message", subject, field),
            relevant=self.string(item, "relevant", subject, field),
            constraint=self.string(item, "constraint", subject, field),
            constraint_message=self.text(item, "constraint_message", subject, field),
            calculation=calculation,
            default=self.string(item, "default", subject, field),
            read_only=self.boolean(item, "read_only", subject, field)
            if "read_only" in node
            else False,
            pii=self.boolean(item, "pii", subject, field) if "pii" in node else False,
            minimum=minimum,
            maximum=maximum,
            appearance=self.string(item, "appearance", subject, field),
            repeat_count=repeat_count,
            choices_from=choices_from,
            children=children,
            line=line,
            key_lines=self.key_lines(item),
            **extras,
        )

    def extras(
        self,
        item: Mapping,
        node: Mapping,
        qtype: str,
        subject: Msg,
        field: str | None,
        repeat_count: str | None,
    ) -> dict[str, Any]:
        """``other``, ``loop_over``, ``flat`` and ``metadata``, each checked against the type.

        Values are typed per key by :class:`~toolkit.instruments.model.Question` (a bool,
        a list name, a metadata source), hence ``Any`` for the mapping as a whole.
        """
        out: dict[str, Any] = {}
        allowed = {
            "other": ("single_choice", "multiple_choice"),
            "loop_over": ("repeat",),
            "flat": ("group",),
            "metadata": ("metadata",),
        }
        for key, types in allowed.items():
            if key in node and qtype not in types:
                self.problem("I026", _line(item, key), field, subject=subject, key=key, type=qtype)
        if "other" in node:
            out["other"] = self.boolean(item, "other", subject, field)
        if "flat" in node:
            out["flat"] = self.boolean(item, "flat", subject, field)
        loop_over = self.string(item, "loop_over", subject, field)
        if loop_over is not None:
            out["loop_over"] = loop_over
            if repeat_count is not None:
                self.problem(
                    "I027",
                    _line(item, "loop_over"),
                    field,
                    subject=subject,
                    detail=Msg.of("detail.loop_and_count"),
                )
        metadata = self.string(item, "metadata", subject, field)
        if qtype == "metadata":
            if metadata is None:
                self.problem("I004", _line(item), field, subject=subject, key="metadata")
            elif metadata not in METADATA_SOURCES:
                self.problem(
                    "I033",
                    _line(item, "metadata"),
                    field,
                    subject=subject,
                    got=metadata,
                    known=", ".join(sorted(METADATA_SOURCES)),
                    suggestion=suggestion(metadata, METADATA_SOURCES),
                )
            out["metadata"] = metadata
        return out

    def key_lines(self, item: Mapping) -> tuple[tuple[str, int], ...]:
        out = []
        for raw_key in item:
            line = _line(item, raw_key)
            if line is not None:
                key = KEY_ALIASES.get(str(raw_key), str(raw_key))
                out.append(("required_if" if key == "required" else key, line))
        return tuple(out)

    def matrix_items(
        self, raw: object, parent: Mapping, subject: Msg, choices: str | None
    ) -> tuple[Question, ...]:
        if not isinstance(raw, list):
            self.wrong_type(parent, "items", subject, None, "expected.list")
            return ()
        out = []
        allowed = {"name", "label", "hint", "required", "required_message", "relevant", "pii"}
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping):
                self.problem(
                    "I027",
                    _line(raw, index),
                    None,
                    subject=subject,
                    detail=Msg.of("detail.matrix_items"),
                )
                continue
            item_subject = Msg.of("subject.question", name=item.get("name", "?"))
            name = self.name(item, item_subject, None)
            node = self.keys(item, allowed, item_subject, name)
            required = node.get("required", False)
            required_if = None
            if isinstance(required, str):
                required_if, required = required, False
            elif not isinstance(required, bool):
                self.wrong_type(item, "required", item_subject, name, "expected.bool_or_expression")
                required = False
            out.append(
                Question(
                    name=name or "",
                    type="likert",
                    label=self.text(item, "label", item_subject, name),
                    hint=self.text(item, "hint", item_subject, name),
                    choices=choices,
                    required=required,
                    required_if=required_if,
                    required_message=self.text(item, "required_message", item_subject, name),
                    relevant=self.string(item, "relevant", item_subject, name),
                    pii=self.boolean(item, "pii", item_subject, name) if "pii" in node else False,
                    line=_line(item),
                    key_lines=self.key_lines(item),
                )
            )
        return tuple(out)


__all__ = [
    "CONTAINER_TYPES",
    "KEY_ALIASES",
    "TYPE_ALIASES",
    "from_mapping",
    "load",
    "loads",
]
