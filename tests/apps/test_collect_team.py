"""The collection app on a team server: the audit names the signed-in person, whatever the
page's widgets say, and only a coordinator corrects or voids."""

from __future__ import annotations

import pytest

from tests.apps.test_collect_app import _fill_barometre, _start, _views
from tests.helpers import html_msg, msg
from toolkit.apps.collect import CollectApp
from toolkit.collect import CollectSession, Journal
from toolkit.store import connect


def _team_app(monkeypatch, barometre, db, tmp_path, name, roles):
    monkeypatch.setenv("TOOLKIT_TEAM", "1")
    monkeypatch.setenv("HTTP_X_TOOLKIT_USER", name)
    monkeypatch.setenv("HTTP_X_TOOLKIT_ROLES", roles)
    session = CollectSession(barometre, url=db, journal=Journal(tmp_path / "journal.jsonl"))
    return CollectApp(barometre, session=session)


def _submitted(app):
    _start(app)
    app.collector.value = "quelqu'un d'autre"  # a browser can send any widget value
    _fill_barometre(app)
    app.submit.click()
    return app.form.response_id


def test_team__collector_field__the_signed_in_name_locked(monkeypatch, barometre, db, tmp_path):
    app = _team_app(monkeypatch, barometre, db, tmp_path, "awa", "collector")
    assert app.collector.value == "awa"
    assert app.collector.disabled
    assert app.responses_button.layout.display == "none"


def test_team__submit_with_a_forged_collector__audited_as_the_signed_in_person(
    monkeypatch, barometre, db, tmp_path
):
    app = _team_app(monkeypatch, barometre, db, tmp_path, "awa", "collector")
    response_id = _submitted(app)
    with connect(db) as store:
        assert store.get(response_id).collector == "awa"
        assert set(store.audit(response_id)["by"]) == {"awa"}


def test_team__collector_voids__refused_in_french_and_nothing_changes(
    monkeypatch, barometre, db, tmp_path
):
    app = _team_app(monkeypatch, barometre, db, tmp_path, "awa", "collector")
    response_id = _submitted(app)
    app.new_button.click()
    app.show_responses()
    app.response_list.value = response_id
    app.void_reason.value = "doublon"
    assert app.void() is False
    refused = html_msg("U009", name="awa", action=msg("team.action.void"))
    assert refused in app.list_message.value
    assert app.start_correction() is False
    with connect(db) as store:
        assert store.get(response_id).status == "submitted"


@pytest.mark.parametrize("action", ["void", "correct"])
def test_team__coordinator_corrects_or_voids__audited_under_their_name(
    monkeypatch, barometre, db, tmp_path, action
):
    response_id = _submitted(_team_app(monkeypatch, barometre, db, tmp_path, "awa", "collector"))
    app = _team_app(monkeypatch, barometre, db, tmp_path, "chloe", "coordinator")
    app.show_responses()
    app.response_list.value = response_id
    if action == "void":
        app.void_reason.value = "doublon"
        assert app.void() is True
    else:
        assert app.start_correction() is True
        while app.form.next():
            pass
        app.render_page()
        _views(app)["sexe"].input.value = "h"
        app.correction_reason.value = "erreur de saisie"
        app.submit.click()
    with connect(db) as store:
        audit = store.audit(response_id)
    assert set(audit["by"].iloc[:-1]) == {"awa"}
    assert audit["by"].iloc[-1] == "chloe"
    assert audit["action"].iloc[-1] == ("voided" if action == "void" else "corrected")
