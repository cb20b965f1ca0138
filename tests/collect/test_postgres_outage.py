"""The PostgreSQL database dies in the middle of a mediator's session: nothing is lost.

The shared test server keeps running. Only the test's own database (``postgres_url``) is made
unreachable, from an administration connection to the maintenance database: new connections
are refused (``ALLOW_CONNECTIONS false``) and the open ones, the app's pooled connection
included, are terminated. The database is reopened before the fixture drops it, even when
the test fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from toolkit.apps.collect import CollectApp
from toolkit.cli import main
from toolkit.collect import CollectSession, Form, FormState, Journal, short_reference
from toolkit.i18n import t
from toolkit.store import connect
from toolkit.store.engine import resolve_url
from toolkit.store.schema import responses

pytestmark = pytest.mark.postgres


class Outage:
    """Switches one database of the shared test server off and on again.

    Parameters
    ----------
    url
        The database (from ``postgres_url``).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = make_url(url).database
        self.admin: Engine = create_engine(
            resolve_url(os.environ["TOOLKIT_TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT"
        )
        self.down = False

    def kill(self) -> int:
        """Refuse new connections, terminate the open ones; return how many were terminated."""
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false'))
            self.down = True
            killed = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            ).all()
        return sum(1 for (done,) in killed if done)

    def restore(self) -> None:
        """Accept connections again."""
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true'))
        self.down = False

    def reachable(self) -> bool:
        """Whether a brand-new connection to the database is accepted."""
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(False)
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
        except psycopg.OperationalError:
            return False
        return True


@pytest.fixture
def outage(postgres_url: str) -> Iterator[Outage]:
    """The test database and the switch that kills it; reopened at teardown so it can be dropped."""
    switch = Outage(postgres_url)
    try:
        yield switch
    finally:
        try:
            if switch.down:
                switch.restore()
        finally:
            switch.admin.dispose()


def _stored(url: str) -> tuple[dict[str, str], list[str]]:
    """({response id: status} of every row (the id is the key), response ids of the frame)."""
    with connect(url) as store:
        with store.engine.connect() as connection:
            rows = connection.execute(select(responses.c.response_id, responses.c.status)).all()
        frame = list(store.frame("barometre_ambiance")["response_id"])
    return {row.response_id: row.status for row in rows}, frame


def _journal_drained(journal: Journal, response_ids: list[str]) -> None:
    """Nothing pending; each journaled submit of ``response_ids`` has its ``synced`` line."""
    assert journal.pending() == []
    synced = {r["entry"] for r in journal.records() if r["kind"] == "synced"}
    closed = synced | {r["entry"] for r in journal.records() if r["kind"] == "superseded"}
    submits = [e for e in journal.entries() if e.kind == "submit"]
    assert sorted(e.response_id for e in submits) == sorted(response_ids)
    assert all(e.entry in synced for e in submits)
    assert all(e.entry in closed for e in journal.entries())
    assert journal.rejected() == []


# ---------------------------------------------------------------------- the field app


def _views(app: CollectApp) -> dict:
    out = {}
    for view in app.views:
        out[view.question.name] = view
        for row in getattr(view, "rows", []):
            out[row.question.name] = row
    return out


def _start(app: CollectApp) -> None:
    app.collector.value = "med07"
    app.team.value = "binôme nord"
    app.sector.value = "gare"
    app.consent.value = True
    app.begin.click()
    assert app.screen == "form"


def _first_pages(app: CollectApp) -> None:
    """The welcome page and the living-conditions page (with the noise branch)."""
    app.next.click()
    views = _views(app)
    views["quartier_agreable"].input.value = "3"
    views["problemes"].checkboxes["bruit"].value = True
    views["gene_bruit"].input.value = "4"
    app.next.click()
    assert app.form.page.name != "cadre_de_vie"


def _last_pages(app: CollectApp, sexe: str) -> None:
    views = _views(app)
    views["insecurite_domicile"].input.value = "1"
    views["insecurite_quartier"].input.value = "2"
    views["evolution"].input.value = "amelioree"
    app.next.click()
    app.next.click()
    views = _views(app)
    views["sexe"].input.value = sexe
    views["tranche_age"].input.value = "40_59"
    assert app.form.is_last_page


def test_app__database_killed_mid_session__journaled_then_replayed_once(
    barometre, outage, tmp_path, capsys
):
    journal = Journal(tmp_path / "journal.jsonl")
    app = CollectApp(barometre, session=CollectSession(barometre, url=outage.url, journal=journal))
    assert "Base de données connectée" in app.status.value

    # First respondent: the draft reaches the database, then the database dies.
    _start(app)
    _first_pages(app)
    app.save.click()
    assert "Brouillon enregistré" in app.message.value
    first = app.form.response_id
    assert _stored(outage.url) == ({first: "draft"}, [])
    assert outage.kill() >= 1  # the app's pooled connection was among those terminated
    assert not outage.reachable()

    _last_pages(app, "f")
    app.save.click()
    assert "brouillon gardé dans le journal local" in app.message.value
    app.submit.click()
    assert app.screen == "end"
    assert app.form.state is FormState.FAILED
    assert "gardé en sécurité dans le journal local (1 en attente)" in app.end_message.value
    reference = short_reference(app.instrument.id, first, app.form.metadata.started_at)
    assert reference in app.end_message.value
    assert first not in app.end_message.value  # the UUID stays inside
    assert "injoignable" in app.status.value
    app.submit.click()  # a double tap journals nothing more
    assert [r["response_id"] for r in journal.records() if r["kind"] == "submit"] == [first]

    # Second respondent, from start to submit while the database is still down.
    app.new_button.click()
    assert app.screen == "start"
    assert "injoignable" in app.status.value
    assert "(1 en attente)" in app.status.value
    _start(app)
    _first_pages(app)
    _last_pages(app, "h")
    app.submit.click()
    second = app.form.response_id
    assert app.form.state is FormState.FAILED
    assert "(2 en attente)" in app.end_message.value
    assert [e.response_id for e in app.session.pending()] == [first, second]

    # The database comes back: the same app, without a restart, sends the journal.
    outage.restore()
    app.sync_button.click()
    assert t("collect.status.synced", "fr", count=2) in app.start_message.value
    assert "Base de données connectée" in app.status.value
    statuses, frame = _stored(outage.url)
    assert statuses == {first: "submitted", second: "submitted"}
    assert sorted(frame) == sorted([first, second])
    _journal_drained(journal, [first, second])
    submitted = _answers(outage.url, [first, second])
    assert submitted == {first: ("f", "gare", "med07"), second: ("h", "gare", "med07")}

    # Replaying again (the app, then ``toolkit sync``) adds nothing.
    assert app.session.sync().sent == []
    assert main(["sync", "--db", outage.url, "--journal", str(journal.path)]) == 0
    assert "Rien à envoyer" in capsys.readouterr().out
    assert _stored(outage.url) == (statuses, frame)


def _answers(url: str, response_ids: list[str]) -> dict[str, tuple]:
    with connect(url) as store:
        rows = [store.get(rid) for rid in response_ids]
    return {r.response_id: (r.answers["sexe"], r.sector, r.collector) for r in rows}


# ---------------------------------------------------------------------- toolkit sync


def test_cli_sync__database_killed_mid_session__replayed_once_when_back(
    barometre, outage, tmp_path, complete_answers, capsys
):
    journal = Journal(tmp_path / "journal.jsonl")
    session = CollectSession(barometre, url=outage.url, journal=journal)
    before = Form(barometre, answers=complete_answers)
    assert session.submit(before).state is FormState.SUBMITTED
    form = Form(barometre, answers={"consentement": True, "secteur": "centre"})
    assert session.save_draft(form) is True

    assert outage.kill() >= 1
    for name, value in complete_answers.items():
        if name != "secteur":
            form.set(name, value)
    assert session.save_draft(form) is False  # journaled
    outcome = session.submit(form)
    assert (outcome.state, outcome.journaled) == (FormState.FAILED, True)
    other = Form(barometre, answers={**complete_answers, "sexe": "h", "secteur": "plateau"})
    assert session.submit(other).state is FormState.FAILED
    assert session.submit(other).journaled  # a retry adds nothing new
    assert not session.online
    assert [e.response_id for e in session.pending()] == [form.response_id, other.response_id]

    # ``toolkit sync`` while the database is still down keeps everything in the journal.
    assert main(["sync", "--db", outage.url, "--journal", str(journal.path)]) == 1
    assert "2 questionnaires restent dans le journal" in capsys.readouterr().err
    assert len(journal.pending()) == 2

    outage.restore()
    assert main(["sync", "--db", outage.url, "--journal", str(journal.path)]) == 0
    assert t("cli.sync.sent", "fr", count=2) in capsys.readouterr().out
    statuses, frame = _stored(outage.url)
    expected = sorted([before.response_id, form.response_id, other.response_id])
    assert sorted(statuses) == expected
    assert set(statuses.values()) == {"submitted"}
    assert sorted(frame) == expected
    _journal_drained(journal, [form.response_id, other.response_id])

    # A second sync, from the CLI and from the session that lived through the outage.
    assert main(["sync", "--db", outage.url, "--journal", str(journal.path)]) == 0
    assert "Rien à envoyer" in capsys.readouterr().out
    assert session.sync().sent == []
    assert session.check()
    assert session.online
    assert _stored(outage.url) == (statuses, frame)


def test_submit__database_restarted_between_submits__stored_without_journal(
    barometre, outage, tmp_path, complete_answers
):
    """The pooled connection died with the restart; the next submit must not be journaled."""
    session = CollectSession(barometre, url=outage.url, journal=Journal(tmp_path / "j.jsonl"))
    before = Form(barometre, answers=complete_answers)
    assert session.submit(before).state is FormState.SUBMITTED
    assert outage.kill() >= 1
    outage.restore()
    after = Form(barometre, answers={**complete_answers, "sexe": "h"})
    assert session.submit(after).state is FormState.SUBMITTED
    assert not session.journal.path.exists()
    assert sorted(_stored(outage.url)[1]) == sorted([before.response_id, after.response_id])


def test_app__database_back_mid_form__journaled_draft_does_not_overwrite_newer(
    barometre, outage, tmp_path
):
    """A draft journaled during the outage is older than the one saved once the database is
    back: replaying it must not bring the form back to its older state."""
    journal = Journal(tmp_path / "journal.jsonl")
    app = CollectApp(barometre, session=CollectSession(barometre, url=outage.url, journal=journal))
    _start(app)
    outage.kill()
    _first_pages(app)  # the page change journals a draft
    assert [e.kind for e in journal.pending()] == ["draft"]
    outage.restore()
    _last_pages(app, "f")
    app.previous.click()  # the page change saves the draft in the database
    response_id = app.form.response_id
    app.quit.click()  # the start screen replays the journal
    with connect(outage.url) as store:
        (draft,) = store.drafts(barometre.id)
    assert draft.response_id == response_id
    assert draft.answers["insecurite_domicile"] == "1"
    assert draft.answers["sexe"] == "f"
    assert journal.pending() == []


def test_drafts__database_back_before_sync__newest_state_listed(
    barometre, outage, tmp_path, complete_answers
):
    session = CollectSession(barometre, url=outage.url, journal=Journal(tmp_path / "j.jsonl"))
    draft = Form(barometre, answers={"consentement": True, "secteur": "gare"})
    assert session.save_draft(draft) is True
    submitted = Form(barometre, answers={"consentement": True, "secteur": "centre"})
    assert session.save_draft(submitted) is True
    outage.kill()
    draft.set("quartier_agreable", "2")
    assert session.save_draft(draft) is False
    for name, value in complete_answers.items():
        submitted.set(name, value)
    assert session.submit(submitted).journaled
    outage.restore()
    listed = session.drafts()
    assert [f.response_id for f in listed] == [draft.response_id]
    assert listed[0].answers["quartier_agreable"] == "2"


def test_session__opened_while_database_down__recovers_without_restart(
    barometre, outage, tmp_path, complete_answers
):
    outage.kill()
    journal = Journal(tmp_path / "journal.jsonl")
    app = CollectApp(barometre, session=CollectSession(barometre, url=outage.url, journal=journal))
    assert "injoignable" in app.status.value
    form = Form(barometre, answers=complete_answers)
    assert app.session.submit(form).state is FormState.FAILED

    outage.restore()
    app.new_button.click()  # back to the start screen: the app checks the database again
    assert "Base de données connectée" in app.status.value
    assert app.session.pending() == []
    assert _stored(outage.url) == ({form.response_id: "submitted"}, [form.response_id])
    _journal_drained(journal, [form.response_id])
