"""Steps recorded while the database cannot be reached, kept on disk and replayed later.

Each pending step is one JSON line appended (and ``fsync``'d) to a local file, with the
version of the item the person saw. :func:`replay` applies them in order once the database
answers: a step whose item changed in the meantime is not applied but returned as a
conflict (:class:`~toolkit.followup.errors.FollowupConflict`), for the person to choose,
exactly as with a page left open too long. Nothing is rewritten: a line ``done`` (applied,
refused or settled by the person) names the entry it closes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from toolkit.errors import StoreUnavailableError, ToolkitError
from toolkit.followup.errors import FollowupConflict

__all__ = ["ENV_VAR", "PendingStep", "PendingSteps", "ReplayReport", "default_path", "replay"]

#: Environment variable naming the file of pending steps.
ENV_VAR = "TOOLKIT_FOLLOWUP_JOURNAL"


def default_path() -> Path:
    """``TOOLKIT_FOLLOWUP_JOURNAL``, else ``followup-journal.jsonl`` beside the collection
    journal (``TOOLKIT_JOURNAL``), else ``data/followup-journal.jsonl``."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        return Path(raw)
    from toolkit.collect.journal import default_journal_path

    return default_journal_path().with_name("followup-journal.jsonl")


@dataclass(frozen=True)
class PendingStep:
    """A step waiting for the database."""

    entry: str
    item_id: str
    event: str
    by: str
    expected_version: int
    date: str
    fields: Mapping[str, object] = field(default_factory=dict)
    at: str = ""


@dataclass(frozen=True)
class ReplayReport:
    """What :func:`replay` did with each pending step."""

    applied: tuple[PendingStep, ...] = ()
    conflicts: tuple[tuple[PendingStep, FollowupConflict], ...] = ()
    refused: tuple[tuple[PendingStep, ToolkitError], ...] = ()
    waiting: tuple[PendingStep, ...] = ()


class PendingSteps:
    """The append-only file of steps waiting for the database."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def __repr__(self) -> str:
        return f"PendingSteps({str(self.path)!r})"

    def _append(self, record: Mapping[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(dict(record), ensure_ascii=False, sort_keys=True) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(
        self,
        item_id: str,
        event: str,
        *,
        by: str,
        expected_version: int,
        date: dt.date,
        now: dt.datetime | None = None,
        **fields: object,
    ) -> PendingStep:
        """Keep a step for later; returns it (its ``entry`` id names it)."""
        step = PendingStep(
            entry=str(uuid.uuid4()),
            item_id=item_id,
            event=event,
            by=by,
            expected_version=int(expected_version),
            date=date.isoformat(),
            fields=dict(fields),
            at=(now or dt.datetime.now(dt.UTC)).isoformat(),
        )
        self._append({"kind": "step", **vars(step), "fields": dict(step.fields)})
        return step

    def done(self, entry: str) -> None:
        """Close an entry (applied, refused, or settled by the person after a conflict)."""
        self._append({"kind": "done", "entry": entry, "at": dt.datetime.now(dt.UTC).isoformat()})

    def _lines(self) -> Iterator[dict]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                if isinstance(record, dict):
                    yield record

    def pending(self) -> list[PendingStep]:
        """Steps not yet closed, oldest first."""
        steps: dict[str, PendingStep] = {}
        for record in self._lines():
            if record.get("kind") == "step":
                try:
                    step = PendingStep(
                        entry=str(record["entry"]),
                        item_id=str(record["item_id"]),
                        event=str(record["event"]),
                        by=str(record["by"]),
                        expected_version=int(record["expected_version"]),
                        date=str(record["date"]),
                        fields=dict(record.get("fields") or {}),
                        at=str(record.get("at", "")),
                    )
                except (KeyError, TypeError, ValueError):
                    continue
                steps[step.entry] = step
            elif record.get("kind") == "done":
                steps.pop(str(record.get("entry")), None)
        return list(steps.values())


class StepTarget(Protocol):
    """What :func:`replay` applies the steps to: a :class:`~toolkit.followup.Register`."""

    def apply(
        self,
        item_id: str,
        event: str,
        *,
        by: str,
        expected_version: int,
        date: dt.date | str | None = None,
        now: dt.datetime | None = None,
        **fields: object,
    ) -> object: ...


def replay(register: StepTarget, steps: PendingSteps) -> ReplayReport:
    """Apply the pending steps in order; stop at the first sign that the database is gone.

    A step applied or refused (a coded error: the lifecycle or a field) is closed; a
    conflict stays pending until the person settles it (:meth:`PendingSteps.done` after
    keeping the other version, or recording theirs again).
    """
    applied: list[PendingStep] = []
    conflicts: list[tuple[PendingStep, FollowupConflict]] = []
    refused: list[tuple[PendingStep, ToolkitError]] = []
    pending = steps.pending()
    for position, step in enumerate(pending):
        try:
            register.apply(
                step.item_id,
                step.event,
                by=step.by,
                expected_version=step.expected_version,
                date=step.date,
                now=None,  # the replay's clock, as live; no field can stand for it
                **dict(step.fields),
            )
        except StoreUnavailableError:
            return ReplayReport(
                tuple(applied), tuple(conflicts), tuple(refused), tuple(pending[position:])
            )
        except FollowupConflict as conflict:
            conflicts.append((step, conflict))
            continue
        except ToolkitError as error:
            refused.append((step, error))
            steps.done(step.entry)
            continue
        applied.append(step)
        steps.done(step.entry)
    return ReplayReport(tuple(applied), tuple(conflicts), tuple(refused))
