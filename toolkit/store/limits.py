"""What the store agrees to write, checked in Python before any SQL, the same on both engines.

SQLite keeps a 300-character collector in a ``VARCHAR(200)`` and a NUL character in a team
name; PostgreSQL refuses both with a raw ``DataError``. A timestamp in year 9999 with a
negative offset overflows when turned to UTC. Every text and timestamp the store writes is
checked here first against its column, so that both engines take and refuse the same values
and the refusal is a coded problem naming the argument (``L030``–``L033``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy import Column

from toolkit.errors import Problem, StoreError
from toolkit.i18n import Msg
from toolkit.store.schema import instrument_versions, response_audit, responses

__all__ = [
    "EARLIEST",
    "LATEST",
    "METADATA",
    "audit_problems",
    "instrument_problems",
    "metadata_problems",
    "raise_for",
    "text_problem",
    "time_problem",
]

#: Timestamps the store takes: what both engines, Python and pandas frames all hold.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
#: Text metadata of a response, each checked against its column of ``responses``.
METADATA = ("collector", "team", "sector", "wave", "source")


def _named(argument: str) -> Msg:
    """The argument as users know it (« enquêteur », not ``collector``)."""
    return Msg.of(f"store.argument.{argument}")


def text_problem(value: object, argument: str, column: Column) -> Problem | None:
    """Why ``value`` cannot go into ``column`` (``None`` when it can, or when it is ``None``).

    The problem's ``field`` is the argument (``collector``); its message names it in words.
    """
    if value is None:
        return None
    name = _named(argument)
    if not isinstance(value, str):
        got = type(value).__name__
        return Problem(
            "S017",
            {"argument": name, "expected": Msg.of("store.expected.text"), "got": got},
            field=argument,
        )
    if "\x00" in value:
        return Problem("L030", {"argument": name}, field=argument)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return Problem("L032", {"argument": name}, field=argument)
    limit = getattr(column.type, "length", None)
    if limit is not None and len(value) > limit:
        params = {"argument": name, "length": len(value), "limit": limit}
        return Problem("L031", params, field=argument)
    return None


def time_problem(value: datetime, argument: str) -> Problem | None:
    """Why the timestamp ``value`` is refused: outside :data:`EARLIEST`–:data:`LATEST` in UTC."""
    try:
        stamp = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        stamp = None
    if stamp is None or not EARLIEST <= stamp < LATEST:
        params = {
            "argument": _named(argument),
            "got": value.isoformat(),
            "earliest": EARLIEST.year,
            "latest": LATEST.year - 1,
        }
        return Problem("L033", params, field=argument)
    return None


def metadata_problems(meta: Mapping[str, object]) -> list[Problem]:
    """Problems of a response's metadata (:data:`METADATA` and ``started_at``)."""
    found = [text_problem(meta.get(key), key, responses.c[key]) for key in METADATA]
    started = meta.get("started_at")
    if isinstance(started, datetime):
        found.append(time_problem(started, "started_at"))
    return [p for p in found if p is not None]


def audit_problems(by: object, reason: object) -> list[Problem]:
    """Problems of who did a correction or a voiding, and why."""
    found = (
        text_problem(by, "by", response_audit.c.by),
        text_problem(reason, "reason", response_audit.c.reason),
    )
    return [p for p in found if p is not None]


def instrument_problems(instrument_id: str, version: str, title: str) -> list[Problem]:
    """Problems of an instrument's identity as the store keeps it."""
    table = instrument_versions
    found = (
        text_problem(instrument_id, "id", table.c.instrument_id),
        text_problem(version, "version", table.c.version),
        text_problem(title, "title", table.c.title),
    )
    return [p for p in found if p is not None]


def raise_for(problems: Iterable[Problem]) -> None:
    """Raise :class:`StoreError` with ``problems`` when there is any."""
    problems = list(problems)
    if problems:
        raise StoreError(problems=problems)
