"""Choice lists: shared or inline, codes, labels, non-substantive codes; the expressions
comparing with a code follow it."""

from __future__ import annotations

import pytest

from tests.builder.conftest import SURVEYS
from toolkit.builder import BuilderError, ChoiceRow
from toolkit.builder.lists import reference_lists, shared_lists


def test_choices__shared_list__rows_users_and_keys_left_alone(visite) -> None:
    info = visite.choices("quartiers")
    assert not info.inline
    assert info.codes() == ("nord", "sud")
    assert info.users == ("lieu/quartier",)
    assert info.rows[0].other_keys == ("filter",)
    assert visite.list_of("problemes").inline


def test_add_choice__non_substantive__kept_out_of_substance(visite) -> None:
    visite.add_choice("problemes", "nsp", {"fr": "Ne sait pas", "en": "Don't know"}, missing=True)
    choice_list = visite.instrument().choices_of("problemes")
    assert choice_list.values() == ("tags", "eclairage", "nsp")
    assert [c.value for c in choice_list.non_substantive()] == ["nsp"]


def test_add_choice__text_code_in_a_scale__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.add_choice("frequence", "souvent", {"fr": "Très souvent"})
    assert error.value.codes == ["B022"]
    visite.add_choice("frequence", "refus", {"fr": "Refus"}, missing=True)
    assert "refus" in visite.instrument().choice_lists["frequence"].values()


def test_add_choice__code_taken__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.add_choice("quartiers", "nord", {"fr": "Nord bis"})
    assert error.value.codes == ["B010"]


def test_rename_choice__conditions_follow_and_filter_column_kept(visite) -> None:
    visite.rename_choice("quartiers", "nord", "nord_est")
    instrument = visite.instrument()
    assert instrument.question("adresse").relevant == "${quartier} = 'nord_est'"
    assert instrument.choice_lists["quartiers"].choices[0].filters == (("zone", "a"),)
    assert "{value: nord_est, label: {fr: Nord, en: North}, filter: {zone: a}}" in visite.text()
    assert visite.renames.codes == {"quartier": {"nord": "nord_est"}}


def test_rename_choice__multiple_choice__selected_follows(visite) -> None:
    visite.rename_choice("problemes", "tags", "graffitis")
    assert visite.instrument().question("remarque").relevant == (
        "selected(${problemes}, 'graffitis') or ${bruit} >= 2"
    )


def test_rename_choice__yes_like_code__quoted_for_other_yaml_readers(visite) -> None:
    visite.rename_choice("quartiers", "sud", "yes")
    assert '{value: "yes", label: {fr: Sud' in visite.text()
    assert visite.instrument().choice_lists["quartiers"].values() == ("nord", "yes")


def test_delete_choice__used_by_a_condition__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.delete_choice("quartiers", "nord")
    assert error.value.codes == ["B012"]
    assert "lieu/adresse" in str(error.value)


def test_delete_choice__unused__removed_and_recorded(visite) -> None:
    visite.delete_choice("frequence", "3")
    assert visite.instrument().choice_lists["frequence"].values() == ("1", "2", "9")
    assert visite.renames.dropped_codes == {"bruit": {"3"}}


def test_set_choice_label_and_missing__written(visite) -> None:
    visite.set_choice_label("frequence", "2", "De temps en temps")
    visite.set_choice_missing("frequence", "9", False)
    choices = visite.instrument().choice_lists["frequence"]
    assert choices.get("2").label.get("fr") == "De temps en temps"
    assert not choices.get("9").missing


def test_move_choice__order_changes(visite) -> None:
    visite.move_choice("problemes", "eclairage", 0)
    assert visite.instrument().choices_of("problemes").values() == ("eclairage", "tags")


def test_use_list_and_inline__switch_between_them(visite) -> None:
    visite.add_list(
        "oui_non",
        [ChoiceRow("oui", {"fr": "Oui", "en": "Yes"}), ChoiceRow("non", {"fr": "Non", "en": "No"})],
    )
    visite.add_question("revenir", "single_choice", parent="echange")
    visite.use_list("revenir", "oui_non")
    assert visite.instrument().question("revenir").choices == "oui_non"
    visite.set_inline_choices("revenir", [ChoiceRow("a", {"fr": "A"}), ChoiceRow("b", {"fr": "B"})])
    assert visite.instrument().choices_of("revenir").values() == ("a", "b")
    visite.delete_list("oui_non")
    assert "oui_non" not in visite.instrument().choice_lists


def test_delete_list__in_use__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.delete_list("frequence")
    assert error.value.codes == ["B005"]


def test_shared_lists__catalogue_and_references__deduplicated_with_labels() -> None:
    lists = shared_lists(SURVEYS)
    keys = [entry.key for entry in lists]
    assert len(keys) == len(set(keys))
    oui_non = [entry for entry in lists if [r.code for r in entry.rows] == ["oui", "non"]]
    assert len(oui_non) == 1
    assert len(oui_non[0].sources) > 1
    accord = next(entry for entry in lists if entry.name == "accord4")
    assert accord.label("fr").startswith("Pas du tout d'accord, Plutôt pas d'accord")
    assert "(+ Ne sait pas, Refus de répondre)" in accord.label("fr")


def test_reference_lists__mediation_taxonomies__titled_in_both_languages() -> None:
    lists = {entry.name: entry for entry in reference_lists(SURVEYS)}
    conflicts = lists["conflict_types"]
    assert conflicts.title.get("fr") == "Types de conflit"
    assert conflicts.title.get("en") == "Types of conflict"
    assert conflicts.rows[0] == ChoiceRow("CF-BRUIT", {"fr": "Nuisances sonores", "en": "Noise"})
    assert set(lists) >= {
        "intervention_modes",
        "outcomes",
        "partner_domains",
        "technical_categories",
    }


def test_reference_list__added_to_a_draft__question_uses_it(visite) -> None:
    outcomes = next(entry for entry in reference_lists(SURVEYS) if entry.name == "outcomes")
    visite.add_list(outcomes.name, outcomes.rows)
    visite.add_question("resultat", "single_choice", parent="echange", choices="outcomes")
    assert visite.instrument().choices_of("resultat").values()[0] == "R-APAIS"


def test_reference_lists__unreadable_or_odd_files__skipped(tmp_path) -> None:
    folder = tmp_path / "listes"
    folder.mkdir()
    (folder / "cassee.yaml").write_text("a: [b\n", encoding="utf-8")
    (folder / "bizarre.yaml").write_text(
        "liste: [1, 2]\ndoublons: [[a, A], [a, B]]\n", encoding="utf-8"
    )
    (folder / "bonne.yaml").write_text(
        "gravite:\n  - {value: 1, label: {fr: Faible}}\n  - {value: 9, label: {fr: NSP}, missing: true}\n",
        encoding="utf-8",
    )
    lists = reference_lists(tmp_path)
    assert [entry.name for entry in lists] == ["gravite"]
    assert lists[0].rows[1].missing


def test_use_rows__reference_list__added_once_and_undone_in_one_step(visite) -> None:
    outcomes = next(entry for entry in reference_lists(SURVEYS) if entry.name == "outcomes")
    visite.add_question("issue", "single_choice", parent="echange")
    assert visite.use_rows("issue", outcomes.name, outcomes.rows) == "outcomes"
    assert visite.instrument().choices_of("issue").values()[0] == "R-APAIS"
    visite.add_question("resultat", "multiple_choice", parent="echange")
    assert visite.use_rows("resultat", outcomes.name, outcomes.rows) == "outcomes"
    assert visite.list_names().count("outcomes") == 1
    assert visite.choices("outcomes").users == ("echange/issue", "echange/resultat")
    visite.undo()
    assert visite.list_of("resultat").inline


def test_use_rows__same_rows_as_a_list_of_the_draft__that_list_reused(visite) -> None:
    rows = visite.choices("frequence").rows
    visite.add_question("odeurs", "likert", parent="echange")
    assert visite.use_rows("odeurs", "frequence4", rows) == "frequence"
    assert "frequence4" not in visite.list_names()


def test_use_rows__name_taken_by_another_list__suffixed(visite) -> None:
    rows = (ChoiceRow("a", {"fr": "A"}), ChoiceRow("b", {"fr": "B"}))
    visite.add_question("zone", "single_choice", parent="lieu")
    assert visite.use_rows("zone", "quartiers", rows) == "quartiers_2"
    assert visite.instrument().choices_of("zone").values() == ("a", "b")


def test_use_rows__text_codes_for_a_scale__refused_and_nothing_changed(visite) -> None:
    before = visite.text()
    conflicts = next(e for e in reference_lists(SURVEYS) if e.name == "conflict_types")
    with pytest.raises(BuilderError) as error:
        visite.use_rows("bruit", conflicts.name, conflicts.rows)
    assert error.value.codes == ["B022"]
    assert visite.text() == before


def test_use_rows__codes_compared_by_a_rule__refused_and_nothing_changed(visite) -> None:
    before = visite.text()
    conflicts = next(e for e in reference_lists(SURVEYS) if e.name == "conflict_types")
    with pytest.raises(BuilderError) as error:
        visite.use_rows("problemes", conflicts.name, conflicts.rows)
    assert error.value.codes == ["B012"]
    assert visite.text() == before
