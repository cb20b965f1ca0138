"""The demo registers: realistic, reproducible, with overdue items and a corrected record."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from toolkit.demo.followup import FOLLOWED, MEDIATORS, fill_followup_demo
from toolkit.followup import Register
from toolkit.store import connect

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = connect(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'toolkit.sqlite'}")
    summary = fill_followup_demo(store, today=TODAY, weeks=12)
    yield store, summary
    store.close()


def test_demo__every_followed_instrument__records_and_items(demo):
    store, summary = demo
    assert set(FOLLOWED) <= set(summary)
    register = Register(store)
    kinds = Counter(i.kind for i in register.items())
    assert set(kinds) == {"agreement", "referral", "technical", "proposal", "milestone"}
    assert summary["items"] == len(register.items())


def test_demo__items_held_by_the_demo_teams_some_overdue_most_closed(demo):
    store, _ = demo
    items = Register(store).items()
    names = {n for team in MEDIATORS.values() for n in team}
    assert {i.collector for i in items} <= names
    open_items = [i for i in items if i.closed_at is None]
    overdue = [i for i in open_items if i.due_date and i.due_date < TODAY]
    assert 0 < len(overdue) < len(open_items) < len(items)


def test_demo__steps_dated_after_their_record_and_never_after_today(demo):
    store, _ = demo
    register = Register(store)
    parents = {i.item_id: i.parent_date for i in register.items()}
    for entry in register.history():
        if "date" in entry.details:
            day = dt.date.fromisoformat(entry.details["date"])
            assert parents[entry.item_id] <= day <= TODAY


def test_demo__a_corrected_record__said_in_the_history(demo):
    store, _ = demo
    events = Counter(e.event for e in Register(store).history())
    assert events["parent_corrected"] >= 1
    assert events["create"] == len(Register(store).items())


def test_demo__same_seed__same_registers(tmp_path):
    def states(name):
        store = connect(f"sqlite:///{tmp_path / name}")
        fill_followup_demo(store, today=TODAY, weeks=3, seed=4)
        found = sorted(
            (i.kind, i.state, i.parent_date, i.due_date) for i in Register(store).items()
        )
        store.close()
        return found

    assert states("a.sqlite") == states("b.sqlite")
