from toolkit.collect import consent_question, pages
from toolkit.instruments import loads

LOOSE = """
id: loose
version: "1"
title: {fr: Libre}
questions:
  - {name: a, type: integer, label: {fr: A}}
  - name: g
    type: group
    label: {fr: Groupe}
    questions:
      - {name: b, type: text, label: {fr: B}}
  - {name: c, type: text, label: {fr: C}}
"""


def test_pages__barometre__one_page_per_section(barometre):
    names = [p.name for p in pages(barometre)]
    assert names == ["accueil", "cadre_de_vie", "securite", "mediation", "profil"]


def test_pages__exclude__drops_question(barometre):
    first = pages(barometre, exclude=("consentement",))[0]
    assert "consentement" not in first.names()
    assert "secteur" in first.names()


def test_pages__loose_questions__gathered_between_sections():
    instrument = loads(LOOSE, source="loose.yaml")
    result = pages(instrument)
    assert [p.name for p in result] == ["_page1", "g", "_page3"]
    assert [q.name for q in result[0].items] == ["a"]


def test_page_owns__repeat_path__belongs_to_page(barometre):
    page = pages(barometre)[1]
    assert page.owns("quartier_agreable")
    assert page.owns("problemes")
    assert not page.owns("sexe")


def test_consent_question__barometre__found(barometre):
    assert consent_question(barometre).name == "consentement"
