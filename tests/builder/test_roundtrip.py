"""Opening and saving rewrites a file byte for byte; an edit changes only what it edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builder.conftest import SURVEYS, changed_lines, span
from toolkit.builder import open_draft
from toolkit.builder.yamldoc import dump_document, load_document
from toolkit.instruments import load

CATALOGUE = sorted(SURVEYS.glob("*.yaml"))


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: p.stem)
def test_open_draft__catalogue_instrument_saved_unchanged__byte_for_byte(
    path: Path, tmp_path: Path
) -> None:
    draft = open_draft(path)
    saved = draft.save(tmp_path / path.name)
    assert saved.read_bytes() == path.read_bytes()
    assert draft.valid
    assert not draft.changed


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: p.stem)
def test_round_trip_document__catalogue_instrument__ruamel_writes_it_back_identically(
    path: Path,
) -> None:
    """The document itself round-trips (edits re-render entries from it)."""
    text = path.read_text(encoding="utf-8")
    document, style = load_document(text)
    assert dump_document(document, style) == text


@pytest.mark.parametrize(
    "text",
    [
        "id: x\r\nversion: '1'\r\ntitle: {fr: X}\r\nsections:\r\n  - name: s\r\n    questions:\r\n      - {name: q, type: text}\r\n",
        "\ufeffid: x\nversion: '1'\ntitle: {fr: X}\nsections:\n- name: s\n  questions:\n  - name: q\n    type: text\n",
        "id: x\nversion: '1'\ntitle:\n    fr: X\nsections:\n    -   name: s\n        questions:\n            -   name: q\n                type: text",
    ],
    ids=["crlf", "bom-indentless", "four-spaces-no-final-newline"],
)
def test_open_draft__unusual_layout__saved_byte_for_byte_and_edit_keeps_layout(
    text: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(text.encode("utf-8"))
    draft = open_draft(path)
    assert draft.save().read_bytes() == text.encode("utf-8")
    draft.add_question("r", "integer", parent="s")
    draft.set_label("q", "Question")
    saved = draft.save().read_bytes().decode("utf-8")
    assert load(path).question("r").type == "integer"
    assert saved.startswith("\ufeff") == text.startswith("\ufeff")
    assert ("\r\n" in saved) == ("\r\n" in text)
    assert saved.count("\n") == saved.count("\r\n") or "\r\n" not in text


def test_set_label__one_question__only_its_label_line_changes(visite) -> None:
    before = visite.text()
    visite.set_label("adresse", "Adresse de la visite")
    removed, added = changed_lines(before, visite.text())
    assert removed == set(span(before, "label: {fr: Adresse", "label: {fr: Adresse"))
    assert added == ["        label: {fr: Adresse de la visite, en: Address}"]


def test_edits__end_of_line_comment_on_the_edited_key__kept(visite) -> None:
    visite.set_type("adresse", "long_text")
    assert "        type: long_text  # rue et numéro" in visite.text().splitlines()


def test_delete__last_question_of_a_section__blank_line_and_next_heading_kept(visite) -> None:
    visite.delete("adresse")
    text = visite.text()
    assert "        required: true\n\n  # Ce que la personne dit\n  - name: echange" in text
    assert "adresse" not in text
    assert text.startswith("# Fiche de visite")


def test_add_question__end_of_a_section__goes_before_the_blank_line(visite) -> None:
    visite.add_question("commentaire", "text", parent="lieu", label={"fr": "Commentaire"})
    text = visite.text()
    assert "relevance: ${quartier} = 'nord'\n      - name: commentaire\n" in text
    assert "label: {fr: Commentaire}\n\n  # Ce que la personne dit" in text


def test_move__section__takes_its_heading_comment_and_keeps_blank_lines(visite) -> None:
    visite.move("echange", parent=None, position=0)
    text = visite.text()
    assert text.index("# Ce que la personne dit") < text.index("- name: echange")
    assert text.index("- name: echange") < text.index("# Le lieu de la visite")
    assert text.index("# Le lieu de la visite") < text.index("- name: lieu")
    assert "\n\n  # Le lieu de la visite\n" in text
    assert [s.name for s in visite.sections()] == ["echange", "lieu"]
    assert visite.valid


def test_move__question_to_another_section__reindented_and_loads(visite) -> None:
    visite.move("bruit", parent="lieu", position=1)
    instrument = visite.instrument()
    assert [q.name for q in instrument.items[0].children] == ["quartier", "bruit", "adresse"]
    assert "          fr: Le bruit vous gêne-t-il ?" in visite.text()


def test_undo__after_several_edits__back_to_the_file_as_opened(visite, visite_path) -> None:
    visite.set_label("quartier", "Secteur")
    visite.delete("remarque")
    visite.add_section("fin", label={"fr": "Fin"})
    assert visite.changed
    while visite.undo():
        pass
    assert visite.text() == visite_path.read_text(encoding="utf-8")
    assert not visite.changed
