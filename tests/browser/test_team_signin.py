"""The sign-in page and the « page réservée » page of a team server, at phone and tablet size.

Screenshots go to ``test-artifacts/browser/team-*.png``; each screen must fit its width,
show French labels (English with ``?lang=en``) and no code or identifier.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_server, stop_server
from tests.server.conftest import PASSWORD, add_people

SIZES = {"phone": (390, 844), "tablet": (768, 1024)}
WIDE = "document.documentElement.scrollWidth <= window.innerWidth + 1"
ENGLISH = ("Sign in", "Password", "User name", "Login", "Forbidden", "Error")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("team-signin")
    db_url = f"sqlite:///{tmp / 'toolkit.sqlite'}"
    add_people(db_url)
    server = start_server(tmp, "--pool", "0", db_url=db_url)
    yield server
    stop_server(server)


def _check(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"team-{name}.png"), full_page=True)
    assert page.evaluate(WIDE), f"horizontal overflow on {name}"
    text = page.locator("body").inner_text()
    for code in ("U00", "team.", "_xsrf", "None", "Traceback"):
        assert code not in text, (name, code)
    return text


@pytest.mark.parametrize("size", SIZES)
def test_signin__french_screens__fit_and_say_what_to_do(browser, team, artifacts, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{team}/voila/render/formation_animateur.ipynb")
        page.wait_for_url("**/login?next=*")
        text = _check(page, artifacts, f"connexion-{size}")
        assert "Connexion" in text
        assert not [word for word in ENGLISH if word in text]
        page.get_by_label("Identifiant").fill("awa")
        page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
        expect(page.get_by_label("Identifiant")).to_have_value("awa")
        _check(page, artifacts, f"connexion-erreur-{size}")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        # Back to the page asked for, which the collector's role does not open.
        page.wait_for_url("**/voila/render/formation_animateur.ipynb")
        expect(page.locator("h1")).to_have_text("Page réservée")
        text = _check(page, artifacts, f"page-reservee-{size}")
        assert "réservée aux rôles suivants : formation" in text
        page.get_by_role("link", name="Aller à l'accueil").wait_for()
        page.goto(f"{team}/login")
        _check(page, artifacts, f"deja-connecte-{size}")
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté·e.")
        _check(page, artifacts, f"deconnecte-{size}")
    finally:
        context.close()


def test_signin__english__labels_and_messages_in_english(browser, team, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{team}/login")
        page.get_by_role("link", name="English").click()
        expect(page.locator("h1")).to_have_text("Sign in")
        page.get_by_label("User name").fill("bruno")
        page.get_by_label("Password").fill("wrong password, surely")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
        _check(page, artifacts, "signin-english-phone")
    finally:
        context.close()
