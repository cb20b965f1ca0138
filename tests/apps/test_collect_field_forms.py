"""The collection app on a form from the field (issue 15), driven from Python: « Autre » and
its « Précisez », repeats inside repeats, a loop, choices from a repeat, hidden values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import html_msg, msg
from toolkit.apps.collect import CollectApp
from toolkit.collect import CollectSession, FormState, Journal
from toolkit.instruments import load
from toolkit.store import connect

MENAGES = Path(__file__).parents[1] / "interop" / "data" / "menages.yaml"


def _all_views(views):
    for view in views:
        yield view
        yield from getattr(view, "rows", [])
        for entry in getattr(view, "entries", []):
            yield from _all_views(entry)


def _where(view) -> tuple[object, object]:
    where = getattr(view, "where", None)
    if where is not None:
        return where.get("repeat"), where.get("index")
    return getattr(view, "repeat", None), getattr(view, "index", None)


def _view(app, name, *, repeat=None, index=None):
    return next(
        v
        for v in _all_views(app.views)
        if v.question.name == name
        and _where(v)[0] == repeat
        and (index is None or _where(v)[1] == index)
    )


def _shown(view) -> bool:
    widget = getattr(view, "box", view)
    return widget.layout.display != "none"


@pytest.fixture
def app(tmp_path):
    instrument = load(MENAGES)
    url = f"sqlite:///{tmp_path / 'toolkit.sqlite'}?timeout=0.5"
    session = CollectSession(instrument, url=url, journal=Journal(tmp_path / "journal.jsonl"))
    app = CollectApp(instrument, session=session)
    app.collector.value = "med07"
    app.begin.click()
    return app


def test_other__precisez_shown_once_autre_chosen(app) -> None:
    specify = _view(app, "type_logement_other")
    assert not _shown(specify)
    choice = _view(app, "type_logement")
    assert (msg("model.other.choice"), "other") in list(choice.input.options)
    choice.input.value = "other"
    assert _shown(specify)
    assert html_msg("model.other.specify") in specify.label.value
    specify.input.value = "Squat"
    assert app.form.answers["type_logement_other"] == "Squat"


def test_hidden_and_metadata__never_asked(app) -> None:
    names = {v.question.name for v in _all_views(app.views)}
    assert not names & {"enqueteur", "debut", "equipe", "code_visite"}
    # The hidden value is computed from what the toolkit records: the collector.
    assert app.form.result.answers["code_visite"] == "V-med07"


def test_nested_repeat__member_added_inside_household(app) -> None:
    _view(app, "menages").add_button.click()
    households = _view(app, "menages")
    members = _view(app, "membres", repeat="menages", index=0)
    assert members.path == "menages[0].membres"
    members.add_button.click()
    members = _view(app, "membres", repeat="menages", index=0)
    # Each entry says which repeat it belongs to: a member is not taken for a household.
    # « Membres » is the repeat's label in the instrument.
    title = html_msg("collect.repeat.entry_of", label="Membres", number=1)
    assert members.box.children[2].children[0].value == f"<b>{title}</b>"
    first_name = _view(app, "prenom", repeat="menages[0].membres", index=0)
    first_name.input.value = "Ana"
    age = _view(app, "age", repeat="menages[0].membres", index=0)
    age.input.value = "130"
    assert app.form.answers["menages"] == [{"membres": [{"prenom": "Ana", "age": "130"}]}]
    assert "menages[0].membres[0].age" in app.form.problems()
    assert households.box is not None
    # The referent is chosen among the members entered.
    referent = _view(app, "referent")
    referent.refresh()
    assert [v for _, v in referent.input.options if v is not None] == ["Ana"]


def test_loop__one_fixed_entry_per_choice_with_its_label(app) -> None:
    loop = _view(app, "equip")
    assert len(loop.entries) == 2
    assert not _shown(loop.add_button)
    assert loop.remove_buttons == []
    titles = [
        block.children[0].value
        for block in loop.box.children
        if hasattr(block, "children")
        and block.children
        and "<b>" in getattr(block.children[0], "value", "")
    ]
    assert titles == ["<b>vélo</b>", "<b>voiture</b>"]
    count = _view(app, "nombre", repeat="equip", index=1)
    assert "Combien de voiture ?" in count.label.value
    count.input.value = "2"
    assert app.form.answers["equip"][1] == {"nombre": "2"}


def test_send__nested_answers_and_collector_stored(app, tmp_path) -> None:
    _view(app, "type_logement").input.value = "hlm"
    _view(app, "menages").add_button.click()
    _view(app, "membres", repeat="menages", index=0).add_button.click()
    _view(app, "prenom", repeat="menages[0].membres", index=0).input.value = "Ana"
    while not app.form.is_last_page:
        assert app.form.next()
        app.render_page()
    assert app.send() is FormState.SUBMITTED
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    answers = store.get(app.form.response_id).answers
    assert answers["menages"] == [{"membres": [{"prenom": "Ana"}], "nb_membres": 1}]
    assert answers["code_visite"] == "V-med07"
    store.close()
