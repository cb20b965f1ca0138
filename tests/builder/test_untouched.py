"""What the builder cannot edit is kept untouched and listed « non modifiable ici »."""

from __future__ import annotations

from pathlib import Path

from tests.builder.conftest import SURVEYS, changed_lines
from toolkit.builder import open_draft

FUTURE = """\
id: futur
version: "1"
title: {fr: Futur}
mise_en_page: {theme: sombre}
sections:
  - name: s
    label: {fr: Section}
    questions:
      - name: lieu
        type: single_choice
        choices: [{value: a, label: {fr: A}, couleur: rouge}, {value: b, label: {fr: B}}]
        other: true
        label: {fr: Lieu}
      - name: membres
        type: repeat
        loop_over: lieux
        label: {fr: Membres}
        questions:
          - name: prenom
            type: text
            label: {fr: Prénom}
"""


def test_untouched__keys_without_a_control__listed_where_they_are(visite) -> None:
    found = {(u.where, u.key) for u in visite.untouched()}
    assert found == {
        ("", "analysis.quotas"),
        ("liste:quartiers", "nord.filter"),
        ("liste:quartiers", "sud.filter"),
    }


def test_untouched__quotas_and_filters__survive_every_kind_of_edit(visite, visite_path) -> None:
    before = visite_path.read_text(encoding="utf-8")
    visite.rename("quartier", "secteur")
    visite.rename_choice("quartiers", "sud", "sud_ouest")
    visite.add_question("age", "integer", parent="lieu")
    visite.move("age", parent="echange", position=0)
    visite.delete("remarque")
    visite.duplicate("bruit")
    visite.set_type("adresse", "long_text")
    text = visite.save().read_text(encoding="utf-8")
    assert "    targets:\n      - {cell: {quartier: nord}, target: 10}" in text
    assert "filter: {zone: a}}" in text
    assert "filter: {zone: b}}" in text
    assert "# Ce que la personne dit" in text
    assert "  frequence:  # échelle de fréquence" in text
    assert [(u.where, u.key) for u in open_draft(visite_path).untouched()] == [
        ("", "analysis.quotas"),
        ("liste:quartiers", "nord.filter"),
        ("liste:quartiers", "sud_ouest.filter"),
    ]
    assert before != text


def test_untouched__keys_from_later_model_features__kept_through_edits(tmp_path: Path) -> None:
    """Keys this builder knows nothing of (``other``, ``loop_over``, a choice's colour, a
    top-level section) stay as they are, whatever else is edited."""
    path = tmp_path / "futur.yaml"
    path.write_text(FUTURE, encoding="utf-8")
    draft = open_draft(path)
    assert {(u.where, u.key) for u in draft.untouched()} == {
        ("", "mise_en_page"),
        ("s/lieu", "other"),
        ("s/lieu", "a.couleur"),
        ("s/membres", "loop_over"),
    }
    draft.set_label("lieu", "Lieu de vie")
    draft.add_question("age", "integer", parent="s/membres")
    draft.rename("prenom", "nom_usage")
    draft.set_label("lieu", "Place", "en")
    draft.add_choice("lieu", "c", {"fr": "C"})
    draft.save(check=False)
    removed, added = changed_lines(FUTURE, path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    assert "mise_en_page: {theme: sombre}" in text
    assert "        other: true\n" in text
    assert "        loop_over: lieux\n" in text
    assert "{value: a, label: {fr: A}, couleur: rouge}" in text
    assert all("other" not in line and "loop_over" not in line for line in added)
    assert FUTURE.splitlines().index("        other: true") + 1 not in removed


def test_untouched__catalogue__every_listed_key_kept_by_an_unrelated_edit(tmp_path: Path) -> None:
    for source in sorted(SURVEYS.glob("*.yaml")):
        draft = open_draft(source)
        listed = draft.untouched()
        first = draft.questions()[-1]
        draft.set_label(first.ref, "Libellé modifié")
        assert draft.untouched() == listed, source.name
