"""The register on the store: items opened from parent records, steps, history, corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.followup import FollowupError
from toolkit.followup.labels import SYSTEM

D = dt.date
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _first_item(register):
    """Bring the register up to date and return its first item."""
    register.sync()
    return register.items()[0]


def _correct(store, parent, *, reason, by="A", **changes):
    """Correct the parent record: its stored answers with ``changes``."""
    store.correct(parent, dict(store.get(parent).answers) | changes, by=by, reason=reason)


def _spy(read, method):
    """``method`` that also notes which instrument it was asked for."""

    def spy(instrument_id, *args, **kwargs):
        read.append(instrument_id)
        return method(instrument_id, *args, **kwargs)

    return spy


def test_sync__records_that_call_for_follow_up__one_item_each(parents, register):
    agreement = parents.intervention("2026-03-02", outcome="R-ACC")
    parents.intervention("2026-03-03", mode="M-TR", outcome="R-APAIS")  # nothing to follow
    referral = parents.referral("2026-03-04")
    walk = parents.walk("2026-03-05", [("T-ECL", "voirie"), ("T-ASC", "bailleur")])
    meeting = parents.meeting("2026-03-06", [{"proposition": "Des bancs", "theme": "cadre_vie"}])
    project = parents.project("2026-03-09", [("Salle réservée", "2026-04-01")])
    report = register.sync()
    assert len(report.created) == 6
    items = {(i.parent_id, i.parent_index): i for i in register.items()}
    assert {k for k, _ in items} == {agreement, referral, walk, meeting, project}
    assert items[(agreement, 0)].kind == "agreement"
    assert items[(agreement, 0)].category == "CF-BRUIT"
    assert items[(agreement, 0)].due_date == D(2026, 4, 1)
    assert items[(referral, 0)].due_date == D(2026, 3, 18)  # 10 working days
    assert items[(walk, 1)].category == "T-ASC"
    assert items[(walk, 1)].summary == "Point 1 — Constat"
    assert items[(meeting, 0)].state == "raised"
    assert items[(project, 0)].due_date == D(2026, 4, 1)
    assert all(i.collector == "Amina B." and i.team == "Équipe Centre" for i in items.values())
    assert register.sync().created == ()


def test_sync__referral_without_consent__no_item(parents, register, store):
    store.submit("orientation_partenaire", {"consentement": False})  # refused: nothing else noted
    assert register.sync().created == ()


def test_sync__owner_named_at_the_meeting__item_starts_with_its_owner(parents, register):
    parents.meeting(
        "2026-03-06",
        [
            {"proposition": "Repeindre le hall", "theme": "cadre_vie", "porteur": "bailleur"},
            {
                "proposition": "Un passage piéton",
                "theme": "circulation",
                "porteur": "autre",
                "porteur_precision": "Département",
            },
        ],
    )
    register.sync()
    items = sorted(register.items(), key=lambda i: i.parent_index)
    assert [i.state for i in items] == ["owner_named", "owner_named"]
    assert [i.data["owner"] for i in items] == ["Bailleur", "Département"]
    assert [e.event for e in register.history(items[0].item_id)] == ["create", "name_owner"]


def test_apply__each_step__timestamped_attributed_and_kept_in_history(parents, register):
    parents.referral("2026-03-04", appointment="2026-03-12")
    item = _first_item(register)
    moment = dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.UTC)
    item = register.apply(
        item.item_id,
        "accept",
        by="Yanis K.",
        expected_version=item.version,
        date="2026-03-06",
        now=moment,
    )
    assert (item.state, item.due_date) == (
        "accepted",
        D(2026, 3, 16),
    )  # appointment + 2 working days
    item = register.apply(
        item.item_id,
        "confirm",
        by="Yanis K.",
        expected_version=item.version,
        date="2026-03-13",
        partner="CPAM",
        confirmed_by="person",
    )
    assert item.state == "taken_up"
    assert item.due_date is None
    assert item.closed_at is not None
    history = register.history(item.item_id)
    assert [(e.event, e.from_state, e.to_state, e.version) for e in history] == [
        ("create", None, "proposed", 1),
        ("accept", "proposed", "accepted", 2),
        ("confirm", "accepted", "taken_up", 3),
    ]
    assert history[1].at == moment
    assert history[1].by == "Yanis K."
    assert history[2].details["partner"] == "CPAM"
    assert history[2].details["date"] == "2026-03-13"
    assert history[0].by == "Amina B."


def test_apply__refused_step__nothing_written(parents, register):
    parents.walk("2026-03-05", [("T-ECL", "voirie")])
    item = _first_item(register)
    with pytest.raises(FollowupError) as caught:
        register.apply(item.item_id, "resolve", by="Léa R.", expected_version=item.version)
    assert caught.value.codes == ["F002"]
    assert register.item(item.item_id) == item
    assert len(register.history(item.item_id)) == 1


@pytest.mark.parametrize(
    ("event", "fields", "codes"),
    [
        ("not_taken_up", {}, ["F003"]),
        ("not_taken_up", {"reason": "fatigue"}, ["F004"]),
        ("not_taken_up", {"reason": "other"}, ["F003"]),  # "other" needs its detail
        ("accept", {"partner": "CCAS"}, ["F013"]),
    ],
)
def test_apply__bad_fields__coded_problems(parents, register, event, fields, codes):
    parents.referral("2026-03-04")
    item = _first_item(register)
    with pytest.raises(FollowupError) as caught:
        register.apply(item.item_id, event, by="Léa R.", expected_version=item.version, **fields)
    assert caught.value.codes == codes


@pytest.fixture
def meeting_item(parents, register):
    """The item of a meeting's proposal, its owner (the town) named on 6 March 2026."""
    parents.meeting(
        "2026-03-06", [{"proposition": "Des bancs", "theme": "cadre_vie", "porteur": "ville"}]
    )
    return _first_item(register)


@pytest.mark.parametrize(
    ("date", "answer_due", "codes"),
    [
        ("2026-03-01", "2026-05-01", ["F006"]),  # before the meeting
        (FUTURE, FUTURE, ["F011"]),
        ("2026-03-20", "2026-03-10", ["F012"]),  # answer due before the step
        ("20/03/2026", "2026-04-10", ["F005"]),
    ],
    ids=["before_parent", "future", "answer_due_past", "not_iso"],
)
def test_apply__bad_dates__coded_problem(register, meeting_item, date, answer_due, codes):
    with pytest.raises(FollowupError) as caught:
        register.apply(
            meeting_item.item_id,
            "accept",
            by="A",
            expected_version=meeting_item.version,
            date=date,
            answer_due=answer_due,
        )
    assert caught.value.codes == codes


def test_apply__dates_in_order__answer_due_becomes_the_due_date(register, meeting_item):
    item = register.apply(
        meeting_item.item_id,
        "accept",
        by="A",
        expected_version=meeting_item.version,
        date="2026-03-20",
        answer_due="2026-04-10",
    )
    assert item.due_date == D(2026, 4, 10)


@pytest.mark.parametrize("by", ["", "   ", None])
def test_apply__nobody_named__f007(parents, register, by):
    parents.intervention("2026-03-02")
    item = _first_item(register)
    with pytest.raises(FollowupError) as caught:
        register.apply(item.item_id, "kept", by=by, expected_version=item.version)
    assert caught.value.codes == ["F007"]


def test_item__unknown_id__f001(register):
    with pytest.raises(FollowupError) as caught:
        register.item("00000000-0000-4000-8000-000000000000")
    assert caught.value.codes == ["F001"]


def test_sync__parent_date_corrected__due_recomputed_and_said_in_history(parents, register, store):
    parent = parents.intervention("2026-03-02")
    item = _first_item(register)
    assert item.due_date == D(2026, 4, 1)
    _correct(store, parent, by="Claire D.", reason="mauvaise date", date_intervention="2026-02-23")
    assert register.sync().updated == (item.item_id,)
    moved = register.item(item.item_id)
    assert moved.parent_date == D(2026, 2, 23)
    assert moved.due_date == D(2026, 3, 25)
    last = register.history(item.item_id)[-1]
    assert last.event == "parent_corrected"
    assert last.by == SYSTEM
    assert last.details["changed"]["parent_date"] == ["2026-03-02", "2026-02-23"]
    assert last.details["due_date"] == ["2026-04-01", "2026-03-25"]
    assert last.details["corrected_by"] == "Claire D."
    assert register.sync().updated == ()


def test_sync__correction_after_first_check__ninety_day_due_follows(parents, register, store):
    parent = parents.intervention("2026-03-02")
    item = _first_item(register)
    item = register.apply(
        item.item_id, "kept", by="A", expected_version=item.version, date="2026-04-01"
    )
    assert item.due_date == D(2026, 6, 1)
    _correct(store, parent, reason="date", date_intervention="2026-03-09", date_suivi="2026-04-08")
    register.sync()
    assert register.item(item.item_id).due_date == D(
        2026, 6, 8
    )  # 9 March + 90 days = 7 June, a Sunday


def test_sync__appointment_corrected__take_up_check_moves(parents, register, store):
    parent = parents.referral("2026-03-04", appointment="2026-03-12")
    item = _first_item(register)
    item = register.apply(
        item.item_id, "accept", by="A", expected_version=item.version, date="2026-03-05"
    )
    assert item.due_date == D(2026, 3, 16)
    _correct(store, parent, reason="rdv déplacé", date_rdv="2026-03-19")
    register.sync()
    assert register.item(item.item_id).due_date == D(2026, 3, 23)


def test_sync__parent_voided__open_item_cancelled(parents, register, store):
    parent = parents.intervention("2026-03-02")
    item = _first_item(register)
    store.void(parent, reason="doublon", by="Claire D.")
    assert register.sync().cancelled == (item.item_id,)
    gone = register.item(item.item_id)
    assert gone.state == "cancelled"
    assert gone.closed_at is not None
    assert gone.due_date is None
    assert register.history(item.item_id)[-1].details == {"reason": "parent_voided"}


def test_sync__agreement_corrected_into_a_refusal__item_cancelled(parents, register, store):
    parent = parents.intervention("2026-03-02")
    register.sync()
    answers = dict(store.get(parent).answers) | {"resultat": "R-REFUS"}
    answers.pop("texte_accord")
    store.correct(parent, answers, by="A", reason="erreur")
    report = register.sync()
    assert len(report.cancelled) == 1
    assert register.history(report.cancelled[0])[-1].details == {"reason": "parent_changed"}


def test_assign__another_mediator__kept_in_history(parents, register):
    parents.intervention("2026-03-02")
    item = _first_item(register)
    moved = register.assign(
        item.item_id,
        collector="Karim S.",
        team="Équipe Sud",
        by="Nadia F.",
        expected_version=item.version,
    )
    assert (moved.collector, moved.team, moved.state) == ("Karim S.", "Équipe Sud", "planned")
    last = register.history(item.item_id)[-1]
    assert last.event == "assign"
    assert last.details["collector"] == ["Amina B.", "Karim S."]
    assert register.items(collector="Karim S.") == [moved]


def test_sync__nothing_new__reads_no_parent_record(parents, register, store, monkeypatch):
    parents.intervention("2026-03-02")
    parents.referral("2026-03-04")
    register.sync()
    read: list[str] = []
    monkeypatch.setattr(store, "frame", _spy(read, store.frame))
    monkeypatch.setattr(store, "repeat_frame", _spy(read, store.repeat_frame))
    assert register.sync() == type(register.sync())()
    assert read == []
    parents.intervention("2026-03-05")
    assert len(register.sync().created) == 1
    assert set(read) == {"intervention_mediation"}


def test_sync__conflict_while_following_a_parent__followed_at_the_next_sync(
    parents, register, store, monkeypatch
):
    parent = parents.intervention("2026-03-02")
    item = _first_item(register)
    _correct(store, parent, by="Amina B.", reason="date", date_intervention="2026-02-23")
    monkeypatch.setattr(register, "_follow_parent", lambda *_: False)  # someone acted meanwhile
    assert register.sync().updated == ()
    monkeypatch.undo()
    assert register.sync().updated == (item.item_id,)
    assert register.item(item.item_id).parent_date == D(2026, 2, 23)


def test_erase__followed_response__its_items_and_their_history_go_with_it(parents, register, store):
    erased = parents.referral("2026-03-04", appointment="2026-03-12")
    kept = parents.walk("2026-03-05", [("T-ECL", "voirie")])
    register.sync()
    item = next(i for i in register.items() if i.parent_id == erased)
    register.apply(
        item.item_id, "accept", by="Yanis K.", expected_version=item.version, date="2026-03-06"
    )
    assert store.erase([erased], by="DPO", reason="demande de la personne") == 1
    assert [i.parent_id for i in register.items()] == [kept]
    assert {entry.item_id for entry in register.history()} == {i.item_id for i in register.items()}
    # The voided shell calls for no follow-up: the next synchronisation opens nothing again.
    assert register.sync().created == ()
    # Erasing it again finds nothing left to erase.
    assert store.erase([erased], by="DPO") == 0
