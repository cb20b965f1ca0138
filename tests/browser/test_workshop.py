"""A live workshop in Chromium: the trainer's panel (a Voilà page), the projector page and
three phones on the light room page, all at once on the ``served`` server.

The trainer opens a session, opens the projector view from the panel, three participants
join by the room's address with its code, answer a quiz and play a scenario; the panel's
chart and the projector follow; the projector moves on with a presentation remote's key.
Screenshots of the panel, the projector (1280×720 and 768×1024) and a phone are kept.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import msg

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000
PEOPLE = ("Awa", "Bruno", "<i>Chloé</i>")
RIGHT, WRONG = "Il peut se retirer à tout moment", "Il doit aller au bout"


def _page(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, timeout=TIMEOUT_MS)
    return page


def _bar(page, group: str, option: str, value: str) -> None:
    page.locator(
        f".wk-group[data-group='{group}'] .wk-bar[data-option='{option}'][data-value='{value}']"
    ).wait_for()


def test_workshop__panel_projector_and_three_phones(served, browser, artifacts):
    trainer = _page(browser, f"{served}/voila/render/formation_animateur.ipynb", 1280, 800)
    trainer.get_by_role("button", name=msg("workshop.trainer.open")).click()
    code = trainer.locator(".wk-code").inner_text(timeout=TIMEOUT_MS).strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    assert "/salle" in trainer.locator(".wk-room").inner_text()
    assert trainer.locator(".wk-room svg").count() == 1

    with trainer.context.expect_page() as opened:
        trainer.locator("a.wk-projector").click()
    projector = opened.value
    projector.set_default_timeout(TIMEOUT_MS)
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.locator(f".pj-lobby .pj-code[data-code='{code}']").wait_for()
    assert projector.evaluate("document.documentElement.lang") == "fr"

    phones = []
    for name in PEOPLE:
        phone = _page(browser, f"{served}/salle/{code}", 390, 844)
        assert phone.locator("#rm-code").input_value() == code
        phone.locator("#rm-name").fill(name)
        phone.get_by_role("button", name=msg("room.join")).click()
        phone.locator(".rm-waiting").wait_for()
        phones.append(phone)
    trainer.get_by_text(msg("workshop.trainer.participants", n=3)).wait_for()
    projector.locator(".pj-count[data-count='3']").wait_for()
    assert "<i>Chloé</i>" in projector.locator(".pj-names").inner_text()
    projector.screenshot(path=str(artifacts / "workshop_projector_lobby_1280.png"))
    code_height = projector.locator(".pj-code").bounding_box()["height"]
    assert code_height >= 100  # the room code is read from the back of the room

    # Quiz: two right answers, one wrong; hidden on the projector until revealed.
    trainer.get_by_role("button", name=msg("workshop.trainer.launch")).click()
    for phone, pick in zip(phones, (RIGHT, RIGHT, WRONG), strict=True):
        phone.get_by_text(pick).first.click()
        phone.get_by_role("button", name=msg("room.submit")).first.click()
        phone.locator(".rm-correct, .rm-wrong").first.wait_for()
    trainer.get_by_text(msg("workshop.trainer.answers", n=3)).wait_for()
    projector.locator(".pj-progress[data-answered='3']").wait_for()
    assert projector.locator(".wk-bar").count() == 0
    phones[0].screenshot(path=str(artifacts / "workshop_phone_quiz_e2e_390.png"), full_page=True)
    projector.keyboard.press("b")  # a presentation remote's "blank screen" key: reveal
    _bar(projector, "adhesion", "a", "2")
    _bar(projector, "adhesion", "b", "1")
    _bar(trainer, "adhesion", "a", "2")
    projector.screenshot(path=str(artifacts / "workshop_projector_chart_1280.png"))
    projector.set_viewport_size({"width": 768, "height": 1024})
    projector.screenshot(path=str(artifacts / "workshop_projector_chart_768.png"))
    assert projector.evaluate("document.documentElement.scrollWidth <= innerWidth")
    trainer.screenshot(path=str(artifacts / "workshop_trainer_panel_1280.png"), full_page=True)

    # The projector shows one question of the quiz at a time; its "next" (→ key) goes through
    # them, then moves every phone to the next exercise of the agenda.
    projector.keyboard.press("ArrowRight")
    assert projector.locator(".pj-of").inner_text() == msg("room.projector.of", n=2, total=4)
    assert projector.locator(".wk-group:visible").count() == 1
    for _ in range(3):
        projector.keyboard.press("ArrowRight")
    for phone in phones:
        phone.get_by_text(msg("room.best")).wait_for()
    trainer.locator("h3", has_text="Jugement situationnel : une confidence inquiétante").wait_for()

    # Branching scenario, launched from the panel: the endings chart grows as phones finish.
    trainer.locator("select").first.select_option(index=3)
    trainer.get_by_role("button", name=msg("workshop.trainer.launch")).click()
    trainer.get_by_role("button", name=msg("workshop.trainer.reveal")).click()
    for phone in phones:
        phone.locator(".rm-scene").wait_for()
    phones[0].get_by_role("button", name="« Oui, c'est Mme Martin. »").click()
    phones[0].locator(".rm-ending").wait_for()
    _bar(trainer, "ending", "fin_nom", "1")
    listen = "« Je ne peux pas vous le dire. Je suis là pour entendre votre point de vue aussi. »"
    for phone in phones[1:]:
        phone.get_by_role("button", name=listen).click()
        phone.get_by_role("button", name=re.compile("^« Si je comprends bien")).click()
        phone.get_by_role("button", name=re.compile("^Vous proposez de chercher")).click()
        phone.get_by_text(msg("room.score", score=3, maximum=3)).wait_for()
    _bar(trainer, "ending", "fin_accord", "2")
    _bar(projector, "ending", "fin_accord", "2")

    # Closing: the phones and the projector show the end.
    trainer.get_by_role("button", name=msg("workshop.trainer.close")).click()
    projector.locator(".pj-end").wait_for()
    for phone in phones:
        phone.locator(".rm-closed").wait_for()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.screenshot(path=str(artifacts / "workshop_projector_end_1280.png"))
    for page in (trainer, *phones):
        page.context.close()
