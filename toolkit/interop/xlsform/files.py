"""Choice files given beside a form: ``select_one_from_file rues.csv`` (CSV, XML, GeoJSON).

ODK and KoboToolbox read the choices of such a question from a media file attached to the
form. The importer reads that file from the media folder (the form's folder by default,
``--media DIR``) and keeps its choices in the instrument, as an ordinary choice list: the
instrument then travels alone, and is exported back with the choices in the ``choices``
sheet. Formats, as ODK reads them:

* CSV: a header row, the value in column ``name`` and the label in ``label`` (or
  ``label::Langue (xx)``), unless the question's ``parameters`` say ``value=col label=col``;
  the other columns are filter columns for ``choice_filter``;
* XML: ``<root><item><name>…</name><label>…</label>…</item></root>``, same columns;
* GeoJSON: one feature per choice, the value in ``id`` (or the feature's id), the label in
  ``title``; the other properties are filter columns, the geometry is not kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from toolkit.interop.xlsform.locate import header, language_of

__all__ = ["MAX_FILE_BYTES", "ChoiceFile", "ChoiceFileError", "read_choice_file"]

#: Larger choice files are refused (a street list of a whole city is well under 5 MB).
MAX_FILE_BYTES = 20_000_000


class ChoiceFileError(ValueError):
    """A choice file cannot be read; :attr:`line` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass
class ChoiceFile:
    """The choices of one file in the shape of pyxform's JSON choices, and what was dropped."""

    choices: list[dict] = field(default_factory=list)
    #: Line (or feature number) of each choice, for messages.
    lines: list[int] = field(default_factory=list)
    geometry_dropped: bool = False


def read_choice_file(path: Path, parameters: Mapping[str, object] | None = None) -> ChoiceFile:
    """The choices of ``path`` (``.csv``, ``.xml`` or ``.geojson``).

    Raises
    ------
    FileNotFoundError
        The file is not there.
    ChoiceFileError
        It cannot be read (encoding, syntax, no value column, too large).
    """
    parameters = parameters or {}
    value_column = str(parameters.get("value") or "name")
    label_column = str(parameters.get("label") or "label")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ChoiceFileError(f"{size} bytes > {MAX_FILE_BYTES}")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _from_rows(_csv_rows(data), value_column, label_column)
    if suffix == ".xml":
        return _from_rows(_xml_rows(data), value_column, label_column)
    return _geojson(data, value_column if "value" in parameters else "id", label_column)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChoiceFileError(f"UTF-8: {exc.reason}") from None


def _csv_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header_row = [h.strip() for h in next(reader, [])]
        rows = []
        for number, values in enumerate(reader, start=2):
            row = {h: v.strip() for h, v in zip(header_row, values, strict=False) if h}
            if any(row.values()):
                rows.append((number, row))
    except csv.Error as exc:
        raise ChoiceFileError(str(exc), reader.line_num) from None
    return rows


def _xml_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        position = getattr(exc, "position", None)
        raise ChoiceFileError(str(exc), position[0] if position else None) from None
    rows = []
    for number, item in enumerate(root.iter("item"), start=1):
        rows.append((number, {child.tag: (child.text or "").strip() for child in item}))
    return rows


def _from_rows(
    rows: list[tuple[int, dict[str, str]]], value_column: str, label_column: str
) -> ChoiceFile:
    out = ChoiceFile()
    if rows and not any(value_column in row for _, row in rows):
        raise ChoiceFileError(f"no column '{value_column}'", 1)
    for number, row in rows:
        value = row.get(value_column, "")
        if not value:
            continue
        choice: dict = {"name": value}
        labels = {
            language_of(key): text
            for key, text in row.items()
            if header(key) == header(label_column) and text
        }
        if labels:
            choice["label"] = labels if set(labels) != {"default"} else labels["default"]
        for key, text in row.items():
            if key != value_column and header(key) != header(label_column) and text:
                choice[key] = text
        out.choices.append(choice)
        out.lines.append(number)
    return out


def _geojson(data: bytes, value_key: str, label_key: str) -> ChoiceFile:
    try:
        document = json.loads(_text(data))
    except ValueError as exc:
        raise ChoiceFileError(str(exc), getattr(exc, "lineno", None)) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ChoiceFileError("FeatureCollection expected", 1)
    out = ChoiceFile()
    label_key = "title" if label_key == "label" else label_key
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        value = properties.get(value_key, feature.get("id"))
        if value in (None, ""):
            continue
        choice: dict = {"name": str(value)}
        if properties.get(label_key) not in (None, ""):
            choice["label"] = str(properties[label_key])
        for key, text in properties.items():
            if key not in (value_key, label_key) and text not in (None, ""):
                choice[str(key)] = str(text)
        out.geometry_dropped = out.geometry_dropped or feature.get("geometry") is not None
        out.choices.append(choice)
        out.lines.append(number)
    return out
