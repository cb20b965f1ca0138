"""The corpus: open answers of the store's responses and imported transcripts, as segments.

:func:`sync_responses` makes every non-empty ``text``/``long_text`` answer of every stored
instrument a segment of a per-response document, linked to a case (the respondent, known by
a pseudonym) that carries the response's closed answers as attributes. Answers to questions
marked ``pii`` never enter: they are left out by the instrument model's flag, wherever the
store keeps them. Voided responses leave the corpus (their document is marked removed, its
codings kept for the record but out of every table). Syncing again only adds what is new and
follows corrections (span codings are moved to where their quoted words now sit).

:func:`import_documents` reads transcripts and notes, all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from toolkit.errors import Problem
from toolkit.qual import tables as tb
from toolkit.qual.documents import Piece, normalise_text, read_document, split_text
from toolkit.qual.errors import QualError, qual_error
from toolkit.store.engine import write_connection

__all__ = [
    "ATTRIBUTE_TYPES",
    "TEXT_TYPES",
    "ImportReport",
    "SyncReport",
    "import_documents",
    "import_text",
    "sync_responses",
]

TEXT_TYPES = ("text", "long_text")
#: Closed answers copied onto a case as attributes (for filters and mixed-methods tables).
ATTRIBUTE_TYPES = ("single_choice", "likert", "integer", "decimal", "consent")
_SEPARATOR = "\n\n"


def now() -> datetime:
    return datetime.now(UTC)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SyncReport:
    """What :func:`sync_responses` changed, per instrument."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.added.values()) + sum(self.updated.values()) + sum(self.removed.values())


@dataclass
class ImportReport:
    """Documents added and files skipped because their text was already in the corpus."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _prefix(instrument_id: str) -> str:
    parts = [p for p in instrument_id.replace("-", "_").split("_") if p]
    return "".join(p[0] for p in parts[:3]).upper() or "R"


def _next_pseudonym(conn: Connection, prefix: str) -> str:
    like = f"{prefix}-%"
    taken = conn.execute(
        select(tb.cases.c.pseudonym).where(tb.cases.c.pseudonym.like(like))
    ).scalars()
    numbers = [int(p.rsplit("-", 1)[1]) for p in taken if p.rsplit("-", 1)[1].isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"


def _answer_pieces(question: str, value: str) -> list[tuple[str, Piece]]:
    """One piece per answer, or one per speaker turn when the answer is a transcript."""
    text = normalise_text(value)
    if not text.strip():
        return []
    pieces = split_text(text)
    if len(pieces) > 1 and all(p.speaker for p in pieces):
        return [(question, p) for p in pieces]
    return [(question, Piece(0, len(text), text))]


def _layout(answers: Sequence[tuple[str, str]]) -> tuple[str, list[tuple[str, Piece]]]:
    """Document text and its segments (offsets in the document) for one response."""
    parts: list[str] = []
    segments: list[tuple[str, Piece]] = []
    offset = 0
    for question, value in answers:
        pieces = _answer_pieces(question, value)
        if not pieces:
            continue
        text = normalise_text(value)
        if parts:
            offset += len(_SEPARATOR)
        for name, piece in pieces:
            segments.append(
                (name, Piece(offset + piece.start, offset + piece.end, piece.text, piece.speaker))
            )
        parts.append(text)
        offset += len(text)
    return _SEPARATOR.join(parts), segments


def _attribute_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def _responses(store, instrument_id: str) -> list[dict]:
    """Per submitted response: id, sector, wave, attributes and open answers (no pii)."""
    instrument = store.instrument(instrument_id)
    fields = [q for q in instrument.fields() if not q.pii]
    texts = [q for q in fields if q.type in TEXT_TYPES]
    if not texts:
        return []
    frame = store.frame(instrument_id)
    top_texts = [q.name for q in texts if instrument.repeat_of(q.name) is None]
    attributes = [
        q.name
        for q in fields
        if q.type in ATTRIBUTE_TYPES and instrument.repeat_of(q.name) is None and q.name in frame
    ]
    repeated: dict[str, list[tuple[str, str]]] = {}
    for repeat in instrument.repeats():
        names = [q.name for q in texts if instrument.repeat_of(q.name) == repeat.name]
        if not names:
            continue
        entries = store.repeat_frame(instrument_id, repeat.name)
        for row in entries.itertuples(index=False):
            for name in names:
                value = getattr(row, name)
                if isinstance(value, str) and value.strip():
                    key = f"{repeat.name}[{row.index}].{name}"
                    repeated.setdefault(str(row.response_id), []).append((key, value))
    rows = []
    for record in frame.to_dict("records"):
        response_id = str(record["response_id"])
        answers = [
            (name, record[name])
            for name in top_texts
            if isinstance(record.get(name), str) and record[name].strip()
        ]
        answers.extend(repeated.get(response_id, ()))
        attrs = {
            "sector": _attribute_value(record.get("sector")),
            "wave": _attribute_value(record.get("wave")),
        }
        attrs.update({name: _attribute_value(record.get(name)) for name in attributes})
        rows.append({"response_id": response_id, "answers": answers, "attributes": attrs})
    return rows


def sync_responses(store, instruments: Iterable[str] | None = None) -> SyncReport:
    """Bring the corpus in line with the store's submitted responses.

    Parameters
    ----------
    store
        A :class:`toolkit.store.Store` (read through ``Store.frame``; nothing of the
        responses is written).
    instruments
        Instrument ids to sync (default: every registered instrument with open questions).

    Returns
    -------
    SyncReport
        Documents added, updated (corrected answers) and removed (voided responses).
    """
    ids = list(instruments) if instruments is not None else list(store.instruments()["id"])
    report = SyncReport()
    for instrument_id in ids:
        instrument = store.instrument(instrument_id)
        rows = _responses(store, instrument_id)
        title = instrument.title.get(instrument.default_language)
        for attempt in (1, 2):
            try:
                with write_connection(store.engine) as conn:
                    added, updated, removed = _sync_one(conn, instrument_id, title, rows)
                break
            except IntegrityError:
                # Another coder's page synced the same responses at the same moment.
                if attempt == 2:
                    raise
        if added:
            report.added[instrument_id] = added
        if updated:
            report.updated[instrument_id] = updated
        if removed:
            report.removed[instrument_id] = removed
    return report


def _sync_one(
    conn: Connection, instrument_id: str, title: str, rows: list[dict]
) -> tuple[int, int, int]:
    docs = tb.documents
    existing = {
        r.response_id: r
        for r in conn.execute(
            select(
                docs.c.id, docs.c.response_id, docs.c.content_hash, docs.c.status, docs.c.case_id
            ).where(docs.c.instrument_id == instrument_id, docs.c.kind == "response")
        )
    }
    prefix = _prefix(instrument_id)
    stamp = now()
    added = updated = 0
    seen: set[str] = set()
    for row in rows:
        text, segments = _layout(row["answers"])
        if not segments:
            continue
        seen.add(row["response_id"])
        digest = content_hash(text)
        attributes = json.dumps(row["attributes"], ensure_ascii=False, sort_keys=True)
        old = existing.get(row["response_id"])
        if old is None:
            case_id = str(uuid.uuid4())
            pseudonym = _next_pseudonym(conn, prefix)
            conn.execute(
                insert(tb.cases).values(
                    id=case_id, pseudonym=pseudonym, attributes=attributes, created_at=stamp
                )
            )
            doc_id = str(uuid.uuid4())
            conn.execute(
                insert(docs).values(
                    id=doc_id,
                    name=f"{title} · {pseudonym}",
                    kind="response",
                    response_id=row["response_id"],
                    instrument_id=instrument_id,
                    case_id=case_id,
                    text=text,
                    content_hash=digest,
                    status="active",
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            _insert_segments(conn, doc_id, segments)
            added += 1
            continue
        conn.execute(
            update(tb.cases).where(tb.cases.c.id == old.case_id).values(attributes=attributes)
        )
        if old.content_hash == digest and old.status == "active":
            continue
        conn.execute(
            update(docs)
            .where(docs.c.id == old.id)
            .values(text=text, content_hash=digest, status="active", updated_at=stamp)
        )
        if old.content_hash != digest:
            _replace_segments(conn, old.id, segments)
        updated += 1
    removed = 0
    for response_id, old in existing.items():
        if response_id not in seen and old.status == "active":
            conn.execute(
                update(docs).where(docs.c.id == old.id).values(status="removed", updated_at=stamp)
            )
            removed += 1
    return added, updated, removed


def _insert_segments(
    conn: Connection, doc_id: str, segments: Sequence[tuple[str | None, Piece]]
) -> None:
    if not segments:
        return
    conn.execute(
        insert(tb.segments),
        [
            {
                "document_id": doc_id,
                "position": position,
                "start": piece.start,
                "end": piece.end,
                "question": question,
                "speaker": piece.speaker,
                "text": piece.text,
            }
            for position, (question, piece) in enumerate(segments)
        ],
    )


def _replace_segments(conn: Connection, doc_id: str, segments: Sequence[tuple[str, Piece]]) -> None:
    """Update segments in place, matched by question and turn, so their codings survive."""
    seg = tb.segments
    old = conn.execute(
        select(seg).where(seg.c.document_id == doc_id).order_by(seg.c.position)
    ).all()
    by_key: dict[tuple[str | None, int], Row[Any]] = {}
    counts: dict[str | None, int] = {}
    for row in old:
        n = counts.get(row.question, 0)
        by_key[(row.question, n)] = row
        counts[row.question] = n + 1
    top = (
        conn.execute(select(func.max(seg.c.position)).where(seg.c.document_id == doc_id)).scalar()
        or 0
    )
    # Positions move out of the way first: the unique (document, position) key must hold.
    conn.execute(
        update(seg).where(seg.c.document_id == doc_id).values(position=seg.c.position + top + 1)
    )
    counts = {}
    used = set()
    for position, (question, piece) in enumerate(segments):
        n = counts.get(question, 0)
        counts[question] = n + 1
        match = by_key.get((question, n))
        if match is None:
            _insert_segments(conn, doc_id, [(question, piece)])
            conn.execute(
                update(seg)
                .where(seg.c.document_id == doc_id, seg.c.position == 0, seg.c.text == piece.text)
                .values(position=position)
            )
            continue
        used.add(match.id)
        conn.execute(
            update(seg)
            .where(seg.c.id == match.id)
            .values(
                position=position,
                start=piece.start,
                end=piece.end,
                text=piece.text,
                speaker=piece.speaker,
            )
        )
        if match.text != piece.text:
            _relocate_spans(conn, match.id, match.text, piece.text)
    spare = len(segments)
    for row in old:
        if row.id not in used:
            # The answer was emptied by a correction: keep the segment (and its codings) empty.
            conn.execute(
                update(seg)
                .where(seg.c.id == row.id)
                .values(position=spare, start=0, end=0, text="")
            )
            spare += 1


def _relocate_spans(conn: Connection, segment_id: int, old_text: str, new_text: str) -> None:
    cod = tb.codings
    for row in conn.execute(
        select(cod).where(cod.c.segment_id == segment_id, cod.c.span.is_(True))
    ).all():
        quote = old_text[row.start : row.end]
        found = new_text.find(quote) if quote else -1
        if found >= 0:
            values = {"start": found, "end": found + len(quote)}
        else:
            values = {"span": False, "start": 0, "end": 0}
        clash = conn.execute(
            select(cod.c.id).where(
                cod.c.segment_id == segment_id,
                cod.c.coder_id == row.coder_id,
                cod.c.codebook_id == row.codebook_id,
                cod.c.code_id == row.code_id,
                cod.c.span.is_(values.get("span", True)),
                cod.c.start == values["start"],
                cod.c.end == values["end"],
                cod.c.id != row.id,
            )
        ).first()
        if clash is None:
            conn.execute(update(cod).where(cod.c.id == row.id).values(**values))


def import_text(
    store,
    text: str,
    *,
    name: str,
    pseudonym: str | None = None,
    attributes: Mapping[str, object] | None = None,
) -> str | None:
    """Add one transcript given as text; return the new document id, ``None`` if its text
    is already in the corpus."""
    report = _import(
        store, [(name, normalise_text(text))], pseudonym=pseudonym, attributes=attributes
    )
    return report[0][1]


def import_documents(
    store,
    paths: Iterable[str | Path],
    *,
    pseudonym: str | None = None,
    attributes: Mapping[str, object] | None = None,
) -> ImportReport:
    """Import transcripts or notes, all or nothing.

    Every file is read first; if one cannot be read, :class:`QualError` lists every bad file
    and nothing is written. A file whose text is already in the corpus is skipped (importing
    the same file twice adds nothing).

    Parameters
    ----------
    pseudonym
        The case the documents belong to (default: a new ``DOC-0001``-style pseudonym per
        document). Never a real name.
    attributes
        Attributes of that case (``{"profil": "commercant", "secteur": "gare"}``).
    """
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            texts.append((path.name, read_document(path)))
        except QualError as error:
            problems.extend(error.problems)
    if problems:
        raise QualError(problems=problems)
    report = ImportReport()
    for name, doc_id in _import(store, texts, pseudonym=pseudonym, attributes=attributes):
        (report.added if doc_id else report.skipped).append(name)
    return report


def _import(
    store,
    texts: Sequence[tuple[str, str]],
    *,
    pseudonym: str | None,
    attributes: Mapping[str, object] | None,
) -> list[tuple[str, str | None]]:
    if pseudonym is not None and not (0 < len(pseudonym.strip()) <= 60):
        raise qual_error("Q023", field="pseudonym", maximum=60)
    out: list[tuple[str, str | None]] = []
    with write_connection(store.engine) as conn:
        stamp = now()
        case_id = None
        if pseudonym is not None:
            case_id = conn.execute(
                select(tb.cases.c.id).where(tb.cases.c.pseudonym == pseudonym.strip())
            ).scalar()
        for name, text in texts:
            digest = content_hash(text)
            known = conn.execute(
                select(tb.documents.c.id).where(
                    tb.documents.c.content_hash == digest, tb.documents.c.kind == "file"
                )
            ).first()
            if known is not None:
                out.append((name, None))
                continue
            if case_id is None or pseudonym is None:
                label = pseudonym.strip() if pseudonym else _next_pseudonym(conn, "DOC")
                case_id = str(uuid.uuid4())
                conn.execute(
                    insert(tb.cases).values(
                        id=case_id,
                        pseudonym=label,
                        attributes=json.dumps(
                            dict(attributes or {}), ensure_ascii=False, sort_keys=True
                        ),
                        created_at=stamp,
                    )
                )
            doc_id = str(uuid.uuid4())
            conn.execute(
                insert(tb.documents).values(
                    id=doc_id,
                    name=name,
                    kind="file",
                    case_id=case_id,
                    text=text,
                    content_hash=digest,
                    status="active",
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            _insert_segments(conn, doc_id, [(None, p) for p in split_text(text)])
            out.append((name, doc_id))
            if pseudonym is None:
                case_id = None
    return out
