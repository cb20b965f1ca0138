"""Sections and questions of every type: add, move, duplicate, delete, with coded refusals."""

from __future__ import annotations

import pytest

from toolkit.builder import BUILDER_TYPES, BuilderError, new_draft
from toolkit.instruments.model import CHOICE_TYPES


def _codes(error: pytest.ExceptionInfo) -> list[str]:
    return error.value.codes


@pytest.mark.parametrize("qtype", BUILDER_TYPES)
def test_add_question__every_type__instrument_loads_with_it(visite, qtype: str) -> None:
    ref = visite.add_question("nouvelle", qtype, parent="echange", position=1)
    instrument = visite.instrument()
    question = instrument.question("nouvelle")
    assert ref == "echange/nouvelle"
    assert question.type == qtype
    assert [q.name for q in instrument.items[1].children][1] == "nouvelle"
    if qtype in CHOICE_TYPES:
        assert instrument.choices_of("nouvelle").values() == ("1", "2")
    assert question.label.get("fr")
    assert "nouvelle" in visite.renames.created


def test_add_question__into_a_likert_matrix__adds_a_row(visite) -> None:
    visite.add_question("grille", "likert_matrix", parent="echange")
    visite.add_question("grille_2", "text", parent="grille", label={"fr": "Deuxième ligne"})
    matrix = visite.instrument().question("grille")
    assert [q.name for q in matrix.children] == ["grille_1", "grille_2"]
    assert all(q.type == "likert" for q in matrix.children)


def test_add_question__shared_list__uses_it(visite) -> None:
    visite.add_question("frequence_tags", "likert", parent="echange", choices="frequence")
    assert visite.instrument().question("frequence_tags").choices == "frequence"


@pytest.mark.parametrize(
    ("name", "qtype", "parent", "code"),
    [
        ("quartier", "text", "lieu", "B003"),
        ("1er", "text", "lieu", "B004"),
        ("x", "rank", "lieu", "B013"),
        ("x", "text", None, "B007"),
        ("x", "text", "quartier", "B007"),
        ("x", "text", "inconnue", "B001"),
    ],
)
def test_add_question__refused__coded_and_nothing_changes(
    visite, name, qtype, parent, code
) -> None:
    before = visite.text()
    with pytest.raises(BuilderError) as error:
        visite.add_question(name, qtype, parent=parent)
    assert _codes(error) == [code]
    assert visite.text() == before
    assert not visite.can_undo


def test_add_section__new_page_with_a_first_question(visite) -> None:
    visite.add_section("suite", position=1, label={"fr": "Suite", "en": "Next"})
    instrument = visite.instrument()
    assert [s.name for s in instrument.items] == ["lieu", "suite", "echange"]
    assert [q.name for q in instrument.items[1].children] == ["suite_1"]


def test_delete__question_used_by_a_condition__refused_with_its_users(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.delete("problemes")
    assert _codes(error) == ["B005"]
    assert "echange/remarque" in str(error.value)


def test_delete__role_of_analysis__refused(visite) -> None:
    visite.delete("adresse")
    with pytest.raises(BuilderError) as error:
        visite.delete("quartier")
    assert _codes(error) == ["B005"]


def test_delete__last_question_of_a_section__refused(visite) -> None:
    visite.add_section("fin")
    with pytest.raises(BuilderError) as error:
        visite.delete("fin_1")
    assert _codes(error) == ["B006"]


def test_delete__section_and_its_questions__gone_and_loads(visite) -> None:
    visite.delete("remarque")
    visite.delete("echange")
    assert [s.name for s in visite.instrument().items] == ["lieu"]


def test_move_up__first_question_of_a_section__goes_to_the_section_above(visite) -> None:
    ref = visite.move_up("bruit")
    assert ref == "lieu/bruit"
    assert [q.name for q in visite.instrument().items[0].children] == [
        "quartier",
        "adresse",
        "bruit",
    ]
    assert visite.move_down("bruit") == "echange/bruit"
    assert next(q.name for q in visite.instrument().items[1].children) == "bruit"


def test_move__into_itself__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.move("echange", parent="echange", position=0)
    assert _codes(error) == ["B007"]


def test_duplicate__question__copy_after_it_with_a_free_name(visite) -> None:
    ref = visite.duplicate("bruit")
    instrument = visite.instrument()
    assert ref == "echange/bruit_2"
    assert [q.name for q in instrument.items[1].children][:2] == ["bruit", "bruit_2"]
    assert instrument.question("bruit_2").choices == "frequence"


def test_duplicate__section__questions_renamed_and_references_follow(visite) -> None:
    visite.duplicate("echange")
    copy = visite.instrument().question("remarque_2")
    assert copy.relevant == "selected(${problemes_2}, 'tags') or ${bruit_2} >= 2"
    assert visite.instrument().question("remarque").relevant.startswith("selected(${problemes}")


def test_new_draft__blank__valid_and_listed_as_created() -> None:
    draft = new_draft("enquete_marche", "Enquête du marché")
    instrument = draft.instrument()
    assert instrument.id == "enquete_marche"
    assert instrument.title.get("fr") == "Enquête du marché"
    assert instrument.languages == ("fr", "en")
    assert draft.original is None
    assert draft.renames.original_of("question_1") is None
