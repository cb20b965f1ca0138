"""Right to erasure (GDPR art. 17): a person's responses, workshop participations and the
qualitative documents made from what they said."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert

from toolkit.errors import Problem, StoreError
from toolkit.privacy.subject import Subject
from toolkit.qual.erasure import erase_documents
from toolkit.store import Store, writes
from toolkit.store.pii_tables import privacy_log
from toolkit.training import tables as training

__all__ = ["erase_subject"]


def erase_subject(store: Store, subject: Subject, *, by: str, reason: str | None = None) -> int:
    """Erase everything held about ``subject``; return how many records went.

    Responses are erased by :meth:`toolkit.store.Store.erase` (answers, ``pii`` answers,
    audit trail and the follow-up items they opened gone); workshop participations lose their
    answers and pseudonym; qualitative documents (open answers brought into the coding
    corpus, interview transcripts) go with their segments, codings and memos
    (:func:`toolkit.qual.erasure.erase_documents`). The privacy log keeps that an
    erasure happened, by whom, when and how many records: nothing else.

    Raises
    ------
    StoreError
        ``P021`` when nothing is held about the subject, ``S009`` without ``by``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: visite, version: '1', title: Visite à domicile, privacy: {retention_days: 30},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... ))
    >>> from toolkit.privacy import find_subject
    >>> ines = store.submit("visite", {"telephone": "06 12 34 56 78", "nb": 2})
    >>> subject = find_subject(store, value="0612345678")
    >>> erase_subject(store, subject, by="coordination", reason="demande de la personne")
    1
    >>> find_subject(store, value="0612345678").empty
    True
    """
    if subject.empty:
        raise StoreError(problems=[Problem("P021", {})])
    count = store.erase(subject.response_ids, by=by, reason=reason) if subject.response_ids else 0
    ids = list(subject.participant_ids)
    documents = list(subject.document_ids)

    def work(conn: Connection) -> int:
        erased = erase_documents(conn, documents)
        if ids:
            conn.execute(delete(training.answers).where(training.answers.c.participant_id.in_(ids)))
            conn.execute(delete(training.participants).where(training.participants.c.id.in_(ids)))
        if ids or erased:
            conn.execute(
                insert(privacy_log).values(
                    at=dt.datetime.now(dt.UTC),
                    by=by,
                    action="erasure",
                    instrument_id=None,
                    n_responses=len(ids) + erased,
                    reason=reason,
                )
            )
        return len(ids) + erased

    if ids or documents:
        count += writes.run(store.engine, work)
    return count
