"""Coded errors of the follow-up registers (``F…`` codes of ``messages/followup.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from toolkit.errors import Problem, ToolkitError
from toolkit.followup.labels import label_list, label_of

if TYPE_CHECKING:
    from toolkit.followup.model import HistoryEntry, Item

__all__ = ["FollowupConflict", "FollowupError", "problem"]

#: Parameters that name a kind, a state, an event or a field: shown as their labels.
_LABELLED = {"kind": "kind", "state": "state", "event": "event", "field_name": "field"}


class FollowupError(ToolkitError, ValueError):
    """A follow-up operation was refused (unknown item, transition not allowed, bad field…)."""


class FollowupConflict(FollowupError):
    """Someone else changed the item since the page (or the offline entry) read it.

    Nothing was written. :attr:`current` is the item as it is now, :attr:`changes` the
    history entries recorded since the version the caller had, and :attr:`attempted` the
    event and fields the caller wanted to record, so that the person can choose: keep the
    other version, or record theirs on top of it (:meth:`Register.apply` again with
    ``expected_version=current.version``).
    """

    def __init__(
        self,
        problems: Iterable[Problem],
        *,
        current: Item,
        changes: Sequence[HistoryEntry],
        attempted: tuple[str, dict[str, object]],
    ) -> None:
        super().__init__(problems=problems)
        self.current = current
        self.changes = tuple(changes)
        self.attempted = attempted


def problem(code: str, *, field: str | None = None, **params: object) -> Problem:
    """A :class:`~toolkit.errors.Problem` whose kind, state and event parameters are labels.

    ``kind``, ``state`` and ``event`` (both need ``kind``) and ``field_name`` given as codes are
    rendered in the reader's language; ``allowed`` (a sequence of events) becomes the list
    of their labels, or « aucune » when empty.
    """
    raw_kind = params.get("kind")
    kind = None if raw_kind is None else str(raw_kind)
    shown: dict[str, object] = {}
    for name, value in params.items():
        if name in _LABELLED and isinstance(value, str):
            shown[name] = label_of(_LABELLED[name], value, kind=kind)
        elif name == "allowed" and isinstance(value, tuple):
            shown[name] = label_list("event", value, kind=kind)
        else:
            shown[name] = value
    return Problem(code, shown, field=field)
