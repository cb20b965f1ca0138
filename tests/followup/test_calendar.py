"""Due dates: calendar and working days, month ends, French public holidays, Europe/Paris."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.followup import Offset, Schedule, WorkingCalendar, today
from toolkit.followup.agenda import bucket
from toolkit.followup.calendar import local_date

D = dt.date
CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "offset", "due"),
    [
        (D(2026, 1, 31), Offset(30), D(2026, 3, 2)),  # across February (28 days)
        (D(2028, 1, 31), Offset(30), D(2028, 3, 1)),  # leap year: 1 March 2028 is a Wednesday
        (D(2026, 3, 2), Offset(90), D(2026, 6, 1)),  # Sunday 31 May → Monday
        (D(2026, 6, 30), Offset(1), D(2026, 7, 1)),  # month end
        (D(2026, 12, 31), Offset(1), D(2027, 1, 4)),  # New Year's Day and the weekend
        (D(2026, 4, 5), Offset(0), D(2026, 4, 7)),  # Easter Sunday, then Easter Monday
        (D(2026, 7, 13), Offset(1), D(2026, 7, 15)),  # 14 July
        (D(2026, 11, 10), Offset(1), D(2026, 11, 12)),  # 11 November
        (D(2026, 12, 24), Offset(1), D(2026, 12, 28)),  # Christmas then the weekend
    ],
)
def test_add__calendar_days__lands_on_next_working_day(start, offset, due):
    assert CAL.add(start, offset) == due


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 1, 30), 1, D(2026, 2, 2)),  # Friday, month end → Monday
        (D(2026, 4, 30), 1, D(2026, 5, 4)),  # 1 May and the weekend
        (D(2026, 4, 30), 5, D(2026, 5, 11)),  # 1 May and 8 May (both Fridays)
        (D(2026, 5, 13), 1, D(2026, 5, 15)),  # Ascension Thursday
        (D(2026, 5, 22), 1, D(2026, 5, 26)),  # Whit Monday
        (D(2026, 2, 27), 2, D(2026, 3, 3)),  # across February's end
        (D(2026, 12, 23), 3, D(2026, 12, 29)),  # Christmas
        (D(2026, 5, 2), 0, D(2026, 5, 4)),  # a Saturday, no delay: the next working day
        (D(2026, 5, 5), 0, D(2026, 5, 5)),
    ],
)
def test_add__working_days__skip_weekends_and_public_holidays(start, days, due):
    assert CAL.add(start, Offset(days, working=True)) == due


def test_add__alsace_moselle__good_friday_and_st_stephen_are_off():
    alsace = WorkingCalendar(subdiv="57")
    assert CAL.add(D(2026, 4, 2), Offset(1, working=True)) == D(2026, 4, 3)
    assert alsace.add(D(2026, 4, 2), Offset(1, working=True)) == D(2026, 4, 7)
    assert alsace.add(D(2026, 12, 24), Offset(1, working=True)) == D(2026, 12, 28)


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_offset__not_a_non_negative_integer__refused(days):
    with pytest.raises(ValueError, match="non-negative integer"):
        Offset(days)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # Spring: clocks go forward at 01:00 UTC on 29 March 2026 (CET → CEST).
        (dt.datetime(2026, 3, 28, 22, 59, tzinfo=dt.UTC), D(2026, 3, 28)),  # 23:59 CET
        (dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC), D(2026, 3, 29)),  # 00:30 CET
        (dt.datetime(2026, 3, 29, 21, 59, tzinfo=dt.UTC), D(2026, 3, 29)),  # 23:59 CEST
        (dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC), D(2026, 3, 30)),  # 00:30 CEST
        # Autumn: clocks go back at 01:00 UTC on 25 October 2026 (CEST → CET).
        (dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC), D(2026, 10, 25)),  # 00:30 CEST
        (dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.UTC), D(2026, 10, 25)),  # 23:30 CET
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC), D(2026, 10, 26)),  # 00:30 CET
    ],
)
def test_today__around_daylight_saving_changes__is_the_paris_date(moment, day):
    assert today(moment) == day


def test_local_date__naive_moment__taken_as_utc():
    assert local_date(dt.datetime(2026, 7, 1, 22, 30)) == D(2026, 7, 2)


def test_bucket__just_after_midnight_in_paris__yesterdays_due_is_overdue():
    due = D(2026, 3, 29)
    # 22:30 UTC on 29 March is already 30 March in Paris (summer time began that night).
    assert bucket(due, today(dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC))) == "overdue"
    # A UTC calendar would still say "today".
    assert bucket(due, dt.datetime(2026, 3, 29, 22, 30).date()) == "today"


def test_schedule__step_recorded_after_midnight_paris__counts_from_the_paris_date():
    schedule = Schedule()
    recorded = dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)  # Sunday 25 Oct, 00:30 CEST
    entered = today(recorded)
    due = schedule.due(
        "technical", "acknowledged", parent_date=D(2026, 10, 1), entered_on=entered, data={}
    )
    # 20 working days after Sunday 25 October, 11 November (a Wednesday) off.
    assert entered == D(2026, 10, 25)
    assert due == D(2026, 11, 23)


@pytest.mark.parametrize(
    ("state", "data", "entered", "due"),
    [
        (
            "accepted",
            {"appointment": "2026-05-12"},
            D(2026, 5, 4),
            D(2026, 5, 15),
        ),  # +2 wd, 14 May off
        # Appointment already past at acceptance: 15 working days, with 8, 14 and 25 May off.
        ("accepted", {"appointment": "2026-05-01"}, D(2026, 5, 4), D(2026, 5, 28)),
        ("accepted", {}, D(2026, 5, 4), D(2026, 5, 28)),
    ],
)
def test_schedule__referral_accepted__appointment_else_fifteen_working_days(
    state, data, entered, due
):
    assert (
        Schedule().due("referral", state, parent_date=D(2026, 4, 28), entered_on=entered, data=data)
        == due
    )


def test_schedule__milestone__its_date_then_the_postponed_one():
    schedule = Schedule()
    parent = D(2026, 6, 6)  # a Saturday
    assert schedule.due(
        "milestone", "planned", parent_date=parent, entered_on=parent, data={}
    ) == D(2026, 6, 8)
    later = {"postponed_to": "2026-07-01"}
    assert schedule.due(
        "milestone", "planned", parent_date=parent, entered_on=D(2026, 6, 8), data=later
    ) == D(2026, 7, 1)


def test_schedule__closed_state__nothing_due():
    assert (
        Schedule().due(
            "agreement", "kept", parent_date=D(2026, 1, 5), entered_on=D(2026, 2, 4), data={}
        )
        is None
    )
