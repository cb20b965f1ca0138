"""Every write of the :class:`~toolkit.store.Store`: argument checks, validation, the
transaction that acknowledges a write, idempotent submission, drafts, corrections, voiding,
erasure and the audit and privacy logs.

The store checks its arguments, reads what it needs, then hands one of the ``write_*``
functions to :func:`run`: a write is acknowledged (the method returns) only once its
transaction is committed, so an acknowledged response survives a crash or a lost
connection.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    delete,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.exc import IntegrityError

from toolkit.errors import AnswerError, ConflictError, Problem, StoreError
from toolkit.i18n import t
from toolkit.instruments import Instrument, validate_answers
from toolkit.store import limits, pii
from toolkit.store.engine import write_connection
from toolkit.store.keyfile import PiiKey
from toolkit.store.pii_tables import pii_answers as pii_t
from toolkit.store.pii_tables import privacy_log
from toolkit.store.schema import instrument_versions as iv
from toolkit.store.schema import response_audit as audit_t
from toolkit.store.schema import responses as resp

T = TypeVar("T")


@dataclass(frozen=True)
class Submission:
    """A validated response ready to be written: ``answers`` without the ``pii`` fields,
    which are in ``pii`` (written encrypted)."""

    response_id: str
    answers: dict
    collector: str | None
    team: str | None
    sector: str | None
    wave: str | None
    started_at: datetime | None
    source: str | None
    submitted_at: datetime | None = None
    """When it was submitted, for responses that come from elsewhere (demo data, a file of
    past responses); ``None`` means now."""
    pii: dict = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(UTC)


def run(engine: Engine, work: Callable[[Connection], T]) -> T:
    """``work(conn)`` in one write transaction, committed before its result is returned.

    Run once more after a unique-key race: two writers inserted the same key at once
    (PostgreSQL, read committed); the second attempt finds the first one's row and goes the
    way an existing row goes (the same response again changes nothing, a draft is replaced,
    a version already registered is kept).
    """
    try:
        with write_connection(engine) as conn:
            return work(conn)
    except IntegrityError:
        pass
    with write_connection(engine) as conn:
        return work(conn)


def utc(value: object, argument: str) -> datetime | None:
    """``value`` in UTC; refused outside the years the store keeps (``L033``)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise StoreError(problems=[argument_problem(argument, "store.expected.datetime", value)])
    limits.raise_for(p for p in [limits.time_problem(value, argument)] if p is not None)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def argument_problem(argument: str, expected_key: str, got: object) -> Problem:
    return Problem(
        "S017", {"argument": argument, "expected": t(expected_key), "got": repr(got)[:80]}
    )


def check_uuid(response_id: object) -> str:
    """The canonical (lower-case, hyphenated) form of a UUID string."""
    if isinstance(response_id, str):
        try:
            return str(uuid.UUID(response_id))
        except ValueError:
            pass
    raise StoreError(problems=[Problem("S004", {"response_id": str(response_id)[:80]})])


def required(value: object, argument: str, action_key: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise StoreError(
            problems=[Problem("S009", {"argument": argument, "action": t(action_key)})]
        )


def status_problem(response_id: str, status: str, action_key: str) -> Problem:
    return Problem("S008", {"response_id": response_id, "status": status, "action": t(action_key)})


def plain_answers(answers: object) -> dict:
    """``answers`` as a plain dict, checked to survive a JSON round trip in UTF-8.

    NaN and infinities (not JSON), objects JSON cannot encode and lone surrogates (not
    UTF-8) are refused with ``S013``.
    """
    if not isinstance(answers, Mapping):
        raise StoreError(problems=[Problem("S013", {"got": type(answers).__name__})])
    try:
        json.dumps(answers, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise StoreError(problems=[Problem("S013", {"got": str(error)})]) from None
    return dict(answers)


def encode(answers: Mapping[str, object]) -> str:
    return json.dumps(answers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def answer_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def derived_metadata(instrument: Instrument) -> dict[str, str]:
    """{metadata column: question} for the columns the instrument takes from an answer."""
    meta = instrument.analysis
    return {k: v for k, v in (("sector", meta.sector), ("wave", meta.wave)) if v}


def metadata(instrument: Instrument, row: Mapping[str, object], cleaned: Mapping) -> dict:
    """The text metadata written with a response: given in ``row``, else taken from answers."""
    meta = {key: row.get(key) for key in limits.METADATA}
    for column, question in derived_metadata(instrument).items():
        if meta[column] is None and cleaned.get(question) is not None:
            meta[column] = answer_text(cleaned[question])
    return meta


def row_problems(instrument: Instrument, row: Mapping[str, object], cleaned: Mapping) -> list:
    """Why the metadata of ``row`` (answers already ``cleaned``) cannot be written.

    The same checks as :meth:`Store.submit`, for an importer that reports every row.
    """
    return limits.metadata_problems(
        {**metadata(instrument, row, cleaned), "started_at": row.get("started_at")}
    )


def prepare(instrument: Instrument, row: Mapping[str, object]) -> Submission:
    response_id = row.get("response_id")
    response_id = str(uuid.uuid4()) if response_id is None else check_uuid(response_id)
    recorded = {key: row.get(key) for key in ("collector", "team", "sector", "wave")}
    result = validate_answers(
        instrument,
        plain_answers(row["answers"]),
        meta={**recorded, "started_at": row.get("started_at"), "response_id": response_id},
    )
    if not result.ok:
        raise AnswerError(t("S007", count=len(result.problems)), problems=result.problems)
    cleaned = dict(result.answers)
    limits.raise_for(row_problems(instrument, row, cleaned))
    meta = metadata(instrument, row, cleaned)
    clear, secret = pii.split(instrument, cleaned)
    return Submission(
        response_id=response_id,
        answers=clear,
        pii=secret,
        started_at=utc(row.get("started_at"), "started_at"),
        submitted_at=utc(row.get("submitted_at"), "submitted_at"),
        **meta,
    )


def fetch_existing(conn: Connection, response_id: str) -> Row | None:
    return conn.execute(
        select(resp.c.instrument_id, resp.c.status, resp.c.answers, resp.c.started_at).where(
            resp.c.response_id == response_id
        )
    ).first()


def check_same_instrument(existing: Row, response_id: str, instrument_id: str) -> None:
    if existing.instrument_id != instrument_id:
        params = {
            "response_id": response_id,
            "other": existing.instrument_id,
            "instrument_id": instrument_id,
        }
        raise ConflictError(problems=[Problem("S014", params)])


def write_submission(
    conn: Connection,
    key: PiiKey,
    instrument_id: str,
    content_hash: str,
    sub: Submission,
    now: datetime,
) -> None:
    existing = fetch_existing(conn, sub.response_id)
    encoded = encode(sub.answers)
    values = {
        "content_hash": content_hash,
        "status": "submitted",
        "collector": sub.collector,
        "team": sub.team,
        "sector": sub.sector,
        "wave": sub.wave,
        "started_at": sub.started_at,
        "submitted_at": sub.submitted_at or now,
        "updated_at": now,
        "answers": encoded,
        "source": sub.source,
    }
    if existing is None:
        conn.execute(
            insert(resp).values(response_id=sub.response_id, instrument_id=instrument_id, **values)
        )
        pii.write_pii(conn, key, sub.response_id, sub.pii, now)
        audit(conn, sub.response_id, now, sub.collector, "submitted", None, encoded, None)
        return
    check_same_instrument(existing, sub.response_id, instrument_id)
    if existing.status == "draft":
        if values["started_at"] is None:
            values["started_at"] = existing.started_at
        conn.execute(update(resp).where(resp.c.response_id == sub.response_id).values(**values))
        pii.write_pii(conn, key, sub.response_id, sub.pii, now)
        audit(
            conn, sub.response_id, now, sub.collector, "submitted", existing.answers, encoded, None
        )
        return
    if sub.answers == json.loads(existing.answers):
        if sub.pii:
            same = pii.read_pii(conn, key, [sub.response_id]).get(sub.response_id) == sub.pii
        else:
            same = not has_pii(conn, sub.response_id)
        if same:
            return
    elif sub.answers == first_submission(conn, sub.response_id):
        # Corrected since: a late retry of the first submission changes nothing.
        return
    raise ConflictError(problems=[Problem("S005", {"response_id": sub.response_id})])


#: Response ids looked up per query when a batch checks which of its ids are new.
ID_CHUNK = 500


def write_submissions(
    conn: Connection,
    key: PiiKey,
    instrument_id: str,
    content_hash: str,
    subs: Sequence[Submission],
) -> None:
    """Write a batch as :func:`write_submission` does row by row, with the same outcome.

    The responses whose id is new (the first occurrence of an id absent from the database)
    are inserted with one multi-row statement per table; the others (retries, drafts being
    submitted, ids repeated in the batch) then go through :func:`write_submission` in order.
    Every row is stamped with the same time.
    """
    at = now()
    ids = [sub.response_id for sub in subs]
    known: set[str] = set()
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        found = select(resp.c.response_id).where(resp.c.response_id.in_(chunk))
        known.update(conn.execute(found).scalars())
    fresh: list[Submission] = []
    rest: list[Submission] = []
    for sub in subs:
        (rest if sub.response_id in known else fresh).append(sub)
        known.add(sub.response_id)
    if fresh:
        encoded = [encode(sub.answers) for sub in fresh]
        conn.execute(
            insert(resp),
            [
                {
                    "response_id": sub.response_id,
                    "instrument_id": instrument_id,
                    "content_hash": content_hash,
                    "status": "submitted",
                    "collector": sub.collector,
                    "team": sub.team,
                    "sector": sub.sector,
                    "wave": sub.wave,
                    "started_at": sub.started_at,
                    "submitted_at": sub.submitted_at or at,
                    "updated_at": at,
                    "answers": text,
                    "source": sub.source,
                }
                for sub, text in zip(fresh, encoded, strict=True)
            ],
        )
        secrets = [
            {
                "response_id": sub.response_id,
                "key_id": key.key_id,
                "token": key.encrypt(dict(sub.pii)),
                "updated_at": at,
            }
            for sub in fresh
            if sub.pii
        ]
        if secrets:
            conn.execute(insert(pii_t), secrets)
        conn.execute(
            insert(audit_t),
            [
                {
                    "response_id": sub.response_id,
                    "at": at,
                    "by": sub.collector,
                    "action": "submitted",
                    "old_answers": None,
                    "new_answers": text,
                    "reason": None,
                }
                for sub, text in zip(fresh, encoded, strict=True)
            ],
        )
    for sub in rest:
        write_submission(conn, key, instrument_id, content_hash, sub, at)


def has_pii(conn: Connection, response_id: str) -> bool:
    """Whether personal answers are stored for this response."""
    found = select(pii_t.c.response_id).where(pii_t.c.response_id == response_id)
    return conn.execute(found).first() is not None


def first_submission(conn: Connection, response_id: str) -> dict | None:
    """The answers as first submitted (a response may have been corrected since)."""
    text = conn.execute(
        select(audit_t.c.new_answers)
        .where((audit_t.c.response_id == response_id) & (audit_t.c.action == "submitted"))
        .order_by(audit_t.c.id)
        .limit(1)
    ).scalar()
    return json.loads(text) if text is not None else None


def audit(
    conn: Connection,
    response_id: str,
    at: datetime,
    by: str | None,
    action: str,
    old: str | None,
    new: str | None,
    reason: str | None,
) -> None:
    conn.execute(
        insert(audit_t).values(
            response_id=response_id,
            at=at,
            by=by,
            action=action,
            old_answers=old,
            new_answers=new,
            reason=reason,
        )
    )


def write_instrument(
    conn: Connection, instrument: Instrument, content_hash: str, title: str, definition: str
) -> None:
    """Record this version of ``instrument`` unless it is already registered."""
    where = (iv.c.instrument_id == instrument.id) & (iv.c.content_hash == content_hash)
    if conn.execute(select(iv.c.id).where(where)).first() is None:
        conn.execute(
            insert(iv).values(
                instrument_id=instrument.id,
                version=instrument.version,
                content_hash=content_hash,
                title=title,
                definition=definition,
                registered_at=now(),
            )
        )


def write_draft(
    conn: Connection,
    key: PiiKey,
    instrument_id: str,
    content_hash: str,
    response_id: str,
    answers: Mapping[str, object],
    secret: Mapping[str, object],
    meta: Mapping[str, object],
    by: str | None,
) -> None:
    """Create the draft ``response_id``, or replace its answers (``S008`` once submitted)."""
    at = now()
    existing = fetch_existing(conn, response_id)
    encoded = encode(answers)
    if existing is None:
        conn.execute(
            insert(resp).values(
                response_id=response_id,
                instrument_id=instrument_id,
                content_hash=content_hash,
                status="draft",
                updated_at=at,
                answers=encoded,
                **meta,
            )
        )
        pii.write_pii(conn, key, response_id, secret, at)
        audit(conn, response_id, at, by, "created", None, encoded, None)
        return
    check_same_instrument(existing, response_id, instrument_id)
    if existing.status != "draft":
        raise ConflictError(
            problems=[status_problem(response_id, existing.status, "store.action.draft")]
        )
    changes = {k: v for k, v in meta.items() if v is not None}
    conn.execute(
        update(resp)
        .where(resp.c.response_id == response_id)
        .values(content_hash=content_hash, answers=encoded, updated_at=at, **changes)
    )
    pii.write_pii(conn, key, response_id, secret, at)


def prepare_correction(
    instrument: Instrument, answers: object, stored: Mapping[str, object]
) -> tuple[dict, dict, dict[str, str]]:
    """(clear answers, ``pii`` answers, derived metadata) of a correction, validated.

    ``pii`` answers that ``answers`` leaves out are taken from ``stored``.
    """
    whole = pii.keep_absent(plain_answers(answers), stored)
    result = validate_answers(instrument, whole)
    if not result.ok:
        raise AnswerError(t("S007", count=len(result.problems)), problems=result.problems)
    cleaned, secret = pii.split(instrument, dict(result.answers))
    derived = {
        column: answer_text(cleaned.get(question))
        for column, question in derived_metadata(instrument).items()
        if cleaned.get(question) is not None
    }
    limits.raise_for(limits.metadata_problems(derived))
    return cleaned, secret, derived


def write_correction(
    conn: Connection,
    key: PiiKey,
    response_id: str,
    cleaned: Mapping[str, object],
    secret: Mapping[str, object],
    derived: Mapping[str, str],
    by: str,
    reason: str | None,
) -> None:
    """Replace the answers of the submitted ``response_id``; nothing when they are the same."""
    existing = fetch_existing(conn, response_id)
    if existing is None or existing.status != "submitted":
        status = existing.status if existing is not None else "?"
        raise StoreError(problems=[status_problem(response_id, status, "store.action.correct")])
    stored = pii.read_pii(conn, key, [response_id]).get(response_id, {})
    if json.loads(existing.answers) == cleaned and stored == secret:
        return
    at = now()
    encoded = encode(cleaned)
    conn.execute(
        update(resp)
        .where(resp.c.response_id == response_id)
        .values(answers=encoded, updated_at=at, **derived)
    )
    pii.write_pii(conn, key, response_id, secret, at)
    audit(conn, response_id, at, by, "corrected", existing.answers, encoded, reason)


def write_void(conn: Connection, response_id: str, reason: str, by: str) -> None:
    """Void ``response_id`` and delete its ``pii`` answers (``S003``, ``S008``)."""
    existing = fetch_existing(conn, response_id)
    if existing is None:
        raise StoreError(problems=[Problem("S003", {"response_id": response_id})])
    if existing.status == "voided":
        raise StoreError(
            problems=[status_problem(response_id, existing.status, "store.action.void")]
        )
    at = now()
    conn.execute(
        update(resp)
        .where(resp.c.response_id == response_id)
        .values(status="voided", void_reason=reason, updated_at=at)
    )
    pii.delete_pii(conn, [response_id])
    audit(conn, response_id, at, by, "voided", existing.answers, None, reason)


def delete_draft(conn: Connection, response_id: str) -> bool:
    """Delete the draft ``response_id`` and its history; ``False`` when there is no such draft."""
    existing = fetch_existing(conn, response_id)
    if existing is None or existing.status != "draft":
        return False
    conn.execute(delete(audit_t).where(audit_t.c.response_id == response_id))
    pii.delete_pii(conn, [response_id])
    conn.execute(
        delete(resp).where((resp.c.response_id == response_id) & (resp.c.status == "draft"))
    )
    return True


def write_erasure(
    conn: Connection, response_ids: Sequence[str], by: str, action: str, reason: str | None
) -> int:
    """Empty the responses ``response_ids`` for good and log it; how many were not yet erased."""
    found = {
        row.response_id: row
        for row in conn.execute(
            select(resp.c.response_id, resp.c.instrument_id, resp.c.answers).where(
                resp.c.response_id.in_(response_ids)
            )
        )
    }
    missing = [r for r in response_ids if r not in found]
    if missing:
        raise StoreError(problems=[Problem("S003", {"response_id": missing[0]})])
    at = now()
    per_instrument: dict[str, int] = {}
    linked = references(conn)
    for response_id in dict.fromkeys(response_ids):
        row = found[response_id]
        had_pii = has_pii(conn, response_id)
        n_linked = delete_linked(conn, linked, "responses", "response_id", [response_id])
        already = row.answers == "{}" and not had_pii and n_linked == 0
        conn.execute(delete(audit_t).where(audit_t.c.response_id == response_id))
        pii.delete_pii(conn, [response_id])
        conn.execute(
            update(resp)
            .where(resp.c.response_id == response_id)
            .values(status="voided", answers="{}", void_reason=None, updated_at=at)
        )
        if not already:
            per_instrument[row.instrument_id] = per_instrument.get(row.instrument_id, 0) + 1
    for instrument_id, count in sorted(per_instrument.items()):
        log_privacy(conn, at, by, action, instrument_id, count, reason)
    return sum(per_instrument.values())


#: A link from a child table: (child table, its column, the parent column it refers to).
Link = tuple[str, str, str]


def references(conn: Connection) -> dict[str, list[Link]]:
    """Every foreign key of the database, by the table it refers to.

    Read from the database itself rather than from the tables this process imported, so
    that an erasure run from the command line also reaches the tables of a concern it did
    not load (the follow-up items of an intervention, for one).
    """
    inspector = inspect(conn)
    found: dict[str, list[Link]] = {}
    for name in sorted(inspector.get_table_names()):
        for key in inspector.get_foreign_keys(name):
            for own, referred in zip(
                key["constrained_columns"], key["referred_columns"], strict=True
            ):
                found.setdefault(key["referred_table"], []).append((name, own, referred))
    return found


def delete_linked(
    conn: Connection,
    links: Mapping[str, Sequence[Link]],
    name: str,
    key: str,
    values: Sequence[object],
    path: tuple[str, ...] = (),
) -> int:
    """Delete every row that refers, directly or through other rows, to the rows of table
    ``name`` whose ``key`` is in ``values`` (those rows themselves are kept); how many went.

    The rows of a follow-up item and its history go with the response they follow, so that
    no copy of an erased answer (the place and description of a conflict, notes of the
    follow-up) stays behind.
    """
    count = 0
    for child, own, referred in links.get(name, ()):
        if child == name or child in path or not values:
            continue
        parents = list(values)
        if referred != key:
            query: Select[tuple[object]] = (
                select(sql_column(referred))
                .select_from(sql_table(name))
                .where(sql_column(key).in_(parents))
            )
            parents = [row[0] for row in conn.execute(query)]
        if not parents:
            continue
        count += delete_linked(conn, links, child, own, parents, (*path, name))
        result = conn.execute(delete(sql_table(child)).where(sql_column(own).in_(parents)))
        count += result.rowcount or 0
    return count


def log_privacy(
    conn: Connection,
    at: datetime,
    by: str,
    action: str,
    instrument_id: str | None,
    count: int,
    reason: str | None,
) -> None:
    """One line of ``privacy_log``: what was done, by whom, on how many responses."""
    conn.execute(
        insert(privacy_log).values(
            at=at,
            by=by,
            action=action,
            instrument_id=instrument_id,
            n_responses=count,
            reason=reason,
        )
    )
