import pytest

from toolkit.collect import Form, FormState
from toolkit.instruments import loads

REPEAT = """
id: walk
version: "1"
title: {fr: Marche}
sections:
  - name: points
    label: {fr: Points}
    questions:
      - name: point
        type: repeat
        label: {fr: Point}
        questions:
          - {name: categorie, type: single_choice, choices: cats, required: true, label: {fr: Catégorie}}
          - {name: detail, type: text, label: {fr: Détail}, relevant: "${categorie} = 'autre'"}
choice_lists:
  cats:
    - {value: eclairage, label: {fr: Éclairage}}
    - {value: autre, label: {fr: Autre}}
"""


def test_form__new__starts_as_draft_on_first_page(barometre):
    form = Form(barometre)
    assert form.state is FormState.DRAFT
    assert form.page.name == "accueil"
    assert form.progress == (1, 5)


def test_next__missing_required__refused_and_problem_shown(barometre):
    form = Form(barometre)
    form.set_consent(True)
    assert form.next() is False
    assert form.page.name == "accueil"
    assert form.visible_problems(lang="fr") == {"secteur": ["Réponse obligatoire."]}


def test_visible_problems__untouched_page__hidden_until_attempt(barometre):
    form = Form(barometre)
    form.set_consent(True)
    assert form.visible_problems() == {}


def test_set__relevance__question_appears_and_disappears(barometre):
    form = Form(barometre)
    assert not form.shown("gene_bruit")
    form.set("problemes", ["bruit"])
    assert form.shown("gene_bruit")
    form.set("gene_bruit", "2")
    form.set("problemes", ["eclairage"])
    assert not form.shown("gene_bruit")
    assert "gene_bruit" not in form.result.answers


def test_set__constraint__french_message_blocks_page(barometre):
    form = Form(barometre)
    form.set("problemes", ["aucun", "bruit"])
    form.page_index = 1
    assert "problemes" in form.problems(page=1, lang="fr")
    assert "Aucun de ces problèmes" in form.problems(page=1, lang="fr")["problemes"][0]


def test_value__calculation__computed_read_only(barometre):
    form = Form(barometre)
    form.set("problemes", ["bruit", "trafic"])
    assert form.value("nb_problemes") == 2


def test_form__complete_answers__valid(barometre, complete_answers):
    form = Form(barometre, answers=complete_answers)
    assert form.state is FormState.VALID
    assert form.ready()


def test_next__through_all_pages__reaches_last(barometre, complete_answers):
    form = Form(barometre, answers=complete_answers)
    while form.next():
        pass
    assert form.is_last_page
    assert form.page.name == "profil"
    assert form.previous()
    assert form.page.name == "mediation"


def test_add_entry__repeat__entries_scoped(tmp_path):
    instrument = loads(REPEAT, source="walk.yaml")
    form = Form(instrument)
    first = form.add_entry("point")
    form.set("categorie", "autre", repeat="point", index=first)
    second = form.add_entry("point")
    form.set("categorie", "eclairage", repeat="point", index=second)
    assert form.shown("detail", repeat="point", index=0)
    assert not form.shown("detail", repeat="point", index=1)
    form.remove_entry("point", 0)
    assert form.entries("point") == 1
    assert form.get("categorie", repeat="point", index=0) == "eclairage"


def test_add_entry__empty_required__problem_on_entry_path():
    instrument = loads(REPEAT, source="walk.yaml")
    form = Form(instrument)
    form.add_entry("point")
    assert "point[0].categorie" in form.problems()


def test_set__after_submitted__refused(barometre, complete_answers):
    form = Form(barometre, answers=complete_answers)
    form.mark(FormState.SUBMITTED)
    with pytest.raises(ValueError, match="already sent"):
        form.set("sexe", "h")


def test_consent_refused__not_ready(barometre, complete_answers):
    form = Form(barometre, answers={**complete_answers, "consentement": False})
    assert form.consent_refused
    assert not form.ready()
