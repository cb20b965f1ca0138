"""Two people on the same item, a stale page, steps written offline: nobody overwrites anybody."""

from __future__ import annotations

import threading

import pytest

from toolkit.errors import Problem, StoreUnavailableError
from toolkit.followup import FollowupConflict, FollowupError, Register
from toolkit.followup.offline import PendingSteps, replay


def _agreement(parents, register):
    parents.intervention("2026-03-02")
    register.sync()
    return register.items()[0]


def test_apply__second_person_on_the_same_version__conflict_and_nothing_written(parents, register):
    item = _agreement(parents, register)
    seen = item.version  # both pages show version 1
    register.apply(item.item_id, "kept", by="Amina B.", expected_version=seen, date="2026-04-01")
    with pytest.raises(FollowupConflict) as caught:
        register.apply(
            item.item_id, "broken", by="Yanis K.", expected_version=seen, date="2026-04-02"
        )
    conflict = caught.value
    assert conflict.codes == ["F008"]
    assert conflict.current.state == "checked_30"
    assert [(c.by, c.event) for c in conflict.changes] == [("Amina B.", "kept")]
    assert conflict.attempted == ("broken", {})
    assert "Amina B." in conflict.problems[0].message("fr")
    assert [e.event for e in register.history(item.item_id)] == ["create", "kept"]
    # The second person chooses to record theirs on top: it becomes the 90-day check.
    final = register.apply(
        item.item_id,
        "broken",
        by="Yanis K.",
        expected_version=conflict.current.version,
        date="2026-04-02",
    )
    assert final.state == "broken"
    assert [e.by for e in register.history(item.item_id)] == ["Amina B.", "Amina B.", "Yanis K."]


def test_apply__my_step_no_longer_possible__conflict_then_refused_on_top(parents, register):
    item = _agreement(parents, register)
    register.apply(item.item_id, "broken", by="Amina B.", expected_version=item.version)
    with pytest.raises(FollowupConflict) as caught:
        register.apply(item.item_id, "kept", by="Yanis K.", expected_version=item.version)
    with pytest.raises(FollowupError) as refused:
        register.apply(
            item.item_id, "kept", by="Yanis K.", expected_version=caught.value.current.version
        )
    assert refused.value.codes == ["F002"]


def test_apply__stale_page_after_a_parent_correction__conflict_names_the_system(
    parents, register, store
):
    item = _agreement(parents, register)
    answers = dict(store.get(item.parent_id).answers) | {
        "date_intervention": "2026-02-27",
        "date_suivi": "2026-03-30",
    }
    store.correct(item.parent_id, answers, by="Claire D.", reason="date")
    register.sync()
    with pytest.raises(FollowupConflict) as caught:
        register.apply(item.item_id, "kept", by="Amina B.", expected_version=item.version)
    assert [c.event for c in caught.value.changes] == ["parent_corrected"]
    assert "automatique" in caught.value.problems[0].message("fr")


def test_apply__two_writers_at_the_same_instant__exactly_one_wins(parents, store):
    item = _agreement(parents, Register(store))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(name: str, event: str) -> None:
        register = Register(store)
        barrier.wait()
        try:
            register.apply(item.item_id, event, by=name, expected_version=item.version)
            outcomes.append("written")
        except FollowupConflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=write, args=args) for args in (("A", "kept"), ("B", "broken"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "written"]
    history = Register(store).history(item.item_id)
    assert [e.version for e in history] == [1, 2]


def test_assign__stale_version__conflict(parents, register):
    item = _agreement(parents, register)
    register.apply(item.item_id, "kept", by="Amina B.", expected_version=item.version)
    with pytest.raises(FollowupConflict):
        register.assign(
            item.item_id, collector="Karim S.", by="Nadia F.", expected_version=item.version
        )


# ------------------------------------------------------------------ offline


def test_replay__steps_kept_offline__applied_once_and_conflicts_kept_for_the_person(
    parents, register, tmp_path
):
    parents.intervention("2026-03-02")
    parents.intervention("2026-03-03", conflict="CF-REGR")
    register.sync()
    first, second = register.items()
    pending = PendingSteps(tmp_path / "followup.jsonl")
    pending.add(
        first.item_id, "kept", by="Amina B.", expected_version=first.version, date=first.parent_date
    )
    pending.add(
        second.item_id,
        "partly_kept",
        by="Amina B.",
        expected_version=second.version,
        date=second.parent_date,
    )
    # Meanwhile, at the office, someone else recorded the second check.
    register.apply(second.item_id, "broken", by="Yanis K.", expected_version=second.version)
    report = replay(register, pending)
    assert [s.item_id for s in report.applied] == [first.item_id]
    assert [s.item_id for s, _ in report.conflicts] == [second.item_id]
    assert register.item(first.item_id).state == "checked_30"
    assert register.item(second.item_id).state == "broken"  # not overwritten
    assert [s.item_id for s in pending.pending()] == [second.item_id]
    again = replay(register, pending)
    assert again.applied == ()
    assert len(again.conflicts) == 1
    pending.done(report.conflicts[0][0].entry)  # the person keeps Yanis's version
    assert pending.pending() == []


def test_replay__database_still_away__stops_and_keeps_everything(tmp_path):
    pending = PendingSteps(tmp_path / "followup.jsonl")
    import datetime as dt

    pending.add("a", "kept", by="A", expected_version=1, date=dt.date(2026, 3, 2))
    pending.add("b", "kept", by="A", expected_version=1, date=dt.date(2026, 3, 2))

    class Away:
        def apply(self, *args, **kwargs):
            raise StoreUnavailableError(problems=[Problem("S006", {"url": "x", "detail": "down"})])

    report = replay(Away(), pending)
    assert report.applied == ()
    assert len(report.waiting) == 2
    assert len(pending.pending()) == 2


def test_pending_steps__line_cut_by_a_crash__ignored(tmp_path):
    import datetime as dt

    path = tmp_path / "followup.jsonl"
    pending = PendingSteps(path)
    step = pending.add("a", "kept", by="A", expected_version=1, date=dt.date(2026, 3, 2), note="x")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "step", "entry": "b", "item_')
    assert pending.pending() == [step]


def test_sync__two_pages_open_at_once__each_record_followed_once(parents, store):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        parents.intervention(day)
    barrier = threading.Barrier(2)
    reports = []

    def open_page() -> None:
        register = Register(store)
        barrier.wait()
        reports.append(register.sync())

    threads = [threading.Thread(target=open_page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(len(r.created) for r in reports) == 3
    assert len(Register(store).items()) == 3
