"""Saving a draft into the surveys folder, with versions when answers exist.

:func:`plan_save` says what saving will do before anything is written: where the file goes,
whether a new version is made (the instrument already has responses, or it is one of the
instruments shipped with the toolkit), where the previous file is kept, and which changes
touch answers already collected (each explained in plain words, to be confirmed).
:func:`save_version` then writes the file, keeps the previous one under ``_versions/``,
records the renames in the store (so that frames and exports line answers up across the
two versions) and registers the new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.builder.base import write_atomically
from toolkit.builder.draft import Draft
from toolkit.builder.errors import refuse
from toolkit.builder.versions import Change, changes, compose, next_version, step_of
from toolkit.errors import InstrumentError, StoreError
from toolkit.instruments import load
from toolkit.store.lineage import (
    Step,
    answered_counts,
    record_step,
    registered_versions,
    response_counts,
    steps,
)
from toolkit.store.store import Store

__all__ = ["ARCHIVE_FOLDER", "SavePlan", "plan_save", "save_version", "shipped_versions"]

#: Sub-folder of ``surveys/`` where the file of each previous version is kept.
ARCHIVE_FOLDER = "_versions"


@dataclass(frozen=True)
class SavePlan:
    """What :func:`save_version` will do.

    Attributes
    ----------
    path
        The file written.
    version
        The version the saved instrument carries.
    previous
        The version the draft was opened at (``None``: a new instrument).
    new_version
        Whether ``version`` is a new version (the file is not rewritten in place).
    responses
        Responses already collected with this instrument (all versions; ``None`` when the
        database could not be asked).
    changes
        Changes that touch answers already collected, to be confirmed.
    archive
        Where the previous file is kept (``None``: nothing to keep).
    """

    path: Path
    instrument_id: str
    version: str
    previous: str | None
    new_version: bool
    responses: int | None
    changes: tuple[Change, ...]
    archive: Path | None

    @property
    def needs_confirmation(self) -> bool:
        """Whether the changes must be confirmed: they touch answers that exist (or may)."""
        return bool(self.changes) and self.responses != 0


def shipped_versions() -> dict[str, str]:
    """The instruments shipped with the toolkit: id → version."""
    from toolkit.instruments import catalogue_paths

    out = {}
    for path in catalogue_paths():
        try:
            instrument = load(path)
        except InstrumentError:
            continue
        out[instrument.id] = instrument.version
    return out


def _file_id(path: Path) -> str | None:
    try:
        return load(path).id
    except InstrumentError:
        return None


def plan_save(
    draft: Draft,
    folder: Path,
    *,
    store: Store | None = None,
    shipped: dict[str, str] | None = None,
) -> SavePlan:
    """What saving ``draft`` into ``folder`` would do (nothing is written).

    Raises
    ------
    InstrumentError
        The draft does not load (its problems).
    BuilderError
        ``B026`` another instrument already has this file or this id.
    """
    instrument = draft.instrument()
    folder = Path(folder)
    shipped = shipped_versions() if shipped is None else shipped
    inside = draft.path is not None and draft.path.resolve().parent == folder.resolve()
    path = draft.path if inside and draft.path is not None else folder / f"{instrument.id}.yaml"
    if path.exists() and _file_id(path) not in (None, instrument.id):
        raise refuse("B026", name=path.name)
    original = draft.original
    if original is None and (path.exists() or _id_taken(folder, instrument.id, path)):
        raise refuse("B026", name=instrument.id)
    try:
        counts = response_counts(store, instrument.id) if store is not None else None
    except StoreError:
        counts = None
    responses = sum(counts.values()) if counts is not None else None
    previous = original.version if original is not None else None
    new_version = False
    version = instrument.version
    if original is not None and draft.changed:
        answered_here = counts.get(original.version, 0) if counts is not None else None
        stays_shipped = shipped.get(original.id) == previous
        new_version = answered_here != 0 or stays_shipped
        if new_version and version == previous:
            taken = set(counts or ()) | _registered_versions(store, instrument.id)
            version = next_version(previous or "1", taken)
    found: tuple[Change, ...] = ()
    if original is not None and responses != 0:
        answered = None
        if store is not None and counts is not None:
            answered = answered_counts(store, original.id, [q.name for q in original.fields()])
        found = tuple(changes(original, instrument, draft.renames, answered=answered))
    archive = None
    if new_version and path.exists():
        archive = folder / ARCHIVE_FOLDER / f"{path.stem}-{previous}.yaml"
    return SavePlan(
        path=path,
        instrument_id=instrument.id,
        version=version,
        previous=previous,
        new_version=new_version,
        responses=responses,
        changes=found,
        archive=archive,
    )


def _id_taken(folder: Path, instrument_id: str, path: Path) -> bool:
    from toolkit.collect import instrument_files

    return any(p != path and _file_id(p) == instrument_id for p in instrument_files(folder))


def _registered_versions(store: Store | None, instrument_id: str) -> set[str]:
    if store is None:
        return set()
    try:
        return set(registered_versions(store, instrument_id))
    except StoreError:
        return set()


def save_version(
    draft: Draft, plan: SavePlan, *, store: Store | None = None, confirmed: bool = False
) -> Path:
    """Carry out ``plan``: archive the previous file, write the draft, record the renames
    and register the new version.

    Raises
    ------
    BuilderError
        ``B016`` the plan has changes to confirm and ``confirmed`` is false.
    """
    if plan.needs_confirmation and not confirmed:
        raise refuse("B016")
    if plan.version != draft.version:
        draft.set_version(plan.version)
    if plan.archive is not None and plan.path.exists() and not plan.archive.exists():
        write_atomically(plan.archive, plan.path.read_bytes().decode("utf-8"))
    path = draft.save(plan.path)
    instrument = draft.instrument()
    if store is not None:
        if draft.original is not None and plan.previous is not None:
            _record(store, plan)
        store.register(instrument)
    draft.rebase(instrument)
    return path


def _record(store: Store, plan: SavePlan) -> None:
    if plan.previous is None:
        return
    ours = step_of(list(plan.changes), plan.previous, plan.version)
    if plan.new_version:
        record_step(store, plan.instrument_id, ours)
        return
    # Edited in place (no responses with this version): the renames go on top of those
    # leading to it from older versions.
    for earlier in [s for s in steps(store, plan.instrument_id) if s.to_version == plan.previous]:
        names = _names_of(store, plan.instrument_id, earlier.from_version)
        record_step(
            store,
            plan.instrument_id,
            compose(
                earlier,
                Step(plan.previous, plan.version, ours.questions, ours.codes),
                names_before=names,
            ),
        )


def _names_of(store: Store, instrument_id: str, version: str) -> set[str] | None:
    try:
        return {q.name for q in store.instrument(instrument_id, version).fields()}
    except StoreError:
        return None
