"""The collection app driven from Python: set ``.value``, call ``.click()``."""

import sqlite3
from pathlib import Path

import ipywidgets as widgets

from tests.helpers import html_msg, msg
from toolkit.apps.common.html import esc
from toolkit.collect import FormState
from toolkit.store import connect


def _views(app):
    out = {}
    for view in app.views:
        out[view.question.name] = view
        for row in getattr(view, "rows", []):
            out[row.question.name] = row
    return out


def _constraint_message(app, name):
    """The instrument's own message for a broken constraint (instrument text, escaped)."""
    return esc(app.instrument.question(name).constraint_message.get("fr"))


def _start(app, sector="gare"):
    app.collector.value = "med07"
    app.team.value = "binôme nord"
    app.sector.value = sector
    app.consent.value = True
    app.begin.click()


def _fill_barometre(app):
    """Answer every page like a mediator (with the noise branch), ending on the last page."""
    views = _views(app)
    assert views["secteur"].input.value == "gare"  # pre-filled from the start screen
    app.next.click()
    views = _views(app)
    views["quartier_agreable"].input.value = "3"
    views["problemes"].checkboxes["bruit"].value = True
    views["gene_bruit"].input.value = "4"
    app.next.click()
    views = _views(app)
    views["insecurite_domicile"].input.value = "1"
    views["insecurite_quartier"].input.value = "2"
    views["evolution"].input.value = "amelioree"
    app.next.click()
    app.next.click()
    views = _views(app)
    views["sexe"].input.value = "f"
    views["tranche_age"].input.value = "60_plus"


def test_start__no_consent__cannot_begin(app):
    app.collector.value = "med07"
    app.consent.value = False
    assert app.begin.disabled
    assert html_msg("collect.consent.refused") in app.consent_message.value
    assert app.start() is False
    assert app.screen == "start"


def test_start__no_collector__refused(app):
    app.consent.value = True
    app.begin.click()
    assert app.screen == "start"
    assert html_msg("collect.start.collector_required") in app.start_message.value


def test_next__required_missing__blocked_with_inline_message(app):
    _start(app, sector=None)
    app.next.click()
    assert app.form.page.name == "accueil"
    assert html_msg("A001") in _views(app)["secteur"].error.value
    assert app.next.disabled
    _views(app)["secteur"].input.value = "centre"
    assert not app.next.disabled
    app.next.click()
    assert app.form.page.name == "cadre_de_vie"


def test_skip_logic__question_appears_live(app):
    _start(app)
    app.next.click()
    views = _views(app)
    assert views["gene_bruit"].box.layout.display == "none"
    views["problemes"].checkboxes["bruit"].value = True
    assert views["gene_bruit"].box.layout.display is None
    assert "1" in views["nb_problemes"].input.value


def test_constraint__invalid_answer__blocks_next(app):
    _start(app)
    app.next.click()
    views = _views(app)
    views["quartier_agreable"].input.value = "2"
    views["problemes"].checkboxes["aucun"].value = True
    views["problemes"].checkboxes["bruit"].value = True
    app.next.click()
    assert app.form.page.name == "cadre_de_vie"
    assert _constraint_message(app, "problemes") in views["problemes"].error.value


def test_submit__end_to_end__row_in_database_and_new_resets(app, db):
    _start(app)
    _fill_barometre(app)
    assert app.submit.layout.display is None
    app.submit.click()
    assert app.screen == "end"
    assert html_msg("collect.end.submitted") in app.end_message.value
    response_id = app.form.response_id
    with connect(db) as store:
        row = store.get(response_id)
    assert row.status == "submitted"
    assert row.collector == "med07"
    assert row.sector == "gare"
    assert row.answers["gene_bruit"] == "4"
    app.new_button.click()
    assert app.screen == "start"
    assert app.consent.value is None
    assert app.collector.value == "med07"
    assert app.form.response_id != response_id
    assert app.form.answers == {}


def test_submit__database_locked__screen_says_journaled(app, tmp_path):
    _start(app)
    _fill_barometre(app)
    blocker = sqlite3.connect(tmp_path / "toolkit.sqlite", timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        app.submit.click()
    finally:
        blocker.rollback()
        blocker.close()
    assert app.form.state is FormState.FAILED
    assert html_msg("collect.end.journaled", pending=1) in app.end_message.value
    assert html_msg("collect.status.offline", pending=1) in app.status.value
    app.new_button.click()
    assert html_msg("collect.status.online") in app.status.value
    assert app.session.pending() == []


def test_drafts__resume_from_list(app):
    _start(app)
    _views(app)["secteur"].input.value = "plateau"
    app.save.click()
    first_id = app.form.response_id
    app.reset()  # the tablet is handed to the next respondent; the draft stays
    app.drafts_button.click()
    assert app.screen == "drafts"
    assert [v for _, v in app.draft_list.options] == [first_id]
    app.draft_list.value = first_id
    app.resume_button.click()
    assert app.screen == "form"
    assert _views(app)["secteur"].input.value == "plateau"


def test_correct_and_void__from_responses_screen(app, db):
    _start(app)
    _fill_barometre(app)
    app.submit.click()
    response_id = app.form.response_id
    app.new_button.click()
    app.responses_button.click()
    app.response_list.value = response_id
    app.correct_button.click()
    assert app.mode == "correct"
    while app.form.next():
        pass
    app.render_page()
    _views(app)["sexe"].input.value = "h"
    app.correction_reason.value = "erreur de saisie"
    app.submit.click()
    assert html_msg("collect.end.corrected") in app.end_message.value
    app.new_button.click()
    app.responses_button.click()
    app.response_list.value = response_id
    app.void_button.click()
    assert html_msg("collect.responses.reason_required") in app.list_message.value
    app.void_reason.value = "doublon"
    app.response_list.value = response_id
    app.void_button.click()
    with connect(db) as store:
        assert store.get(response_id).status == "voided"
        assert list(store.audit(response_id)["action"])[-2:] == ["corrected", "voided"]


def test_language_switch__labels_in_english(app):
    _start(app)
    app.lang_switch.value = "en"
    assert app.next.description == msg("collect.nav.next", "en")
    assert "Sector where the person lives" in _views(app)["secteur"].label.value
    app.lang_switch.value = "fr"
    assert app.next.description == msg("collect.nav.next")


def test_labels__instrument_strings_escaped(barometre, db, tmp_path):
    from toolkit.apps.collect import CollectApp
    from toolkit.collect import CollectSession, Journal
    from toolkit.i18n import Text

    hostile = barometre.replace(title=Text.of({"fr": "<script>alert(1)</script>", "en": "x"}))
    session = CollectSession(hostile, url=db, journal=Journal(tmp_path / "j.jsonl"))
    app = CollectApp(hostile, session=session)
    assert "<script>" not in app.title.value
    assert "&lt;script&gt;" in app.title.value


def test_root__is_a_widget_with_tablet_css(app):
    assert isinstance(app.root, widgets.VBox)
    assert "min-height: 44px" in app.root.children[0].value


def test_pages__previous_and_next__widgets_kept_not_rebuilt(app):
    _start(app)
    app.next.click()
    page2 = app.views
    _views(app)["quartier_agreable"].input.value = "3"
    app.previous.click()
    page1 = app.views
    app.next.click()
    assert app.views is page2
    assert _views(app)["quartier_agreable"].input.value == "3"
    app.previous.click()
    assert app.views is page1
    boxes = app.page_box.children
    assert len(boxes) == 2
    assert [b.layout.display for b in boxes] == [None, "none"]


def test_pages__kept_page__skip_logic_and_messages_stay_live(app):
    _start(app)
    app.next.click()
    views = _views(app)
    views["problemes"].checkboxes["aucun"].value = True
    views["problemes"].checkboxes["bruit"].value = True
    assert _constraint_message(app, "problemes") in views["problemes"].error.value
    assert views["gene_bruit"].box.layout.display is None
    app.previous.click()
    app.next.click()
    assert _constraint_message(app, "problemes") in views["problemes"].error.value
    views["problemes"].checkboxes["bruit"].value = False
    assert views["gene_bruit"].box.layout.display == "none"
    assert views["problemes"].error.value == ""


def test_pages__prefetch__next_page_built_hidden_then_shown(app):
    _start(app)
    assert len(app.page_box.children) == 1
    assert app.prefetch_next() is True
    assert app.prefetch_next() is False  # already built
    box, prefetched = app.page_views[app.form.next_page_index()]
    assert box.layout.display == "none"
    app.next.click()
    assert app.views is prefetched
    assert box.layout.display is None


def test_pages__language_switch__pages_rebuilt_in_new_language(app):
    _start(app)
    app.next.click()
    _views(app)["quartier_agreable"].input.value = "3"
    old_box = _views(app)["quartier_agreable"].box
    app.lang_switch.value = "en"
    views = _views(app)
    assert "My neighbourhood is a pleasant place" in views["quartier_agreable"].label.value
    assert views["quartier_agreable"].input.value == "3"
    assert old_box.comm is None  # closed: the browser drops the French widgets
    assert len(app.page_box.children) == 1


def test_reset__after_answers_and_errors__new_form_is_clean(app):
    _start(app)
    app.next.click()
    views = _views(app)
    views["quartier_agreable"].input.value = "3"
    views["problemes"].checkboxes["aucun"].value = True
    views["problemes"].checkboxes["bruit"].value = True
    app.next.click()  # blocked: inline message and page message
    assert "mt-error" in app.message.value
    old = [box for box, _views in app.page_views.values()]
    app.quit.click()
    app.confirm_quit.click()
    assert app.page_box.children == ()
    assert all(box.comm is None for box in old)
    app.consent.value = True
    app.begin.click()
    assert app.form.answers == {"consentement": True, "secteur": "gare"}
    assert app.message.value == ""
    app.next.click()
    views = _views(app)
    assert views["quartier_agreable"].input.value is None
    assert not any(box.value for box in views["problemes"].checkboxes.values())
    assert views["problemes"].error.value == ""
    assert views["gene_bruit"].box.layout.display == "none"
    assert not app.next.disabled
    assert len(app.page_box.children) == 2


def test_reset__after_submit__every_page_blank(app):
    _start(app)
    _fill_barometre(app)
    app.submit.click()
    app.new_button.click()
    app.consent.value = True
    app.begin.click()
    for index in range(len(app.form.pages)):
        app.form.page_index = index
        app.render_page()
        for view in _views(app).values():
            if view.question.type in ("note", "group", "calculate", "likert_matrix"):
                continue
            expected = "gare" if view.question.name == "secteur" else None
            assert view.value_of_input() in (expected, [], ""), view.question.name
            assert view.error.value == ""
    assert app.message.value == ""
    assert app.form.answers == {"consentement": True, "secteur": "gare"}


def test_repeat__add_and_remove_entry__page_rebuilt_in_place(tmp_path, db):
    from toolkit.apps.collect import CollectApp
    from toolkit.collect import CollectSession, Journal
    from toolkit.instruments import load

    walk = load(Path(__file__).parents[2] / "surveys" / "diagnostic_marchant.yaml")
    session = CollectSession(walk, url=db, journal=Journal(tmp_path / "j.jsonl"))
    app = CollectApp(walk, session=session)
    page = next(i for i, p in enumerate(app.form.pages) if "observations" in p.names())
    app.collector.value = "med07"
    app.sector.value = "plateau"
    app.begin.click()
    app.form.page_index = page
    app.render_page()
    box, _ = app.page_views[page]
    repeat = _views(app)["observations"]
    repeat.add_button.click()
    assert app.form.entries("observations") == 1
    assert app.page_views[page][0] is box
    entry = next(v for v in app.views if v.question.name == "observations")
    assert len(entry.entries) == 1
    assert repeat.box.comm is None  # the old repeat view was closed
    entry.remove_buttons[0].click()
    assert app.form.entries("observations") == 0


def test_start__wave__proposes_the_latest_wave_with_responses(
    barometre, db, tmp_path, complete_answers
):
    import datetime as dt

    from toolkit.apps.collect import CollectApp
    from toolkit.collect import CollectSession, Journal

    store = connect(db)
    store.register(barometre)
    store.submit(
        barometre.id,
        complete_answers,
        wave="2026-automne",
        started_at=dt.datetime(2026, 10, 5, tzinfo=dt.UTC),
    )
    store.close()
    session = CollectSession(barometre, url=db, journal=Journal(tmp_path / "journal.jsonl"))
    assert CollectApp(barometre, session=session).wave.value == "2026-automne"


def test_start__wave__database_unreachable__calendar_quarter(barometre, tmp_path):
    from toolkit.apps.collect import CollectApp
    from toolkit.collect import CollectSession, Journal, current_wave

    unreachable = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"
    session = CollectSession(
        barometre, url=unreachable, journal=Journal(tmp_path / "journal.jsonl")
    )
    assert CollectApp(barometre, session=session).wave.value == current_wave()
