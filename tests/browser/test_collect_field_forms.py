"""A form from the field in Chromium (issue 15): « Autre » then « Précisez », households with
their members (a repeat inside a repeat), one entry per equipment (a loop), the referent chosen
among the members entered; on a phone (390×844) and a tablet (768×1024)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import msg
from toolkit.store import connect

MENAGES = Path(__file__).parents[1] / "interop" / "data" / "menages.yaml"
WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _question(page, name):
    return page.locator(f".mt-q-{name}").first


def _button(scope, name):
    # The accessible name starts with the icon's glyph (a CSS ::before); match the words.
    return scope.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _type(locator, text):
    locator.fill(text)
    locator.press("Tab")


def _shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    width = page.viewport_size["width"]
    assert page.evaluate(WIDE), f"horizontal overflow at {width} px on {name}"


@pytest.fixture(autouse=True)
def patient_expect():
    """Each answer goes through the kernel: on a loaded machine, more than expect's 5 s."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def field_server(server_factory, tmp_path, monkeypatch):
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    shutil.copy(MENAGES, surveys / "visite_menages.yaml")
    monkeypatch.setenv("TOOLKIT_SURVEYS", str(surveys))
    # The project root follows the surveys folder: the notebooks stay the repository's.
    monkeypatch.setenv("TOOLKIT_NOTEBOOKS", str(Path(__file__).parents[2] / "notebooks"))
    return server_factory()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (768, 1024)])
def test_field_form__autre_precisez_and_members_of_households__stored_with_parent_keys(
    field_server, page, artifacts, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(60_000)
    page.goto(field_server.page("collecte.ipynb", "instrument=visite_menages"))
    expect(page.locator(".mt-collect")).to_be_visible(timeout=120_000)
    _type(page.locator(".mt-collector input"), "med-terrain")
    _button(page, msg("collect.start.begin")).click()
    expect(_question(page, "type_logement")).to_be_visible(timeout=60_000)

    # « Précisez » appears only once « Autre » is chosen.
    specify = _question(page, "type_logement_other")
    expect(specify).to_be_hidden()
    _question(page, "type_logement").locator("label", has_text="Autre").click()
    expect(specify).to_be_visible()
    expect(specify).to_contain_text(msg("model.other.specify"))
    _type(specify.locator("input"), "Foyer de jeunes travailleurs")
    _question(page, "type_logement").scroll_into_view_if_needed()
    _shot(page, artifacts, f"terrain-autre-precisez-{width}")

    # A household, then two members inside it.
    _button(_question(page, "menages"), "Ajouter").click()
    expect(_question(page, "nom_menage")).to_be_visible()
    _type(_question(page, "nom_menage").locator("input"), "Famille Diallo")
    members = _question(page, "membres")
    _button(members, "Ajouter").click()
    expect(_question(page, "prenom")).to_be_visible()
    _type(_question(page, "prenom").locator("input"), "Awa")
    age = _question(page, "age").locator("input")
    _type(age, "130")
    expect(_question(page, "age").locator(".mt-error")).to_be_visible()
    _type(age, "34")
    expect(_question(page, "age").locator(".mt-error")).to_be_hidden()
    _button(_question(page, "membres"), "Ajouter").click()
    expect(page.locator(".mt-q-prenom")).to_have_count(2)
    # « Ménages » and « Membres » are the repeats' labels in the instrument.
    households = msg("collect.repeat.entry_of", label="Ménages", number=1)
    expect(page.get_by_text(households)).to_be_visible()
    expect(
        page.get_by_text(msg("collect.repeat.entry_of", label="Membres", number=2))
    ).to_be_visible()
    _type(page.locator(".mt-q-prenom").nth(1).locator("input"), "Léo")
    _type(page.locator(".mt-q-age").nth(1).locator("input"), "9")
    _question(page, "nom_menage").scroll_into_view_if_needed()
    _shot(page, artifacts, f"terrain-membres-{width}")

    # The loop: one fixed entry per equipment, titled with it, no « Ajouter ».
    loop = _question(page, "equip")
    expect(loop.get_by_text("Combien de vélo ?")).to_be_visible()
    expect(loop.get_by_text("Combien de voiture ?")).to_be_visible()
    expect(_button(loop, "Ajouter")).to_be_hidden()
    _type(page.locator(".mt-q-nombre").nth(1).locator("input"), "1")

    # The referent is chosen among the members just entered.
    referent = _question(page, "referent")
    expect(referent.locator("label", has_text="Awa")).to_be_visible()
    expect(referent.locator("label", has_text="Léo")).to_be_visible()
    referent.locator("label", has_text="Awa").click()
    _shot(page, artifacts, f"terrain-menages-{width}")

    while not _button(page, msg("collect.nav.submit")).is_visible():
        _button(page, msg("collect.nav.next")).click()
        page.wait_for_timeout(500)
    _button(page, msg("collect.nav.submit")).click()
    expect(page.get_by_text(msg("collect.end.submitted"))).to_be_visible(timeout=60_000)

    with connect(field_server.db_url) as store:
        frame = store.frame("visite_menages")
        people = store.repeat_frame("visite_menages", "membres")
        households = store.repeat_frame("visite_menages", "menages")
    row = frame[frame["collector"] == "med-terrain"]  # the metadata question « enqueteur »
    assert row["type_logement"].tolist() == ["other"]
    assert row["type_logement_other"].tolist() == ["Foyer de jeunes travailleurs"]
    assert row["referent"].tolist() == ["Awa"]
    rid = row["response_id"].iloc[0]
    mine = people[people["response_id"] == rid]
    assert mine[["menages_index", "index", "prenom", "age"]].values.tolist() == [
        [0, 0, "Awa", 34],
        [0, 1, "Léo", 9],
    ]
    assert households[households["response_id"] == rid]["nom_menage"].tolist() == ["Famille Diallo"]
