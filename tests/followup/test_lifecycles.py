"""The table of transitions: every path of every lifecycle, and the steps it refuses."""

from __future__ import annotations

import pytest

from toolkit.followup import (
    INITIAL,
    KINDS,
    STATES,
    TERMINAL,
    TRANSITIONS,
    FollowupError,
    events,
    is_open,
    transition,
)
from toolkit.followup.labels import label_key
from toolkit.i18n import catalogue


def _walk(kind: str, path: list[str]) -> str:
    state = INITIAL[kind]
    for event in path:
        state = transition(kind, state, event).target
    return state


@pytest.mark.parametrize(
    ("kind", "path", "end"),
    [
        ("agreement", ["kept", "kept"], "kept"),
        ("agreement", ["partly_kept", "broken"], "broken"),
        ("agreement", ["unreachable", "partly_kept"], "partly_kept"),
        ("agreement", ["kept", "unreachable"], "unreachable"),
        ("agreement", ["broken"], "broken"),
        ("referral", ["accept", "confirm"], "taken_up"),
        ("referral", ["accept", "not_taken_up"], "not_taken_up"),
        ("referral", ["not_taken_up"], "not_taken_up"),
        ("referral", ["withdraw"], "withdrawn"),
        ("referral", ["accept", "withdraw"], "withdrawn"),
        ("technical", ["acknowledge", "resolve", "inform"], "informed"),
        ("technical", ["acknowledge", "reject", "inform"], "informed"),
        ("technical", ["acknowledge", "resolve"], "resolved"),
        ("proposal", ["name_owner", "accept", "complete", "tell"], "told"),
        ("proposal", ["name_owner", "refuse", "tell"], "told"),
        ("milestone", ["postpone", "postpone", "reached"], "reached"),
        ("milestone", ["partly_reached"], "partly_reached"),
        ("milestone", ["missed"], "missed"),
    ],
)
def test_transition__lifecycle_path__ends_in_expected_state(kind, path, end):
    assert _walk(kind, path) == end


@pytest.mark.parametrize(
    ("kind", "state", "event"),
    [
        ("agreement", "kept", "kept"),  # closed: nothing more
        ("agreement", "broken", "kept"),  # a broken agreement is not checked at 90 days
        ("agreement", "planned", "accept"),  # another kind's step
        ("referral", "proposed", "confirm"),  # take-up before the partner accepted
        ("referral", "taken_up", "not_taken_up"),
        ("referral", "withdrawn", "accept"),  # consent withdrawn: nothing more
        ("technical", "reported", "resolve"),  # fixed before the service acknowledged
        ("technical", "reported", "inform"),
        ("technical", "informed", "inform"),
        ("proposal", "raised", "accept"),  # answered before an owner is named
        ("proposal", "accepted", "tell"),  # residents told before it is done
        ("proposal", "owner_named", "complete"),
        ("milestone", "reached", "postpone"),
        ("agreement", "planned", "no_such_step"),
    ],
)
def test_transition__step_not_allowed__f002_names_possible_steps(kind, state, event):
    with pytest.raises(FollowupError) as caught:
        transition(kind, state, event)
    assert caught.value.codes == ["F002"]
    message = caught.value.problems[0].message("fr")
    assert "n'est pas possible" in message
    for allowed in events(kind, state):
        assert catalogue()[label_key("event", allowed, kind=kind)]["fr"] in message


def test_transition__refused_in_closed_state__says_none_possible():
    with pytest.raises(FollowupError) as caught:
        transition("referral", "taken_up", "accept")
    assert "aucune" in caught.value.problems[0].message("fr")
    assert "none" in caught.value.problems[0].message("en")


def test_transition__unknown_kind__f009():
    with pytest.raises(FollowupError) as caught:
        transition("contrat", "planned", "kept")
    assert caught.value.codes == ["F009"]


@pytest.mark.parametrize("kind", KINDS)
def test_states__every_state__reachable_from_initial(kind):
    reached, frontier = {INITIAL[kind]}, [INITIAL[kind]]
    while frontier:
        state = frontier.pop()
        for event in events(kind, state, include_cancel=True):
            target = transition(kind, state, event).target
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(STATES[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_terminal__no_step_left__and_open_states_can_be_cancelled(kind):
    for state in STATES[kind]:
        if state in TERMINAL[kind]:
            assert events(kind, state, include_cancel=True) == ()
            assert not is_open(kind, state)
        else:
            assert "cancel" in events(kind, state, include_cancel=True)
            assert "cancel" not in events(kind, state)


def test_labels__every_kind_state_event_and_task__in_french_and_english():
    texts = catalogue()
    missing = []
    for kind in KINDS:
        keys = [f"followup.kind.{kind}"]
        for state in STATES[kind]:
            keys.append(label_key("state", state, kind=kind if state != "cancelled" else "any"))
            if is_open(kind, state):
                keys.append(label_key("task", state, kind=kind))
        for step in TRANSITIONS:
            if step.kind == kind:
                keys.append(
                    label_key("event", step.event, kind=kind if step.event != "cancel" else "any")
                )
                keys += [f"followup.field.{f.name}" for f in step.fields]
        missing += [k for k in keys if set(texts.get(k, {})) != {"fr", "en"}]
    assert missing == []
