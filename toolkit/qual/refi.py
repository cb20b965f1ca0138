"""Exchange with QDA tools (QualCoder, NVivo, ATLAS.ti, MAXQDA…) in the REFI-QDA standard.

- ``.qdc``: the codebook alone (namespace ``urn:QDA-XML:codebook:1.0``);
- ``.qdpx``: a ZIP holding ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) with the
  users (coders), the codebook, variables and cases (pseudonyms and attributes), the text
  sources with each coding as a ``PlainTextSelection`` carrying its ``creatingUser``, and
  the memos as notes.

Both are validated against the official schemas (shipped in ``toolkit/qual/schemas``) with
``xmlschema`` on the way out and on the way in. What QDA-XML has no element for (a code's
inclusion and exclusion criteria, example, keywords and English label; how a source is cut
into segments; who looked at which segment) is written as readable text followed by a JSON
block in the ``Description`` elements, so that re-importing an export loses nothing while
other tools show the readable part. Positions are 0-based offsets in Unicode code points,
the end excluded.
"""

from __future__ import annotations

import functools
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from toolkit.qual.codebook import Code, Codebook
from toolkit.qual.errors import qual_error

__all__ = [
    "CODEBOOK_NS",
    "MARKER",
    "PROJECT_NS",
    "codebook_xml",
    "export_codebook",
    "export_project",
    "project_xml",
    "schema",
    "validate_xml",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Line that separates the readable part of a Description from the toolkit's JSON.
MARKER = "--- mediation-toolkit ---"
_SCHEMAS = Path(__file__).with_name("schemas")
_NAMESPACE_GUID = uuid.UUID("0b6a9c52-7f0e-4a8d-9a8e-3d2f1c4b5a69")
ORIGIN = "Médiation Toolkit"


@functools.cache
def schema(kind: str):
    """The ``xmlschema`` schema for ``"codebook"`` or ``"project"``."""
    import xmlschema  # validates against the official REFI-QDA XSDs

    return xmlschema.XMLSchema(
        str(_SCHEMAS / ("Codebook.xsd" if kind == "codebook" else "Project.xsd"))
    )


def validate_xml(data: bytes, kind: str, *, source: str | None = None) -> ET.Element:
    """Parse and validate REFI-QDA XML; ``Q040`` names the first schema violation."""
    try:
        root = ET.fromstring(data)  # noqa: S314 - expat refuses entity bombs; no external entities
    except ET.ParseError as exc:
        raise qual_error("Q040", file=source, detail=str(exc)) from None
    error = next(iter(schema(kind).iter_errors(root)), None)
    if error is not None:
        where = error.path or ""
        raise qual_error(
            "Q040", file=source, detail=f"{where} {error.reason or error.message}".strip()
        )
    return root


def derived_guid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE_GUID, "/".join(str(p) for p in parts)))


def _stamp(value: datetime | None = None) -> str:
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def description(readable: str, data: dict) -> str:
    """Readable text, the marker line, then the toolkit's JSON."""
    return f"{readable}\n{MARKER}\n{json.dumps(data, ensure_ascii=False, sort_keys=True)}"


def split_description(text: str | None) -> tuple[str, dict | None]:
    """(readable part, toolkit JSON or ``None``) of a Description."""
    if not text:
        return "", None
    head, marker, tail = text.partition(f"\n{MARKER}\n")
    if not marker:
        return text, None
    try:
        data = json.loads(tail)
    except json.JSONDecodeError:
        return text, None
    return head, data if isinstance(data, dict) else None


def _code_description(code: Code) -> str:
    parts = []
    if code.definition:
        parts.append(code.definition.get("fr"))
    for key, word in (("include", "Inclure"), ("exclude", "Exclure"), ("example", "Exemple")):
        value = getattr(code, key)
        if value is not None:
            parts.append(f"{word} : {value.get('fr')}")
    if code.keywords:
        parts.append("Mots-clés : " + ", ".join(code.keywords))
    return description("\n".join(parts), code.to_dict())


def _codes(
    parent: ET.Element,
    book: Codebook,
    ns: str,
    parent_id: str | None,
    notes: dict[str, list[str]] | None,
) -> None:
    for code in book.children(parent_id):
        attrs = {
            "guid": book.guid(code.id),
            "name": code.label.get("fr"),
            "isCodable": "true" if code.active else "false",
        }
        attrs["color"] = book.colour(code.id)
        element = ET.SubElement(parent, f"{{{ns}}}Code", attrs)
        ET.SubElement(element, f"{{{ns}}}Description").text = _code_description(code)
        for note in (notes or {}).get(code.id, ()):
            ET.SubElement(element, f"{{{ns}}}NoteRef", {"targetGUID": note})
        _codes(element, book, ns, code.id, notes)


def codebook_xml(book: Codebook) -> bytes:
    """The ``.qdc`` document of ``book`` (validated)."""
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN})
    codes = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    _codes(codes, book, CODEBOOK_NS, None, None)
    sets = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Sets")
    book_set = ET.SubElement(
        sets,
        f"{{{CODEBOOK_NS}}}Set",
        {"guid": derived_guid("codebook", book.id), "name": book.title.get("fr")},
    )
    ET.SubElement(book_set, f"{{{CODEBOOK_NS}}}Description").text = description(
        book.title.get("fr"),
        {"id": book.id, "version": book.version, "title": book.title.to_plain()},
    )
    data = _serialise(root, CODEBOOK_NS)
    validate_xml(data, "codebook")
    return data


def _serialise(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def export_codebook(book: Codebook, path: str | Path) -> Path:
    """Write ``book`` as a ``.qdc`` file.

    Examples
    --------
    The demo codebook as a REFI-QDA codebook, read back by another project:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.qual import QualProject, import_refi, load_codebook
    >>> from toolkit.store import connect
    >>> book = load_codebook("surveys/codebooks/besoins_habitants.yaml")
    >>> path = export_codebook(book, Path(tempfile.mkdtemp()) / "besoins.qdc")
    >>> path.name
    'besoins.qdc'
    >>> other = QualProject(connect("sqlite://"))
    >>> import_refi(other, path, by="Awa").codes == len(book.codes)
    True
    >>> other.codebook().path("numerique", "fr")
    'Accès aux droits › Démarches en ligne'
    """
    path = Path(path)
    path.write_bytes(codebook_xml(book))
    return path


def project_xml(project, *, name: str | None = None) -> bytes:
    """The ``project.qde`` document of a :class:`~toolkit.qual.QualProject` (validated)."""
    ns = PROJECT_NS
    book = project.codebook()
    coders = project.coders()
    segments = project.segments()
    codings = project.codings(resolve=False)
    reviews = project.reviews()
    memos = project.memos()
    cases = project.case_attributes()
    users = dict(zip(coders["name"], coders["coder_id"], strict=True))
    root = ET.Element(
        f"{{{ns}}}Project",
        {"name": name or book.title.get("fr"), "origin": ORIGIN, "creationDateTime": _stamp()},
    )
    users_el = ET.SubElement(root, f"{{{ns}}}Users")
    for coder_name, guid in users.items():
        ET.SubElement(users_el, f"{{{ns}}}User", {"guid": guid, "name": coder_name})
    if not users:
        root.remove(users_el)
    notes_by_code: dict[str, list[str]] = {}
    note_guid = {}
    for memo in memos.itertuples(index=False):
        note_guid[(memo.kind, memo.target, memo.coder)] = memo.guid
        if memo.kind == "code":
            notes_by_code.setdefault(memo.target, []).append(memo.guid)
    codebook_el = ET.SubElement(root, f"{{{ns}}}CodeBook")
    codes_el = ET.SubElement(codebook_el, f"{{{ns}}}Codes")
    _codes(codes_el, book, ns, None, notes_by_code)
    attribute_names = [c for c in cases.columns if c not in ("case_id", "pseudonym")]
    variables = {a: derived_guid("variable", a) for a in attribute_names}
    if variables:
        variables_el = ET.SubElement(root, f"{{{ns}}}Variables")
        for attribute, guid in variables.items():
            ET.SubElement(
                variables_el,
                f"{{{ns}}}Variable",
                {"guid": guid, "name": attribute, "typeOfVariable": "Text"},
            )
    documents = segments.drop_duplicates("document_id")
    by_case: dict[str, list[str]] = {}
    for doc in documents.itertuples(index=False):
        if isinstance(doc.case_id, str):
            by_case.setdefault(doc.case_id, []).append(doc.document_id)
    if len(cases):
        cases_el = ET.SubElement(root, f"{{{ns}}}Cases")
        for case in cases.to_dict("records"):
            case_el = ET.SubElement(
                cases_el, f"{{{ns}}}Case", {"guid": case["case_id"], "name": case["pseudonym"]}
            )
            for attribute, guid in variables.items():
                value = case.get(attribute)
                if value is None or (isinstance(value, float) and value != value):
                    continue
                vv = ET.SubElement(case_el, f"{{{ns}}}VariableValue")
                ET.SubElement(vv, f"{{{ns}}}VariableRef", {"targetGUID": guid})
                ET.SubElement(vv, f"{{{ns}}}TextValue").text = json.dumps(value, ensure_ascii=False)
            for doc_id in by_case.get(case["case_id"], ()):
                ET.SubElement(case_el, f"{{{ns}}}SourceRef", {"targetGUID": doc_id})
    sources_el = ET.SubElement(root, f"{{{ns}}}Sources")
    texts = _document_texts(project)
    reviewed = (
        reviews.groupby("segment_id")["coder"]
        .apply(lambda s: sorted(users[c] for c in s))
        .to_dict()
    )
    for doc in documents.itertuples(index=False):
        doc_segments = segments[segments["document_id"] == doc.document_id]
        layout = [
            {
                "position": int(s.position),
                "start": int(s.start),
                "end": int(s.end),
                "question": s.question,
                "speaker": s.speaker,
                "reviewed_by": reviewed.get(int(s.segment_id), []),
            }
            for s in doc_segments.itertuples(index=False)
        ]
        meta = {
            "kind": doc.kind,
            "instrument_id": doc.instrument_id,
            "response_id": doc.response_id,
            "segments": layout,
        }
        source_el = ET.SubElement(
            sources_el, f"{{{ns}}}TextSource", {"guid": doc.document_id, "name": doc.document}
        )
        ET.SubElement(source_el, f"{{{ns}}}Description").text = description(doc.document, meta)
        ET.SubElement(source_el, f"{{{ns}}}PlainTextContent").text = texts[doc.document_id]
        starts = dict(zip(doc_segments["segment_id"], doc_segments["start"], strict=True))
        ends = dict(zip(doc_segments["segment_id"], doc_segments["end"], strict=True))
        mine = codings[codings["segment_id"].isin(starts)]
        for coding in mine.itertuples(index=False):
            base = int(starts[coding.segment_id])
            start, end = (
                (base + int(coding.start), base + int(coding.end))
                if coding.span
                else (base, int(ends[coding.segment_id]))
            )
            user = users[coding.coder]
            selection = ET.SubElement(
                source_el,
                f"{{{ns}}}PlainTextSelection",
                {
                    "guid": derived_guid("selection", coding.guid),
                    "name": "span" if coding.span else "segment",
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": user,
                    "creationDateTime": _stamp(coding.created_at),
                },
            )
            coding_el = ET.SubElement(
                selection,
                f"{{{ns}}}Coding",
                {
                    "guid": coding.guid,
                    "creatingUser": user,
                    "creationDateTime": _stamp(coding.created_at),
                },
            )
            ET.SubElement(
                coding_el, f"{{{ns}}}CodeRef", {"targetGUID": book.guid(coding.code_original)}
            )
        for memo in memos[
            (memos["kind"] == "document") & (memos["target"] == doc.document_id)
        ].itertuples(index=False):
            ET.SubElement(source_el, f"{{{ns}}}NoteRef", {"targetGUID": memo.guid})
    if not len(documents):
        root.remove(sources_el)
    if len(memos):
        notes_el = ET.SubElement(root, f"{{{ns}}}Notes")
        for memo in memos.itertuples(index=False):
            note = ET.SubElement(
                notes_el,
                f"{{{ns}}}Note",
                {
                    "guid": memo.guid,
                    "name": f"{memo.kind}:{memo.target}",
                    "creatingUser": users[memo.coder],
                    "creationDateTime": _stamp(memo.updated_at),
                },
            )
            ET.SubElement(note, f"{{{ns}}}Description").text = description(
                memo.kind, {"kind": memo.kind, "target": memo.target}
            )
            ET.SubElement(note, f"{{{ns}}}PlainTextContent").text = memo.text
    meta = {"codebook": {"id": book.id, "version": book.version, "title": book.title.to_plain()}}
    ET.SubElement(root, f"{{{ns}}}Description").text = description(book.title.get("fr"), meta)
    for memo in memos[memos["kind"] == "project"].itertuples(index=False):
        ET.SubElement(root, f"{{{ns}}}NoteRef", {"targetGUID": memo.guid})
    data = _serialise(root, ns)
    validate_xml(data, "project")
    return data


def _document_texts(project) -> dict[str, str]:
    from sqlalchemy import select

    from toolkit.qual import tables as tb
    from toolkit.store.engine import read_connection

    with read_connection(project.engine) as conn:
        rows = conn.execute(
            select(tb.documents.c.id, tb.documents.c.text).where(tb.documents.c.status == "active")
        ).all()
    return {r.id: r.text for r in rows}


def export_project(project, path: str | Path, *, name: str | None = None) -> Path:
    """Write the whole project as a ``.qdpx`` file (ZIP with ``project.qde``).

    Examples
    --------
    A note, coded by Awa, exported and opened in a fresh store (as QualCoder or another
    REFI-QDA tool would open it):

    >>> import tempfile
    >>> import zipfile
    >>> from pathlib import Path
    >>> from toolkit.qual import QualProject, import_refi, load_codebook
    >>> from toolkit.store import connect
    >>> project = QualProject(connect("sqlite://"))
    >>> _ = project.save_codebook(
    ...     load_codebook("surveys/codebooks/besoins_habitants.yaml"), by="Awa")
    >>> _ = project.import_text("Les démarches en ligne, je n'y arrive pas.", name="note.txt")
    >>> _ = project.code(int(project.segments()["segment_id"].iloc[0]), "numerique", "Awa")
    >>> path = export_project(project, Path(tempfile.mkdtemp()) / "besoins.qdpx")
    >>> zipfile.ZipFile(path).namelist()
    ['project.qde']
    >>> copy = QualProject(connect("sqlite://"))
    >>> summary = import_refi(copy, path)
    >>> summary.sources, summary.codings, summary.coders
    (1, 1, 1)
    >>> copy.codings()[["coder", "code"]].to_dict("records")
    [{'coder': 'Awa', 'code': 'numerique'}]
    """
    path = Path(path)
    data = project_xml(project, name=name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", data)
    path.write_bytes(buffer.getvalue())
    return path
