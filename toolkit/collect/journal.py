"""The local, append-only journal that keeps responses when the database cannot be reached.

One JSON object per line, written with a single ``write`` on a file opened in append mode
under an exclusive lock, then ``fsync``'d: a response acknowledged on screen survives a
crash or a power cut. Nothing is ever rewritten; replaying a response appends a ``synced``
line that names the entry. A line cut short by a crash is ignored on reading.

Entry kinds: ``submit`` (a finished response), ``draft`` (unfinished answers), ``synced``
(entry ``entry`` reached the database), ``rejected`` (the database refused entry ``entry``;
the line keeps the problem codes, the response stays in the journal), ``superseded`` (a newer
state of the response made the entry obsolete), ``discarded`` (the mediator gave the draft up,
or it expired).

``pii`` answers never reach the file in clear: :meth:`Journal.keep` takes them apart
(``secret``) and writes them as one Fernet token made with the same key file as the store's
(:class:`~toolkit.store.keyfile.PiiKey`); reading the entry back decrypts them. A journal that
holds personal answers therefore needs that key to be replayed, exactly as the store does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from toolkit.store.keyfile import PiiKey
from toolkit.store.pii import merge

__all__ = ["ENV_VAR", "Entry", "Journal", "default_journal_path"]

#: Environment variable naming the journal file.
ENV_VAR = "TOOLKIT_JOURNAL"
_DEFAULT = Path("data") / "journal.jsonl"
#: Kinds of line that close an entry.
_CLOSING = ("synced", "rejected", "superseded", "discarded")


def default_journal_path() -> Path:
    """``TOOLKIT_JOURNAL``, else ``data/journal.jsonl`` of the project (beside the default database).

    Examples
    --------
    >>> import os
    >>> path = default_journal_path()
    >>> "TOOLKIT_JOURNAL" in os.environ or path.parts[-2:] == ("data", "journal.jsonl")
    True
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        return Path(raw)
    from toolkit.collect.catalogue import project_root

    return project_root() / _DEFAULT


@dataclass(frozen=True)
class Entry:
    """A response kept in the journal."""

    entry: str
    kind: str
    instrument_id: str
    response_id: str
    answers: Mapping[str, object]
    meta: Mapping[str, object]
    at: str

    def submit_kwargs(self) -> dict[str, object]:
        """Keyword arguments for ``Store.submit`` / ``Store.save_draft``."""
        meta = dict(self.meta)
        started = meta.get("started_at")
        if isinstance(started, str) and started:
            meta["started_at"] = dt.datetime.fromisoformat(started)
        return {"response_id": self.response_id, **meta}


class Journal:
    """An append-only JSON-lines file of responses waiting for the database.

    Parameters
    ----------
    path
        The journal file (created with its folder on first write).
    key
        The key of the ``pii`` answers (default: the store's key file); read only when an
        entry carries personal answers.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, key: PiiKey | None = None
    ) -> None:
        self.path = Path(path) if path is not None else default_journal_path()
        self.key = key if key is not None else PiiKey()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # ------------------------------------------------------------------ writing

    def append(self, record: Mapping[str, object]) -> None:
        """Write one line durably (locked append, flush, ``fsync``)."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=_plain) + "\n"
        data = line.encode("utf-8")
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)

    def keep(
        self,
        kind: str,
        instrument_id: str,
        response_id: str,
        answers: Mapping[str, object],
        meta: Mapping[str, object],
        *,
        secret: Mapping[str, object] | None = None,
    ) -> Entry:
        """Journal a response (``kind`` = ``submit`` or ``draft``) and return its entry.

        ``answers`` are written as they are; ``secret`` (the ``pii`` answers, see
        :func:`toolkit.store.pii.split`) only encrypted. The entry returned holds both.

        Raises
        ------
        StoreError
            ``P001``/``P002`` when there are personal answers and the key cannot be read:
            nothing is written (the screen says the response was not kept).
        """
        if kind not in ("submit", "draft"):
            raise ValueError(f"kind must be 'submit' or 'draft'; got {kind!r}")
        record: dict[str, object] = {
            "kind": kind,
            "entry": uuid.uuid4().hex,
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "instrument_id": instrument_id,
            "response_id": response_id,
            "answers": dict(answers),
            "meta": {k: v for k, v in meta.items() if v is not None},
        }
        if secret:
            record["pii"] = self.key.encrypt(json.loads(json.dumps(dict(secret), default=_plain)))
            record["pii_key"] = self.key.key_id
        self.append(record)
        return Entry(
            entry=str(record["entry"]),
            kind=kind,
            instrument_id=instrument_id,
            response_id=response_id,
            answers=merge(answers, secret or {}),
            meta=dict(record["meta"]),  # type: ignore[call-overload]
            at=str(record["at"]),
        )

    def acknowledge(
        self, entry: Entry, *, kind: str = "synced", codes: tuple[str, ...] = ()
    ) -> None:
        """Record that ``entry`` reached the database (or was refused: ``kind="rejected"``)."""
        record: dict[str, object] = {
            "kind": kind,
            "entry": entry.entry,
            "response_id": entry.response_id,
            "at": dt.datetime.now(dt.UTC).isoformat(),
        }
        if codes:
            record["codes"] = list(codes)
        self.append(record)

    # ------------------------------------------------------------------ reading

    def records(self) -> Iterator[dict]:
        """Every readable line, oldest first (a line cut short by a crash is skipped)."""
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            for raw in handle:
                with contextlib.suppress(ValueError):
                    record = json.loads(raw.decode("utf-8"))
                    if isinstance(record, dict) and "kind" in record:
                        yield record

    def entries(self) -> list[Entry]:
        """Every journaled response (submits and drafts), oldest first."""
        out = []
        for record in self.records():
            if record["kind"] in ("submit", "draft"):
                try:
                    out.append(
                        Entry(
                            entry=str(record["entry"]),
                            kind=str(record["kind"]),
                            instrument_id=str(record["instrument_id"]),
                            response_id=str(record["response_id"]),
                            answers=self._answers(record),
                            meta=dict(record.get("meta") or {}),
                            at=str(record.get("at", "")),
                        )
                    )
                except (KeyError, TypeError, ValueError):
                    continue
        return out

    def _answers(self, record: Mapping[str, object]) -> dict:
        """The entry's answers, its ``pii`` answers decrypted back in (``P001``/``P003``
        raised when the key is missing or is not the one they were written with)."""
        answers = dict(record.get("answers") or {})  # type: ignore[call-overload]
        token = record.get("pii")
        if not isinstance(token, str):
            return answers
        key_id = record.get("pii_key")
        return merge(answers, self.key.decrypt(token, key_id if isinstance(key_id, str) else None))

    def pending(self, instrument_id: str | None = None) -> list[Entry]:
        """Entries still to send, oldest first.

        An acknowledged or rejected entry is done; a draft is superseded by any later entry of
        the same response, so only the newest state of each response is sent.
        """
        closed = {str(r.get("entry")) for r in self.records() if r["kind"] in _CLOSING}
        entries = [e for e in self.entries() if e.entry not in closed]
        latest: dict[str, Entry] = {}
        for entry in entries:
            previous = latest.get(entry.response_id)
            if previous is None or previous.kind == "draft" or entry.kind == "submit":
                latest[entry.response_id] = entry
        keep = {e.entry for e in latest.values()}
        out = [e for e in entries if e.entry in keep]
        if instrument_id is not None:
            out = [e for e in out if e.instrument_id == instrument_id]
        return out

    def superseded(self, instrument_id: str | None = None) -> list[Entry]:
        """Pending-looking entries made obsolete by a later entry of the same response."""
        waiting = {e.entry for e in self.pending(instrument_id)}
        closed = {str(r.get("entry")) for r in self.records() if r["kind"] in _CLOSING}
        return [
            e
            for e in self.entries()
            if e.entry not in waiting
            and e.entry not in closed
            and (instrument_id is None or e.instrument_id == instrument_id)
        ]

    def rejected(self) -> list[tuple[Entry, tuple[str, ...]]]:
        """Entries the database refused, with the problem codes it gave."""
        by_entry = {e.entry: e for e in self.entries()}
        out = []
        for record in self.records():
            if record["kind"] == "rejected" and record.get("entry") in by_entry:
                out.append((by_entry[record["entry"]], tuple(record.get("codes") or ())))
        return out


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot journal a value of type {type(value).__name__}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
