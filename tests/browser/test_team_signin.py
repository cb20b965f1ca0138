"""The sign-in page and the « page réservée » page of a team server, at phone and tablet size.

Screenshots go to ``test-artifacts/browser/team-*.png``; each screen must fit its width,
show French labels (English with ``?lang=en``) and no code or identifier.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_server, stop_server
from tests.helpers import msg
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
        assert msg("team.signin.title") in text
        assert not [word for word in ENGLISH if word in text]
        page.get_by_label(msg("team.signin.name")).fill("awa")
        page.get_by_label(msg("team.signin.password")).fill("pas le bon mot de passe")
        page.get_by_role("button", name=msg("team.signin.submit")).click()
        expect(page.get_by_role("alert")).to_have_text(msg("team.signin.failed"))
        expect(page.get_by_label(msg("team.signin.name"))).to_have_value("awa")
        _check(page, artifacts, f"connexion-erreur-{size}")
        page.get_by_label(msg("team.signin.password")).fill(PASSWORD)
        page.get_by_role("button", name=msg("team.signin.submit")).click()
        # Back to the page asked for, which the collector's role does not open.
        page.wait_for_url("**/voila/render/formation_animateur.ipynb")
        expect(page.locator("h1")).to_have_text(msg("team.denied.title"))
        text = _check(page, artifacts, f"page-reservee-{size}")
        denied = msg("team.denied.page", roles=msg("team.role.trainer"))
        assert denied in text
        page.get_by_role("link", name=msg("team.home")).wait_for()
        page.goto(f"{team}/login")
        _check(page, artifacts, f"deja-connecte-{size}")
        page.get_by_role("button", name=msg("team.signout")).click()
        expect(page.get_by_role("status")).to_have_text(msg("team.signout.done"))
        _check(page, artifacts, f"deconnecte-{size}")
    finally:
        context.close()


def test_signin__english__labels_and_messages_in_english(browser, team, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{team}/login")
        page.get_by_role("link", name="English").click()
        expect(page.locator("h1")).to_have_text(msg("team.signin.title", "en"))
        page.get_by_label(msg("team.signin.name", "en")).fill("bruno")
        page.get_by_label(msg("team.signin.password", "en")).fill("wrong password, surely")
        page.get_by_role("button", name=msg("team.signin.submit", "en")).click()
        expect(page.get_by_role("alert")).to_have_text(msg("team.signin.failed", "en"))
        _check(page, artifacts, "signin-english-phone")
    finally:
        context.close()
