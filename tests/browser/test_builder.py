"""A mediator builds a questionnaire in « Créer un questionnaire » (Chromium), fills it in the
field app, then changes a choice code of the collected questionnaire and is warned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import expect

from toolkit.store import connect

REPO = Path(__file__).resolve().parents[2]
WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _click(page, css):
    page.locator(css).first.click()


def _fill(page, css, text):
    box = page.locator(f"{css} input").first
    box.fill(text)
    box.press("Tab")


def _select(page, css, label):
    page.locator(f"{css} select").first.select_option(label=label)


def _pick(page, text):
    """Choose a question in the outline (radio buttons whose labels wrap on a phone)."""
    page.locator(".mt-outline label", has_text=text).first.click()


def _shots(page, artifacts, name, focus=None):
    for width, height in ((768, 1024), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        if focus is not None:
            focus.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"builder-{name}-{width}.png"), full_page=True)
        assert page.evaluate(WIDE), f"horizontal overflow at {width} px on {name}"
    page.set_viewport_size({"width": 768, "height": 1024})


def _ok(page):
    expect(page.locator(".mt-builder-status .mt-ok").first).to_be_visible(timeout=60_000)


def _add(page, type_label, label, name):
    _select(page, ".mt-new-type", type_label)
    page.get_by_role("button", name=re.compile(r"Ajouter une question$")).click()
    expect(page.locator(".mt-outline")).to_contain_text(
        f"Nouvelle question ({type_label})", timeout=60_000
    )
    _fill(page, ".mt-label-fr", label)
    _fill(page, ".mt-name", name)
    _click(page, ".mt-apply")
    expect(page.locator(".mt-outline")).to_contain_text(label, timeout=60_000)


def test_builder__five_questions_rule_in_words__filled_in_field_app_then_rename_warned(
    server_factory, browser, artifacts, tmp_path, monkeypatch
):
    expect.set_options(timeout=60_000)  # a loaded machine: each edit is a kernel round trip
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    for path in (REPO / "surveys").glob("*.yaml"):
        shutil.copyfile(path, surveys / path.name)
    shutil.copytree(REPO / "surveys" / "listes", surveys / "listes")
    # The server finds the notebooks beside the surveys folder.
    (tmp_path / "notebooks").symlink_to(REPO / "notebooks")
    monkeypatch.setenv("TOOLKIT_SURVEYS", str(surveys))
    served = server_factory()
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(180_000)

    page.goto(served.page("createur.ipynb"))
    expect(page.locator(".mt-builder")).to_be_visible(timeout=120_000)
    _fill(page, ".mt-new-id", "enquete_voisinage")
    _fill(page, ".mt-new-title", "Enquête de voisinage")
    _shots(page, artifacts, "1-depart")
    page.get_by_role("button", name=re.compile(r"Commencer$")).click()
    expect(page.locator(".mt-outline")).to_contain_text("Nouvelle section")

    # Five questions: the first one given, four added.
    _pick(page, "Nouvelle question — Texte court")
    _fill(page, ".mt-label-fr", "Votre prénom")
    _click(page, ".mt-apply")
    expect(page.locator(".mt-outline")).to_contain_text("Votre prénom")
    _add(page, "Choix unique", "Un souci dans l'immeuble ?", "souci")
    page.locator(".mt-choice-label-fr input").fill("Oui")
    _fill(page, ".mt-choice-code", "oui")
    _click(page, ".mt-choice-apply")
    expect(page.locator(".mt-choice select")).to_contain_text("Oui")
    page.locator(".mt-choice select").select_option(label="Option 2")
    page.locator(".mt-choice-label-fr input").fill("Non")
    _fill(page, ".mt-choice-code", "non")
    _click(page, ".mt-choice-apply")
    expect(page.locator(".mt-choice select")).to_contain_text("Non")
    _add(page, "Texte long", "Lequel ?", "detail")
    _shots(page, artifacts, "2-edition", page.locator(".mt-outline"))
    # The skip rule, in words.
    _select(page, ".mt-relevant-question", "Un souci dans l'immeuble ?")
    _select(page, ".mt-relevant-op", "est")
    _select(page, ".mt-relevant-value-choice", "Oui")
    _click(page, ".mt-relevant-add")
    expect(page.locator(".mt-relevant-words")).to_contain_text(
        "Affichée si « Un souci dans l'immeuble ? » est « Oui »"
    )
    expect(page.locator(".mt-relevant-expression input")).to_have_value("${souci} = 'oui'")
    _add(page, "Nombre entier", "Depuis combien de mois ?", "duree")
    _fill(page, ".mt-minimum", "0")
    _fill(page, ".mt-maximum", "abc")
    expect(page.locator(".mt-advanced-check")).to_contain_text("« abc » n'est pas un nombre")
    _fill(page, ".mt-maximum", "600")
    expect(page.locator(".mt-advanced-check")).to_contain_text("Réglages valides")
    _click(page, ".mt-apply")
    _ok(page)
    # The fifth question takes its choices from the mediation reference lists.
    _add(page, "Choix unique", "Type de conflit", "conflit")
    _select(page, ".mt-shared-list", "Types de conflit")
    expect(page.locator(".mt-shared-info")).to_contain_text("Nuisances sonores")
    _shots(page, artifacts, "2-liste-partagee", page.locator(".mt-shared-list"))
    _click(page, ".mt-shared-apply")
    expect(page.locator(".mt-builder-status")).to_contain_text("liste « Types de conflit »")
    expect(page.locator(".mt-choice select")).to_contain_text("Nuisances sonores")
    _shots(page, artifacts, "2-plan", page.locator(".mt-outline"))

    # Preview and tester: the page is filled; « Autres réponses » says « Non » and the rule
    # hides « Lequel ? ».
    _pick(page, "Un souci dans l'immeuble ? — Choix unique")
    preview = page.locator(".mt-preview")
    expect(preview).to_contain_text("Un souci dans l'immeuble ?")
    _click(page, ".mt-tester")
    summary = page.locator(".mt-tester-summary")
    expect(summary).to_contain_text("réponses d'essai remplies")
    expect(summary).to_contain_text("5 questions affichées")
    expect(preview.locator(".mt-q-detail textarea")).to_have_value(
        "Réponse d'essai, écrite pour voir la suite du questionnaire."
    )
    _click(page, ".mt-tester-again")
    expect(summary).to_contain_text("1 question masquée")
    expect(summary).to_contain_text("Lequel ?")
    _shots(page, artifacts, "2-apercu", page.locator(".mt-tester"))
    _click(page, ".mt-tester")
    expect(summary).to_have_text("")

    _click(page, ".mt-save")
    expect(page.locator(".mt-save-result")).to_contain_text(
        "Enregistré : enquete_voisinage.yaml (version 1)"
    )
    assert (surveys / "enquete_voisinage.yaml").exists()

    # The field app fills it; the response reaches the store.
    page.goto(served.page("collecte.ipynb", "instrument=enquete_voisinage"))
    expect(page.locator(".mt-collect")).to_be_visible(timeout=120_000)
    _fill(page, ".mt-collector", "med-test")
    sector = page.locator(".mt-sector input")
    if sector.count():
        _fill(page, ".mt-sector", "Nord")
    page.get_by_role("button", name=re.compile(r"Commencer$")).click()
    expect(page.get_by_text("Page 1 sur 1")).to_be_visible()
    _fill(page, ".mt-q-question_1", "Ali")
    detail = page.locator(".mt-q-detail")
    expect(detail).to_be_hidden()
    page.locator(".mt-q-souci label", has_text="Oui").first.click()
    expect(detail).to_be_visible()
    detail.locator("textarea").fill("Ascenseur en panne")
    detail.locator("textarea").press("Tab")
    _fill(page, ".mt-q-duree", "3")
    page.locator(".mt-q-conflit label", has_text="Nuisances sonores").first.click()
    page.get_by_role("button", name=re.compile(r"Envoyer le questionnaire$")).click()
    expect(page.get_by_text("Questionnaire enregistré")).to_be_visible()
    frame = connect(served.db_url).frame("enquete_voisinage")
    assert list(frame["detail"]) == ["Ascenseur en panne"]
    assert list(frame["souci"].astype(str)) == ["oui"]
    assert list(frame["conflit"].astype(str)) == ["CF-BRUIT"]

    # Back in the builder: a choice code of the collected questionnaire changes.
    page.goto(served.page("createur.ipynb"))
    expect(page.locator(".mt-builder")).to_be_visible(timeout=120_000)
    page.locator(".mt-origin label", has_text="Modifier un questionnaire existant").click()
    _select(page, ".mt-source", "Enquête de voisinage")
    page.get_by_role("button", name=re.compile(r"Commencer$")).click()
    _pick(page, "Un souci dans l'immeuble ? — Choix unique")
    expect(page.locator(".mt-choice select")).to_contain_text("Oui")
    _fill(page, ".mt-choice-code", "oui_souvent")
    _click(page, ".mt-choice-apply")
    _ok(page)
    _click(page, ".mt-save")
    warning = page.locator(".mt-damage")
    expect(warning).to_contain_text(
        "Attention : ce changement touche des réponses déjà recueillies"
    )
    expect(warning).to_contain_text("« Oui »")
    expect(page.locator(".mt-confirm")).to_be_visible()
    _shots(page, artifacts, "3-avertissement", warning)
    assert "oui_souvent" not in (surveys / "enquete_voisinage.yaml").read_text(encoding="utf-8")
    context.close()
