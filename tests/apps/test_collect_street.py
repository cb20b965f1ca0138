"""Issue 11 from Python: resume exactly, drafts that can be found and deleted, inputs a
phone understands, no jargon on screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers import html_msg, msg, msg_pattern
from toolkit.apps.collect import CollectApp, FormRenderer, Mode, Screen
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import CollectSession, Journal
from toolkit.store import connect

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _views(app):
    out = {}
    for view in app.views:
        out[view.question.name] = view
        for row in getattr(view, "rows", []):
            out[row.question.name] = row
    return out


def _start(app, sector="gare"):
    app.collector.value = "med07"
    app.sector.value = sector
    app.consent.value = True
    app.begin.click()


def _to_mediation_page(app):
    _start(app)
    app.next.click()
    views = _views(app)
    views["quartier_agreable"].input.value = "3"
    views["problemes"].checkboxes["aucun"].value = True
    app.next.click()
    views = _views(app)
    views["insecurite_domicile"].input.value = "1"
    views["insecurite_quartier"].input.value = "2"
    views["evolution"].input.value = "amelioree"
    app.next.click()
    assert app.form.page.name == "mediation"


@pytest.fixture
def session(barometre, db, tmp_path):
    return CollectSession(barometre, url=db, journal=Journal(tmp_path / "journal.jsonl"))


def test_address__form_page__carries_draft_and_page(app):
    _start(app)
    app.next.click()
    assert app.bridge.query == {
        "instrument": "barometre_ambiance",
        "brouillon": app.form.response_id,
        "page": 2,
    }
    app.previous.click()
    assert app.bridge.query["page"] == 1


def test_resume__new_kernel_on_the_address__same_page_same_answers(barometre, session, app):
    _to_mediation_page(app)
    views = _views(app)
    views["a_signale"].input.value = "oui"
    app.form_screen.flush()
    app.save_draft(quiet=True)  # what the debounce does a second after the last keystroke
    query = dict(app.bridge.query)

    reopened = CollectApp(barometre, session=session, resume=query["brouillon"], page=query["page"])
    assert reopened.screen is Screen.FORM
    assert reopened.form.page.name == "mediation"
    assert _views(reopened)["a_signale"].input.value == "oui"
    assert reopened.form.answers["quartier_agreable"] == "3"
    assert reopened.collector.value == "med07"


def test_resume__draft_gone__start_screen_says_so(barometre, session):
    app = CollectApp(barometre, session=session, resume="0b7c6a1e-4f7d-4c53-9a8e-2f1d3c4b5a69")
    assert app.screen is Screen.START
    assert html_msg("collect.drafts.gone") in app.start_message.value


def test_quit__asks_then_deletes_the_draft(app, db):
    _start(app)
    response_id = app.form.response_id
    app.quit.click()
    assert app.screen is Screen.FORM
    assert app.form_screen.confirm.layout.display is None
    assert html_msg("collect.quit.confirm") in app.form_screen.confirm_text.value
    app.cancel_quit.click()
    assert app.form_screen.confirm.layout.display == "none"
    assert [f.response_id for f in app.session.drafts()] == [response_id]
    app.quit.click()
    app.confirm_quit.click()
    assert app.screen is Screen.START
    assert app.session.drafts() == []
    with connect(db) as store:
        assert store.drafts("barometre_ambiance") == []


def test_drafts__listed_with_sector_page_age_and_reference(app):
    _to_mediation_page(app)
    app.reset()
    app.drafts_button.click()
    ((label, _value),) = app.draft_list.options
    expected = msg_pattern(
        "collect.drafts.item",
        holes={"total": r"\d+", "age": "il y a .+", "reference": r"BA-\d{4}-[0-9A-Z]{6}"},
        sector="Quartier de la Gare",  # the sector's label in the instrument, not its code
        page=4,
        collector="med07",
    )
    assert expected.fullmatch(label), label  # « il y a … »: Babel's French, not the catalogue
    assert not UUID.search(label)
    assert html_msg("collect.drafts.expiry", days=30) in app.drafts_screen.expiry.value


def test_drafts__resume__opens_the_furthest_page(app):
    _to_mediation_page(app)
    app.reset()
    app.drafts_button.click()
    app.draft_list.value = app.draft_list.options[0][1]
    app.resume_button.click()
    assert app.form.page.name == "mediation"


def test_drafts__delete_after_confirmation(app):
    _start(app)
    app.reset()
    app.drafts_button.click()
    app.delete_button.click()
    assert html_msg("collect.drafts.choose") in app.list_message.value
    app.draft_list.value = app.draft_list.options[0][1]
    app.delete_button.click()
    app.confirm_delete.click()
    assert app.draft_list.options == ()
    assert html_msg("collect.drafts.deleted") in app.drafts_screen.list_message.value


def test_drafts__older_than_the_period__deleted(barometre, session):
    app = CollectApp(barometre, session=session)
    _start(app)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=session.draft_days + 1)
    assert session.drafts(now=later) == []
    assert session.drafts() == []


def test_email__corrected_while_typing__next_enabled_at_once(app):
    _start(app)
    app.form.page_index = next(i for i, p in enumerate(app.form.pages) if p.name == "mediation")
    app.render_page()
    views = _views(app)
    views["participer_reunion"].input.value = "oui"
    email = views["contact_email"]
    assert email.input.continuous_update
    assert "mt-kind-email" in email.box._dom_classes
    email.input.value = "habitant@exemple"
    app.next.click()
    assert app.next.disabled
    # The instrument's own message for this constraint (instrument text, not the catalogue).
    assert esc(email.question.constraint_message.get("fr")) in email.error.value
    email.input.value = "habitant@exemple.fr"  # one keystroke more, still in the field
    assert not app.next.disabled
    assert email.error.value == ""


def test_inputs__kinds_marked_for_the_phone_keyboard(app):
    _start(app)
    app.form.page_index = len(app.form.pages) - 1
    app.render_page()
    size = _views(app)["taille_foyer"]
    assert "mt-kind-integer" in size.box._dom_classes
    assert size.input.continuous_update


def test_calculation__without_label__hidden(app):
    _start(app)
    app.next.click()
    views = _views(app)
    views["problemes"].checkboxes["bruit"].value = True
    assert views["nb_problemes"].box.layout.display == "none"
    assert views["nb_problemes"].input.value == "1"


def test_scales__one_line_or_one_column(app):
    _start(app)
    app.next.click()
    for view in _views(app).values():
        classes = set(view.box._dom_classes)
        if view.question.type == "likert":
            assert classes & {"mt-scale-row", "mt-scale-column"}, view.question.name


def test_end__short_reference_not_uuid(app, complete_answers):
    _start(app)
    app.form.answers.update(complete_answers)
    app.form.set("sexe", "f")
    app.form.page_index = len(app.form.pages) - 1
    app.render_page()
    app.submit.click()
    assert app.screen is Screen.END
    assert re.search(r"BA-\d{4}-[0-9A-Z]{6}", app.end_message.value)
    assert app.form.response_id not in app.end_message.value


def test_responses__labels_not_codes_nor_ids(app, complete_answers):
    _start(app)
    app.form.answers.update(complete_answers)
    app.form.set("sexe", "f")
    app.send()
    app.reset()
    app.responses_button.click()
    ((label, value),) = app.response_list.options
    assert "Quartier de la Gare" in label
    assert " gare " not in f" {label} "
    assert value not in label
    assert "med07" in label


def test_correction__without_pseudonym__refused(app, complete_answers):
    _start(app)
    app.form.answers.update(complete_answers)
    app.form.set("sexe", "f")
    app.send()
    app.reset()
    app.responses_button.click()
    app.response_list.value = app.response_list.options[0][1]
    app.correct_button.click()
    assert app.mode is Mode.CORRECT
    app.collector.value = ""
    app.form.page_index = len(app.form.pages) - 1
    app.render_page()
    app.submit.click()
    assert html_msg("collect.start.collector_required") in app.message.value
    with connect(app.session.url) as store:
        assert "corrected" not in list(store.audit(app.form.response_id)["action"])


def test_language__status_and_title_switch_too(app):
    assert html_msg("collect.status.online") in app.status.value
    assert app.bridge.lang == "fr"
    app.lang_switch.value = "en"
    assert html_msg("collect.status.online", "en") in app.status.value
    assert app.bridge.lang == "en"
    title = app.instrument.title.get("en")
    assert app.bridge.title == msg("collect.page.title", "en", title=title)
    assert app.bridge.offline_text == msg("collect.connection.lost", "en")


def test_bridge__ping__answered(app):
    sent = []
    app.bridge.send = sent.append
    app.bridge._message(app.bridge, {"ping": 7}, [])
    assert sent == [{"pong": 7}]


def test_bridge__page_hidden__pending_draft_saved(app, monkeypatch):
    _start(app)
    saved = []
    monkeypatch.setattr(app.session, "save_draft", lambda form: saved.append(form) or True)
    app.form_screen._pending = type("Handle", (), {"cancel": lambda self: None})()
    app.bridge._message(app.bridge, {"event": "hide"}, [])
    assert saved == [app.form]


def test_renderer__standalone__renders_and_validates_without_store(barometre, complete_answers):
    renderer = FormRenderer(barometre, answers={"consentement": True}, lang="fr")
    renderer.render_page()
    assert renderer.submit.layout.display == "none"  # no on_submit: nothing to send
    assert renderer.go_next() is False  # the sector is required
    sector = next(v for v in renderer.views if v.question.name == "secteur")
    assert html_msg("A001") in sector.error.value
    renderer.form.set("secteur", "gare")
    assert renderer.go_next() is True
    assert renderer.form.page.name == "cadre_de_vie"


def test_message__kinds_and_escaping():
    assert message("ok", "<b>", block=True) == '<div class="mt-ok" role="status">&lt;b&gt;</div>'
    with pytest.raises(ValueError, match="kind"):
        message("loud", "x")


def test_repeater__in_a_loop__calls_again_until_stopped():
    import asyncio

    from toolkit.apps.common.refresh import Repeater

    calls = []

    async def run():
        repeater = Repeater(lambda: calls.append(1), interval=0.01)
        assert repeater.start()
        await asyncio.sleep(0.1)
        repeater.stop()
        seen = len(calls)
        await asyncio.sleep(0.05)
        return seen

    seen = asyncio.run(run())
    assert seen >= 3
    assert len(calls) == seen


def test_repeater__no_loop__nothing_scheduled():
    from toolkit.apps.common.refresh import Repeater

    assert Repeater(lambda: None).start() is False


def test_fieldwork__language__instrument_names_follow(barometre, tmp_path):
    from toolkit.apps.collect import FieldworkView

    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    view = FieldworkView(store, [barometre])
    view.lang_switch.value = "en"
    assert view.instrument.options[0][0] == "Neighbourhood atmosphere barometer"
    assert view.bridge.lang == "en"
    store.close()
