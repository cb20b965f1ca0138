"""Documents about one person, found and deleted for a privacy request (:mod:`toolkit.privacy`).

The open answers of a person's responses, once brought into the coding corpus, and the
transcripts of their interviews, filed under a pseudonym, both copy what the person said.
Erasure deletes them with everything the coders made from them: segments, codings, review
marks, reliability samples, suggestions and memos, and the case of an interview when no
other document is filed under it. Kept here, beside the tables, because which rows hang on
a document (memos name theirs by kind and id, not by a foreign key) is this package's
knowledge.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, or_, select

from toolkit.qual import tables as qual
from toolkit.store import writes

__all__ = ["documents_of", "erase_documents"]


def documents_of(
    conn: Connection, response_ids: Sequence[str], pseudonym: str | None = None
) -> tuple[str, ...]:
    """Ids of the documents made from ``response_ids`` or filed under ``pseudonym``."""
    docs, cases = qual.documents, qual.cases
    conditions = []
    if response_ids:
        conditions.append(docs.c.response_id.in_(list(response_ids)))
    if pseudonym:
        under = select(cases.c.id).where(cases.c.pseudonym == pseudonym)
        conditions.append(docs.c.case_id.in_(under))
    if not conditions:
        return ()
    query = select(docs.c.id).where(or_(*conditions)).order_by(docs.c.created_at, docs.c.id)
    return tuple(conn.execute(query).scalars())


def erase_documents(conn: Connection, document_ids: Sequence[str]) -> int:
    """Delete ``document_ids`` and everything made from them; how many documents went."""
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        return 0
    docs, memos = qual.documents, qual.memos
    segment_ids = [
        str(s)
        for s in conn.execute(
            select(qual.segments.c.id).where(qual.segments.c.document_id.in_(ids))
        ).scalars()
    ]
    targets = [(memos.c.target_kind == "document") & memos.c.target_id.in_(ids)]
    if segment_ids:
        targets.append((memos.c.target_kind == "segment") & memos.c.target_id.in_(segment_ids))
    conn.execute(delete(memos).where(or_(*targets)))
    case_ids = [
        c
        for c in conn.execute(select(docs.c.case_id).where(docs.c.id.in_(ids))).scalars()
        if c is not None
    ]
    writes.delete_linked(conn, writes.references(conn), "qual_documents", "id", ids)
    gone = conn.execute(delete(docs).where(docs.c.id.in_(ids))).rowcount or 0
    if case_ids:
        still_used = select(docs.c.case_id).where(docs.c.case_id.is_not(None))
        conn.execute(
            delete(qual.cases).where(
                qual.cases.c.id.in_(case_ids), qual.cases.c.id.not_in(still_used)
            )
        )
    return gone
