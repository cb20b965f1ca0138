"""Write an instrument back to its YAML shape, so that files round-trip without loss.

Examples
--------
>>> from toolkit.instruments import load
>>> baro = load("surveys/barometre_ambiance.yaml")
>>> instrument_to_dict(baro)["id"]
'barometre_ambiance'
>>> len(content_hash(baro))
64
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from ruamel.yaml import YAML

from toolkit.i18n import Text
from toolkit.instruments.model import DRAFT_DAYS, Choice, ChoiceList, Instrument, Question


def _text(value: Text | None) -> dict[str, str] | None:
    return value.to_plain() if value is not None else None


def _choice(choice: Choice) -> dict:
    out: dict = {"value": choice.value, "label": _text(choice.label)}
    if choice.missing:
        out["missing"] = True
    if choice.filters:
        out["filter"] = dict(choice.filters)
    return out


def _choices(choice_list: ChoiceList) -> list[dict]:
    return [_choice(c) for c in choice_list.choices]


def question_to_dict(question: Question, instrument: Instrument) -> dict:
    """One question in its YAML shape (keys in a readable order, defaults left out)."""
    out: dict = {"name": question.name, "type": question.type}
    for key in ("label", "hint"):
        if getattr(question, key) is not None:
            out[key] = _text(getattr(question, key))
    if question.choices is not None:
        name = written_list(instrument, question.choices)
        inline = instrument.choice_lists.get(name)
        out["choices"] = _choices(inline) if inline is not None and inline.inline else name
    elif question.choices_from is not None:
        out["choices"] = f"${{{question.choices_from}}}"
    if question.other:
        out["other"] = True
    if question.choice_filter:
        out["choice_filter"] = question.choice_filter
    if question.required_if:
        out["required"] = question.required_if
    elif question.required:
        out["required"] = True
    for key in ("required_message",):
        if getattr(question, key) is not None:
            out[key] = _text(getattr(question, key))
    for key in ("relevant", "constraint"):
        if getattr(question, key):
            out[key] = getattr(question, key)
    if question.constraint_message is not None:
        out["constraint_message"] = _text(question.constraint_message)
    for key in ("calculation", "default"):
        if getattr(question, key) is not None:
            out[key] = getattr(question, key)
    for key in ("read_only", "pii"):
        if getattr(question, key):
            out[key] = True
    for key in ("minimum", "maximum", "appearance", "repeat_count", "loop_over", "metadata"):
        if getattr(question, key) is not None:
            out[key] = getattr(question, key)
    if question.flat:
        out["flat"] = True
    if question.type in ("group", "repeat"):
        out["questions"] = [
            question_to_dict(q, instrument) for q in question.children if not q.derived
        ]
    elif question.type == "likert_matrix":
        out["items"] = [_matrix_item(q) for q in question.children]
    return out


def written_list(instrument: Instrument, name: str) -> str:
    """The list a question names in the file: the one a derived list extends, or itself."""
    choice_list = instrument.choice_lists.get(name)
    return choice_list.base if choice_list is not None and choice_list.base else name


def _matrix_item(question: Question) -> dict:
    out: dict = {"name": question.name}
    for key in ("label", "hint"):
        if getattr(question, key) is not None:
            out[key] = _text(getattr(question, key))
    if question.required_if:
        out["required"] = question.required_if
    elif question.required:
        out["required"] = True
    if question.required_message is not None:
        out["required_message"] = _text(question.required_message)
    if question.relevant:
        out["relevant"] = question.relevant
    if question.pii:
        out["pii"] = True
    return out


def _privacy(instrument: Instrument) -> dict:
    meta = instrument.privacy
    out: dict = {}
    if meta.retention_days is not None:
        out["retention_days"] = meta.retention_days
    if meta.purpose is not None:
        out["purpose"] = _text(meta.purpose)
    if meta.legal_basis is not None:
        out["legal_basis"] = meta.legal_basis
    if meta.recipients:
        out["recipients"] = list(meta.recipients)
    if meta.categories:
        out["categories"] = list(meta.categories)
    return out


def instrument_to_dict(instrument: Instrument) -> dict:
    """The whole instrument in its YAML shape."""
    out: dict = {
        "id": instrument.id,
        "version": instrument.version,
        "title": _text(instrument.title),
        "languages": list(instrument.languages),
    }
    if instrument.description is not None:
        out["description"] = _text(instrument.description)
    meta = instrument.analysis
    analysis: dict = {}
    if meta.sector:
        analysis["sector"] = meta.sector
    if meta.wave:
        analysis["wave"] = meta.wave
    if meta.weighting:
        analysis["weighting"] = list(meta.weighting)
    if meta.quotas is not None:
        quotas: dict = {"by": list(meta.quotas.by)}
        if meta.quotas.default_target is not None:
            quotas["default_target"] = meta.quotas.default_target
        if meta.quotas.targets:
            quotas["targets"] = [
                {"cell": dict(cell), "target": target} for cell, target in meta.quotas.targets
            ]
        analysis["quotas"] = quotas
    if analysis:
        out["analysis"] = analysis
    if instrument.draft_days != DRAFT_DAYS:
        out["draft_days"] = instrument.draft_days
    privacy = _privacy(instrument)
    if privacy:
        out["privacy"] = privacy
    shared = {
        name: _choices(cl)
        for name, cl in instrument.choice_lists.items()
        if not cl.inline and cl.base is None
    }
    if shared:
        out["choice_lists"] = shared
    out[instrument.layout] = [
        question_to_dict(q, instrument) for q in instrument.items if not q.derived
    ]
    return out


def content_hash(instrument: Instrument) -> str:
    """SHA-256 of the canonical JSON of :func:`instrument_to_dict`: the version answered.

    Two instruments with the same content (whatever their source file or key order) have the
    same hash; the store keys each registered version by it.
    """
    canonical = json.dumps(instrument_to_dict(instrument), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dumps(instrument: Instrument) -> str:
    """The instrument as YAML text (UTF-8, French kept readable, keys in model order)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.allow_unicode = True
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(instrument_to_dict(instrument), buffer)
    return buffer.getvalue()


def dump(instrument: Instrument, path: str | Path) -> None:
    """Write the instrument as YAML to ``path``."""
    Path(path).write_text(dumps(instrument), encoding="utf-8")
