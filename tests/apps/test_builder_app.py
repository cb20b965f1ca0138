"""The app « Créer un questionnaire » driven from Python: start, edit, logic in words,
preview and tester, save, versions."""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path

import pytest

from toolkit.apps.builder import BuilderApp
from toolkit.instruments import load
from toolkit.store import connect

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "surveys"
    target.mkdir()
    for path in (REPO / "surveys").glob("*.yaml"):
        shutil.copyfile(path, target / path.name)
    shutil.copytree(REPO / "surveys" / "listes", target / "listes")
    return target


@pytest.fixture
def app(folder: Path, tmp_path: Path) -> BuilderApp:
    return BuilderApp(folder=folder, store_url=f"sqlite:///{tmp_path / 'store.sqlite'}")


def _blank(app: BuilderApp) -> None:
    app.start_screen.new_id.value = "voisinage"
    app.start_screen.new_title.value = "Voisinage"
    app.start_screen.begin.click()


def _choice_question(app: BuilderApp) -> None:
    app.outline.new_type.value = "single_choice"
    app.add_question()
    panel = app.question_panel
    panel.texts["label"]["fr"].value = "Un souci ?"
    panel.name.value = "souci"
    app.apply_question()
    app.choice_panel.labels["fr"].value = "Oui"
    app.choice_panel.code.value = "oui"
    app.apply_choice()


def test_builder_app__blank_start__outline_shows_labels_not_codes(app: BuilderApp) -> None:
    _blank(app)
    labels = [label for label, _ref in app.outline.select.options]
    assert labels == [
        "Nouvelle section — Section (page)",
        "\u2003› Nouvelle question — Texte court",
    ]
    assert "Voisinage" in app.title.value


def test_builder_app__bad_identifier__error_said_and_stays_on_start(app: BuilderApp) -> None:
    app.start_screen.new_id.value = "1 mauvais"
    app.start_screen.begin.click()
    assert "nom invalide" in app.start_screen.start_message.value
    assert app.draft is None


def test_builder_app__rule_in_words__expression_and_tester(app: BuilderApp) -> None:
    _blank(app)
    _choice_question(app)
    assert app.status.value.count("Modification appliquée") == 1
    app.outline.new_type.value = "long_text"
    app.add_question()
    panel = app.relevant_panel
    assert [label for label, _ in panel.subject.options] == ["Nouvelle question", "Un souci ?"]
    panel.subject.value = "souci"
    panel.op.value = "eq"
    assert [label for label, _ in panel.value_choice.options] == ["Oui", "Option 2"]
    panel.value_choice.value = "oui"
    panel.add_condition()
    assert panel.expression.value == "${souci} = 'oui'"
    assert "Affichée si « Un souci ? » est « Oui »" in panel.words.value
    app.preview.tester.value = True
    form = app.preview.renderer.form
    assert form.get("souci") == "oui"
    assert "3 réponses d'essai remplies" in html.unescape(app.preview.summary.value)
    assert "3 questions affichées" in app.preview.summary.value
    app.preview.again.click()
    assert form is not app.preview.renderer.form
    assert app.preview.renderer.form.get("souci") == "2"
    assert "1 question masquée :</b> Nouvelle question (Texte long)" in app.preview.summary.value
    app.preview.renderer.form.set("souci", "oui")
    app.preview.summarise()
    assert "3 questions affichées" in app.preview.summary.value
    app.preview.tester.value = False
    assert app.preview.renderer.form.get("souci") is None
    assert app.preview.summary.value == ""


def test_builder_app__unknown_reference_typed__problem_shown_and_preview_off(
    app: BuilderApp,
) -> None:
    _blank(app)
    app.relevant_panel.expression.value = "${personne} = 'x'"
    app.relevant_panel.expression_button.click()
    assert "personne" in app.relevant_panel.check.value
    assert app.save_panel.save_button.disabled
    assert "Aperçu indisponible" in app.preview.unavailable.value


def test_builder_app__saved_then_code_renamed_with_responses__warning_then_new_version(
    app: BuilderApp, folder: Path, tmp_path: Path
) -> None:
    _blank(app)
    _choice_question(app)
    app.save_panel.save_button.click()
    assert "Enregistré : voisinage.yaml (version 1)" in app.save_panel.result.value
    store = connect(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.submit("voisinage", {"question_1": "a", "souci": "oui"})
    app.outline.select.value = "section_1/souci"
    app.choice_panel.code.value = "oui_souvent"
    app.apply_choice()
    app.save_panel.save_button.click()
    warning = app.save_panel.warning.value
    assert "Attention : ce changement touche des réponses déjà recueillies" in warning
    assert "« Oui »" in warning
    assert app.save_panel.confirm_box.layout.display is None
    assert load(folder / "voisinage.yaml").choices_of("souci").values() == ("oui", "2")
    app.save_panel.confirm_button.click()
    assert "nouvelle version 2" in app.save_panel.result.value
    assert load(folder / "voisinage.yaml").choices_of("souci").values() == ("oui_souvent", "2")
    assert list(store.frame("voisinage")["souci"].astype(str)) == ["oui_souvent"]


def test_builder_app__copy_of_catalogue__untouched_and_translations_listed(
    app: BuilderApp, folder: Path
) -> None:
    start = app.start_screen
    start.origin.value = "copy"
    start.source.value = str(folder / "barometre_ambiance.yaml")
    start.new_id.value = "baro_copie"
    start.begin.click()
    assert app.draft.instrument_id == "baro_copie"
    assert "Aucune traduction ne manque" in app.save_panel.missing.value


def test_builder_app__english__interface_in_english(app: BuilderApp) -> None:
    _blank(app)
    app.lang_switch.value = "en"
    assert app.outline.add_button.description == "Add a question"
    assert app.save_panel.save_button.description == "Save the questionnaire"


def test_builder_app__shared_list_picker__titles_then_list_applied(app: BuilderApp) -> None:
    _blank(app)
    app.outline.new_type.value = "single_choice"
    app.add_question()
    picker = app.choice_panel.shared_pick
    labels = [label for label, _key in picker.options]
    assert labels[:6] == [
        "— Choisir une liste —",
        "Dysfonctionnements techniques",
        "Modes d'intervention",
        "Partenaires (domaines)",
        "Résultats de l'intervention",
        "Types de conflit",
    ]
    assert not any("_" in label or "CF-" in label or ".yaml" in label for label in labels)
    assert app.choice_panel.shared_apply.disabled
    picker.value = dict(picker.options)["Types de conflit"]
    assert (
        "11 choix : Nuisances sonores · Hygiène et sécurité" in app.choice_panel.shared_info.value
    )
    app.choice_panel.shared_apply.click()
    assert "liste « Types de conflit »" in app.status.value
    assert [label for label, _ in app.choice_panel.choice.options][:2] == [
        "Nuisances sonores",
        "Hygiène et sécurité",
    ]
    assert picker.value == ""
    app.undo()
    assert [label for label, _ in app.choice_panel.choice.options] == ["Option 1", "Option 2"]


def test_builder_app__shared_scale_then_no_opinion_marked__non_substantive(
    app: BuilderApp,
) -> None:
    _blank(app)
    app.outline.new_type.value = "likert"
    app.add_question()
    picker = app.choice_panel.shared_pick
    picker.value = next(
        key
        for label, key in picker.options
        if label.endswith("Tout à fait d'accord (+ Ne sait pas, Refus de répondre)")
    )
    app.choice_panel.shared_apply.click()
    name = app.selected.split("/")[-1]
    app.choice_panel.choice.value = "8"
    assert app.choice_panel.missing.value
    app.add_choice()
    assert app.choice_panel.choice.value == "10"
    app.choice_panel.labels["fr"].value = "Sans avis"
    app.choice_panel.missing.value = True
    app.apply_choice()
    choices = app.draft.instrument().choices_of(name)
    assert [c.value for c in choices.non_substantive()] == ["8", "9", "10"]


def test_builder_app__bounds_typed__checked_inline_then_applied(app: BuilderApp) -> None:
    _blank(app)
    app.outline.new_type.value = "integer"
    app.add_question()
    panel = app.question_panel
    assert panel.bounds_field.layout.display is None
    assert panel.choice_filter_field.layout.display == "none"
    assert panel.repeat_count_field.layout.display == "none"
    panel.minimum.value = "2,5"
    assert "n'est pas un nombre entier" in html.unescape(panel.advanced_check.value)
    panel.minimum.value = "20"
    panel.maximum.value = "3"
    assert "le minimum (20) dépasse le maximum (3)" in panel.advanced_check.value
    app.apply_question()
    assert "dépasse" in app.status.value
    assert app.draft.get(app.selected, "minimum") is None
    panel.maximum.value = "30"
    assert "Réglages valides" in panel.advanced_check.value
    app.apply_question()
    assert (app.draft.get(app.selected, "minimum"), app.draft.get(app.selected, "maximum")) == (
        20,
        30,
    )
    assert app.instrument.question(app.selected.split("/")[-1]).maximum == 30


def test_builder_app__decimal_bounds__comma_shown_and_read(app: BuilderApp) -> None:
    _blank(app)
    app.outline.new_type.value = "decimal"
    app.add_question()
    app.question_panel.minimum.value = "0,5"
    app.apply_question()
    assert app.draft.get(app.selected, "minimum") == 0.5
    assert app.question_panel.minimum.value == "0,5"


def test_builder_app__repeat_count_typed__unknown_reference_inline(app: BuilderApp) -> None:
    _blank(app)
    app.outline.new_type.value = "integer"
    app.add_question()
    app.question_panel.name.value = "nb_personnes"
    app.apply_question()
    app.outline.new_type.value = "repeat"
    app.add_question()
    panel = app.question_panel
    assert panel.repeat_count_field.layout.display is None
    assert panel.bounds_field.layout.display == "none"
    panel.repeat_count.value = "${nb_persones}"
    assert "référence inconnue ${nb_persones}" in panel.advanced_check.value
    panel.repeat_count.value = "${nb_personnes}"
    assert "Réglages valides" in panel.advanced_check.value
    app.apply_question()
    name = app.selected.split("/")[-1]
    assert app.draft.instrument().question(name).repeat_count == "${nb_personnes}"


def test_builder_app__choice_filter_typed__checked_then_applied(app: BuilderApp) -> None:
    _blank(app)
    _choice_question(app)
    panel = app.question_panel
    assert panel.choice_filter_field.layout.display is None
    panel.choice_filter.value = "${inconnue} = 'a'"
    assert "référence inconnue ${inconnue}" in panel.advanced_check.value
    panel.choice_filter.value = "${question_1} != ''"
    assert "Réglages valides" in panel.advanced_check.value
    app.apply_question()
    assert app.draft.get("souci", "choice_filter") == "${question_1} != ''"


def _rule_of_three(app: BuilderApp) -> None:
    """Question 1 (text), « Un souci ? » (oui / 2), then a long text shown if three
    conditions hold."""
    _blank(app)
    _choice_question(app)
    app.outline.new_type.value = "integer"
    app.add_question()
    app.question_panel.texts["label"]["fr"].value = "Combien ?"
    app.question_panel.name.value = "combien"
    app.apply_question()
    app.outline.new_type.value = "long_text"
    app.add_question()
    panel = app.relevant_panel
    for subject, op, value in (
        ("souci", "eq", "oui"),
        ("combien", "gt", "2"),
        ("question_1", "answered", None),
    ):
        panel.subject.value = subject
        panel.op.value = op
        if subject == "souci":
            panel.value_choice.value = value
        elif value is not None:
            panel.value_text.value = value
        panel.join.value = "and"
        panel.add_condition()


def test_builder_app__middle_condition_changed__others_kept(app: BuilderApp) -> None:
    _rule_of_three(app)
    panel = app.relevant_panel
    assert panel.expression.value == ("${souci} = 'oui' and ${combien} > 2 and ${question_1} != ''")
    assert [label for label, _ in panel.which.options] == [
        "Nouvelle condition",
        "1. « Un souci ? » est « Oui »",
        "2. « Combien ? » est supérieur à 2",
        "3. « Nouvelle question » a une réponse",
    ]
    assert panel.replace_button.layout.display == "none"
    panel.which.value = 1
    assert (panel.subject.value, panel.op.value, panel.value_text.value) == ("combien", "gt", "2")
    assert panel.add_button.layout.display == "none"
    assert panel.replace_button.layout.display is None
    panel.op.value = "le"
    panel.value_text.value = "5"
    panel.join.value = "or"
    panel.replace_button.click()
    assert panel.expression.value == ("${souci} = 'oui' or ${combien} <= 5 and ${question_1} != ''")
    assert "« Combien ? » est au plus 5" in panel.words.value
    assert panel.which.value == 1


def test_builder_app__middle_condition_removed__join_goes_with_it(app: BuilderApp) -> None:
    _rule_of_three(app)
    panel = app.relevant_panel
    panel.which.value = 1
    panel.remove_button.click()
    assert panel.expression.value == "${souci} = 'oui' and ${question_1} != ''"
    assert panel.which.value == -1
    panel.which.value = 0
    panel.subject.value = "question_1"
    panel.op.value = "empty"
    panel.replace_button.click()
    assert panel.expression.value == "${question_1} = '' and ${question_1} != ''"
    panel.which.value = 1
    panel.remove_button.click()
    panel.which.value = 0
    panel.remove_button.click()
    assert panel.expression.value == ""
    assert "Toujours affichée" in panel.words.value


def test_builder_app__tester_on_catalogue_page__filled_within_bounds_and_rules(
    app: BuilderApp, folder: Path
) -> None:
    start = app.start_screen
    start.origin.value = "edit"
    start.source.value = str(folder / "barometre_ambiance.yaml")
    start.begin.click()
    app.preview.tester.value = True
    form = app.preview.renderer.form
    assert app.preview.filled
    assert not any(name in form.problems() for name in app.preview.filled)
    for name in app.preview.filled:
        choices = app.instrument.choices_of(name)
        if choices is not None:
            given = form.get(name)
            values = given if isinstance(given, list) else [given]
            assert all(not choices.get(str(v)).missing for v in values)


_FORM = """\
| survey |                    |      |            |                           |
|        | type               | name | label      | calculation               |
|        | text               | nom  | Votre nom  |                           |
|        | calculate          | c    |            | {calculation}             |
|        | select_one oui_non | ok   | D'accord ? |                           |
| choices |           |      |       |
|         | list_name | name | label |
|         | oui_non   | oui  | Oui   |
|         | oui_non   | non  | Non   |
"""


def _upload(app: BuilderApp, name: str, text: str) -> None:
    start = app.start_screen
    start.origin.value = "xlsform"
    content = text.encode("utf-8")
    start.upload.value = (
        {
            "name": name,
            "type": "text/markdown",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        },
    )


def test_builder_app__xlsform_uploaded__draft_opened(app: BuilderApp) -> None:
    _upload(app, "formulaire.md", _FORM.format(calculation="1 + 1"))
    assert app.start_screen.xlsform_field.layout.display is None
    assert app.start_screen.id_field.layout.display == "none"
    assert "Fichier reçu : formulaire.md" in app.start_screen.upload_name.value
    app.start_screen.begin.click()
    assert app.draft is not None
    labels = [label for label, _ref in app.outline.select.options]
    assert any(label.startswith("Votre nom") for label in labels)
    assert app.draft.instrument().choices_of("ok").values() == ("oui", "non")


def test_builder_app__xlsform_with_unsupported_feature__row_named_then_left_out(
    app: BuilderApp,
) -> None:
    _upload(app, "formulaire.md", _FORM.format(calculation="pulldata('a','b','c','d')"))
    app.start_screen.begin.click()
    said = html.unescape(app.start_screen.start_message.value)
    assert "[ligne 3] feuille « survey », colonne « calculation »" in said
    assert "pulldata()" in said
    assert app.draft is None
    app.start_screen.skip_unsupported.value = True
    app.start_screen.begin.click()
    assert app.draft is not None
    assert "c" not in app.draft.names()
    assert "[ligne 3] feuille « survey »" in html.unescape(app.status.value)


def test_builder_app__xlsform_missing_or_wrong_file__said_on_start(app: BuilderApp) -> None:
    app.start_screen.origin.value = "xlsform"
    app.start_screen.begin.click()
    assert "Choisissez d'abord le fichier XLSForm" in html.unescape(
        app.start_screen.start_message.value
    )
    _upload(app, "photo.png", "pas un formulaire")
    app.start_screen.begin.click()
    assert "« photo.png » n'est pas un fichier XLSForm" in html.unescape(
        app.start_screen.start_message.value
    )
