"""Replay the local journal into the database, with no duplicates.

``Store.submit`` is idempotent on the response id, so replaying an entry twice (a crash
between the write and its acknowledgement, two tablets syncing the same file) stores it
once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.collect.journal import Entry, Journal
from toolkit.errors import AnswerError, ConflictError, StoreError, StoreUnavailableError
from toolkit.instruments import Instrument

__all__ = ["SyncReport", "replay"]


@dataclass
class SyncReport:
    """What a replay did.

    Attributes
    ----------
    sent
        Response ids now in the database (submits and drafts).
    rejected
        ``(response_id, codes)`` refused by the database; they stay in the journal.
    remaining
        Entries still waiting (the database went away again during the replay).
    """

    sent: list[str] = field(default_factory=list)
    rejected: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    remaining: int = 0

    @property
    def complete(self) -> bool:
        return self.remaining == 0


def replay(
    journal: Journal,
    store: object,
    *,
    instrument_id: str | None = None,
    find_instrument: Callable[[str], Instrument | None] | None = None,
) -> SyncReport:
    """Send every pending journal entry to ``store``; acknowledge each one in the journal.

    Parameters
    ----------
    journal
        The journal to replay.
    store
        A :class:`toolkit.store.Store`.
    instrument_id
        Replay only this instrument's entries.
    find_instrument
        Gives the instrument to register when the database does not know it yet (a
        database created after the responses were journaled).

    Raises
    ------
    StoreUnavailableError
        Never: an unreachable database stops the replay and is reported in ``remaining``.

    Examples
    --------
    A response journaled on a tablet while the database was out of reach, sent later:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.collect import Journal
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> survey = loads("{id: q, version: '1', title: Q, questions: [{name: nb, type: integer}]}")
    >>> journal = Journal(Path(tempfile.mkdtemp()) / "journal.jsonl")
    >>> rid = "22222222-2222-4222-8222-222222222222"
    >>> _ = journal.keep("submit", "q", rid, {"nb": 3}, {"collector": "med07"})
    >>> store = connect("sqlite://")
    >>> report = replay(journal, store, find_instrument=lambda _id: survey)
    >>> report.sent == [rid], report.rejected, report.remaining
    (True, [], 0)
    >>> store.get(rid).answers["nb"], journal.pending()
    (3, [])
    >>> replay(journal, store).sent  # nothing left to send
    []
    """
    report = SyncReport()
    for entry in journal.superseded(instrument_id):
        journal.acknowledge(entry, kind="superseded")
    pending = journal.pending(instrument_id)
    for position, entry in enumerate(pending):
        try:
            _send(store, entry, find_instrument)
        except StoreUnavailableError:
            report.remaining = len(pending) - position
            return report
        except (AnswerError, ConflictError, StoreError) as error:
            codes = tuple(error.codes) or (type(error).__name__,)
            if entry.kind == "draft" and "S008" in codes:
                # The response was submitted meanwhile: the draft has nothing left to say.
                journal.acknowledge(entry, kind="superseded")
                continue
            journal.acknowledge(entry, kind="rejected", codes=codes)
            report.rejected.append((entry.response_id, codes))
            continue
        journal.acknowledge(entry)
        report.sent.append(entry.response_id)
    return report


def _send(store: object, entry: Entry, find: Callable[[str], Instrument | None] | None) -> None:
    for attempt in (1, 2):
        try:
            if entry.kind == "submit":
                store.submit(entry.instrument_id, entry.answers, **entry.submit_kwargs())  # type: ignore[attr-defined]
            else:
                store.save_draft(entry.instrument_id, entry.answers, **entry.submit_kwargs())  # type: ignore[attr-defined]
            return
        except StoreError as error:
            instrument = find(entry.instrument_id) if find and attempt == 1 else None
            if "S001" not in error.codes or instrument is None:
                raise
            store.register(instrument)  # type: ignore[attr-defined]
