"""The follow-up register: items, their steps, history and optimistic locking, on the store.

Every change names the version of the item it was made on (``expected_version``) and is
written as ``UPDATE … WHERE item_id = ? AND version = ?`` together with its history row, in
one transaction. When someone else changed the item meanwhile (two people on the same
item, a page left open for hours, an entry written offline and replayed later), nothing is
written and :class:`~toolkit.followup.errors.FollowupConflict` says who did what since, so
that the person chooses: keep the other version, or record theirs on top of it. Nobody
overwrites anybody in silence. The same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from toolkit.followup import lifecycles
from toolkit.followup.calendar import today as paris_today
from toolkit.followup.errors import FollowupConflict, FollowupError, problem
from toolkit.followup.fields import check_fields
from toolkit.followup.labels import SYSTEM, who
from toolkit.followup.model import HistoryEntry, Item
from toolkit.followup.parents import PARENTS, ParentRecord, ParentSpec, parent_records
from toolkit.followup.schedule import Schedule
from toolkit.followup.tables import history as history_t
from toolkit.followup.tables import items as items_t
from toolkit.followup.tables import sync as sync_t
from toolkit.i18n import LANGUAGES, Text
from toolkit.instruments.dates import parse_date
from toolkit.store.engine import read_connection, write_connection
from toolkit.store.schema import instrument_versions, response_audit, responses
from toolkit.store.store import Store

__all__ = ["Register", "SyncReport"]

#: Parent details that, when corrected, change the item's due dates.
_TRACKED = ("parent_date", "category", "summary", "sector")


@dataclass(frozen=True)
class SyncReport:
    """What :meth:`Register.sync` did: item ids created, updated from a corrected parent,
    and cancelled because their parent was voided or no longer calls for a follow-up."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()


@dataclass
class _Plan:
    created: list[ParentRecord] = field(default_factory=list)
    updated: list[tuple[Item, ParentRecord]] = field(default_factory=list)
    orphaned: list[Item] = field(default_factory=list)


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or dt.datetime.now(dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _parent_data(item: Item) -> dict[str, object]:
    """The parent's answers the item copied (``data["parent"]``, written by the register)."""
    parent = item.data.get("parent", {})
    return dict(parent) if isinstance(parent, Mapping) else {}


def _encode(data: Mapping[str, object]) -> str:
    return json.dumps(dict(data), ensure_ascii=False, sort_keys=True, default=str)


def _item(row: Row[Any] | SimpleNamespace, data: Mapping[str, object] | None = None) -> Item:
    return Item(
        item_id=row.item_id,
        kind=row.kind,
        state=row.state,
        version=row.version,
        parent_id=row.parent_id,
        parent_instrument=row.parent_instrument,
        parent_index=row.parent_index,
        parent_date=row.parent_date,
        due_date=row.due_date,
        collector=row.collector,
        team=row.team,
        sector=row.sector,
        category=row.category,
        summary=row.summary,
        data=json.loads(row.data) if data is None else data,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


def _entry(row: Row[Any]) -> HistoryEntry:
    return HistoryEntry(
        item_id=row.item_id,
        version=row.version,
        at=row.at,
        by=row.by,
        event=row.event,
        from_state=row.from_state,
        to_state=row.to_state,
        details=json.loads(row.details),
    )


def _key(spec: ParentSpec) -> str:
    return f"{spec.instrument_id}/{spec.kind}"


def _spec_digest(spec: ParentSpec) -> str:
    """Changes when the rules of ``spec`` change (so that its records are read again)."""
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:16]


class _Stale(Exception):
    """The item's version moved under a write (the caller turns it into a conflict)."""


class Register:
    """The follow-up items of one store.

    Parameters
    ----------
    store
        A :class:`toolkit.store.Store`; parent records are only read through it.
    schedule
        Due-date rules and working-day calendar (default :class:`Schedule`).
    parents
        Which instruments open items (default :data:`toolkit.followup.parents.PARENTS`).

    Examples
    --------
    >>> from toolkit.store import connect
    >>> from toolkit.instruments import load
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.store.keyfile import create_key
    >>> key = create_key(Path(tempfile.mkdtemp()) / "pii.key")[0]
    >>> store = connect("sqlite://", key_file=key)
    >>> _ = store.register(load("surveys/intervention_mediation.yaml"))
    >>> answers = {"date_intervention": "2026-03-02", "secteur": "gare", "lieu": "espace_public",
    ...            "temporalite": "differe", "mode": "M-TRD", "type_conflit": "CF-BRUIT",
    ...            "nb_parties": 2, "parties": [
    ...                {"nom_partie": "A", "qualite": "demandeur", "accepte_mediation": "oui"},
    ...                {"nom_partie": "B", "qualite": "mis_en_cause", "accepte_mediation": "oui"}],
    ...            "actions": ["rencontre_conjointe"], "resultat": "R-ACC",
    ...            "texte_accord": "Pas de musique après 22 h.", "date_suivi": "2026-04-01"}
    >>> _ = store.submit("intervention_mediation", answers, collector="Amina B.")
    >>> register = Register(store)
    >>> len(register.sync().created)
    1
    >>> item = register.items()[0]
    >>> item.kind, item.state, item.due_date
    ('agreement', 'planned', datetime.date(2026, 4, 1))
    >>> item = register.apply(item.item_id, "kept", by="Amina B.", expected_version=item.version,
    ...                       date="2026-04-01")
    >>> item.state, item.due_date  # 90 days fall on Sunday 31 May: moved to Monday
    ('checked_30', datetime.date(2026, 6, 1))
    """

    def __init__(
        self,
        store: Store,
        *,
        schedule: Schedule | None = None,
        parents: tuple[ParentSpec, ...] = PARENTS,
    ) -> None:
        self.store = store
        self.engine = store.engine
        self.schedule = schedule or Schedule()
        self.parents = parents

    def __repr__(self) -> str:
        return f"Register({self.store!r})"

    # ------------------------------------------------------------------ reading

    def item(self, item_id: str) -> Item:
        """The item with this id.

        Raises
        ------
        FollowupError
            ``F001`` unknown item.
        """
        with read_connection(self.engine) as conn:
            return self._get(conn, item_id)

    def items(
        self,
        *,
        kind: str | None = None,
        team: str | None = None,
        sector: str | None = None,
        collector: str | None = None,
        open_only: bool = False,
    ) -> list[Item]:
        """Items, soonest due first (closed ones last), optionally filtered."""
        where = [
            items_t.c[column] == value
            for column, value in (
                ("kind", kind),
                ("team", team),
                ("sector", sector),
                ("collector", collector),
            )
            if value is not None
        ]
        if open_only:
            where.append(items_t.c.closed_at.is_(None))
        found = self._read_items(*where)
        found.sort(key=lambda i: (i.due_date is None, i.due_date or dt.date.max, i.item_id))
        return found

    def _read_items(self, *where: object) -> list[Item]:
        """The items matching ``where``, their ``data`` decoded in one parser call."""
        with read_connection(self.engine) as conn:
            rows = conn.execute(select(items_t).where(*where)).all()  # type: ignore[arg-type]
        if not rows:
            return []
        data = json.loads("[" + ",".join(row.data for row in rows) + "]")
        return [_item(row, decoded) for row, decoded in zip(rows, data, strict=True)]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """The history of one item (or of every item), oldest first."""
        query = select(history_t).order_by(history_t.c.item_id, history_t.c.version)
        if item_id is not None:
            query = query.where(history_t.c.item_id == item_id)
        with read_connection(self.engine) as conn:
            if item_id is not None:
                self._get(conn, item_id)
            return [_entry(row) for row in conn.execute(query)]

    def frame(self) -> pd.DataFrame:
        """Every item as one row (``data`` as a dict column), for tables and indicators."""
        rows = [vars(item) | {"data": dict(item.data)} for item in self.items()]
        columns = list(Item.__dataclass_fields__)
        return pd.DataFrame(rows, columns=columns)

    def states(self) -> pd.DataFrame:
        """Every item's ``kind``, ``parent_id``, ``parent_index``, ``state`` and ``data``
        (a dict column): what the indicators join to the parent records, read in one query."""
        columns = ["kind", "parent_id", "parent_index", "state", "data"]
        with read_connection(self.engine) as conn:
            rows = conn.execute(select(*(items_t.c[c] for c in columns))).all()
        frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
        frame["data"] = json.loads("[" + ",".join(frame["data"]) + "]") if rows else []
        return frame

    def history_frame(self) -> pd.DataFrame:
        """Every history entry as one row (``details`` as a dict column)."""
        rows = [vars(entry) | {"details": dict(entry.details)} for entry in self.history()]
        return pd.DataFrame(rows, columns=list(HistoryEntry.__dataclass_fields__))

    # ------------------------------------------------------------------ steps

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
    ) -> Item:
        """Record a step of the item's lifecycle and return the item as it now is.

        Parameters
        ----------
        item_id
            The item.
        event
            A step allowed from the item's state (:func:`toolkit.followup.events`).
        by
            Who records it (the collector's name).
        expected_version
            The version the person saw; if the item changed since, nothing is written.
        date
            When it happened (default: today in Europe/Paris); not in the future and not
            before the parent record's date.
        now
            The clock (tests, offline replays).
        **fields
            The step's fields (``reason``, ``partner``, ``how``, ``answer_due``…).

        Raises
        ------
        FollowupError
            ``F001`` unknown item, ``F002`` step not allowed in this state, ``F003``–``F013``
            a field missing or wrong, ``F007`` nobody named in ``by``.
        FollowupConflict
            ``F008`` the item changed since ``expected_version``.
        """
        moment = _now(now)
        who = self._who(by)
        current = self.item(item_id)
        if current.version != expected_version:
            raise self._conflict(current.item_id, expected_version, (event, dict(fields)))
        changes, details = self._step(current, event, date, moment, fields)
        return self._change(
            current,
            changes,
            event=event,
            by=who,
            at=moment,
            details=details,
            attempted=(event, dict(fields)),
        )

    def _step(
        self,
        current: Item,
        event: str,
        date: dt.date | str | None,
        moment: dt.datetime,
        fields: Mapping[str, object],
    ) -> tuple[dict[str, object], dict[str, object]]:
        """The changes and history details of ``event`` on ``current`` (nothing written)."""
        step = lifecycles.transition(current.kind, current.state, event)
        day = paris_today(moment)
        when = day if date is None else parse_date(date)
        if when is None:
            raise FollowupError(
                problems=[problem("F005", field="date", field_name="date", value=str(date))]
            )
        cleaned, problems = check_fields(
            step, dict(fields), date=when, parent_date=current.parent_date, today=day
        )
        if problems:
            raise FollowupError(problems=problems)
        data = dict(current.data)
        data.update(cleaned)
        data["entered_on"] = when.isoformat()
        previous = data.get("steps", [])
        data["steps"] = [
            *(previous if isinstance(previous, list | tuple) else ()),
            {"event": event, "from": current.state, "on": when.isoformat()},
        ]
        due = (
            self.schedule.due(
                current.kind,
                step.target,
                parent_date=current.parent_date,
                entered_on=when,
                data=data,
            )
            if lifecycles.is_open(current.kind, step.target)
            else None
        )
        details = {
            "date": when.isoformat(),
            **cleaned,
            "due_date": due.isoformat() if due else None,
        }
        changes: dict[str, object] = {
            "state": step.target,
            "due_date": due,
            "data": data,
            "closed_at": None if lifecycles.is_open(current.kind, step.target) else moment,
        }
        return changes, details

    def assign(
        self,
        item_id: str,
        *,
        collector: str | None,
        team: str | None = None,
        by: str,
        expected_version: int,
        now: dt.datetime | None = None,
    ) -> Item:
        """Give the item to another mediator (and team); kept in the history as ``assign``."""
        moment = _now(now)
        who = self._who(by)
        current = self.item(item_id)
        if current.version != expected_version:
            raise self._conflict(
                current.item_id, expected_version, ("assign", {"collector": collector})
            )
        new_team = current.team if team is None else team
        details = {"collector": [current.collector, collector], "team": [current.team, new_team]}
        return self._change(
            current,
            {"collector": collector, "team": new_team},
            event="assign",
            by=who,
            at=moment,
            details=details,
            attempted=("assign", {"collector": collector}),
        )

    # ------------------------------------------------------------------ parents

    def sync(self, *, now: dt.datetime | None = None) -> SyncReport:
        """Open an item for every new parent record, follow corrected parents, cancel the
        items of voided ones.

        A parent whose date (or category, summary, sector) was corrected with
        :meth:`Store.correct` gets its due dates recomputed; the history says what changed,
        who corrected it and the old and new due dates. Idempotent: a second call with
        nothing new does nothing, and reads no parent record: each followed instrument's
        records are read again only when their fingerprint (last audit row, number of audit
        rows, last registered version) moved since the last synchronisation that dealt with
        all of them.
        """
        moment = _now(now)
        with read_connection(self.engine) as conn:
            current = self._fingerprints(conn)
            seen = {row.key: row.fingerprint for row in conn.execute(select(sync_t))}
        moved = tuple(spec for spec in self.parents if seen.get(_key(spec)) != current[_key(spec)])
        if not moved:
            return SyncReport()
        plan = self._plan(parent_records(self.store, moved), moved)
        updated: list[str] = []
        cancelled: list[str] = []
        pending: set[str] = set()
        created = self._create_all(plan.created, moment)
        for item, record in plan.updated:
            if self._follow_parent(item, record, moment):
                updated.append(item.item_id)
            else:
                pending.add(item.parent_instrument)
        for item in plan.orphaned:
            if self._cancel(item, moment):
                cancelled.append(item.item_id)
            else:
                pending.add(item.parent_instrument)
        self._remember(
            {
                _key(spec): current[_key(spec)]
                for spec in moved
                if spec.instrument_id not in pending
            },
            moment,
        )
        return SyncReport(tuple(created), tuple(updated), tuple(cancelled))

    def _fingerprints(self, conn: Connection) -> dict[str, str]:
        """Per followed instrument, what any new, corrected or voided record would change."""
        ids = sorted({spec.instrument_id for spec in self.parents})
        audit = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                select(
                    responses.c.instrument_id,
                    func.max(response_audit.c.id),
                    func.count(response_audit.c.id),
                )
                .select_from(
                    response_audit.join(
                        responses, response_audit.c.response_id == responses.c.response_id
                    )
                )
                .where(responses.c.instrument_id.in_(ids))
                .group_by(responses.c.instrument_id)
            )
        }
        versions = {
            row[0]: row[1]
            for row in conn.execute(
                select(instrument_versions.c.instrument_id, func.max(instrument_versions.c.id))
                .where(instrument_versions.c.instrument_id.in_(ids))
                .group_by(instrument_versions.c.instrument_id)
            )
        }
        return {
            _key(spec): _encode(
                {
                    "spec": _spec_digest(spec),
                    "audit": list(audit.get(spec.instrument_id, (None, 0))),
                    "version": versions.get(spec.instrument_id),
                }
            )
            for spec in self.parents
        }

    def _remember(self, fingerprints: Mapping[str, str], moment: dt.datetime) -> None:
        """Keep what this synchronisation dealt with (a concurrent one may have done it)."""
        if not fingerprints:
            return
        try:
            with write_connection(self.engine) as conn:
                conn.execute(delete(sync_t).where(sync_t.c.key.in_(list(fingerprints))))
                conn.execute(
                    insert(sync_t),
                    [
                        {"key": key, "fingerprint": value, "synced_at": moment}
                        for key, value in fingerprints.items()
                    ],
                )
        except IntegrityError:
            return  # another page remembered the same records at the same moment

    def _plan(self, records: list[ParentRecord], specs: tuple[ParentSpec, ...]) -> _Plan:
        followed = {spec.instrument_id for spec in specs}
        existing = {
            (i.parent_id, i.kind, i.parent_index): i
            for i in self._read_items(items_t.c.parent_instrument.in_(sorted(followed)))
        }
        plan = _Plan()
        seen = set()
        for record in records:
            key = (record.parent_id, record.kind, record.index)
            seen.add(key)
            item = existing.get(key)
            if item is None:
                plan.created.append(record)
            elif self._parent_view(item) != self._record_view(record):
                plan.updated.append((item, record))
        plan.orphaned = [
            item
            for key, item in existing.items()
            if key not in seen and item.closed_at is None and item.parent_instrument in followed
        ]
        return plan

    @staticmethod
    def _parent_view(item: Item) -> tuple:
        return (
            item.parent_date,
            item.category,
            item.summary,
            item.sector,
            _parent_data(item),
        )

    @staticmethod
    def _record_view(record: ParentRecord) -> tuple:
        return (record.date, record.category, record.summary, record.sector, dict(record.details))

    def _rows(self, record: ParentRecord, moment: dt.datetime) -> tuple[dict, dict]:
        """The ``followup_items`` and ``followup_history`` rows that open ``record``'s item."""
        kind = record.kind
        state = lifecycles.INITIAL[kind]
        data: dict[str, object] = {
            "parent": dict(record.details),
            "entered_on": record.date.isoformat(),
            "steps": [],
        }
        if "appointment" in record.details:
            data["appointment"] = record.details["appointment"]
        due = self.schedule.due(
            kind, state, parent_date=record.date, entered_on=record.date, data=data
        )
        item_id = str(uuid.uuid4())
        item = {
            "item_id": item_id,
            "kind": kind,
            "state": state,
            "version": 1,
            "parent_id": record.parent_id,
            "parent_instrument": record.instrument_id,
            "parent_index": record.index,
            "parent_date": record.date,
            "due_date": due,
            "collector": record.collector,
            "team": record.team,
            "sector": record.sector,
            "category": record.category,
            "summary": record.summary,
            "data": _encode(data),
            "created_at": moment,
            "updated_at": moment,
            "closed_at": None,
        }
        entry = {
            "item_id": item_id,
            "version": 1,
            "at": moment,
            "by": record.collector or SYSTEM,
            "event": "create",
            "from_state": None,
            "to_state": state,
            "details": _encode(
                {
                    "parent_date": record.date.isoformat(),
                    "due_date": due.isoformat() if due else None,
                }
            ),
        }
        return item, entry

    def _create_all(self, records: list[ParentRecord], moment: dt.datetime) -> list[str]:
        """Open the items of ``records`` in one transaction (one by one after a race).

        A proposal whose owner the meeting form already named is opened and moved to
        ``owner_named`` in the same write, with both steps in its history.
        """
        rows = [self._opened(record, moment) for record in records]
        if not rows:
            return []

        def write(chunk: list[tuple[dict, list[dict]]]) -> None:
            with write_connection(self.engine) as conn:
                conn.execute(insert(items_t), [item for item, _ in chunk])
                conn.execute(insert(history_t), [e for _, entries in chunk for e in entries])

        try:
            write(rows)
            return [item["item_id"] for item, _ in rows]
        except IntegrityError:
            # Another page synchronised some of the same records at the same moment.
            created: list[str] = []
            for row in rows:
                try:
                    write([row])
                except IntegrityError:
                    continue
                created.append(row[0]["item_id"])
            return created

    def _opened(self, record: ParentRecord, moment: dt.datetime) -> tuple[dict, list[dict]]:
        """The item row of ``record`` and its history rows (with the owner named, if so)."""
        item, entry = self._rows(record, moment)
        owner = self._owner_named_at_meeting(record)
        if not owner or record.date > paris_today(moment):
            return item, [entry]
        opened = _item(SimpleNamespace(**item), json.loads(item["data"]))
        by = self._who(entry["by"])
        changes, details = self._step(opened, "name_owner", record.date, moment, {"owner": owner})
        named = {
            **item,
            **changes,
            "version": 2,
            "data": _encode(changes["data"]),  # type: ignore[arg-type]
        }
        step = {
            "item_id": item["item_id"],
            "version": 2,
            "at": moment,
            "by": by,
            "event": "name_owner",
            "from_state": opened.state,
            "to_state": changes["state"],
            "details": _encode(details),
        }
        return named, [entry, step]

    def _owner_named_at_meeting(self, record: ParentRecord) -> str | None:
        """The owner a meeting form already named for a proposal, as text (else ``None``)."""
        code = record.details.get("owner_code")
        if record.kind != "proposal" or not code:
            return None
        if code == "autre":
            other = record.details.get("owner_other")
            return str(other) if other else None
        instrument = self.store.instrument(record.instrument_id)
        choices = instrument.choices_of("porteur")
        choice = choices.get(str(code)) if choices is not None else None
        return choice.label.get(instrument.default_language) if choice else str(code)

    def _follow_parent(self, item: Item, record: ParentRecord, moment: dt.datetime) -> bool:
        before = {
            "parent_date": item.parent_date.isoformat(),
            "category": item.category,
            "summary": item.summary,
            "sector": item.sector,
            **{f"parent.{k}": v for k, v in _parent_data(item).items()},
        }
        after = {
            "parent_date": record.date.isoformat(),
            "category": record.category,
            "summary": record.summary,
            "sector": record.sector,
            **{f"parent.{k}": v for k, v in record.details.items()},
        }
        changed = {
            key: [before.get(key), after.get(key)]
            for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)
        }
        data = dict(item.data)
        data["parent"] = dict(record.details)
        if "appointment" in record.details or "appointment" in data:
            data["appointment"] = record.details.get("appointment")
        entered = parse_date(data.get("entered_on")) or record.date
        if not item.data.get("steps"):
            entered = record.date
            data["entered_on"] = record.date.isoformat()
        due = (
            self.schedule.due(
                item.kind, item.state, parent_date=record.date, entered_on=entered, data=data
            )
            if item.closed_at is None
            else item.due_date
        )
        details = {
            "changed": changed,
            "due_date": [
                item.due_date.isoformat() if item.due_date else None,
                due.isoformat() if due else None,
            ],
            "corrected_by": self._corrector(item.parent_id),
        }
        changes = {
            "parent_date": record.date,
            "category": record.category,
            "summary": record.summary,
            "sector": record.sector,
            "data": data,
            "due_date": due,
        }
        try:
            self._change(
                item,
                changes,
                event="parent_corrected",
                by=SYSTEM,
                at=moment,
                details=details,
                attempted=("parent_corrected", {}),
            )
        except FollowupConflict:
            return False  # someone acted at the same moment: the next sync follows the parent
        return True

    def _corrector(self, parent_id: str) -> str | None:
        audit = self.store.audit(parent_id)
        corrections = audit[audit["action"] == "corrected"]
        return None if corrections.empty else str(corrections["by"].iloc[-1])

    def _cancel(self, item: Item, moment: dt.datetime) -> bool:
        status = self.store.get(item.parent_id).status
        reason = "parent_voided" if status == "voided" else "parent_changed"
        step = lifecycles.transition(item.kind, item.state, lifecycles.CANCEL)
        data = dict(item.data) | {"cancel_reason": reason}
        try:
            self._change(
                item,
                {"state": step.target, "due_date": None, "data": data, "closed_at": moment},
                event=lifecycles.CANCEL,
                by=SYSTEM,
                at=moment,
                details={"reason": reason},
                attempted=(lifecycles.CANCEL, {}),
            )
        except FollowupConflict:
            return False
        return True

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _who(by: object) -> str:
        if not isinstance(by, str) or not by.strip():
            raise FollowupError(problems=[problem("F007", got=repr(by))])
        return by.strip()

    def _get(self, conn: Connection, item_id: str) -> Item:
        row = conn.execute(select(items_t).where(items_t.c.item_id == str(item_id))).first()
        if row is None:
            raise FollowupError(problems=[problem("F001", item_id=str(item_id))])
        return _item(row)

    @staticmethod
    def _log(
        conn: Connection,
        item_id: str,
        version: int,
        at: dt.datetime,
        by: str,
        event: str,
        from_state: str | None,
        to_state: str,
        details: Mapping[str, object],
    ) -> None:
        conn.execute(
            insert(history_t).values(
                item_id=item_id,
                version=version,
                at=at,
                by=by,
                event=event,
                from_state=from_state,
                to_state=to_state,
                details=_encode(details),
            )
        )

    def _change(
        self,
        current: Item,
        changes: Mapping[str, object],
        *,
        event: str,
        by: str,
        at: dt.datetime,
        details: Mapping[str, object],
        attempted: tuple[str, dict[str, object]],
    ) -> Item:
        """Write ``changes`` on the version the caller read, with its history row."""
        values = dict(changes)
        if "data" in values:
            values["data"] = _encode(values["data"])  # type: ignore[arg-type]
        version = current.version + 1
        try:
            with write_connection(self.engine) as conn:
                done = conn.execute(
                    update(items_t)
                    .where(
                        items_t.c.item_id == current.item_id, items_t.c.version == current.version
                    )
                    .values(version=version, updated_at=at, **values)
                )
                if done.rowcount != 1:
                    raise _Stale
                self._log(
                    conn,
                    current.item_id,
                    version,
                    at,
                    by,
                    event,
                    current.state,
                    str(changes.get("state", current.state)),
                    details,
                )
        except (_Stale, IntegrityError):
            raise self._conflict(current.item_id, current.version, attempted) from None
        # The item as written, without reading it back (values as the store returns them).
        # Any: the item's own fields by name, for dataclasses.replace to set.
        written: dict[str, Any] = {k: v for k, v in values.items() if k != "data"}
        if "data" in values:
            written["data"] = json.loads(values["data"])  # type: ignore[arg-type]
        closed_at = written.get("closed_at")
        if isinstance(closed_at, dt.datetime):
            written["closed_at"] = closed_at.astimezone(dt.UTC)
        return dataclasses.replace(
            current, version=version, updated_at=at.astimezone(dt.UTC), **written
        )

    def _conflict(
        self, item_id: str, version: int, attempted: tuple[str, dict[str, object]]
    ) -> FollowupConflict:
        with read_connection(self.engine) as conn:
            current = self._get(conn, item_id)
            since = [
                _entry(row)
                for row in conn.execute(
                    select(history_t)
                    .where(history_t.c.item_id == item_id, history_t.c.version > version)
                    .order_by(history_t.c.version)
                )
            ]
        last = since[-1] if since else None
        found = problem(
            "F008",
            by=Text.of({lang: who(last.by, lang) for lang in LANGUAGES}) if last else "?",
            event=last.event if last else "?",
            kind=current.kind,
            count=len(since),
        )
        return FollowupConflict([found], current=current, changes=since, attempted=attempted)
