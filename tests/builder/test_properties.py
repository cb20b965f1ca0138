"""Labels, hints, messages in every language; required, constraints, defaults, bounds, pii,
roles; renaming and retyping questions."""

from __future__ import annotations

import pytest

from toolkit.builder import BuilderError


def test_set_label__english_added_to_a_french_only_label__missing_list_shrinks(visite) -> None:
    assert [(m.where, m.lang) for m in visite.missing_translations()] == [
        ("echange/remarque", "en")
    ]
    visite.set_label("remarque", "Remark", "en")
    assert visite.texts("remarque", "label") == {"fr": "Remarque", "en": "Remark"}
    assert visite.missing_translations() == []


def test_set_label__block_style_label__edited_in_place(visite) -> None:
    visite.set_label("bruit", "Le bruit vous dérange-t-il ?")
    assert (
        "          fr: Le bruit vous dérange-t-il ?\n          en: Does noise bother you?"
        in visite.text()
    )


def test_set_text__empty__removes_that_language_and_is_listed_missing(visite) -> None:
    visite.set_label("quartier", "", "en")
    assert visite.texts("quartier", "label") == {"fr": "Quartier"}
    assert ("lieu/quartier", "label", "en") in [
        (m.where, m.key, m.lang) for m in visite.missing_translations()
    ]


def test_set_text__undeclared_language__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.set_label("quartier", "Wijk", "nl")
    assert error.value.codes == ["B017"]


def test_set_title_and_hint__written_and_loaded(visite) -> None:
    visite.set_title("Fiche de visite à domicile")
    visite.set_hint("nb_personnes", "Adultes et enfants", "fr")
    visite.set_hint("nb_personnes", "Adults and children", "en")
    instrument = visite.instrument()
    assert instrument.title.get("fr") == "Fiche de visite à domicile"
    assert instrument.question("nb_personnes").hint.to_plain() == {
        "fr": "Adultes et enfants",
        "en": "Adults and children",
    }


def test_set_required__flag_then_expression_then_off(visite) -> None:
    visite.set_required("bruit", True)
    assert visite.instrument().question("bruit").required
    visite.set_required("bruit", "${quartier} = 'sud'")
    assert visite.instrument().question("bruit").required_if == "${quartier} = 'sud'"
    visite.set_required("bruit", False)
    question = visite.instrument().question("bruit")
    assert not question.required
    assert question.required_if is None


def test_set_expression__alias_key_edited_where_it_is(visite) -> None:
    visite.set_expression("adresse", "relevant", "${quartier} = 'sud'")
    text = visite.text()
    assert "        relevance: ${quartier} = 'sud'" in text
    assert text.count("relevant:") == 1  # only the one of « remarque »


def test_set_expression__unknown_reference__draft_lists_the_loader_problem(visite) -> None:
    visite.set_expression("remarque", "relevant", "${inconnue} = 1")
    problems = [p for p in visite.problems if p.field == "remarque"]
    assert [p.code for p in problems] == ["I012"]


def test_set_expression__value_not_in_list__same_check_as_the_loader(visite) -> None:
    from toolkit.instruments import instrument_warnings

    visite.set_expression("remarque", "relevant", "${quartier} = 'est'")
    # As the loader since issue 15: a value outside the list is a warning (I032), not an error.
    assert list(visite.problems) == []
    assert [p.code for p in instrument_warnings(visite.instrument())] == ["I032"]


def test_set_expression__circular_calculation__i015(visite) -> None:
    visite.add_question("total", "calculate", parent="echange")
    visite.add_question("double", "calculate", parent="echange")
    visite.set_expression("total", "calculation", "${double} + 1")
    visite.set_expression("double", "calculation", "${total} * 2")
    assert "I015" in [p.code for p in visite.problems]


def test_set_constraint_and_message__loaded(visite) -> None:
    visite.set_expression("nb_personnes", "constraint", ". <= 12")
    visite.set_text("nb_personnes", "constraint_message", "Au plus 12 personnes.")
    question = visite.instrument().question("nb_personnes")
    assert question.constraint == ". <= 12"
    assert question.constraint_message.get("fr") == "Au plus 12 personnes."


def test_set_bounds__alias_min_kept_and_maximum_changed(visite) -> None:
    visite.set_bounds("nb_personnes", minimum=1, maximum=20)
    question = visite.instrument().question("nb_personnes")
    assert (question.minimum, question.maximum) == (1, 20)
    assert "        min: 1\n        maximum: 20" in visite.text()


def test_set_bounds__not_a_number_question__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.set_bounds("remarque", minimum=1)
    assert error.value.codes == ["B025"]


def test_set_flag_and_default__pii_off_default_on(visite) -> None:
    visite.set_flag("adresse", "pii", False)
    visite.set_default("quartier", "nord")
    instrument = visite.instrument()
    assert not instrument.question("adresse").pii
    assert instrument.question("quartier").default == "nord"


def test_set_role__sector_wave_weighting__written_in_analysis(visite) -> None:
    visite.set_role("weighting", ["quartier"])
    visite.set_role("sector", None)
    analysis = visite.instrument().analysis
    assert analysis.weighting == ("quartier",)
    assert analysis.sector is None
    assert visite.role("weighting") == ["quartier"]


def test_rename__references_texts_and_roles_follow(visite) -> None:
    visite.set_label("remarque", "Remarque sur ${bruit}")
    ref = visite.rename("quartier", "secteur")
    instrument = visite.instrument()
    assert ref == "lieu/secteur"
    assert instrument.question("adresse").relevant == "${secteur} = 'nord'"
    assert instrument.analysis.sector == "secteur"
    assert instrument.analysis.quotas.by == ("secteur",)
    assert visite.renames.questions == {"quartier": "secteur"}
    visite.rename("bruit", "gene_bruit")
    assert visite.instrument().question("remarque").label.get("fr") == "Remarque sur ${gene_bruit}"
    assert visite.instrument().question("remarque").relevant == (
        "selected(${problemes}, 'tags') or ${gene_bruit} >= 2"
    )


def test_rename__twice_and_back__history_follows(visite) -> None:
    visite.rename("quartier", "secteur")
    visite.rename("secteur", "zone")
    assert visite.renames.questions == {"quartier": "zone"}
    visite.rename("zone", "quartier")
    assert visite.renames.questions == {}


def test_rename__taken_or_invalid__refused(visite) -> None:
    for name, code in (("bruit", "B003"), ("é", "B004")):
        with pytest.raises(BuilderError) as error:
            visite.rename("quartier", name)
        assert error.value.codes == [code]


def test_set_type__text_to_single_choice__choices_added(visite) -> None:
    visite.set_type("adresse", "single_choice")
    instrument = visite.instrument()
    assert instrument.question("adresse").type == "single_choice"
    assert instrument.choices_of("adresse").values() == ("1", "2")


def test_set_type__integer_to_text__bounds_removed(visite) -> None:
    visite.set_type("nb_personnes", "text")
    question = visite.instrument().question("nb_personnes")
    assert question.type == "text"
    assert question.minimum is None
    assert question.maximum is None


def test_set_type__choice_list_with_text_codes_to_scale__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.set_type("quartier", "likert")
    assert error.value.codes == ["B014"]


def test_set_type__question_to_group__refused(visite) -> None:
    with pytest.raises(BuilderError) as error:
        visite.set_type("remarque", "group")
    assert error.value.codes == ["B014"]


def test_set_languages__english_first__main_language_changes(visite) -> None:
    visite.set_label("remarque", "Remark", "en")
    visite.set_languages(["en", "fr"])
    assert visite.instrument().languages == ("en", "fr")
    assert visite.instrument().default_language == "en"


def test_set_languages__a_label_lacks_the_new_main_language__refused_b019(visite) -> None:
    before = visite.text()
    with pytest.raises(BuilderError) as error:
        visite.set_languages(["en", "fr"])
    assert error.value.codes == ["B019"]
    assert error.value.problems[0].field == "remarque"
    assert visite.text() == before


def test_set_id_and_version__written_quoted(visite) -> None:
    visite.set_id("visite_domicile")
    visite.set_version("2.0")
    instrument = visite.instrument()
    assert (instrument.id, instrument.version) == ("visite_domicile", "2.0")
    assert 'version: "2.0"' in visite.text()
