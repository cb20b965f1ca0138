"""Issue 11 in Chromium: a mediator in the street reloads, loses the network, types on a
phone; nothing is lost, nothing is sent twice, nothing on screen is a code."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.helpers import msg, msg_pattern
from toolkit.instruments import load
from toolkit.store import connect

from .conftest import REPO_ROOT

WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"
SIZES = {"tablette": (768, 1024), "telephone": (390, 844)}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HEX = re.compile(r"\b[0-9a-f]{8,}\b")
#: The visible texts of the page, one entry per element holding text of its own.
TEXTS = """() => [...document.querySelectorAll('.mt-app *')]
  .filter((el) => el.offsetParent !== null)
  .flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent))
  .concat([...document.querySelectorAll('.mt-app option, .mt-app input, .mt-app textarea')]
    .map((el) => el.tagName === 'OPTION' ? el.textContent : el.placeholder || ''))
  .map((s) => s.trim()).filter(Boolean)"""


def _progress(page, number):
    """« Page 2 sur 5 »: the progress line of page ``number`` (the total depends on answers)."""
    return page.get_by_text(msg_pattern("collect.progress", holes={"total": r"\d+"}, page=number))


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def _question(page, name):
    return page.locator(f".mt-q-{name}").first


def _choose(page, name, label):
    _question(page, name).locator("label", has_text=label).first.click()


def _shot(page, artifacts, name):
    width = page.viewport_size["width"]
    page.screenshot(path=str(artifacts / f"rue-{name}-{width}.png"), full_page=True)
    assert page.evaluate(WIDE), f"horizontal overflow at {width} px on {name}"


def _codes(*names: str) -> set[str]:
    """The internal codes of these instruments (ids, question names, list names, choice
    values) that are not also one of their labels, nor plain numbers."""
    codes: set[str] = set()
    labels: set[str] = set()
    for name in names:
        instrument = load(REPO_ROOT / "surveys" / f"{name}.yaml")
        codes.add(instrument.id)
        for question in instrument.questions():
            codes.add(question.name)
            if question.label:
                labels.update(question.label.to_plain().values())
        for choice_list in instrument.choice_lists.values():
            codes.add(choice_list.name)
            for choice in choice_list.choices:
                codes.add(choice.value)
                labels.update(choice.label.to_plain().values())
    return {c for c in codes - labels if not c.isdigit()}


BAROMETRE = _codes("barometre_ambiance")
IDS = {path.stem for path in (REPO_ROOT / "surveys").glob("*.yaml")}


def _no_jargon(page, where, codes=BAROMETRE):
    """No element text is a code, a UUID, a hexadecimal id or a « (s) » plural; list items
    (« 12/01 09:30 · med07 · Quartier de la Gare · BA-2026-… ») are checked part by part."""
    for text in page.evaluate(TEXTS):
        assert not UUID.search(text), f"UUID on {where}: {text!r}"
        assert not HEX.search(text), f"hexadecimal id on {where}: {text!r}"
        assert "(s)" not in text, f"« (s) » on {where}: {text!r}"
        for chunk in [text, *text.split(" · ")]:
            assert chunk.strip() not in codes, f"code {chunk!r} on {where}: {text!r}"


def _open(page, served, collector, sector="Quartier de la Gare"):
    page.goto(served.page("collecte.ipynb", "instrument=barometre_ambiance"))
    expect(page.locator(".mt-collect")).to_be_visible(timeout=90_000)
    page.locator(".mt-collector input").fill(collector)
    page.locator(".mt-sector select").select_option(label=sector)
    page.locator(".mt-consent-input label", has_text=msg("collect.consent.yes")).click()
    _button(page, msg("collect.start.begin")).click()
    expect(_progress(page, 1)).to_be_visible()


def _to_page(page, number):
    """From page 1, answer like a mediator up to page ``number`` (2 to 5)."""
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 2)).to_be_visible()
    if number == 2:
        return
    _choose(page, "quartier_agreable", "Plutôt d'accord")
    _choose(page, "problemes", "Bruit")
    _choose(page, "gene_bruit", "Souvent")
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 3)).to_be_visible()
    if number == 3:
        return
    _choose(page, "insecurite_domicile", "Rarement")
    _choose(page, "insecurite_quartier", "Jamais")
    _choose(page, "evolution", "Améliorée")
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 4)).to_be_visible()
    if number == 4:
        return
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 5)).to_be_visible()


def _stored(served, collector):
    with connect(served.db_url) as store:
        frame = store.frame("barometre_ambiance")
    return int((frame["collector"] == collector).sum())


def test_reload__on_page_3_with_answers__same_page_same_answers(served, page, artifacts):
    _open(page, served, "med-reload")
    _to_page(page, 3)
    _choose(page, "insecurite_domicile", "Souvent")
    expect(page).to_have_url(re.compile(r"brouillon=.+&page=3"))
    time.sleep(2.5)  # a mediator's pause: the draft is saved a second after the last answer
    page.reload()
    expect(_progress(page, 3)).to_be_visible(timeout=90_000)
    checked = _question(page, "insecurite_domicile").locator("input:checked")
    expect(checked).to_have_count(1)
    expect(
        _question(page, "insecurite_domicile").locator("label", has_text="Souvent")
    ).to_have_count(1)
    assert checked.evaluate("(el) => el.closest('label').innerText").strip() == "Souvent"
    _button(page, msg("collect.nav.previous")).click()
    expect(_progress(page, 2)).to_be_visible()
    expect(_question(page, "gene_bruit").locator("input:checked")).to_have_count(1)
    _shot(page, artifacts, "apres-rechargement")


def test_reload__typed_text_then_reload_at_once__kept(served, page):
    _open(page, served, "med-typed")
    _to_page(page, 5)
    size = _question(page, "taille_foyer").locator("input")
    size.press_sequentially("4")
    page.reload()  # no pause: the page tells the kernel it is leaving
    expect(_progress(page, 5)).to_be_visible(timeout=90_000)
    expect(_question(page, "taille_foyer").locator("input")).to_have_value("4")


def test_email__corrected_in_the_field__next_enabled_at_once(served, page):
    _open(page, served, "med-email")
    _to_page(page, 4)
    _choose(page, "participer_reunion", "Oui")
    email = _question(page, "contact_email").locator("input")
    expect(email).to_be_visible()  # shown once the kernel has the « Oui »
    expect(email).to_have_attribute("type", "email")
    email.press_sequentially("habitant@exemple")
    _button(page, msg("collect.nav.next")).click()
    expect(
        _question(page, "contact_email").get_by_text("Adresse e-mail non valide")
    ).to_be_visible()
    expect(_button(page, msg("collect.nav.next"))).to_be_disabled()
    email.press("End")
    email.press_sequentially(".fr")  # still in the field: no Tab, no blur
    expect(_button(page, msg("collect.nav.next"))).to_be_enabled()
    _button(page, msg("collect.nav.next")).click()
    expect(_progress(page, 5)).to_be_visible()
    number = _question(page, "taille_foyer").locator("input")
    expect(number).to_have_attribute("inputmode", "numeric")


@pytest.mark.parametrize("seconds", [5, 90])
@pytest.mark.parametrize("when", ["avant", "pendant"])
def test_offline__before_or_during_submit__stored_exactly_once(
    served, page, artifacts, when, seconds
):
    collector = f"med-hors-ligne-{when}-{seconds}"
    _open(page, served, collector)
    _to_page(page, 5)
    _choose(page, "sexe", "Homme")
    _choose(page, "tranche_age", "25 à 39 ans")
    context = page.context
    submit = _button(page, msg("collect.nav.submit"))
    banner = page.locator(".mt-connection-lost")
    if when == "avant":
        context.set_offline(True)
        expect(banner).to_be_visible(timeout=10_000)
        expect(banner).to_contain_text(msg("collect.connection.lost"))
        expect(submit).to_be_disabled()
        if seconds == 5:
            _shot(page, artifacts, "hors-ligne")
        time.sleep(seconds)
        submit.click(force=True)  # a tap on the greyed button does nothing
        context.set_offline(False)
        expect(page.locator(".mt-connection-back")).to_be_visible(timeout=150_000)
        expect(submit).to_be_enabled(timeout=30_000)
        submit.click()
    else:
        submit.click()
        context.set_offline(True)
        time.sleep(seconds)
        context.set_offline(False)
    expect(page.get_by_text(msg("collect.end.submitted"))).to_be_visible(timeout=150_000)
    expect(page.locator(".mt-reference")).to_contain_text(re.compile(r"BA-\d{4}-[0-9A-Z]{6}"))
    assert _stored(served, collector) == 1


@pytest.mark.parametrize("size", list(SIZES))
def test_screens__every_screen__no_code_no_id_no_overflow(served, browser, artifacts, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(120_000)
    try:
        page.goto(served.url + "/")
        expect(page.locator(".mt-index")).to_be_visible(timeout=90_000)
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert msg("collect.index.page_title") in page.title()
        _no_jargon(page, "index", IDS | BAROMETRE)
        _shot(page, artifacts, "index")

        page.goto(served.page("terrain.ipynb"))
        expect(page.locator(".mt-fieldwork")).to_be_visible(timeout=90_000)
        expect(page.get_by_text(msg("collect.fieldwork.quotas"), exact=True)).to_be_visible()
        assert msg("collect.fieldwork.page_title") in page.title()
        _no_jargon(page, "fieldwork")
        _shot(page, artifacts, "terrain")

        page.goto(served.page("collecte.ipynb", "instrument=barometre_ambiance"))
        expect(page.locator(".mt-collect")).to_be_visible(timeout=90_000)
        _no_jargon(page, "start")
        _shot(page, artifacts, "accueil")
        page.locator(".mt-collector input").fill(f"med-ecrans-{size}")
        page.locator(".mt-sector select").select_option(label="Le Plateau")
        page.locator(".mt-consent-input label", has_text=msg("collect.consent.yes")).click()
        _button(page, msg("collect.start.begin")).click()
        for number in range(1, 6):
            expect(page.get_by_text(f"Page {number} sur")).to_be_visible()
            if number == 2:
                _choose(page, "quartier_agreable", "Plutôt d'accord")
                _choose(page, "problemes", "Bruit")
            if number == 3:
                _choose(page, "insecurite_domicile", "Rarement")
                _choose(page, "insecurite_quartier", "Jamais")
                _choose(page, "evolution", "Inchangée")
            if number == 4:
                _choose(page, "participer_reunion", "Oui")
            if number == 5:
                _choose(page, "sexe", "Femme")
                _choose(page, "tranche_age", "60 ans et plus")
            _no_jargon(page, f"page {number}")
            _shot(page, artifacts, f"page-{number}")
            if number < 5:
                _button(page, msg("collect.nav.next")).click()
        _button(page, "Abandonner").click()
        expect(page.locator(".mt-confirm").first).to_be_visible()
        _shot(page, artifacts, "abandonner")
        _button(page, "Non, continuer").click()
        _button(page, msg("collect.nav.submit")).click()
        expect(page.get_by_text(msg("collect.end.submitted"))).to_be_visible()
        _no_jargon(page, "end")
        _shot(page, artifacts, "fin")

        _button(page, msg("collect.end.new")).click()
        _button(page, msg("collect.start.drafts")).click()
        expect(page.get_by_text(msg("collect.drafts.title"))).to_be_visible()
        _no_jargon(page, "drafts")
        _shot(page, artifacts, "brouillons")
        _button(page, "Retour").click()
        _button(page, msg("collect.start.responses")).click()
        expect(page.get_by_text(msg("collect.responses.title"))).to_be_visible()
        expect(page.get_by_role("radio").first).to_be_visible()
        _no_jargon(page, "corrections")
        _shot(page, artifacts, "corrections")

        page.get_by_role("button", name="English").click()
        expect(page.get_by_text(msg("collect.responses.title", "en"))).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_text(msg("collect.status.online", "en"))).to_be_visible()
    finally:
        context.close()


def test_index__preheated_kernel__counts_of_the_moment(served, page):
    """The index kernel was preheated when the server started; a response stored since is
    counted when the page is opened."""
    import numpy as np

    from toolkit.demo.synthetic import synthetic_responses

    instrument = load(REPO_ROOT / "surveys" / "orientation_partenaire.yaml")
    with connect(served.db_url) as store:
        store.register(instrument)
        (answers,) = synthetic_responses(instrument, 1, np.random.default_rng(11))
        store.submit(instrument.id, answers, collector="med-index")
        total = int(store.instruments().set_index("id").loc[instrument.id, "n_submitted"])
    page.goto(served.url + "/")
    expect(page.locator(".mt-index")).to_be_visible(timeout=90_000)
    item = page.locator("li", has_text=instrument.title.get("fr"))
    counts = msg_pattern(
        "collect.index.counts", holes={"last": r"[\d/: ]+"}, submitted=total, drafts=0
    )
    expect(item).to_contain_text(counts)
