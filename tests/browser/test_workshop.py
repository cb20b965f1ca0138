"""A live workshop in Chromium: one trainer page and three participant phones at once.

Each page is its own Voilà kernel; they share only the database of ``served``. The trainer
opens a session, three participants join with the room code, answer a quiz and play a
branching scenario, and the trainer's live chart follows.
"""

from __future__ import annotations

import re

import pytest

from toolkit.i18n import t

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000
PEOPLE = ("Awa", "Bruno", "Chloé")


def _open(browser, url: str):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, timeout=TIMEOUT_MS)
    return page


def _bar(page, group: str, option: str, value: str) -> None:
    page.locator(
        f".wk-group[data-group='{group}'] .wk-bar[data-option='{option}'][data-value='{value}']"
    ).wait_for()


def test_workshop__trainer_and_three_participants(served, browser):
    trainer = _open(browser, f"{served}/voila/render/formation_animateur.ipynb")
    trainer.get_by_role("button", name="Ouvrir une session").click()
    code = trainer.locator(".wk-code").inner_text(timeout=TIMEOUT_MS).strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)

    phones = []
    for name in PEOPLE:
        phone = _open(browser, f"{served}/voila/render/formation_participant.ipynb?code={code}")
        phone.get_by_role("button", name="Rejoindre").wait_for()
        phone.locator(".widget-text input").nth(1).fill(name)
        phone.get_by_role("button", name="Rejoindre").click()
        phone.locator(".wk-waiting").wait_for()
        phones.append(phone)
    trainer.get_by_text("Participants : 3").wait_for()

    # Quiz: two right answers, one wrong; the chart stays hidden until revealed.
    trainer.get_by_role("button", name="Lancer").click()
    picks = (
        "Il peut se retirer à tout moment",
        "Il peut se retirer à tout moment",
        "Il doit aller au bout",
    )
    for phone, pick in zip(phones, picks, strict=True):
        phone.get_by_text(pick).first.click()
        phone.get_by_role("button", name="Valider").first.click()
        phone.locator(".wk-correct, .wk-wrong").first.wait_for()
    trainer.get_by_text(t("workshop.trainer.answers", "fr", n=3)).wait_for()
    assert trainer.locator(".wk-hidden").count() == 1
    trainer.get_by_role("button", name="Afficher les résultats").click()
    _bar(trainer, "adhesion", "a", "2")
    _bar(trainer, "adhesion", "b", "1")

    # Branching scenario: the endings chart grows as each phone reaches an end.
    trainer.locator("select").first.select_option(index=3)  # the scenario of module 1
    trainer.get_by_role("button", name="Lancer").click()
    trainer.get_by_role("button", name="Afficher les résultats").click()
    listen = "« Je ne peux pas vous le dire. Je suis là pour entendre votre point de vue aussi. »"
    for phone in phones:
        phone.locator(".wk-scene").wait_for()
    phones[0].get_by_role("button", name="« Oui, c'est Mme Martin. »").click()
    phones[0].locator(".wk-ending").wait_for()
    _bar(trainer, "ending", "fin_nom", "1")
    for phone in phones[1:]:
        phone.get_by_role("button", name=listen).click()
        phone.get_by_role("button", name=re.compile("^« Si je comprends bien")).click()
        phone.get_by_role("button", name=re.compile("^Vous proposez de chercher")).click()
        phone.get_by_text("Score : 3 / 3").wait_for()
    _bar(trainer, "ending", "fin_accord", "2")
    _bar(trainer, "ending", "fin_nom", "1")
