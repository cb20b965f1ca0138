"""Sending responses: idempotent submit, the journal when the database cannot be reached."""

import json
import sqlite3

import pytest

from toolkit.collect import CollectSession, Form, FormState, Journal
from toolkit.store import connect


@pytest.fixture
def sqlite_url(tmp_path):
    # A short busy timeout: a locked database fails in half a second instead of ten.
    return f"sqlite:///{tmp_path / 'toolkit.sqlite'}?timeout=0.5"


@pytest.fixture
def session(barometre, sqlite_url, tmp_path):
    return CollectSession(barometre, url=sqlite_url, journal=Journal(tmp_path / "journal.jsonl"))


def _submitted(url):
    from toolkit.collect import find_instrument

    with connect(url) as store:
        store.register(find_instrument("barometre_ambiance"))
        return sorted(store.frame("barometre_ambiance")["response_id"])


def test_submit__valid__stored_once_even_twice(barometre, session, sqlite_url, complete_answers):
    form = Form(barometre, answers=complete_answers)
    first = session.submit(form)
    again = session.submit(form)
    assert first.state is FormState.SUBMITTED
    assert again.state is FormState.SUBMITTED
    assert _submitted(sqlite_url) == [form.response_id]


def test_submit__invalid__refused_with_problems(barometre, session, sqlite_url):
    form = Form(barometre, answers={"consentement": True})
    outcome = session.submit(form)
    assert outcome.state is FormState.DRAFT
    assert {p.code for p in outcome.problems} == {"A001"}
    assert _submitted(sqlite_url) == []


def test_submit__database_locked__journaled_then_synced_without_duplicates(
    barometre, session, sqlite_url, tmp_path, complete_answers
):
    """The database dies mid-session (an exclusive lock held by another process): nothing is lost."""
    before = Form(barometre, answers=complete_answers)
    assert session.submit(before).state is FormState.SUBMITTED
    blocker = sqlite3.connect(tmp_path / "toolkit.sqlite", timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        during = [Form(barometre, answers={**complete_answers, "sexe": s}) for s in ("f", "h")]
        outcomes = [session.submit(form) for form in during]
        assert [o.state for o in outcomes] == [FormState.FAILED, FormState.FAILED]
        assert all(o.journaled for o in outcomes)
        assert session.last_error is not None
        assert session.submit(during[0]).journaled  # a double tap adds nothing new
        assert len(session.pending()) == 2
    finally:
        blocker.rollback()
        blocker.close()
    report = session.sync()
    assert sorted(report.sent) == sorted(f.response_id for f in during)
    assert session.sync().sent == []
    assert _submitted(sqlite_url) == sorted([before.response_id, *(f.response_id for f in during)])


def test_submit__database_never_reachable__journaled(barometre, tmp_path, complete_answers):
    url = "postgresql://nobody@127.0.0.1:1/none"
    session = CollectSession(barometre, url=url, journal=Journal(tmp_path / "journal.jsonl"))
    form = Form(barometre, answers=complete_answers)
    outcome = session.submit(form)
    assert outcome.state is FormState.FAILED
    assert [e.response_id for e in session.pending()] == [form.response_id]


def test_save_draft__then_resume__same_answers(barometre, session):
    form = Form(barometre, answers={"consentement": True, "secteur": "centre"})
    assert session.save_draft(form) is True
    drafts = session.drafts()
    assert [d.response_id for d in drafts] == [form.response_id]
    assert drafts[0].answers["secteur"] == "centre"


def test_save_draft__database_locked__resumable_from_journal(barometre, session, tmp_path):
    form = Form(barometre, answers={"consentement": True, "secteur": "plateau"})
    session.store()
    blocker = sqlite3.connect(tmp_path / "toolkit.sqlite", timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert session.save_draft(form) is False
        drafts = session.drafts()
    finally:
        blocker.rollback()
        blocker.close()
    assert [d.response_id for d in drafts] == [form.response_id]


def test_save_draft__consent_refused__keeps_nothing(barometre, session):
    form = Form(barometre, answers={"consentement": False})
    assert session.save_draft(form) is False
    assert session.drafts() == []
    assert not session.journal.path.exists()


def test_correct__submitted__audit_keeps_old_value(
    barometre, session, sqlite_url, complete_answers
):
    form = Form(barometre, answers=complete_answers)
    session.submit(form)
    fixed = session.load(form.response_id)
    fixed.set("sexe", "h")
    assert (
        session.correct(fixed, by="med07", reason="erreur de saisie").state is FormState.SUBMITTED
    )
    with connect(sqlite_url) as store:
        audit = store.audit(form.response_id)
        assert store.get(form.response_id).answers["sexe"] == "h"
    corrected = audit[audit["action"] == "corrected"].iloc[0]
    assert corrected["old_answers"]["sexe"] == "f"
    assert corrected["by"] == "med07"


def test_void__with_reason__out_of_frame(barometre, session, sqlite_url, complete_answers):
    form = Form(barometre, answers=complete_answers)
    session.submit(form)
    session.void(form.response_id, reason="doublon", by="med07")
    assert _submitted(sqlite_url) == []


def test_drafts__instrument_sets_draft_days__expires_after_its_own_period(
    barometre, sqlite_url, tmp_path
):
    import dataclasses
    import datetime as dt

    weekly = dataclasses.replace(barometre, draft_days=7)
    session = CollectSession(weekly, url=sqlite_url, journal=Journal(tmp_path / "journal.jsonl"))
    assert session.draft_days == 7
    form = Form(weekly, answers={"consentement": True, "secteur": "centre"})
    assert session.save_draft(form) is True
    now = dt.datetime.now(dt.UTC)
    assert [d.response_id for d in session.drafts(now=now + dt.timedelta(days=6))] == [
        form.response_id
    ]
    assert session.drafts(now=now + dt.timedelta(days=8)) == []


def test_submit__database_unreachable_with_pii__journal_holds_no_clear_pii_and_replays_it(
    barometre, tmp_path, complete_answers
):
    # The journal and the store use the same key file (the suite's throwaway one).
    journal = Journal(tmp_path / "journal.jsonl")
    down = CollectSession(barometre, url="postgresql://nobody@127.0.0.1:1/none", journal=journal)
    answers = {**complete_answers, "participer_reunion": "oui", "contact_email": "awa@exemple.fr"}
    form = Form(barometre, answers=answers)
    assert down.submit(form).journaled
    raw = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert "awa@exemple.fr" not in raw
    assert "contact_email" not in json.loads(raw.splitlines()[0])["answers"]
    reread = Journal(tmp_path / "journal.jsonl")
    [entry] = reread.pending()
    assert entry.answers["contact_email"] == "awa@exemple.fr"
    url = f"sqlite:///{tmp_path / 'toolkit.sqlite'}"
    back = CollectSession(barometre, url=url, journal=reread)
    assert back.sync().sent == [form.response_id]
    with connect(url) as store:
        stored = store.get(form.response_id, include_pii=True)
    assert stored.answers["contact_email"] == "awa@exemple.fr"


def test_submit__database_unreachable_with_pii_and_no_key__p001_and_nothing_journaled(
    barometre, tmp_path, complete_answers
):
    from toolkit.errors import StoreError
    from toolkit.store.keyfile import PiiKey

    journal = Journal(tmp_path / "journal.jsonl", key=PiiKey(tmp_path / "absent.key"))
    down = CollectSession(barometre, url="postgresql://nobody@127.0.0.1:1/none", journal=journal)
    answers = {**complete_answers, "participer_reunion": "oui", "contact_email": "awa@exemple.fr"}
    with pytest.raises(StoreError) as info:
        down.submit(Form(barometre, answers=answers))
    assert [p.code for p in info.value.problems] == ["P001"]
    assert not (tmp_path / "journal.jsonl").exists()
