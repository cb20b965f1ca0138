"""The qualitative project kept in the store: codebook versions, coders, codings, memos,
reliability samples. Every method is one short transaction, so that several coders (one
Voilà kernel each) work on the same corpus at once, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import pandas as pd
from sqlalchemy import Row, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from toolkit.qual import tables as tb
from toolkit.qual.codebook import Codebook
from toolkit.qual.corpus import ImportReport, SyncReport, import_documents, now, sync_responses
from toolkit.qual.errors import qual_error
from toolkit.store.engine import read_connection, write_connection

__all__ = ["MEMO_KINDS", "QualProject"]

MEMO_KINDS = ("segment", "code", "document", "project")
MAX_NAME = 80
ORIGINS = ("manual", "suggestion", "import")


def _check_name(name: object) -> str:
    text = " ".join(str(name or "").split())
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise qual_error("Q033", field="coder", maximum=MAX_NAME)
    return text


class QualProject:
    """Qualitative work on the corpus of one store.

    Parameters
    ----------
    store
        A :class:`toolkit.store.Store` (``toolkit.store.connect(url)``).
    codebook_id
        The codebook to code with (default: the one saved last).

    Examples
    --------
    >>> from toolkit.store import connect
    >>> from toolkit.qual import QualProject, load_codebook
    >>> project = QualProject(connect("sqlite://"))
    >>> project.save_codebook(load_codebook("surveys/codebooks/besoins_habitants.yaml"), by="Awa")
    1
    >>> doc = project.import_text("Personne : Les démarches en ligne, je n'y arrive pas.", name="note.txt")
    >>> segment = int(project.segments()["segment_id"].iloc[0])
    >>> _ = project.code(segment, "numerique", "Awa")
    >>> project.codings()[["coder", "code"]].to_dict("records")
    [{'coder': 'Awa', 'code': 'numerique'}]
    """

    def __init__(self, store, codebook_id: str | None = None) -> None:
        self.store = store
        self.engine = store.engine
        self._codebook_id = codebook_id
        self._book_cache: tuple[int, Codebook] | None = None

    # -- corpus -------------------------------------------------------------------------------
    def sync(self, instruments: Iterable[str] | None = None) -> SyncReport:
        """Add the store's new open answers to the corpus (see :func:`sync_responses`)."""
        return sync_responses(self.store, instruments)

    def import_documents(self, paths: Iterable[str | Path], **options: object) -> ImportReport:
        """Import transcripts or notes (see :func:`toolkit.qual.corpus.import_documents`)."""
        return import_documents(self.store, paths, **options)  # type: ignore[arg-type]

    def import_text(self, text: str, *, name: str, **options: object) -> str | None:
        from toolkit.qual.corpus import import_text

        return import_text(self.store, text, name=name, **options)  # type: ignore[arg-type]

    def segments(self, *, with_attributes: bool = True) -> pd.DataFrame:
        """Active segments, in document order.

        Returns
        -------
        pandas.DataFrame
            ``segment_id``, ``document_id``, ``document``, ``kind`` (``response``/``file``),
            ``instrument_id``, ``response_id``, ``question``, ``speaker``, ``position``,
            ``start``, ``end`` (offsets in the document), ``text``, ``case_id``,
            ``pseudonym``, then one column per case attribute (``sector``, ``wave``…).
        """
        s, d, c = tb.segments, tb.documents, tb.cases
        query = (
            select(
                s.c.id.label("segment_id"),
                s.c.document_id,
                d.c.name.label("document"),
                d.c.kind,
                d.c.instrument_id,
                d.c.response_id,
                s.c.question,
                s.c.speaker,
                s.c.position,
                s.c.start,
                s.c.end,
                s.c.text,
                d.c.case_id,
                c.c.pseudonym,
                c.c.attributes,
            )
            .join(d, d.c.id == s.c.document_id)
            .outerjoin(c, c.c.id == d.c.case_id)
            .where(d.c.status == "active", s.c.end > s.c.start)
            .order_by(d.c.created_at, d.c.name, d.c.id, s.c.position)
        )
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        columns = [
            "segment_id",
            "document_id",
            "document",
            "kind",
            "instrument_id",
            "response_id",
            "question",
            "speaker",
            "position",
            "start",
            "end",
            "text",
            "case_id",
            "pseudonym",
        ]
        frame = pd.DataFrame([r[:-1] for r in rows], columns=columns)
        frame = frame.astype(
            {"segment_id": "int64", "position": "int64", "start": "int64", "end": "int64"}
        )
        if with_attributes:
            attrs = pd.DataFrame([json.loads(r.attributes) if r.attributes else {} for r in rows])
            for name in attrs.columns:
                if name not in frame:
                    frame[name] = attrs[name].to_numpy()
        return frame

    def segment(self, segment_id: int) -> dict:
        """One segment with its document and case (``Q031`` when unknown)."""
        frame = self.segments()
        row = frame[frame["segment_id"] == int(segment_id)]
        if row.empty:
            raise qual_error("Q031", field="segment", segment=segment_id)
        return row.iloc[0].to_dict()

    # -- coders -------------------------------------------------------------------------------
    def coder_id(self, name: str, *, create: bool = True, guid: str | None = None) -> str:
        """The id of the coder called ``name`` (created on first use)."""
        name = _check_name(name)
        for attempt in (1, 2):
            with read_connection(self.engine) as conn:
                found = conn.execute(
                    select(tb.coders.c.id).where(tb.coders.c.name == name)
                ).scalar()
            if found is not None:
                return str(found)
            if not create:
                raise qual_error("Q035", field="coder", coder=name)
            try:
                with write_connection(self.engine) as conn:
                    new = guid or str(uuid.uuid4())
                    conn.execute(insert(tb.coders).values(id=new, name=name, created_at=now()))
                return new
            except IntegrityError:
                if attempt == 2:
                    raise
        raise qual_error("Q035", field="coder", coder=name)

    def coders(self) -> pd.DataFrame:
        """``coder_id``, ``name`` of every coder, by name."""
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(tb.coders.c.id, tb.coders.c.name).order_by(tb.coders.c.name)
            ).all()
        return pd.DataFrame(rows, columns=["coder_id", "name"])

    # -- codebook -----------------------------------------------------------------------------
    def save_codebook(
        self, codebook: Codebook, *, by: str | None = None, note: str | None = None
    ) -> int:
        """Store ``codebook`` as its newest version; return the version number.

        Saving the same content again keeps the current number.
        """
        definition = codebook.to_json()
        cv = tb.codebook_versions
        for attempt in (1, 2):
            try:
                with write_connection(self.engine) as conn:
                    last = conn.execute(
                        select(cv.c.number, cv.c.definition)
                        .where(cv.c.codebook_id == codebook.id)
                        .order_by(cv.c.number.desc())
                        .limit(1)
                    ).first()
                    if last is not None and last.definition == definition:
                        return int(last.number)
                    number = (last.number if last else 0) + 1
                    conn.execute(
                        insert(cv).values(
                            codebook_id=codebook.id,
                            number=number,
                            definition=definition,
                            saved_at=now(),
                            saved_by=by,
                            note=note,
                        )
                    )
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        self._codebook_id = self._codebook_id or codebook.id
        self._book_cache = None
        return number

    def codebook_ids(self) -> list[str]:
        cv = tb.codebook_versions
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(cv.c.codebook_id, func.max(cv.c.id))
                .group_by(cv.c.codebook_id)
                .order_by(func.max(cv.c.id))
            ).all()
        return [r[0] for r in rows]

    @property
    def codebook_id(self) -> str:
        if self._codebook_id is None:
            ids = self.codebook_ids()
            if not ids:
                raise qual_error("Q036")
            self._codebook_id = ids[-1]
        return self._codebook_id

    def codebook(self, version: int | None = None) -> Codebook:
        """The current codebook (or an earlier ``version``)."""
        cv = tb.codebook_versions
        query = select(cv.c.number, cv.c.definition).where(cv.c.codebook_id == self.codebook_id)
        query = (
            query.where(cv.c.number == version)
            if version
            else query.order_by(cv.c.number.desc()).limit(1)
        )
        with read_connection(self.engine) as conn:
            row = conn.execute(query).first()
        if row is None:
            raise qual_error("Q036")
        if self._book_cache and self._book_cache[0] == row.number and version is None:
            return self._book_cache[1]
        book = Codebook.from_dict(json.loads(row.definition), source=f"db:{self.codebook_id}")
        if version is None:
            self._book_cache = (int(row.number), book)
        return book

    def codebook_history(self) -> pd.DataFrame:
        """``number``, ``saved_at``, ``saved_by``, ``note``, ``n_codes`` of every version."""
        cv = tb.codebook_versions
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(cv.c.number, cv.c.saved_at, cv.c.saved_by, cv.c.note, cv.c.definition)
                .where(cv.c.codebook_id == self.codebook_id)
                .order_by(cv.c.number)
            ).all()
        return pd.DataFrame(
            [
                (r.number, r.saved_at, r.saved_by, r.note, len(json.loads(r.definition)["codes"]))
                for r in rows
            ],
            columns=["number", "saved_at", "saved_by", "note", "n_codes"],
        )

    # -- codings ------------------------------------------------------------------------------
    def _segment_text(self, conn, segment_id: int) -> str:
        text = conn.execute(
            select(tb.segments.c.text).where(tb.segments.c.id == int(segment_id))
        ).scalar()
        if text is None:
            raise qual_error("Q031", field="segment", segment=segment_id)
        return str(text)

    def code(
        self,
        segment_id: int,
        code_id: str,
        coder: str,
        *,
        start: int | None = None,
        end: int | None = None,
        origin: str = "manual",
        guid: str | None = None,
    ) -> str:
        """Attach ``code_id`` to a segment (or to ``[start, end)`` of its text) for ``coder``.

        Idempotent: the same coding twice is stored once. The segment counts as looked at
        by the coder. Returns the coding's GUID.

        Raises
        ------
        QualError
            ``Q030`` unknown code, ``Q034`` retired code, ``Q031`` unknown segment,
            ``Q032`` span outside the segment or empty.
        """
        book = self.codebook()
        code = book.get(code_id)
        if not code.active and origin != "import":
            raise qual_error("Q034", field="code", code=code_id)
        if origin not in ORIGINS:
            raise qual_error("Q019", field="origin", got=origin, allowed=", ".join(ORIGINS))
        coder_id = self.coder_id(coder)
        span = start is not None or end is not None
        first = int(start or 0) if span else 0
        last = int(end or 0) if span else 0
        key = {
            "segment_id": int(segment_id),
            "coder_id": coder_id,
            "codebook_id": book.id,
            "code_id": code_id,
            "span": span,
            "start": first,
            "end": last,
        }
        for attempt in (1, 2):
            try:
                with write_connection(self.engine) as conn:
                    text = self._segment_text(conn, segment_id)
                    if span and not (0 <= first < last <= len(text)):
                        raise qual_error(
                            "Q032", field="span", start=start, end=end, length=len(text)
                        )
                    found = conn.execute(
                        select(tb.codings.c.guid).where(
                            *(tb.codings.c[k] == v for k, v in key.items())
                        )
                    ).scalar()
                    if found is not None:
                        self.mark(conn, int(segment_id), coder_id)
                        return str(found)
                    new = guid or str(uuid.uuid4())
                    conn.execute(
                        insert(tb.codings).values(guid=new, origin=origin, created_at=now(), **key)
                    )
                    self.mark(conn, int(segment_id), coder_id)
                return new
            except IntegrityError:
                if attempt == 2:
                    raise
        return new

    def uncode(
        self,
        segment_id: int,
        code_id: str,
        coder: str,
        *,
        start: int | None = None,
        end: int | None = None,
    ) -> int:
        """Remove a coding (whole segment, or the given span); return how many were removed.

        With ``start`` and ``end`` left out, every coding of ``code_id`` on the segment by
        ``coder`` goes, spans included.
        """
        coder_id = self.coder_id(coder)
        c = tb.codings
        where = [
            c.c.segment_id == int(segment_id),
            c.c.coder_id == coder_id,
            c.c.code_id == code_id,
        ]
        if start is not None or end is not None:
            where += [c.c.span.is_(True), c.c.start == int(start or 0), c.c.end == int(end or 0)]
        with write_connection(self.engine) as conn:
            return int(conn.execute(delete(c).where(*where)).rowcount or 0)

    def mark_reviewed(self, segment_id: int, coder: str) -> None:
        """Record that ``coder`` looked at the segment (so "no code applies" is a decision)."""
        coder_id = self.coder_id(coder)
        for attempt in (1, 2):
            try:
                with write_connection(self.engine) as conn:
                    self._segment_text(conn, segment_id)
                    self.mark(conn, int(segment_id), coder_id)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    @staticmethod
    def mark(conn, segment_id: int, coder_id: str) -> None:
        """Inside an open write transaction: ``coder_id`` has looked at ``segment_id``."""
        r = tb.reviews
        found = conn.execute(
            select(r.c.segment_id).where(r.c.segment_id == segment_id, r.c.coder_id == coder_id)
        ).first()
        if found is None:
            conn.execute(
                insert(r).values(segment_id=segment_id, coder_id=coder_id, reviewed_at=now())
            )

    def codings(self, *, coder: str | None = None, resolve: bool = True) -> pd.DataFrame:
        """Codings on active segments.

        Returns
        -------
        pandas.DataFrame
            ``coding_id``, ``guid``, ``segment_id``, ``coder``, ``code`` (the code that
            stands for it today when ``resolve``: merges followed), ``code_original``,
            ``span`` (bool), ``start``, ``end`` (offsets in the segment; 0, 0 for the whole
            segment), ``origin``, ``created_at``.
        """
        c, s, d, k = tb.codings, tb.segments, tb.documents, tb.coders
        query = (
            select(
                c.c.id,
                c.c.guid,
                c.c.segment_id,
                k.c.name,
                c.c.code_id,
                c.c.span,
                c.c.start,
                c.c.end,
                c.c.origin,
                c.c.created_at,
            )
            .join(s, s.c.id == c.c.segment_id)
            .join(d, d.c.id == s.c.document_id)
            .join(k, k.c.id == c.c.coder_id)
            .where(d.c.status == "active", c.c.codebook_id == self.codebook_id)
            .order_by(c.c.id)
        )
        if coder is not None:
            query = query.where(k.c.name == _check_name(coder))
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(
            rows,
            columns=[
                "coding_id",
                "guid",
                "segment_id",
                "coder",
                "code_original",
                "span",
                "start",
                "end",
                "origin",
                "created_at",
            ],
        )
        book = self.codebook()
        frame.insert(4, "code", [book.resolve(x) if resolve else x for x in frame["code_original"]])
        return frame.astype(
            {"span": "bool", "segment_id": "int64", "start": "int64", "end": "int64"}
        )

    def reviews(self) -> pd.DataFrame:
        """``segment_id``, ``coder`` for every segment a coder looked at (active segments)."""
        r, s, d, k = tb.reviews, tb.segments, tb.documents, tb.coders
        query = (
            select(r.c.segment_id, k.c.name)
            .join(s, s.c.id == r.c.segment_id)
            .join(d, d.c.id == s.c.document_id)
            .join(k, k.c.id == r.c.coder_id)
            .where(d.c.status == "active")
        )
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=["segment_id", "coder"]).astype({"segment_id": "int64"})

    def decisions(self, *, segments: Iterable[int] | None = None) -> pd.DataFrame:
        """One row per (segment, coder who looked at it, active code): ``present`` 0/1.

        The input of :func:`toolkit.qual.agreement`: a coder who has not looked at a segment
        has no row for it (missing), one who did and applied no code has 0 everywhere.
        """
        book = self.codebook()
        codes = [c.id for c in book.active()]
        reviews = self.reviews()
        codings = self.codings()
        if segments is not None:
            keep = {int(s) for s in segments}
            reviews = reviews[reviews["segment_id"].isin(keep)]
            codings = codings[codings["segment_id"].isin(keep)]
        applied = set(zip(codings["segment_id"], codings["coder"], codings["code"], strict=True))
        rows = [
            (seg, coder, code, int((seg, coder, code) in applied))
            for seg, coder in zip(reviews["segment_id"], reviews["coder"], strict=True)
            for code in codes
        ]
        return pd.DataFrame(rows, columns=["segment_id", "coder", "code", "present"])

    # -- memos --------------------------------------------------------------------------------
    def set_memo(
        self, kind: str, target: object, coder: str, text: str, *, guid: str | None = None
    ) -> None:
        """Write (or replace, or with an empty text delete) ``coder``'s memo on a target."""
        if kind not in MEMO_KINDS:
            raise qual_error("Q019", field="kind", got=kind, allowed=", ".join(MEMO_KINDS))
        coder_id = self.coder_id(coder)
        m = tb.memos
        where = and_(
            m.c.target_kind == kind, m.c.target_id == str(target), m.c.coder_id == coder_id
        )
        with write_connection(self.engine) as conn:
            if not str(text).strip():
                conn.execute(delete(m).where(where))
                return
            found = conn.execute(select(m.c.id).where(where)).scalar()
            if found is None:
                conn.execute(
                    insert(m).values(
                        guid=guid or str(uuid.uuid4()),
                        target_kind=kind,
                        target_id=str(target),
                        coder_id=coder_id,
                        text=str(text),
                        updated_at=now(),
                    )
                )
            else:
                conn.execute(
                    update(m).where(m.c.id == found).values(text=str(text), updated_at=now())
                )

    def memos(self) -> pd.DataFrame:
        """``guid``, ``kind``, ``target``, ``coder``, ``text``, ``updated_at`` of every memo."""
        m, k = tb.memos, tb.coders
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(m.c.guid, m.c.target_kind, m.c.target_id, k.c.name, m.c.text, m.c.updated_at)
                .join(k, k.c.id == m.c.coder_id)
                .order_by(m.c.id)
            ).all()
        return pd.DataFrame(rows, columns=["guid", "kind", "target", "coder", "text", "updated_at"])

    def memo(self, kind: str, target: object, coder: str) -> str:
        memos = self.memos()
        mine = memos[
            (memos["kind"] == kind) & (memos["target"] == str(target)) & (memos["coder"] == coder)
        ]
        return "" if mine.empty else str(mine["text"].iloc[0])

    # -- reliability samples and blind mode ---------------------------------------------------
    def draw_sample(
        self,
        name: str,
        n: int,
        *,
        seed: int = 1,
        segments: Iterable[int] | None = None,
        by: str | None = None,
    ) -> list[int]:
        """Draw ``n`` segments (seeded) for double coding; return their ids (kept in order).

        Drawing again under the same name returns the sample already drawn.
        """
        existing = self.sample(name)
        if existing:
            return existing
        pool = sorted(
            int(s)
            for s in (
                segments
                if segments is not None
                else self.segments(with_attributes=False)["segment_id"]
            )
        )
        if not isinstance(n, int) or n < 1:
            raise qual_error("Q037", field="n", got=n)
        chosen = sorted(
            random.Random(seed).sample(  # noqa: S311 - a reproducible draw, not a secret
                pool, min(n, len(pool))
            )
        )
        with write_connection(self.engine) as conn:
            result = conn.execute(
                insert(tb.samples).values(name=str(name), created_at=now(), created_by=by)
            )
            # SQLAlchemy types the key Optional (None after a many-row insert); a one-row
            # INSERT always has it.
            sample_id = cast("Row[Any]", result.inserted_primary_key)[0]
            if chosen:
                conn.execute(
                    insert(tb.sample_segments),
                    [{"sample_id": sample_id, "segment_id": s} for s in chosen],
                )
        return chosen

    def sample(self, name: str) -> list[int]:
        """Segment ids of the sample ``name`` (empty when there is none)."""
        s, ss = tb.samples, tb.sample_segments
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(ss.c.segment_id)
                .join(s, s.c.id == ss.c.sample_id)
                .where(s.c.name == str(name))
                .order_by(ss.c.segment_id)
            ).scalars()
            return [int(r) for r in rows]

    def samples(self) -> list[str]:
        with read_connection(self.engine) as conn:
            return [
                str(r)
                for r in conn.execute(select(tb.samples.c.name).order_by(tb.samples.c.id)).scalars()
            ]

    def sample_progress(self, name: str, coder: str) -> tuple[int, int]:
        """(segments of the sample looked at by ``coder``, size of the sample)."""
        members = set(self.sample(name))
        reviews = self.reviews()
        done = set(reviews.loc[reviews["coder"] == coder, "segment_id"]) & members
        return len(done), len(members)

    def others_visible(self, coder: str, sample: str | None) -> bool:
        """Blind mode: whether ``coder`` may see other coders' codes (always, without a
        sample; once every segment of the sample is looked at, with one)."""
        if not sample:
            return True
        done, total = self.sample_progress(sample, coder)
        return total > 0 and done >= total

    # -- suggestions --------------------------------------------------------------------------
    def log_suggestion(self, segment_id: int, code_id: str, coder: str, decision: str) -> None:
        """Record that ``coder`` accepted or rejected a suggested code."""
        if decision not in ("accepted", "rejected"):
            raise qual_error("Q019", field="decision", got=decision, allowed="accepted, rejected")
        coder_id = self.coder_id(coder)
        with write_connection(self.engine) as conn:
            conn.execute(
                insert(tb.suggestion_log).values(
                    segment_id=int(segment_id),
                    coder_id=coder_id,
                    code_id=code_id,
                    decision=decision,
                    at=now(),
                )
            )

    def suggestion_log(self) -> pd.DataFrame:
        """``segment_id``, ``coder``, ``code``, ``decision``, ``at`` of every decision."""
        g, k = tb.suggestion_log, tb.coders
        with read_connection(self.engine) as conn:
            rows = conn.execute(
                select(g.c.segment_id, k.c.name, g.c.code_id, g.c.decision, g.c.at)
                .join(k, k.c.id == g.c.coder_id)
                .order_by(g.c.id)
            ).all()
        return pd.DataFrame(rows, columns=["segment_id", "coder", "code", "decision", "at"])

    def case_attributes(self) -> pd.DataFrame:
        """One row per case: ``case_id``, ``pseudonym`` and its attributes."""
        with read_connection(self.engine) as conn:
            rows = conn.execute(select(tb.cases).order_by(tb.cases.c.pseudonym)).all()
        base = pd.DataFrame([(r.id, r.pseudonym) for r in rows], columns=["case_id", "pseudonym"])
        attrs = pd.DataFrame([json.loads(r.attributes) for r in rows])
        return pd.concat([base, attrs], axis=1)

    def set_case(self, case_id: str, attributes: Mapping[str, object]) -> None:
        with write_connection(self.engine) as conn:
            conn.execute(
                update(tb.cases)
                .where(tb.cases.c.id == case_id)
                .values(attributes=json.dumps(dict(attributes), ensure_ascii=False, sort_keys=True))
            )
