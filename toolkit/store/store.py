"""The :class:`Store`: instruments, responses, audit trail and typed frames over one database."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, Row, func, select

from toolkit.errors import AnswerError, Problem, StoreError
from toolkit.i18n import t
from toolkit.instruments import (
    Instrument,
    from_mapping,
    instrument_to_dict,
)
from toolkit.instruments import content_hash as hash_of
from toolkit.store import counts as counting
from toolkit.store import frame as frames
from toolkit.store import limits, lineage, pii, writes
from toolkit.store.engine import read_connection
from toolkit.store.keyfile import PiiKey
from toolkit.store.pii_tables import PRIVACY_ACTIONS, privacy_log
from toolkit.store.response import Response, from_row, response_query
from toolkit.store.schema import instrument_versions as iv
from toolkit.store.schema import response_audit as audit_t
from toolkit.store.schema import responses as resp

__all__ = ["Store"]

#: Metadata columns that :meth:`Store.counts` can group by (besides questions).
COUNT_METADATA = ("sector", "wave", "team", "collector", "source")


class Store:
    """Responses and instruments kept in one SQLite or PostgreSQL database.

    Build it with :func:`toolkit.store.connect`. A store may be shared between threads;
    every method runs in its own transaction.

    Parameters
    ----------
    engine
        A SQLAlchemy engine whose database is already migrated to the newest revision.
    key
        The key of the ``pii`` answers (default: :class:`~toolkit.store.keyfile.PiiKey` at
        ``TOOLKIT_PII_KEY_FILE``, else ``data/pii.key``); read only when personal answers are
        written or explicitly read.
    """

    def __init__(self, engine: Engine, key: PiiKey | None = None) -> None:
        self.engine = engine
        self.key = key if key is not None else PiiKey()
        self._cache: dict[str, Instrument] = {}

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # ------------------------------------------------------------------ instruments

    def register(self, instrument: Instrument) -> str:
        """Record ``instrument`` (idempotent) and return its content hash.

        Responses always keep the exact version they were answered with; registering a changed
        file adds a version, and new responses go to the latest one registered.
        """
        content_hash = hash_of(instrument)
        title = instrument.title.get(instrument.default_language)
        limits.raise_for(limits.instrument_problems(instrument.id, instrument.version, title))
        definition = json.dumps(instrument_to_dict(instrument), ensure_ascii=False, sort_keys=True)
        writes.run(
            self.engine,
            lambda conn: writes.write_instrument(conn, instrument, content_hash, title, definition),
        )
        self._cache[content_hash] = instrument
        return content_hash

    def instrument(self, instrument_id: str, version: str | None = None) -> Instrument:
        """The registered instrument: the latest version, or ``version`` (number or content hash).

        Raises
        ------
        StoreError
            ``S001`` unknown instrument, ``S002`` unknown version.
        """
        with self._read() as conn:
            return self._instrument(conn, instrument_id, version)[0]

    def instruments(self) -> pd.DataFrame:
        """One row per registered instrument (latest version).

        Returns
        -------
        pandas.DataFrame
            ``id``, ``version``, ``title`` (current language), ``n_submitted``, ``n_draft``,
            ``last_submitted_at`` (UTC, NaT when nothing was submitted), sorted by id.
        """
        with self._read() as conn:
            latest: dict[str, Row] = {}
            for row in conn.execute(
                select(iv.c.instrument_id, iv.c.version, iv.c.content_hash).order_by(iv.c.id)
            ):
                latest[row.instrument_id] = row
            stats = conn.execute(
                select(
                    resp.c.instrument_id,
                    resp.c.status,
                    func.count().label("n"),
                    func.max(resp.c.submitted_at).label("last"),
                ).group_by(resp.c.instrument_id, resp.c.status)
            ).all()
            titles = {
                key: self._load(conn, key, row.content_hash).title.get()
                for key, row in latest.items()
            }
        counts = {(s.instrument_id, s.status): s for s in stats}
        rows = []
        for key in sorted(latest):
            submitted = counts.get((key, "submitted"))
            draft = counts.get((key, "draft"))
            rows.append(
                {
                    "id": key,
                    "version": latest[key].version,
                    "title": titles[key],
                    "n_submitted": submitted.n if submitted else 0,
                    "n_draft": draft.n if draft else 0,
                    "last_submitted_at": submitted.last if submitted else None,
                }
            )
        table = pd.DataFrame(
            rows,
            columns=["id", "version", "title", "n_submitted", "n_draft", "last_submitted_at"],
        )
        table["last_submitted_at"] = pd.to_datetime(table["last_submitted_at"], utc=True)
        return table.astype(
            {
                "id": "string",
                "version": "string",
                "title": "string",
                "n_submitted": "int64",
                "n_draft": "int64",
            }
        )

    # ------------------------------------------------------------------ writing responses

    def submit(
        self,
        instrument_id: str,
        answers: Mapping[str, object],
        *,
        response_id: str | None = None,
        collector: str | None = None,
        team: str | None = None,
        sector: str | None = None,
        wave: str | None = None,
        started_at: datetime | None = None,
        source: str | None = None,
    ) -> str:
        """Validate ``answers`` against the latest version of the instrument and store them.

        Idempotent on ``response_id``: sending the same response again (a retry, a replayed
        offline journal) returns its id and writes nothing; a draft with that id becomes
        submitted. When the instrument's ``analysis.sector`` (or ``wave``) names a question and
        ``sector`` (``wave``) is not given, the answer to that question is used.

        Returns
        -------
        str
            The response id (a new UUID4 when ``response_id`` is ``None``).

        Raises
        ------
        AnswerError
            The answers break the instrument's rules (one problem per field).
        ConflictError
            ``S005``: the id was already submitted with different answers.
        StoreUnavailableError
            The database cannot be reached; nothing was written.
        """
        row = {
            "answers": answers,
            "response_id": response_id,
            "collector": collector,
            "team": team,
            "sector": sector,
            "wave": wave,
            "started_at": started_at,
            "source": source,
        }
        return self.submit_many(instrument_id, [row])[0]

    def submit_many(self, instrument_id: str, rows: Iterable[Mapping[str, object]]) -> list[str]:
        """Submit several responses in one transaction: all are stored, or none.

        Parameters
        ----------
        rows
            Mappings with an ``answers`` key and optionally the keyword arguments of
            :meth:`submit` (``response_id``, ``collector``, ``team``, ``sector``, ``wave``,
            ``started_at``, ``source``) and ``submitted_at`` (responses submitted earlier
            elsewhere, such as demo data; default now).

        Raises
        ------
        AnswerError
            Every problem of every row, each with ``line`` = the 1-based row number.
        """
        rows = list(rows)
        with self._read() as conn:
            instrument, content_hash, _ = self._instrument(conn, instrument_id, None)
        submissions: list[writes.Submission] = []
        problems: list[Problem] = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping) or "answers" not in row:
                raise StoreError(
                    problems=[writes.argument_problem("rows", "store.expected.rows", row)]
                )
            try:
                submissions.append(writes.prepare(instrument, row))
            except AnswerError as error:
                if len(rows) == 1:
                    raise
                problems.extend(replace(p, line=number) for p in error.problems)
        if problems:
            raise AnswerError(t("S007", count=len(problems)), problems=problems)

        writes.run(
            self.engine,
            lambda conn: writes.write_submissions(
                conn, self.key, instrument_id, content_hash, submissions
            ),
        )
        return [s.response_id for s in submissions]

    def save_draft(
        self,
        instrument_id: str,
        answers: Mapping[str, object],
        *,
        response_id: str,
        collector: str | None = None,
        team: str | None = None,
        sector: str | None = None,
        wave: str | None = None,
        started_at: datetime | None = None,
        source: str | None = None,
        page: int | None = None,
    ) -> str:
        """Keep unfinished answers under ``response_id`` (not validated; not in frames).

        Saving again replaces the draft. A later :meth:`submit` with the same id validates
        and submits it. ``page`` is the page the draft was left on (1-based), read back as
        :attr:`Response.draft_page` so that it reopens there.

        Raises
        ------
        ConflictError
            ``S008``: the response was already submitted or voided.
        """
        response_id = writes.check_uuid(response_id)
        plain = writes.plain_answers(answers)
        with self._read() as conn:
            instrument, content_hash, _ = self._instrument(conn, instrument_id, None)
        plain, secret = pii.split(instrument, plain)
        meta = {
            "collector": collector,
            "team": team,
            "sector": sector,
            "wave": wave,
            "started_at": writes.utc(started_at, "started_at"),
            "source": source,
            "draft_page": page if isinstance(page, int) and page > 0 else None,
        }
        limits.raise_for(limits.metadata_problems(meta))

        writes.run(
            self.engine,
            lambda conn: writes.write_draft(
                conn,
                self.key,
                instrument_id,
                content_hash,
                response_id,
                plain,
                secret,
                meta,
                collector,
            ),
        )
        return response_id

    def correct(
        self,
        response_id: str,
        answers: Mapping[str, object],
        *,
        by: str,
        reason: str | None = None,
    ) -> None:
        """Replace the answers of a submitted response, keeping the old ones in the audit trail.

        ``answers`` is the full corrected set, validated against the version the response was
        answered with. ``pii`` answers it leaves out are kept as stored (so that a correction
        may start from ``get(response_id)``, read without them); give a ``pii`` field, even
        as ``None``, to change it. Sector and wave follow the answers when the instrument takes them from
        a question.

        Raises
        ------
        AnswerError
            The corrected answers break the instrument's rules.
        StoreError
            ``S003`` unknown response, ``S008`` not submitted, ``S009`` no ``by``.
        """
        response_id = writes.check_uuid(response_id)
        writes.required(by, "by", "store.action.correct")
        limits.raise_for(limits.audit_problems(by, reason))
        with self._read() as conn:
            current = self._get(conn, response_id)
            instrument = self._load(conn, current.instrument_id, current.content_hash)
            stored = pii.read_pii(conn, self.key, [response_id]).get(response_id, {})
        if current.status != "submitted":
            raise StoreError(
                problems=[
                    writes.status_problem(response_id, current.status, "store.action.correct")
                ]
            )
        cleaned, secret, derived = writes.prepare_correction(instrument, answers, stored)
        writes.run(
            self.engine,
            lambda conn: writes.write_correction(
                conn, self.key, response_id, cleaned, secret, derived, by, reason
            ),
        )

    def void(self, response_id: str, *, reason: str, by: str) -> None:
        """Withdraw a response (draft or submitted) from every frame; the audit keeps it.

        Its ``pii`` answers are deleted: nothing will use them any more.

        Raises
        ------
        StoreError
            ``S003`` unknown response, ``S008`` already voided, ``S009`` no reason or no ``by``.
        """
        response_id = writes.check_uuid(response_id)
        writes.required(reason, "reason", "store.action.void")
        writes.required(by, "by", "store.action.void")
        limits.raise_for(limits.audit_problems(by, reason))

        writes.run(self.engine, lambda conn: writes.write_void(conn, response_id, reason, by))

    def discard_draft(self, response_id: str) -> bool:
        """Delete a draft and its history for good (a mediator gave it up or it expired).

        A draft was never submitted, so nothing of it reaches a frame or an export; deleting
        it, rather than voiding it, keeps no personal data that nobody will use. Returns
        ``False`` when there is no such draft (already deleted, or submitted meanwhile: a
        submitted response is never deleted here).

        Raises
        ------
        StoreError
            ``S004`` not a UUID.
        """
        response_id = writes.check_uuid(response_id)
        return writes.run(self.engine, lambda conn: writes.delete_draft(conn, response_id))

    # ------------------------------------------------------------------ reading responses

    def get(self, response_id: str, *, include_pii: bool = False) -> Response:
        """The response with this id, whatever its status.

        Its ``pii`` answers are left out unless ``include_pii`` (then decrypted with the key).

        Raises
        ------
        StoreError
            ``S004`` not a UUID, ``S003`` unknown response.
        """
        response_id = writes.check_uuid(response_id)
        with self._read() as conn:
            found = self._get(conn, response_id)
            return self._with_pii(conn, [found])[0] if include_pii else found

    def drafts(
        self,
        instrument_id: str | None = None,
        *,
        collector: str | None = None,
        include_pii: bool = False,
    ) -> list[Response]:
        """Unfinished responses, most recently saved first, optionally for one instrument or
        one collector (``pii`` answers only with ``include_pii``)."""
        query = response_query().where(resp.c.status == "draft")
        if instrument_id is not None:
            query = query.where(resp.c.instrument_id == instrument_id)
        if collector is not None:
            query = query.where(resp.c.collector == collector)
        query = query.order_by(resp.c.updated_at.desc(), resp.c.response_id)
        with self._read() as conn:
            found = [from_row(row) for row in conn.execute(query)]
            return self._with_pii(conn, found) if include_pii else found

    def audit(self, response_id: str) -> pd.DataFrame:
        """The history of a response, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``at`` (UTC), ``by``, ``action`` (created, submitted, corrected, voided),
            ``reason``, ``old_answers`` and ``new_answers`` (dicts or ``None``), ``changed``
            (sorted names of the fields whose answer differs).
        """
        response_id = writes.check_uuid(response_id)
        with self._read() as conn:
            self._get(conn, response_id)
            rows = conn.execute(
                select(audit_t).where(audit_t.c.response_id == response_id).order_by(audit_t.c.id)
            ).all()
        records = []
        for row in rows:
            old = json.loads(row.old_answers) if row.old_answers is not None else None
            new = json.loads(row.new_answers) if row.new_answers is not None else None
            before, after = old or {}, new or {}
            changed = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            records.append(
                {
                    "at": row.at,
                    "by": row.by,
                    "action": row.action,
                    "reason": row.reason,
                    "old_answers": old,
                    "new_answers": new,
                    "changed": changed,
                }
            )
        columns = ["at", "by", "action", "reason", "old_answers", "new_answers", "changed"]
        table = pd.DataFrame(records, columns=columns)
        table["at"] = pd.to_datetime(table["at"], utc=True)
        return table.astype({"by": "string", "action": "string", "reason": "string"})

    def frame(
        self,
        instrument_id: str,
        *,
        wave: str | Sequence[str] | None = None,
        include_pii: bool = False,
        labels: bool = False,
    ) -> pd.DataFrame:
        """Submitted responses as a typed wide frame, one row per response.

        Columns follow the latest version of the instrument (see the column contract in
        :mod:`toolkit.store.frame`); answers given with an older version are lined up with
        it through the renames recorded between versions (:mod:`toolkit.store.lineage`);
        voided responses and drafts are left out.

        Parameters
        ----------
        wave
            Keep only this wave (or these waves).
        include_pii
            Keep the fields marked ``pii`` (left out by default; decrypted with the key).
        labels
            Choice columns carry the labels in the current language instead of the codes.
        """
        with self._read() as conn, frames.gc_paused():
            instrument, _, versions = self._instrument(conn, instrument_id, None)
            rows, secrets = self._submitted(conn, instrument, versions, wave, include_pii)
            return frames.build_frame(
                instrument, rows, versions, include_pii=include_pii, labels=labels, pii=secrets
            )

    def repeat_frame(
        self,
        instrument_id: str,
        repeat: str,
        *,
        wave: str | Sequence[str] | None = None,
        include_pii: bool = False,
        labels: bool = False,
    ) -> pd.DataFrame:
        """One row per entry of the repeat group ``repeat``, keyed by ``response_id``, ``index``.

        Raises
        ------
        StoreError
            ``S010`` when ``repeat`` is not a repeat group of the instrument.
        """
        with self._read() as conn, frames.gc_paused():
            instrument, _, versions = self._instrument(conn, instrument_id, None)
            frames.check_repeat(instrument, repeat)
            rows, secrets = self._submitted(conn, instrument, versions, wave, include_pii)
            return frames.build_repeat_frame(
                instrument, repeat, rows, include_pii=include_pii, labels=labels, pii=secrets
            )

    def counts(
        self,
        instrument_id: str,
        *,
        by: Sequence[str] = ("sector",),
        wave: str | Sequence[str] | None = None,
        since: datetime | None = None,
    ) -> pd.DataFrame:
        """Number of submitted responses per cell, for following fieldwork and quotas.

        Parameters
        ----------
        by
            Metadata columns (``sector``, ``wave``, ``team``, ``collector``, ``source``) and/or
            questions (stored codes), e.g. ``("sector", "sexe", "tranche_age")``.
        wave
            Keep only this wave (or these waves).
        since
            Keep responses submitted at or after this time (naive = UTC).

        Returns
        -------
        pandas.DataFrame
            One row per observed cell (empty cells are absent): the ``by`` columns (strings,
            NA when unknown) then ``n``, sorted by the ``by`` columns.
        """
        by = (by,) if isinstance(by, str) else tuple(by)
        since = writes.utc(since, "since")
        with self._read() as conn:
            instrument, _, _ = self._instrument(conn, instrument_id, None)
            questions = counting.check_count_columns(instrument, by, COUNT_METADATA)
            query = counting.count_query(instrument_id, by, questions, wave, since)
            rows = conn.execute(query).all()
        return counting.build_counts(rows, by, questions)

    def waves(self, instrument_id: str) -> list[str]:
        """Waves with submitted responses, in the order their fieldwork began (oldest first)."""
        began = func.min(func.coalesce(resp.c.started_at, resp.c.submitted_at))
        query = (
            select(resp.c.wave, began)
            .where(
                resp.c.instrument_id == instrument_id,
                resp.c.status == "submitted",
                resp.c.wave.is_not(None),
            )
            .group_by(resp.c.wave)
            .order_by(began, resp.c.wave)
        )
        with self._read() as conn:
            return [row[0] for row in conn.execute(query)]

    # ------------------------------------------------------------------ personal data

    def erase(
        self,
        response_ids: Sequence[str],
        *,
        by: str,
        reason: str | None = None,
        action: str = "erasure",
    ) -> int:
        """Erase responses for good (right to erasure, end of retention); return how many.

        ``action`` is what the privacy log records: ``erasure`` (a person's request) or
        ``purge`` (past the retention period).

        Their answers, ``pii`` answers and audit trail are deleted; the row itself stays
        as an empty voided shell (instrument, dates, collector: nothing about the
        respondent), so that records linked to it keep their key. ``privacy_log`` records
        that the erasure happened, by whom, when, and how many responses, nothing else.
        Responses already erased are not counted again.

        Raises
        ------
        StoreError
            ``S004`` an id is not a UUID, ``S003`` unknown response, ``S009`` no ``by``.
        """
        if action not in ("erasure", "purge"):
            known = "erasure, purge"
            raise StoreError(problems=[Problem("P022", {"action": action, "known": known})])
        ids = [writes.check_uuid(r) for r in response_ids]
        writes.required(by, "by", "store.action.erase")
        limits.raise_for(limits.audit_problems(by, reason))
        return writes.run(
            self.engine, lambda conn: writes.write_erasure(conn, ids, by, action, reason)
        )

    def log_privacy(
        self,
        action: str,
        *,
        by: str,
        instrument_id: str | None = None,
        n_responses: int = 0,
        reason: str | None = None,
    ) -> None:
        """Record in ``privacy_log`` that a privacy operation (an access request) took place."""
        if action not in PRIVACY_ACTIONS:
            known = ", ".join(PRIVACY_ACTIONS)
            raise StoreError(problems=[Problem("P022", {"action": action, "known": known})])
        writes.required(by, "by", "store.action.erase")
        limits.raise_for(limits.audit_problems(by, reason))
        writes.run(
            self.engine,
            lambda conn: writes.log_privacy(
                conn, writes.now(), by, action, instrument_id, n_responses, reason
            ),
        )

    def privacy_log(self) -> pd.DataFrame:
        """Erasures, purges and access requests, oldest first: ``at``, ``by``, ``action``,
        ``instrument_id``, ``n_responses``, ``reason``."""
        columns = ["at", "by", "action", "instrument_id", "n_responses", "reason"]
        with self._read() as conn:
            rows = conn.execute(
                select(*(privacy_log.c[c] for c in columns)).order_by(privacy_log.c.id)
            ).all()
        table = pd.DataFrame([tuple(r) for r in rows], columns=columns)
        table["at"] = pd.to_datetime(table["at"], utc=True)
        return table.astype({"n_responses": "int64"})

    def _with_pii(self, conn: Connection, found: list[Response]) -> list[Response]:
        secrets = pii.read_pii(conn, self.key, [r.response_id for r in found])
        return [
            replace(r, answers=pii.merge(r.answers, secrets[r.response_id]))
            if r.response_id in secrets
            else r
            for r in found
        ]

    def _submitted(
        self,
        conn: Connection,
        instrument: Instrument,
        versions: dict[str, str],
        wave: str | Sequence[str] | None,
        include_pii: bool,
    ) -> tuple[list[tuple], dict[str, dict] | None]:
        """Submitted rows of ``instrument`` lined up with it, and their ``pii`` answers if asked."""
        query = frames.submitted_query(conn.dialect, instrument.id, wave)
        rows = lineage.align_rows(conn, instrument, frames.fetch_all(conn, query), versions)
        return rows, self._frame_pii(conn, instrument.id) if include_pii else None

    def _frame_pii(self, conn: Connection, instrument_id: str) -> dict[str, dict]:
        ids = select(resp.c.response_id).where(
            resp.c.instrument_id == instrument_id, resp.c.status == "submitted"
        )
        return pii.read_pii(conn, self.key, ids)

    # ------------------------------------------------------------------ internals

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return read_connection(self.engine)

    def _instrument(
        self, conn: Connection, instrument_id: str, version: str | None
    ) -> tuple[Instrument, str, dict[str, str]]:
        """(instrument, content hash, {content hash: version}) for the chosen version."""
        registered = conn.execute(
            select(iv.c.content_hash, iv.c.version)
            .where(iv.c.instrument_id == instrument_id)
            .order_by(iv.c.id)
        ).all()
        if not registered:
            raise StoreError(problems=[Problem("S001", {"instrument_id": instrument_id})])
        versions = {row.content_hash: row.version for row in registered}
        if version is None:
            chosen = registered[-1].content_hash
        else:
            matching = [
                r.content_hash for r in registered if version in (r.version, r.content_hash)
            ]
            if not matching:
                known = ", ".join(dict.fromkeys(r.version for r in registered))
                raise StoreError(
                    problems=[
                        Problem(
                            "S002",
                            {"instrument_id": instrument_id, "version": version, "known": known},
                        )
                    ]
                )
            chosen = matching[-1]
        return self._load(conn, instrument_id, chosen), chosen, versions

    def _load(self, conn: Connection, instrument_id: str, content_hash: str) -> Instrument:
        cached = self._cache.get(content_hash)
        if cached is not None:
            return cached
        definition = conn.execute(
            select(iv.c.definition).where(
                (iv.c.instrument_id == instrument_id) & (iv.c.content_hash == content_hash)
            )
        ).scalar_one()
        instrument = from_mapping(json.loads(definition), source=f"db:{instrument_id}")
        self._cache[content_hash] = instrument
        return instrument

    def _get(self, conn: Connection, response_id: str) -> Response:
        row = conn.execute(response_query().where(resp.c.response_id == response_id)).first()
        if row is None:
            raise StoreError(problems=[Problem("S003", {"response_id": response_id})])
        return from_row(row)
