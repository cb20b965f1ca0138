"""Write-side helpers of the store: argument checks, validation, idempotent submission, audit."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, Select, insert, select, update

from toolkit.errors import AnswerError, ConflictError, Problem, StoreError
from toolkit.i18n import t
from toolkit.instruments import Instrument, validate_answers
from toolkit.store import limits, pii
from toolkit.store.keyfile import PiiKey
from toolkit.store.pii_tables import pii_answers as pii_t
from toolkit.store.response import Response
from toolkit.store.schema import instrument_versions as iv
from toolkit.store.schema import response_audit as audit_t
from toolkit.store.schema import responses as resp


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


def response_query() -> Select:
    return select(resp, iv.c.version).join(
        iv,
        (iv.c.instrument_id == resp.c.instrument_id) & (iv.c.content_hash == resp.c.content_hash),
    )


def response(row: Row) -> Response:
    return Response(
        response_id=row.response_id,
        instrument_id=row.instrument_id,
        instrument_version=row.version,
        content_hash=row.content_hash,
        status=row.status,
        answers=json.loads(row.answers),
        collector=row.collector,
        team=row.team,
        sector=row.sector,
        wave=row.wave,
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        source=row.source,
        void_reason=row.void_reason,
        draft_page=row.draft_page,
    )
