"""Import REFI-QDA files (``.qdc`` codebooks, ``.qdpx`` projects) into the project, all or
nothing.

The file is validated against the official schema, then read whole into a plan; only a
file that is valid and consistent is written, in one transaction. Users become coders (by
GUID, else by name), codes join the current codebook (by GUID, else by id), cases and
sources are matched by GUID or, for sources, by their text: importing a project again, or
a project from another tool that holds sources already in the corpus, adds no duplicate.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from sqlalchemy import insert, select

from toolkit.i18n import Text
from toolkit.qual import tables as tb
from toolkit.qual.codebook import Code, Codebook, normalise_guid, slug
from toolkit.qual.corpus import content_hash, now
from toolkit.qual.documents import normalise_text, split_text
from toolkit.qual.errors import QualError, qual_error
from toolkit.qual.project import QualProject
from toolkit.qual.refi import CODEBOOK_NS, PROJECT_NS, split_description, validate_xml
from toolkit.store.engine import write_connection

__all__ = ["ImportSummary", "import_refi", "read_codebook_xml"]


@dataclass
class ImportSummary:
    """What an import added."""

    codes: int = 0
    coders: int = 0
    cases: int = 0
    sources: int = 0
    sources_merged: int = 0
    codings: int = 0
    notes: int = 0


def _codes_from(
    parent: ET.Element,
    ns: str,
    parent_id: str | None,
    taken: set[str],
    out: list[tuple[Code, list[str], str]],
) -> None:
    for element in parent.findall(f"{{{ns}}}Code"):
        guid = normalise_guid(element.get("guid", ""))
        readable, data = split_description(element.findtext(f"{{{ns}}}Description"))
        if data and data.get("id"):
            code = Code.from_dict({**data, "parent": parent_id})
            taken.add(code.id)
        else:
            code = Code(
                id=slug(element.get("name", ""), taken),
                label=Text.of(element.get("name") or "?"),
                parent=parent_id,
                definition=Text.of(readable.strip()) if readable.strip() else None,
                color=element.get("color")
                if element.get("color", "").startswith("#") and len(element.get("color", "")) == 7
                else None,
                status="active" if element.get("isCodable", "true") == "true" else "retired",
                guid=guid,
            )
        notes = [
            normalise_guid(n.get("targetGUID", "")) for n in element.findall(f"{{{ns}}}NoteRef")
        ]
        out.append((code, notes, guid))
        _codes_from(element, ns, code.id, taken, out)


def read_codebook_xml(data: bytes, *, source: str | None = None) -> Codebook:
    """The codebook of a ``.qdc`` document (validated)."""
    root = validate_xml(data, "codebook", source=source)
    ns = CODEBOOK_NS
    codes: list[tuple[Code, list[str], str]] = []
    _codes_from(_only(root, f"{{{ns}}}Codes"), ns, None, set(), codes)
    meta = None
    for element in root.iter(f"{{{ns}}}Set"):
        _, meta = split_description(element.findtext(f"{{{ns}}}Description"))
        if meta:
            break
    name = Path(source).stem if source else "codebook"
    book_id = (meta or {}).get("id") or slug(name, set())
    title = Text.of((meta or {}).get("title") or name)
    return Codebook(
        id=book_id,
        title=title,
        codes=tuple(c for c, _, _ in codes),
        version=str((meta or {}).get("version", "1")),
    )


def _merge_books(
    current: Codebook | None, incoming: Codebook
) -> tuple[Codebook, dict[str, str], int]:
    """``current`` with the codes of ``incoming`` it lacks; {incoming id: id in result}."""
    if current is None:
        return incoming, {c.id: c.id for c in incoming}, len(incoming)
    by_guid = {current.guid(c.id): c.id for c in current}
    mapping: dict[str, str] = {}
    book = current
    added = 0
    for code in incoming:
        guid = incoming.guid(code.id)
        if guid in by_guid:
            mapping[code.id] = by_guid[guid]
        elif code.id in book:
            mapping[code.id] = code.id
        else:
            parent = mapping.get(code.parent) if code.parent else None
            taken = set(book.ids())
            new_id = code.id if code.id not in taken else slug(code.id, taken)
            book = book.add(Code(**{**code.__dict__, "id": new_id, "parent": parent, "guid": guid}))
            mapping[code.id] = new_id
            added += 1
    return book, mapping, added


def import_refi(project, path: str | Path, *, by: str | None = None) -> ImportSummary:
    """Import a ``.qdc`` codebook or a ``.qdpx`` project.

    Raises
    ------
    QualError
        ``Q041`` not a readable project archive, ``Q040`` schema violation, ``Q043`` a
        reference to a missing element, ``Q044`` a selection outside its source's text,
        ``Q021`` another format. Nothing is written then.

    Examples
    --------
    A codebook exported by another tool (here by :func:`~toolkit.qual.export_codebook`)
    becomes the project's codebook; a file of another format is refused:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.qual import QualProject, export_codebook, load_codebook
    >>> from toolkit.store import connect
    >>> folder = Path(tempfile.mkdtemp())
    >>> book = load_codebook("surveys/codebooks/besoins_habitants.yaml")
    >>> qdc = export_codebook(book, folder / "besoins.qdc")
    >>> project = QualProject(connect("sqlite://"))
    >>> import_refi(project, qdc, by="Awa").codes
    9
    >>> project.codebook().get("tranquillite").label.get("fr")
    'Tranquillité et sécurité'
    >>> try:
    ...     import_refi(project, folder / "besoins.xlsx")
    ... except QualError as error:
    ...     print(error.problems[0].code)
    Q021
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise qual_error("Q011", file=str(path), detail=str(exc)) from None
        book = read_codebook_xml(data, source=str(path))
        current = _current(project)
        merged, _, added = _merge_books(current, book)
        project.save_codebook(merged, by=by, note=f"import {path.name}")
        return ImportSummary(codes=added)
    if suffix != ".qdpx":
        raise qual_error("Q021", file=str(path), suffix=suffix or "-", allowed=".qdc, .qdpx")
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("project.qde")
            extra = {n: archive.read(n) for n in archive.namelist() if n.lower().endswith(".txt")}
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise qual_error("Q041", file=str(path), detail=str(exc)) from None
    root = validate_xml(data, "project", source=str(path))
    return _import_project(project, root, extra, str(path), by)


def _current(project) -> Codebook | None:
    try:
        return project.codebook()
    except QualError:
        return None


def _only(element: ET.Element, tag: str) -> ET.Element:
    """The child ``tag`` that the REFI-QDA schema requires (the XML was validated against it).

    Read like ``element.attrib[...]`` for the attributes it requires: a KeyError, never a
    ``None`` carried on, should a document ever reach here unvalidated.
    """
    child = element.find(tag)
    if child is None:
        raise KeyError(tag)
    return child


def _guid(value: str | None) -> str | None:
    return normalise_guid(value) if value else None


def _import_project(
    project, root: ET.Element, extra: dict[str, bytes], source: str, by: str | None
) -> ImportSummary:
    ns = PROJECT_NS
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    summary = ImportSummary()
    users = {
        normalise_guid(u.attrib["guid"]): (u.get("name") or u.get("id") or "?")
        for u in root.iter(q("User"))
    }
    codes: list[tuple[Code, list[str], str]] = []
    book_el = root.find(q("CodeBook"))
    if book_el is not None:
        _codes_from(_only(book_el, q("Codes")), ns, None, set(), codes)
    name = root.get("name") or Path(source).stem
    _, project_meta = split_description(root.findtext(q("Description")))
    meta_book = (project_meta or {}).get("codebook") or {}
    incoming = Codebook(
        id=meta_book.get("id") or slug(name, set()),
        title=Text.of(meta_book.get("title") or name),
        codes=tuple(c for c, _, _ in codes),
        version=str(meta_book.get("version", "1")),
    )
    current = _current(project)
    if codes:
        book, mapping, summary.codes = _merge_books(current, incoming)
    elif current is not None:
        book, mapping, summary.codes = current, {}, 0
    else:
        raise qual_error("Q036")
    code_by_guid = {xml_guid: mapping[c.id] for c, _, xml_guid in codes}
    code_by_guid.update({book.guid(c.id): c.id for c in book})
    notes = {}
    for note in root.iter(q("Note")):
        _, meta = split_description(note.findtext(q("Description")))
        notes[normalise_guid(note.attrib["guid"])] = (
            note.findtext(q("PlainTextContent")) or "",
            _guid(note.get("creatingUser")),
            meta,
        )
    variables = {
        normalise_guid(v.attrib["guid"]): v.attrib["name"] for v in root.iter(q("Variable"))
    }
    cases = []
    case_of_source: dict[str, str] = {}
    for case in root.iter(q("Case")):
        attrs = {}
        for vv in case.findall(q("VariableValue")):
            ref = vv.find(q("VariableRef"))
            key = (
                variables.get(normalise_guid(ref.attrib["targetGUID"])) if ref is not None else None
            )
            value_el = next((c for c in vv if c.tag != q("VariableRef")), None)
            if key is None or value_el is None:
                continue
            raw = value_el.text or ""
            try:
                attrs[key] = json.loads(raw) if value_el.tag == q("TextValue") else raw
            except json.JSONDecodeError:
                attrs[key] = raw
        guid = normalise_guid(case.attrib["guid"])
        cases.append((guid, case.get("name") or guid[:8], attrs))
        for ref in case.findall(q("SourceRef")):
            case_of_source[normalise_guid(ref.attrib["targetGUID"])] = guid
    sources = []
    for src in root.iter(q("TextSource")):
        if src.get("guid") is None:
            continue
        text = src.findtext(q("PlainTextContent"))
        if text is None and src.get("plainTextPath"):
            member = src.get("plainTextPath", "").replace("internal://", "sources/")
            text = extra.get(member, b"").decode("utf-8", errors="replace")
        if text is None:
            continue
        _, meta = split_description(src.findtext(q("Description")))
        selections = []
        for sel in src.findall(q("PlainTextSelection")):
            start, end = int(sel.attrib["startPosition"]), int(sel.attrib["endPosition"])
            if not (0 <= start < end <= len(text)):
                raise qual_error(
                    "Q044",
                    file=source,
                    start=start,
                    end=end,
                    source=src.get("name") or src.get("guid"),
                )
            for coding in sel.findall(q("Coding")):
                code_guid = normalise_guid(_only(coding, q("CodeRef")).attrib["targetGUID"])
                if code_guid not in code_by_guid:
                    raise qual_error("Q043", file=source, guid=code_guid)
                user = _guid(coding.get("creatingUser")) or _guid(sel.get("creatingUser"))
                selections.append(
                    (
                        start,
                        end,
                        sel.get("name"),
                        code_by_guid[code_guid],
                        user,
                        normalise_guid(coding.attrib["guid"]),
                    )
                )
        sources.append(
            (
                normalise_guid(src.attrib["guid"]),
                src.get("name") or "source",
                text,
                meta,
                selections,
                [normalise_guid(n.attrib["targetGUID"]) for n in src.findall(q("NoteRef"))],
            )
        )
    _write(project, book, summary, users, cases, case_of_source, sources, notes, codes, by, source)
    return summary


def _write(
    project, book, summary, users, cases, case_of_source, sources, notes, codes, by, source_name
) -> None:
    docs, seg = tb.documents, tb.segments
    stamp = now()
    if book is not None:
        project.save_codebook(book, by=by, note=f"import {Path(source_name).name}")
    with write_connection(project.engine) as conn:
        coder_ids = {}
        for guid, name in users.items():
            found = conn.execute(
                select(tb.coders.c.id).where((tb.coders.c.id == guid) | (tb.coders.c.name == name))
            ).scalar()
            if found is None:
                conn.execute(insert(tb.coders).values(id=guid, name=name[:80], created_at=stamp))
                summary.coders += 1
                found = guid
            coder_ids[guid] = found
        case_ids = {}
        for guid, pseudonym, attrs in cases:
            found = conn.execute(
                select(tb.cases.c.id).where(
                    (tb.cases.c.id == guid) | (tb.cases.c.pseudonym == pseudonym)
                )
            ).scalar()
            if found is None:
                conn.execute(
                    insert(tb.cases).values(
                        id=guid,
                        pseudonym=pseudonym[:60],
                        attributes=json.dumps(attrs, ensure_ascii=False, sort_keys=True),
                        created_at=stamp,
                    )
                )
                summary.cases += 1
                found = guid
            case_ids[guid] = found
        unknown_coder = None
        for guid, name, raw_text, meta, selections, note_refs in sources:
            text = raw_text if meta else normalise_text(raw_text)
            digest = content_hash(text)
            found = conn.execute(
                select(docs.c.id).where((docs.c.id == guid) | (docs.c.content_hash == digest))
            ).scalar()
            if found is None:
                doc_id = guid
                kind = (
                    (meta or {}).get("kind")
                    if (meta or {}).get("kind") in ("response", "file")
                    else "file"
                )
                response_id = (meta or {}).get("response_id") if kind == "response" else None
                if (
                    response_id
                    and conn.execute(
                        select(docs.c.id).where(docs.c.response_id == response_id)
                    ).first()
                ):
                    response_id, kind = None, "file"
                conn.execute(
                    insert(docs).values(
                        id=doc_id,
                        name=name,
                        kind=kind,
                        response_id=response_id,
                        instrument_id=(meta or {}).get("instrument_id"),
                        case_id=case_ids.get(case_of_source.get(guid, "")),
                        text=text,
                        content_hash=digest,
                        status="active",
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
                layout = (meta or {}).get("segments")
                if layout:
                    rows = [
                        {
                            "document_id": doc_id,
                            "position": s["position"],
                            "start": s["start"],
                            "end": s["end"],
                            "question": s.get("question"),
                            "speaker": s.get("speaker"),
                            "text": text[s["start"] : s["end"]],
                        }
                        for s in layout
                    ]
                else:
                    rows = [
                        {
                            "document_id": doc_id,
                            "position": i,
                            "start": p.start,
                            "end": p.end,
                            "question": None,
                            "speaker": p.speaker,
                            "text": p.text,
                        }
                        for i, p in enumerate(split_text(text))
                    ]
                if rows:
                    conn.execute(insert(seg), rows)
                summary.sources += 1
            else:
                doc_id = found
                summary.sources_merged += 1
            segments = conn.execute(
                select(seg.c.id, seg.c.position, seg.c.start, seg.c.end)
                .where(seg.c.document_id == doc_id)
                .order_by(seg.c.start)
            ).all()
            by_position = {s.position: s for s in segments}
            for entry in (meta or {}).get("segments", ()):
                target = by_position.get(entry["position"])
                for user in entry.get("reviewed_by", ()):
                    if target is not None and _guid(user) in coder_ids:
                        QualProject.mark(conn, target.id, coder_ids[_guid(user)])
            for start, end, sel_name, code_id, user, coding_guid in selections:
                if user is None or user not in coder_ids:
                    if unknown_coder is None:
                        unknown_coder = _coder_named(conn, "Import", stamp)
                    coder = unknown_coder
                else:
                    coder = coder_ids[user]
                for s in segments:
                    lo, hi = max(start, s.start), min(end, s.end)
                    if lo >= hi:
                        continue
                    whole = sel_name == "segment" and lo == s.start and hi == s.end
                    key = {
                        "segment_id": s.id,
                        "coder_id": coder,
                        "codebook_id": book.id,
                        "code_id": code_id,
                        "span": not whole,
                        "start": 0 if whole else lo - s.start,
                        "end": 0 if whole else hi - s.start,
                    }
                    exists = conn.execute(
                        select(tb.codings.c.id).where(
                            *(tb.codings.c[k] == v for k, v in key.items())
                        )
                    ).first()
                    taken = conn.execute(
                        select(tb.codings.c.id).where(tb.codings.c.guid == coding_guid)
                    ).first()
                    if exists is None:
                        conn.execute(
                            insert(tb.codings).values(
                                guid=coding_guid if taken is None else str(uuid.uuid4()),
                                origin="import",
                                created_at=stamp,
                                **key,
                            )
                        )
                        summary.codings += 1
                    QualProject.mark(conn, s.id, coder)
            for note in note_refs:
                if note in notes:
                    _memo(conn, notes[note], "document", doc_id, coder_ids, note, stamp, summary)
        for code, refs, _ in codes:
            for note in refs:
                if note in notes:
                    _memo(conn, notes[note], "code", code.id, coder_ids, note, stamp, summary)
        for guid, entry in notes.items():
            meta = entry[2] or {}
            if meta.get("kind") in ("segment", "project", "code", "document"):
                memo_target = meta.get("target")
                if meta["kind"] == "segment":
                    memo_target = _segment_target(conn, memo_target)
                if memo_target is not None:
                    _memo(conn, entry, meta["kind"], memo_target, coder_ids, guid, stamp, summary)


def _segment_target(conn, target: object) -> str | None:
    found = (
        conn.execute(select(tb.segments.c.id).where(tb.segments.c.id == int(str(target)))).scalar()
        if str(target).isdigit()
        else None
    )
    return str(found) if found is not None else None


def _coder_named(conn, name: str, stamp) -> str:
    found = conn.execute(select(tb.coders.c.id).where(tb.coders.c.name == name)).scalar()
    if found is None:
        found = str(uuid.uuid4())
        conn.execute(insert(tb.coders).values(id=found, name=name, created_at=stamp))
    return str(found)


def _memo(conn, entry, kind, target, coder_ids, guid, stamp, summary) -> None:
    text, user, _ = entry
    m = tb.memos
    if conn.execute(select(m.c.id).where(m.c.guid == guid)).first() is not None:
        return
    coder = coder_ids.get(user) if user else None
    if coder is None:
        coder = _coder_named(conn, "Import", stamp)
    if (
        conn.execute(
            select(m.c.id).where(
                m.c.target_kind == kind, m.c.target_id == str(target), m.c.coder_id == coder
            )
        ).first()
        is not None
    ):
        return
    conn.execute(
        insert(m).values(
            guid=guid,
            target_kind=kind,
            target_id=str(target),
            coder_id=coder,
            text=text,
            updated_at=stamp,
        )
    )
    summary.notes += 1
