"""A mediator fills the served forms in Chromium, at tablet size (768×1024)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPO_ROOT
from tests.helpers import msg, msg_pattern
from toolkit.instruments import load
from toolkit.store import connect

WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _question(page, name):
    return page.locator(f".mt-q-{name}").first


def _choose(page, name, label):
    _question(page, name).locator("label", has_text=label).first.click()


def _type(locator, text):
    locator.fill(text)
    locator.press("Tab")


def _progress(page, number):
    """« Page 2 sur 5 »: the progress line of page ``number`` (the total depends on answers)."""
    return page.get_by_text(msg_pattern("collect.progress", holes={"total": r"\d+"}, page=number))


def _button(page, name):
    # The accessible name starts with the icon's glyph (a CSS ::before); match the words.
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert page.evaluate(WIDE), f"horizontal overflow at 768 px on {name}"


def _start(page, served, instrument, sector):
    page.goto(served.page("collecte.ipynb", f"instrument={instrument}"))
    expect(page.locator(".mt-collect")).to_be_visible(timeout=60_000)
    _type(page.locator(".mt-collector input"), "med-test")
    page.locator(".mt-sector select").select_option(label=sector)
    consent = page.locator(".mt-consent-input")
    if consent.count():
        consent.locator("label", has_text=msg("collect.consent.yes")).click()
    _button(page, msg("collect.start.begin")).click()
    expect(_progress(page, 1)).to_be_visible()


def test_barometre__filled_end_to_end__row_in_database(served, page, artifacts):
    _start(page, served, "barometre_ambiance", "Quartier de la Gare")
    _shot(page, artifacts, "barometre-1-accueil")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 2)).to_be_visible()
    _choose(page, "quartier_agreable", "Plutôt d'accord")
    _choose(page, "problemes", "Aucun de ces problèmes")
    _choose(page, "problemes", "Bruit")
    _button(page, msg("collect.nav.next")).click()
    # The instrument's own constraint message (instrument text, not the catalogue).
    rule = load(REPO_ROOT / "surveys" / "barometre_ambiance.yaml").question("problemes")
    expect(
        _question(page, "problemes").get_by_text(rule.constraint_message.get("fr"))
    ).to_be_visible()
    expect(_progress(page, 2)).to_be_visible()  # blocked
    gene = _question(page, "gene_bruit")
    expect(gene).to_be_visible()  # skip logic: noise was ticked
    _choose(page, "problemes", "Aucun de ces problèmes")  # untick
    _choose(page, "gene_bruit", "Souvent")
    _shot(page, artifacts, "barometre-2-cadre-de-vie")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 3)).to_be_visible()
    _choose(page, "insecurite_domicile", "Rarement")
    _choose(page, "insecurite_quartier", "De temps en temps")
    _choose(page, "evolution", "Dégradée")
    _shot(page, artifacts, "barometre-3-securite")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 4)).to_be_visible()
    expect(_question(page, "informe_suite")).to_be_hidden()
    _choose(page, "a_signale", "Oui")
    expect(_question(page, "informe_suite")).to_be_visible()
    _choose(page, "informe_suite", "Non")
    _shot(page, artifacts, "barometre-4-mediation")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 5)).to_be_visible()
    _choose(page, "sexe", "Femme")
    _choose(page, "tranche_age", "60 ans et plus")
    size = _question(page, "taille_foyer").locator("input")
    _type(size, "25")
    too_big = msg("A005", maximum=20)
    expect(_question(page, "taille_foyer").get_by_text(too_big)).to_be_visible()
    _type(size, "3")
    expect(_question(page, "taille_foyer").get_by_text(too_big)).to_be_hidden()
    _shot(page, artifacts, "barometre-5-profil")
    _button(page, msg("collect.nav.submit")).click()
    expect(page.get_by_text(msg("collect.end.submitted"))).to_be_visible()
    _shot(page, artifacts, "barometre-6-fin")

    with connect(served.db_url) as store:
        frame = store.frame("barometre_ambiance")
    row = frame[frame["collector"] == "med-test"]
    assert len(row) == 1
    assert row["sector"].iloc[0] == "gare"
    assert row["gene_bruit"].iloc[0] == 4
    assert row["taille_foyer"].iloc[0] == 3

    _button(page, msg("collect.end.new")).click()
    expect(_button(page, msg("collect.start.begin"))).to_be_visible()
    expect(page.locator(".mt-collector input")).to_have_value("med-test")

    # The next respondent's form is blank: no answer, no message left from this one.
    page.locator(".mt-consent-input label", has_text=msg("collect.consent.yes")).click()
    _button(page, msg("collect.start.begin")).click()
    expect(_progress(page, 1)).to_be_visible()
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 2)).to_be_visible()
    expect(_question(page, "quartier_agreable")).to_be_visible()
    expect(page.locator(".mt-page input:checked:visible")).to_have_count(0)
    expect(page.locator(".mt-collect .mt-error:visible")).to_have_count(0)
    expect(_question(page, "gene_bruit")).to_be_hidden()


def test_diagnostic_marchant__repeat_group__entry_stored(served, page, artifacts):
    _start(page, served, "diagnostic_marchant", "Le Plateau")
    _question(page, "date_marche").locator("input").fill(dt.date.today().isoformat())
    _question(page, "date_marche").locator("input").press("Tab")
    _choose(page, "participants", "Médiateurs")
    _type(_question(page, "nb_participants").locator("input"), "4")
    _type(_question(page, "nb_points").locator("input"), "1")
    _shot(page, artifacts, "diagnostic-1-marche")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 2)).to_be_visible()
    _button(page, msg("collect.repeat.add")).click()
    entry = page.locator(".mt-entry").first
    expect(entry).to_be_visible()
    entry.locator(".mt-q-categorie label", has_text="Éclairage").click()
    _type(entry.locator(".mt-q-lieu input"), "Passage du marché")
    _type(entry.locator(".mt-q-description input"), "Lampadaire éteint")
    entry.locator(".mt-q-gravite label", has_text="Mineure").click()
    service = entry.locator(".mt-q-service")
    expect(service.locator("label", has_text="voirie et éclairage public")).to_be_visible()
    expect(service.locator("label", has_text="Police municipale")).to_have_count(0)  # filtered out
    service.locator("label", has_text="voirie et éclairage public").click()
    _shot(page, artifacts, "diagnostic-2-observations")
    _button(page, msg("collect.nav.next")).click()

    expect(_progress(page, 3)).to_be_visible()
    _button(page, msg("collect.nav.submit")).click()
    expect(page.get_by_text(msg("collect.end.submitted"))).to_be_visible()

    with connect(served.db_url) as store:
        walks = store.frame("diagnostic_marchant")
        points = store.repeat_frame("diagnostic_marchant", "observations")
    mine = walks[walks["collector"] == "med-test"]["response_id"]
    assert len(mine) == 1
    entries = points[points["response_id"] == mine.iloc[0]]
    assert len(entries) == 1
    assert str(entries["lieu"].iloc[0]) == "Passage du marché"


def test_index__lists_instruments_and_links_to_apps(served, page, artifacts):
    page.goto(served.url + "/")
    expect(page.locator(".mt-index")).to_be_visible(timeout=60_000)
    link = page.locator('a[href="collecte.ipynb?instrument=barometre_ambiance"]')
    expect(link).to_be_visible()
    expect(page.locator('a[href="terrain.ipynb"]')).to_be_visible()
    _shot(page, artifacts, "index")
    page.locator('a[href="terrain.ipynb"]').click()
    expect(page.locator(".mt-fieldwork")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(msg("collect.fieldwork.quotas"), exact=True)).to_be_visible()
    _shot(page, artifacts, "terrain")


def test_serve__other_address__token_required(server_factory):
    served = server_factory("--host", "0.0.0.0", "--token", "jeton-test", "--pool", "0")
    page = served.page("index.ipynb")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(page, timeout=10)
    assert refused.value.code in (302, 403)
    assert refused.value.code == 403 or "/login" in refused.value.headers["Location"]
    with opener.open(f"{page}?token=jeton-test", timeout=60) as answer:
        assert answer.status == 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
