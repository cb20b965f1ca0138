"""The room's access rules: signed passes bound to one room, throttled code guessing."""

from __future__ import annotations

import pytest

from toolkit.apps.room.access import Denied, RoomPass, RoomPolicy, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle__limit_failures__then_refused_until_the_window_passes():
    clock = Clock()
    throttle = Throttle(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert throttle.wait("10.0.0.5") == 0
        throttle.failed("10.0.0.5")
    assert throttle.wait("10.0.0.5") == pytest.approx(60)
    assert throttle.wait("10.0.0.6") == 0
    clock.now += 30
    assert throttle.wait("10.0.0.5") == pytest.approx(30)
    clock.now += 30.01
    assert throttle.wait("10.0.0.5") == 0


def test_policy__pass__names_its_room_and_participant():
    policy = RoomPolicy(b"secret")
    token = policy.issue(RoomPass("ABC234", "p-1"))
    assert policy.participant(token) == RoomPass("ABC234", "p-1")
    assert policy.participant(token, "ABC234").participant_id == "p-1"


def test_policy__pass_of_another_room__refused_403():
    policy = RoomPolicy(b"secret")
    token = policy.issue(RoomPass("ABC234", "p-1"))
    with pytest.raises(Denied) as info:
        policy.participant(token, "XYZ789")
    assert info.value.status == 403


@pytest.mark.parametrize(
    "token",
    [None, "", "ABC234/p-1", "2|1:0|10:1|17:toolkit-room-pass|4:QUJD|deadbeef"],
)
def test_policy__missing_or_forged_pass__refused_401(token):
    with pytest.raises(Denied) as info:
        RoomPolicy(b"secret").participant(token)
    assert info.value.status == 401


def test_policy__pass_signed_by_another_server__refused():
    token = RoomPolicy(b"one").issue(RoomPass("ABC234", "p-1"))
    with pytest.raises(Denied):
        RoomPolicy(b"two").participant(token)


def test_policy__too_many_wrong_codes__429_with_minutes_to_wait():
    clock = Clock()
    policy = RoomPolicy(b"secret", Throttle(limit=2, window=300, clock=clock))
    policy.may_try_code("1.2.3.4")
    policy.code_failed("1.2.3.4")
    policy.code_failed("1.2.3.4")
    with pytest.raises(Denied) as info:
        policy.may_try_code("1.2.3.4")
    assert (info.value.status, info.value.key, info.value.params) == (
        429,
        "room.error.throttled",
        {"minutes": 5},
    )


def test_policy__trainer__needs_an_authenticated_user():
    policy = RoomPolicy(b"secret")
    policy.trainer(object())
    with pytest.raises(Denied) as info:
        policy.trainer(None)
    assert info.value.status == 403


def test_policy__empty_secret__refused():
    with pytest.raises(ValueError, match="secret"):
        RoomPolicy(b"")
