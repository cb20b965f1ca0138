"""The lifecycles of follow-up items, as one table of transitions.

Each row of :data:`TRANSITIONS` says: an item of this *kind*, in this *state*, may take this
*event* and then moves to that *target* state, given these *fields*. Nothing else is allowed:
:func:`transition` refuses any other move with the coded error ``F002`` naming the actions
that are possible.

Why a table and not a state-machine library (``transitions``, ``python-statemachine``): an
item's state lives in one database column and changes in one ``UPDATE … WHERE version = ?``
(optimistic locking, :mod:`toolkit.followup.register`); the libraries bind states onto live
Python objects and run callbacks, which adds nothing here. The table is also what the app
reads to draw one button per possible action, what the README documents, and what the tests
walk through exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.followup.errors import FollowupError, problem

__all__ = [
    "CANCEL",
    "FIELD_CHOICES",
    "INITIAL",
    "KINDS",
    "STATES",
    "TERMINAL",
    "TRANSITIONS",
    "Field",
    "Transition",
    "events",
    "is_open",
    "transition",
]

#: Kinds of follow-up item, each linked to one kind of parent record.
KINDS = ("agreement", "referral", "technical", "proposal", "milestone")

#: Where each kind starts.
INITIAL = {
    "agreement": "planned",
    "referral": "proposed",
    "technical": "reported",
    "proposal": "raised",
    "milestone": "planned",
}

#: The event that closes any open item whose parent record was voided.
CANCEL = "cancel"


@dataclass(frozen=True)
class Field:
    """A value an event records besides its date (``kind``: ``text``, ``date`` or ``choice``).

    ``required_if`` names another field and the value that makes this one required
    (``reason_detail`` when ``reason`` is ``other``).
    """

    name: str
    kind: str = "text"
    required: bool = True
    required_if: tuple[str, str] | None = None


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``kind`` in ``source`` takes ``event`` and goes to ``target``."""

    kind: str
    source: str
    event: str
    target: str
    fields: tuple[Field, ...] = ()


#: Codes of the answers a ``choice`` field accepts (labels in the message catalogue).
FIELD_CHOICES = {
    "reason": (
        "resident_declined",
        "partner_no_capacity",
        "need_gone",
        "resident_unreachable",
        "partner_unreachable",
        "other",
    ),
    "confirmed_by": ("person", "partner", "mediator"),
    "how": ("in_person", "phone", "letter", "notice", "meeting", "other"),
}

_NOTE = Field("note", required=False)
_REASON = (
    Field("reason", "choice"),
    Field("reason_detail", required=False, required_if=("reason", "other")),
)
_HOW = (Field("how", "choice"),)


def _rows() -> tuple[Transition, ...]:
    rows: list[Transition] = []

    def add(kind: str, sources: tuple[str, ...], event: str, target: str, *fields: Field):
        for source in sources:
            rows.append(Transition(kind, source, event, target, (*fields, _NOTE)))

    # Agreements: checked at 30 days, then at 90 days; a broken agreement is not checked again.
    for event in ("kept", "partly_kept", "unreachable"):
        add("agreement", ("planned",), event, "checked_30")
    add("agreement", ("planned",), "broken", "broken")
    for event in ("kept", "partly_kept", "broken", "unreachable"):
        add("agreement", ("checked_30",), event, event)
    # Referrals: consent at creation, the partner accepts, then take-up is confirmed or not.
    add("referral", ("proposed",), "accept", "accepted")
    add(
        "referral",
        ("accepted",),
        "confirm",
        "taken_up",
        Field("partner"),
        Field("confirmed_by", "choice"),
    )
    add("referral", ("proposed", "accepted"), "not_taken_up", "not_taken_up", *_REASON)
    add("referral", ("proposed", "accepted"), "withdraw", "withdrawn")
    # Technical reports: acknowledged by the service, resolved or rejected, resident informed.
    add(
        "technical",
        ("reported",),
        "acknowledge",
        "acknowledged",
        Field("reference", required=False),
    )
    add("technical", ("acknowledged",), "resolve", "resolved")
    add("technical", ("acknowledged",), "reject", "rejected", Field("reason"))
    add("technical", ("resolved", "rejected"), "inform", "informed", *_HOW)
    # Proposals of a consultation meeting.
    add("proposal", ("raised",), "name_owner", "owner_named", Field("owner"))
    add("proposal", ("owner_named",), "accept", "accepted", Field("answer_due", "date"))
    add("proposal", ("owner_named",), "refuse", "refused", Field("reason"))
    add("proposal", ("accepted",), "complete", "done")
    add("proposal", ("done", "refused"), "tell", "told", *_HOW)
    # Milestones of a collective project: checked on their date, like an agreement.
    for event in ("reached", "partly_reached", "missed"):
        add("milestone", ("planned",), event, event)
    add("milestone", ("planned",), "postpone", "planned", Field("postponed_to", "date"))
    return tuple(rows)


_MAIN = _rows()

#: Every state of each kind, in lifecycle order.
STATES: dict[str, tuple[str, ...]] = {
    kind: tuple(
        dict.fromkeys(
            [INITIAL[kind]]
            + [s for t in _MAIN if t.kind == kind for s in (t.source, t.target)]
            + ["cancelled"]
        )
    )
    for kind in KINDS
}
#: States with nothing left to do.
TERMINAL: dict[str, frozenset[str]] = {
    kind: frozenset(
        s for s in STATES[kind] if not any(t.kind == kind and t.source == s for t in _MAIN)
    )
    for kind in KINDS
}
#: Every allowed transition (the parent's voiding cancels any open item).
TRANSITIONS: tuple[Transition, ...] = _MAIN + tuple(
    Transition(kind, state, CANCEL, "cancelled", (Field("reason"),))
    for kind in KINDS
    for state in STATES[kind]
    if state not in TERMINAL[kind]
)
_INDEX = {(t.kind, t.source, t.event): t for t in TRANSITIONS}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise FollowupError(problems=[problem("F009", kind=kind, known=", ".join(KINDS))])


def is_open(kind: str, state: str) -> bool:
    """Whether an item in ``state`` still has something to do.

    Raises
    ------
    FollowupError
        ``F009`` unknown kind.

    Examples
    --------
    An agreement checked at 30 days waits for its 90-day check; a broken one is closed, and
    a referral is closed once the partner confirmed the take-up:

    >>> is_open("agreement", "checked_30"), is_open("agreement", "broken")
    (True, False)
    >>> is_open("referral", "taken_up")
    False
    >>> sorted(TERMINAL["referral"])
    ['cancelled', 'not_taken_up', 'taken_up', 'withdrawn']
    """
    _check_kind(kind)
    return state not in TERMINAL[kind]


def events(kind: str, state: str, *, include_cancel: bool = False) -> tuple[str, ...]:
    """The events an item of ``kind`` in ``state`` may take, in table order.

    >>> events("agreement", "planned")
    ('kept', 'partly_kept', 'unreachable', 'broken')
    >>> events("referral", "taken_up")
    ()
    """
    _check_kind(kind)
    return tuple(
        t.event
        for t in TRANSITIONS
        if t.kind == kind and t.source == state and (include_cancel or t.event != CANCEL)
    )


def transition(kind: str, state: str, event: str) -> Transition:
    """The transition ``event`` from ``state``, or ``F002`` naming what is possible.

    Raises
    ------
    FollowupError
        ``F009`` unknown kind, ``F002`` the event is not allowed in this state.

    Examples
    --------
    Confirming a referral's take-up moves it to ``taken_up`` and records who confirmed it
    with which partner (the note is optional):

    >>> step = transition("referral", "accepted", "confirm")
    >>> step.target
    'taken_up'
    >>> [(f.name, f.required) for f in step.fields]
    [('partner', True), ('confirmed_by', True), ('note', False)]

    The partner must accept before the take-up is confirmed; the error names, in French,
    the actions that are possible instead:

    >>> try:
    ...     transition("referral", "proposed", "confirm")
    ... except FollowupError as error:
    ...     print(error.problems[0].code)
    ...     print(error.problems[0].message("fr"))  # doctest: +NORMALIZE_WHITESPACE
    F002
    Orientation à l'état « Proposée au partenaire » : l'action « Prise en charge confirmée »
    n'est pas possible ; actions possibles : « Le partenaire a accepté », « Pas de prise en
    charge », « Consentement retiré »
    """
    _check_kind(kind)
    found = _INDEX.get((kind, state, event))
    if found is None:
        raise FollowupError(
            problems=[
                problem(
                    "F002",
                    kind=kind,
                    state=state,
                    event=event,
                    allowed=tuple(events(kind, state)),
                )
            ]
        )
    return found
