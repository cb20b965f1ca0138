"""Which parent records call for a follow-up, read (only read) through :mod:`toolkit.store`.

One :class:`ParentSpec` per instrument says what kind of item its records open, which
question holds the date the due dates count from, which holds the taxonomy code, and which
records qualify:

===========================  ==============  ===========================================
instrument                   item            which records
===========================  ==============  ===========================================
``intervention_mediation``   agreement       outcome « accord obtenu » or « accord partiel »
``orientation_partenaire``   referral        the resident's consent is recorded
``diagnostic_marchant``      technical       every observation of the walk
``reunion_concertation``     proposal        every proposal of the meeting
``projet_collectif``         milestone       every milestone of the project
===========================  ==============  ===========================================

Fields marked ``pii`` never reach an item: frames are read without them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from toolkit.errors import StoreError

__all__ = ["PARENTS", "ParentRecord", "ParentSpec", "parent_records"]


@dataclass(frozen=True)
class ParentRecord:
    """What a parent record (or one entry of its repeat group) gives its follow-up item."""

    parent_id: str
    instrument_id: str
    index: int
    kind: str
    date: dt.date
    collector: str | None
    team: str | None
    sector: str | None
    category: str | None
    summary: str | None
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ParentSpec:
    """How the records of one instrument open follow-up items.

    ``date`` and ``category`` name questions (of the entry when ``repeat`` is set and the
    question belongs to it, else of the record); ``summary`` the text fields joined for the
    list; ``details`` maps item data keys to questions; ``keep`` (question, accepted values)
    filters the records.
    """

    instrument_id: str
    kind: str
    date: str
    category: str | None
    repeat: str | None = None
    summary: tuple[str, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)
    keep: tuple[str, tuple[object, ...]] | None = None

    def columns(self) -> set[str]:
        """The frame columns this spec reads."""
        names = {"response_id", "index", "collector", "team", "sector", self.date}
        names |= {self.category} if self.category else set()
        names |= set(self.summary) | set(self.details.values())
        names |= {self.keep[0]} if self.keep else set()
        return names


#: The parent instruments and what their records open.
PARENTS: tuple[ParentSpec, ...] = (
    ParentSpec(
        "intervention_mediation",
        "agreement",
        date="date_intervention",
        category="type_conflit",
        details={"outcome": "resultat", "mode": "mode", "timing": "temporalite"},
        keep=("resultat", ("R-ACC", "R-ACCP")),
    ),
    ParentSpec(
        "orientation_partenaire",
        "referral",
        date="date_orientation",
        category="domaine",
        details={
            "structure": "structure",
            "structure_other": "structure_autre",
            "appointment": "date_rdv",
            "referral_type": "type_orientation",
        },
        keep=("consentement", (True,)),
    ),
    ParentSpec(
        "diagnostic_marchant",
        "technical",
        date="date_marche",
        category="categorie",
        repeat="observations",
        summary=("lieu", "description"),
        details={"service": "service", "service_other": "service_autre", "severity": "gravite"},
    ),
    ParentSpec(
        "reunion_concertation",
        "proposal",
        date="date_reunion",
        category="theme",
        repeat="propositions",
        summary=("proposition",),
        details={"owner_code": "porteur", "owner_other": "porteur_precision"},
    ),
    ParentSpec(
        "projet_collectif",
        "milestone",
        date="date_jalon",
        category="type_projet",
        repeat="jalons",
        summary=("intitule", "jalon"),
        details={"project_status": "statut"},
    ),
)


def _present(value: object) -> object:
    """A JSON-friendly Python value from a frame cell known not to be missing."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value


def _values(column: pd.Series) -> list[object]:
    """The column's cells as JSON-friendly values (``None`` for missing, found at once)."""
    missing = column.isna().to_numpy()
    return [
        None if gone else _present(value)
        for value, gone in zip(column.tolist(), missing, strict=True)
    ]


def _rows(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    columns = list(frame.columns)
    cells = [_values(frame[c]) for c in columns]
    for values in zip(*cells, strict=True):
        yield dict(zip(columns, values, strict=True))


def _frames(store: object, spec: ParentSpec) -> pd.DataFrame | None:
    """The records (joined with their repeat entries) of ``spec``'s instrument, or ``None``."""
    try:
        frame = store.frame(spec.instrument_id)  # type: ignore[attr-defined]
        if spec.repeat is None:
            return frame.assign(index=0)
        entries = store.repeat_frame(spec.instrument_id, spec.repeat)  # type: ignore[attr-defined]
    except StoreError as error:
        if error.codes == ["S001"]:  # instrument not registered: no record to follow
            return None
        raise
    # An entry's own answer wins over a record's question of the same name.
    clash = [c for c in entries.columns if c in frame.columns and c != "response_id"]
    return frame.drop(columns=clash).merge(
        entries, on="response_id", how="inner", validate="one_to_many"
    )


def _kept(frame: pd.DataFrame, spec: ParentSpec) -> pd.DataFrame:
    """The rows ``spec`` follows, with only the columns it reads."""
    if spec.keep is not None:
        question, accepted = spec.keep
        if question not in frame.columns:
            return frame.iloc[0:0]
        values = frame[question].astype(object)
        missing = values.isna()
        frame = frame[
            ~missing
            & values.map(
                lambda v: (
                    any(v is a or v == a for a in accepted)
                    if v is not None and v is not pd.NA
                    else False
                )
            ).astype(bool)
        ]
    return frame[[c for c in frame.columns if c in spec.columns()]]


def parent_records(store: object, specs: tuple[ParentSpec, ...] = PARENTS) -> list[ParentRecord]:
    """Every submitted (not voided) record that calls for a follow-up item, oldest first."""
    found: list[ParentRecord] = []
    for spec in specs:
        frame = _frames(store, spec)
        if frame is None or frame.empty:
            continue
        for row in _rows(_kept(frame, spec)):
            date = row.get(spec.date)
            if not isinstance(date, str):
                continue
            parts = [str(row[name]) for name in spec.summary if row.get(name)]
            found.append(
                ParentRecord(
                    parent_id=str(row["response_id"]),
                    instrument_id=spec.instrument_id,
                    index=int(row["index"]),  # type: ignore[call-overload]
                    kind=spec.kind,
                    date=dt.date.fromisoformat(date),
                    collector=row.get("collector"),  # type: ignore[arg-type]
                    team=row.get("team"),  # type: ignore[arg-type]
                    sector=row.get("sector"),  # type: ignore[arg-type]
                    category=row.get(spec.category) if spec.category else None,  # type: ignore[arg-type]
                    summary=" — ".join(parts) or None,
                    details={
                        key: row.get(question)
                        for key, question in spec.details.items()
                        if row.get(question) is not None
                    },
                )
            )
    found.sort(key=lambda r: (r.date, r.instrument_id, r.parent_id, r.index))
    return found
