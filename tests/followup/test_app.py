"""The « Suivi » app driven from Python: overdue first, one tap, forms, conflicts, offline."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from tests.helpers import html_msg, msg, msg_pattern
from toolkit.apps.common.html import esc
from toolkit.apps.followup import FollowupApp, params_from_query
from toolkit.errors import Problem, StoreUnavailableError
from toolkit.followup import Register
from toolkit.followup.labels import label
from toolkit.followup.offline import PendingSteps

from .conftest import Parents

TODAY = dt.date(2026, 4, 3)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def register(sqlite_store, instruments):
    p = Parents(sqlite_store, instruments)
    p.intervention("2026-02-20", collector="Amina B.")  # due 23 March: 11 days late
    p.intervention("2026-03-02", collector="Amina B.", conflict="CF-REGR")  # due 1 April
    p.referral("2026-03-20", collector="Amina B.")  # due 3 April: today
    p.intervention("2026-03-02", collector="Léa R.", team="Équipe Sud", sector="bords_eau")
    return Register(sqlite_store)


@pytest.fixture
def app(register, tmp_path):
    return FollowupApp(
        register, collector="Amina B.", today=TODAY, pending=PendingSteps(tmp_path / "p.jsonl")
    )


def _cards(app, bucket):
    return [c for c in app.cards.values() if c.row["bucket"] == bucket]


def test_app__opens_on_overdue_then_today_for_the_collectors_team(app):
    assert app.team.value == "Équipe Centre"
    late = _cards(app, "overdue")
    assert [c.row["due_date"] for c in late] == [dt.date(2026, 3, 23), dt.date(2026, 4, 1)]
    assert html_msg("followup.app.late", days=11) in late[0].info.value
    assert [c.row["kind"] for c in _cards(app, "today")] == ["referral"]
    assert all(c.row["team"] == "Équipe Centre" for c in app.cards.values())
    titles = [w.value for w in app.body.children if "mt-section" in getattr(w, "value", "")]
    assert titles[0].find(html_msg("followup.app.section.overdue", count=2)) > 0
    assert "CF-BRUIT" not in "".join(c.info.value for c in app.cards.values())


def test_app__one_tap__records_the_outcome_and_the_card_leaves_the_list(app, register):
    card = _cards(app, "overdue")[0]
    item_id = card.row["item_id"]
    step = label("event", "kept", "fr", kind=card.row["kind"])
    title = " — ".join(x for x in (card.row["kind_label"], card.row["category_label"]) if x)
    card.buttons["kept"].click()
    assert register.item(item_id).state == "checked_30"
    assert register.history(item_id)[-1].by == "Amina B."
    assert item_id not in app.cards
    assert html_msg("followup.app.recorded", step=step, title=title) in app.notice.value


def test_app__no_name__inline_error_and_nothing_recorded(app, register):
    app.collector.value = ""
    card = _cards(app, "overdue")[0]
    card.buttons["kept"].click()
    assert html_msg("followup.app.name_required") in card.message.value
    assert register.item(card.row["item_id"]).state == "planned"


def test_app__step_with_a_reason__form_refuses_empty_then_records(app, register):
    card = _cards(app, "today")[0]
    card.buttons["not_taken_up"].click()
    assert "reason" in card.inputs
    card.save.click()
    required = html_msg(
        "F003",
        field_name=label("field", "reason", "fr"),
        event=label("event", "not_taken_up", "fr", kind=card.row["kind"]),
    )
    assert required in card.message.value
    card.inputs["reason"].value = "partner_no_capacity"
    card.save.click()
    assert register.item(card.row["item_id"]).state == "not_taken_up"


def test_app__referral_take_up_form__partner_prefilled_with_the_structure(app, register):
    card = _cards(app, "today")[0]
    item = register.apply(
        card.row["item_id"],
        "accept",
        by="A",
        expected_version=card.row["version"],
        date="2026-03-23",
    )
    app.fixed_today = item.due_date
    app.refresh()
    card = app.cards[item.item_id]
    card.buttons["confirm"].click()
    assert card.inputs["partner"].value == "CPAM"


def test_app__someone_else_changed_the_item__conflict_shown_with_both_choices(
    app, register, tmp_path
):
    other = FollowupApp(
        register, collector="Yanis K.", today=TODAY, pending=PendingSteps(tmp_path / "o.jsonl")
    )
    mine = _cards(app, "overdue")[0]
    theirs = other.cards[mine.row["item_id"]]
    theirs.buttons["kept"].click()
    mine.buttons["broken"].click()
    assert register.item(mine.row["item_id"]).state == "checked_30"  # not overwritten
    text = unescape(mine.conflict.children[0].value)
    kind = mine.row["kind"]
    change = msg_pattern(
        "followup.app.conflict_change",
        holes={"when": "[^<]+"},
        name="Yanis K.",
        step=label("event", "kept", "fr", kind=kind),
    )
    assert change.search(text), text
    assert msg("followup.app.conflict_title") in text
    buttons = {b.description: b for b in mine.conflict.children[1:]}
    assert set(buttons) == {msg("followup.app.keep_theirs"), msg("followup.app.record_mine")}
    buttons[msg("followup.app.record_mine")].click()
    assert register.item(mine.row["item_id"]).state == "broken"
    assert [e.by for e in register.history(mine.row["item_id"])][-2:] == ["Yanis K.", "Amina B."]


def test_app__database_away__step_kept_then_sent_when_it_answers(app, register, monkeypatch):
    card = _cards(app, "overdue")[0]
    real = Register.apply

    def away(self, *args, **kwargs):
        raise StoreUnavailableError(problems=[Problem("S006", {"url": "x", "detail": "down"})])

    monkeypatch.setattr(Register, "apply", away)
    card.buttons["kept"].click()
    assert html_msg("followup.app.kept_here") in card.message.value
    assert len(app.pending.pending()) == 1
    assert html_msg("followup.app.offline", count=1) in app.status.value
    monkeypatch.setattr(Register, "apply", real)
    app.retry.click()
    assert app.pending.pending() == []
    assert register.item(card.row["item_id"]).state == "checked_30"
    assert html_msg("followup.app.replayed", count=1) in app.notice.value


def test_app__english__labels_switch(app):
    app.lang_switch.value = "en"
    text = "".join(c.info.value for c in app.cards.values())
    assert html_msg("followup.app.late", "en", days=11) in text
    overdue = html_msg("followup.app.section.overdue", "en", count=2)
    assert overdue in "".join(getattr(w, "value", "") for w in app.body.children)
    cards = _cards(app, "overdue")
    assert {b.description for c in cards for b in c.buttons.values()} >= {
        label("event", event, "en", kind=c.row["kind"])
        for c in cards
        for event in ("kept", "broken")
    }


def test_app__digest_and_indicators_screens(app):
    app.view.value = "digest"
    assert "download=" in app.digest.value
    assert "Amina B." in app.digest.value
    app.view.value = "indicators"
    assert 'data-indicator="agreements_kept_30"' in app.indicators.value
    assert esc(msg("followup.level.realisation")) in app.indicators.value


def test_params_from_query__collector_team_sector_lang():
    assert params_from_query("?collector=Amina%20B.&team=%C3%89quipe+Nord&lang=en&x=1") == {
        "collector": "Amina B.",
        "team": "Équipe Nord",
        "lang": "en",
    }


def test_followup_app__import__leaves_scipy_and_matplotlib_unloaded():
    code = "import sys\nimport toolkit.apps.followup\nprint(*[m for m in ('scipy', 'matplotlib') if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.split() == []


def test_app__long_list__first_page_then_more_on_demand(
    sqlite_store, instruments, tmp_path, monkeypatch
):
    monkeypatch.setattr("toolkit.apps.followup.app.PAGE_SIZE", 3)
    p = Parents(sqlite_store, instruments)
    for day in range(1, 8):  # seven interventions, all overdue by 3 April
        p.intervention(f"2026-02-{day:02d}", collector="Amina B.")
    app = FollowupApp(
        Register(sqlite_store),
        collector="Amina B.",
        today=TODAY,
        pending=PendingSteps(tmp_path / "p.jsonl"),
    )
    box = next(w for w in app.body.children if "mt-list-overdue" in w._dom_classes)
    more = next(w for w in app.body.children if "mt-more-overdue" in w._dom_classes)
    assert len(box.children) == 3
    assert more.description == msg("followup.app.show_more", count=3, left=4)
    more.click()
    assert len(box.children) == 6
    assert more.description == msg("followup.app.show_more", count=1, left=1)
    more.click()
    assert len(box.children) == 7
    assert more.layout.display == "none"
    # The oldest due date comes first, and every card shown can be acted on.
    dues = [c.row["due_date"] for c in _cards(app, "overdue")]
    assert dues == sorted(dues)
    assert len(dues) == 7
