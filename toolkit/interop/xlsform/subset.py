"""What part of XLSForm the toolkit understands, and how pyxform's types map to the model.

Types are looked up in pyxform's own ``QUESTION_TYPE_DICT`` (after pyxform has resolved the
aliases such as ``select one`` or ``q int``), so every spelling pyxform accepts is accepted.
"""

from __future__ import annotations

import re

from pyxform.aliases import survey_header
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from toolkit.i18n import Msg

#: JSON types (as produced by pyxform's ``workbook_to_json``) of notes and calculations.
NOTE_TYPES = frozenset({"note", "q note", "add note prompt"})
CALCULATE_TYPES = frozenset({"calculate", "q calculate", "add calculate prompt"})
SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
SELECT_ONE_EXTERNAL = "select one external"
#: The itemset of ``select_one_from_file rues.csv``.
FILE_ITEMSET = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)
RANGE = "range"
#: Select-like JSON types outside the subset, with the catalogue key naming the feature.
UNSUPPORTED_SELECTS = {
    "rank": "feature.rank",
}
#: Automatic metadata without a ``jr:preload`` bind (the others are recognised by it).
_METADATA_TYPES = frozenset({"audit", "start-geopoint", "background-audio"})
#: Bind types captured by the device that the field app cannot collect.
_CAPTURE_BINDS = frozenset({"binary", "barcode", "geoshape", "geotrace"})
#: Bind types of input controls and the model type they become.
_INPUT_TYPES = {
    "int": "integer",
    "decimal": "decimal",
    "string": "text",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "geopoint": "geopoint",
}
#: Survey columns the importer reads (lower case, language suffix removed).
SURVEY_COLUMNS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "required",
        "required_message",
        "requiredmsg",
        "relevant",
        "relevance",
        "constraint",
        "constraint_message",
        "constraintmsg",
        "constraining_message",
        "calculation",
        "calculate",
        "default",
        "read_only",
        "readonly",
        "appearance",
        "choice_filter",
        "repeat_count",
        "jr:count",
        "count",
        "caption",
        "command",
        "tag",
        "value",
        "flat",
    }
)
#: What the importer reads of the ``bind::…`` and ``control::…`` columns pyxform takes.
_USED_SUBKEYS = {
    "bind": frozenset(
        {"relevant", "required", "constraint", "calculate", "readonly"}
        | {"jr:constraintMsg", "jr:requiredMsg"}
    ),
    "control": frozenset({"appearance", "jr:count"}),
}
CHOICE_COLUMNS = frozenset({"list_name", "list name", "name", "value", "label"})
CHOICE_MEDIA_COLUMNS = frozenset({"image", "big-image", "audio", "video", "media"})
SETTINGS_COLUMNS = frozenset(
    {
        "form_title",
        "set_form_title",
        "form_id",
        "set_form_id",
        "version",
        "default_language",
        "allow_choice_duplicates",
        "namespaces",
        "clean_text_values",
        "id_string",
        "title",
    }
)
#: Automatic metadata the toolkit records itself: XLSForm type -> ``metadata`` source.
RECORDED_METADATA = {
    "username": "collector",
    "start": "started_at",
    "end": "submitted_at",
    "today": "today",
}
#: The reverse, for the exporter; the other sources have no XLSForm type.
METADATA_TYPES = {source: xls_type for xls_type, source in RECORDED_METADATA.items()}
#: Properties of the device the toolkit does not record (ODK's ``jr:preloadParams``).
DEVICE_PROPERTIES = frozenset({"deviceid", "email", "phonenumber", "simserial", "subscriberid"})
#: Expression columns: canonical key -> spellings of the column.
EXPRESSION_COLUMNS = {
    "relevant": ("relevant", "relevance"),
    "constraint": ("constraint",),
    "calculation": ("calculation", "calculate"),
    "required": ("required",),
    "choice_filter": ("choice_filter",),
    "repeat_count": ("repeat_count", "jr:count"),
    "default": ("default",),
    "appearance": ("appearance",),
}


def model_type(json_type: str, bind_type: str | None = None) -> str | Msg:
    """The model type of a pyxform JSON question type, or a :class:`Msg` naming the feature.

    Groups, repeats and selects are handled by the caller. The message key tells the caller
    what to do with a question outside the model: ``feature.metadata`` (automatic metadata)
    and ``feature.media`` (media and device capture) are left out with a warning, any other
    feature is an error. ``bind_type`` is the bind type pyxform gave the question, which
    differs from the dictionary's for a ``range`` with decimal bounds or step.
    """
    if json_type in NOTE_TYPES:
        return "note"
    if json_type in CALCULATE_TYPES:
        return "calculate"
    if json_type == "hidden":
        return "hidden"
    entry = QUESTION_TYPE_DICT.get(json_type)
    if entry is None:
        return Msg.of("feature.type", type=json_type)
    bind = entry.get("bind", {})
    control = entry.get("control", {})
    if "jr:preload" in bind or json_type in _METADATA_TYPES:
        return Msg.of("feature.metadata", type=json_type)
    tag = control.get("tag")
    if tag == "trigger" and bind.get("type") in (None, "string"):
        return "consent"
    if json_type == RANGE:
        return "decimal" if bind_type == "decimal" else "integer"
    if tag == "upload" or bind.get("type") in _CAPTURE_BINDS or tag == "trigger":
        return Msg.of("feature.media", type=json_type)
    if tag == "input" and bind.get("type") in _INPUT_TYPES:
        return _INPUT_TYPES[bind["type"]]
    return Msg.of("feature.type", type=json_type)


def type_defaults(json_type: str) -> dict:
    """Bind constraint and hint that pyxform adds for some types (``phone number``...)."""
    entry = QUESTION_TYPE_DICT.get(json_type, {})
    out = {}
    if "constraint" in entry.get("bind", {}):
        out["constraint"] = entry["bind"]["constraint"]
    if "hint" in entry:
        out["hint"] = entry["hint"]
    return out


def preload(json_type: str) -> str:
    """What an automatic metadata type loads (``username``, ``start``, ``deviceid``...)."""
    bind = QUESTION_TYPE_DICT.get(json_type, {}).get("bind", {})
    return str(bind.get("jr:preloadParams") or json_type).removeprefix("uri:")


def survey_column_used(column: str, subkey: str | None) -> bool:
    """Whether the importer reads a survey column (header without language, lower case).

    ``subkey`` is the part after ``::`` of a ``bind::relevant`` or ``control::appearance``
    header; pyxform's own aliases count as the column they stand for.
    """
    if column in SURVEY_COLUMNS:
        return True
    target = survey_header.get(column)
    if isinstance(target, tuple):
        column, subkey = target
    return subkey is not None and subkey in _USED_SUBKEYS.get(column, ())
