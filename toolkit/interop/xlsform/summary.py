"""A canonical summary of an XForm, to tell whether two conversions collect the same data.

Two XForms are *equivalent* when their summaries are equal. The summary keeps everything
that decides what is asked and what is stored:

* every bind: node path, data type, ``relevant``, ``constraint``, ``required``,
  ``calculate``, ``readonly``, ``jr:count`` and the constraint / required messages;
* every body control in order: kind (input, select1, select, trigger, group, repeat...),
  node path, appearance, label and hint in each language;
* every choice list (secondary instance): values, labels in each language, filter columns.

It leaves out what differs between two equally good conversions: the form id, title and
version, the root node name, itext ids and their numbering, the display names of languages
(``english`` and ``English (en)`` are both ``en``), the ``meta/instanceID`` block, the
numbers pyxform appends to the names it generates for table-lists, attributes in foreign
namespaces and choice columns named ``mediation_*`` (the toolkit's round-trip markers).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from toolkit.interop.xlsform.languages import code_of

_XF = "{http://www.w3.org/2002/xforms}"
_H = "{http://www.w3.org/1999/xhtml}"
_JR = "{http://openrosa.org/javarosa}"
_GENERATED = re.compile(r"(generated_table_list_label_|reserved_name_for_field_list_labels_)\d+")
_ITEXT = re.compile(r"jr:itext\('([^']*)'\)")
_BIND_KEYS = ("type", "relevant", "constraint", "required", "calculate", "readonly")
_CONTROLS = {
    "input",
    "select1",
    "select",
    "trigger",
    "group",
    "repeat",
    "upload",
    "range",
    "odk:rank",
}


def _path(text: str | None) -> str:
    """``/data/g/q`` -> ``g/q`` (root name dropped, generated numbers removed)."""
    if not text:
        return ""
    parts = text.strip().split("/")
    path = "/".join(parts[2:]) if text.startswith("/") else text
    return _GENERATED.sub(r"\1", path)


def _expression(text: str | None, root_name: str = "") -> str | None:
    """``text`` with spaces normalised, generated numbers removed and absolute paths
    written without the root name (``/data/g/q`` -> ``g/q``, as :func:`_path` does)."""
    if text is None:
        return None
    text = _GENERATED.sub(r"\1", " ".join(text.split()))
    if root_name:
        text = re.sub(rf"(?<![\w./-])/{re.escape(root_name)}/", "", text)
    return text


def _root_name(model: ET.Element) -> str:
    """The name of the main instance's root node (``data`` by default in pyxform)."""
    for instance in model.iterfind(f"{_XF}instance"):
        if instance.get("id") is None:
            for node in instance:
                return node.tag.rsplit("}", 1)[-1]
    return ""


def summarise(xform: str, default_language: str = "fr") -> dict:
    """The canonical summary of ``xform`` (see the module documentation).

    ``default_language`` is the code given to texts written without a language.

    Examples
    --------
    A new version under a new title asks the same thing; a new bound does not:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from pyxform.xls2xform import convert
    >>> from toolkit.instruments import loads
    >>> from toolkit.interop.xlsform import write_xlsform
    >>> def xform(version, title, maximum):
    ...     instrument = loads(
    ...         f"{{id: tournee, version: '{version}', title: {title}, questions: ["
    ...         f"{{name: personnes, type: integer, label: Personnes, maximum: {maximum}}}]}}"
    ...     )
    ...     path = write_xlsform(instrument, Path(tempfile.mkdtemp()) / "tournee.xlsx")
    ...     return convert(xlsform=str(path)).xform
    >>> first, renamed = xform(1, "Tournée", 50), xform(2, "Tournée du soir", 50)
    >>> first == renamed, summarise(first) == summarise(renamed)
    (False, True)
    >>> summarise(first)["binds"]["personnes"]
    {'type': 'int', 'constraint': '. <= 50'}
    >>> summarise(xform(1, "Tournée", 80))["binds"]["personnes"]
    {'type': 'int', 'constraint': '. <= 80'}
    >>> summarise(first)["controls"][0][:4]
    ('input', 'personnes', None, (('fr', 'Personnes'),))
    """
    root = ET.fromstring(xform)  # noqa: S314 (XForms produced by pyxform, not untrusted input)
    model = root.find(f"{_H}head/{_XF}model")
    if model is None:
        return {}
    root_name = _root_name(model)
    itext: dict[str, dict[str, str]] = {}
    for translation in model.iterfind(f"{_XF}itext/{_XF}translation"):
        name = translation.get("lang", "default")
        lang = default_language if name == "default" else code_of(name)
        for text in translation.iterfind(f"{_XF}text"):
            value = next(
                (v.text or "" for v in text.iterfind(f"{_XF}value") if v.get("form") is None),
                None,
            )
            if value is not None and value != "-":
                itext.setdefault(text.get("id", ""), {})[lang] = value

    def resolve(element: ET.Element | None) -> tuple | None:
        if element is None:
            return None
        ref = element.get("ref") or ""
        match = _ITEXT.fullmatch(ref.strip())
        if match:
            return tuple(sorted(itext.get(match.group(1), {}).items()))
        text = "".join(element.itertext()).strip()
        return ((default_language, text),) if text else None

    binds = {}
    for bind in model.iterfind(f"{_XF}bind"):
        path = _path(bind.get("nodeset"))
        if path.startswith("meta/") or path == "meta":
            continue
        entry: dict[str, object] = {
            key: _expression(bind.get(key), root_name) for key in _BIND_KEYS if bind.get(key)
        }
        for key in ("constraintMsg", "requiredMsg"):
            raw = bind.get(f"{_JR}{key}")
            if raw:
                match = _ITEXT.fullmatch(raw.strip())
                entry[key] = (
                    tuple(sorted(itext.get(match.group(1), {}).items()))
                    if match
                    else ((default_language, raw),)
                )
        binds[path] = entry
    instances = {}
    for instance in model.iterfind(f"{_XF}instance"):
        if instance.get("id") is None:
            continue
        items = []
        for item in instance.iter(f"{_XF}item"):
            entry = {}
            for child in item:
                tag = child.tag.replace(_XF, "")
                if tag == "itextId":
                    entry["label"] = tuple(sorted(itext.get(child.text or "", {}).items()))
                elif tag == "label":
                    entry["label"] = ((default_language, child.text or ""),)
                elif not tag.startswith("mediation_"):
                    entry[tag] = child.text or ""
            items.append(tuple(sorted(entry.items())))
        instances[instance.get("id")] = tuple(items)
    body = root.find(f"{_H}body")
    controls: list[tuple] = []
    if body is not None:
        _walk(body, controls, resolve)
    return {"binds": binds, "controls": controls, "choices": instances}


def _walk(element: ET.Element, out: list[tuple], resolve: Callable) -> None:
    for child in element:
        tag = child.tag.replace(_XF, "")
        if tag not in _CONTROLS:
            continue
        itemset = child.find(f"{_XF}itemset")
        out.append(
            (
                tag,
                _path(child.get("ref") or child.get("nodeset")),
                child.get("appearance"),
                resolve(child.find(f"{_XF}label")),
                resolve(child.find(f"{_XF}hint")),
                _path(child.get(f"{_JR}count")),
                itemset.get("nodeset") if itemset is not None else None,
            )
        )
        _walk(child, out, resolve)


__all__ = ["summarise"]
