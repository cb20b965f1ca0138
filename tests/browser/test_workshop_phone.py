"""The participant's light page on phones (390×844, 360×740) and a tablet (768×1024), one test
per exercise type.

For each type the trainer's launch is made through the store, the phone joins through the
page, and the page is checked as it is drawn: no horizontal scroll, every choice and button
at least 44 px both ways, text at least 16 px, the bounding boxes of the choices never
intersect; then it is answered, and the feedback carries no internal code. Screenshots go
to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import msg
from toolkit.store import connect
from toolkit.training import modules_dir
from toolkit.training.sessions import LiveSessions

TIMEOUT_MS = 90_000
PHONES = [(390, 844), (360, 740)]
#: The same checks on a tablet held upright (the projector's sizes: tests/browser/test_workshop.py).
SIZES = [*PHONES, (768, 1024)]
#: (module file, exercise id, phase) for each exercise type, with the bundled modules' longest
#: labels.
CASES = {
    "quiz": ("01_cadre_posture.yaml", "quiz_principes", None),
    "assessment": ("01_cadre_posture.yaml", "assessment", "pre"),
    "judgement": ("01_cadre_posture.yaml", "sjt_confidentialite", None),
    "branching": ("01_cadre_posture.yaml", "scenario_plainte", None),
    "role_play": ("02_communication_ecoute.yaml", "jeu_ecoute", None),
    "rewriting": ("02_communication_ecoute.yaml", "reecriture_reformulation", None),
    "scale": ("02_communication_ecoute.yaml", "echelle_ecoute", None),
    "satisfaction": ("01_cadre_posture.yaml", "satisfaction", None),
}

#: Measures the page as drawn: overflow, small targets, small text, overlapping choices.
LAYOUT_JS = r"""
() => {
  const visible = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
            text: (e.innerText || e.value || e.tagName).slice(0, 40)}; };
  const targets = [...document.querySelectorAll(
      '.rm-choice, button, input:not([type=radio]):not([type=checkbox]), textarea, summary, a')]
    .filter(visible).map(box);
  const choices = [...document.querySelectorAll('.rm-choice, .rm-step')].filter(visible).map(box);
  const overlaps = [];
  for (let i = 0; i < choices.length; i++) for (let j = i + 1; j < choices.length; j++) {
    const a = choices[i], b = choices[j];
    if (a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5)
      overlaps.push([a.text, b.text]);
  }
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!node.textContent.trim() || !parent || !visible(parent)) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 16) small.push([node.textContent.trim().slice(0, 30), size]);
  }
  const radios = [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
    .filter(visible).map((e) => { const l = e.closest('label'); return l ? box(l) : box(e); });
  // A word cut across two lines: a label drawn on more lines than it has words.
  const split = [...document.querySelectorAll('.rm-choice > span, .rm-step, .rm-prompt, h1, h2')]
    .filter(visible).filter((e) => {
      const style = getComputedStyle(e);
      const inner = e.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      const lines = Math.round(inner / parseFloat(style.lineHeight));
      return lines > e.innerText.trim().split(/\s+/).length;
    }).map((e) => e.innerText.slice(0, 40));
  return {
    split,
    scrollWidth: document.documentElement.scrollWidth, width: innerWidth,
    tiny: targets.concat(radios).filter((t) => t.w < 44 || t.h < 44),
    overlaps, small, choices: choices.length,
  };
}
"""


def _open_room(served, case):
    module, exercise, phase = CASES[case]
    live = LiveSessions(connect(served.db_url).engine)
    code = live.open_session(modules_dir() / module)
    live.launch(code, exercise, phase=phase)
    return live, code


def _join(browser, served, code, size, name="Awa"):
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{served}/salle/{code}", timeout=TIMEOUT_MS)
    page.locator("#rm-name").fill(name)
    page.get_by_role("button", name=msg("room.join")).click()
    page.locator("article.rm-exercise").wait_for()
    return context, page


def _check_layout(page, label, artifacts):
    layout = page.evaluate(LAYOUT_JS)
    page.screenshot(path=str(artifacts / f"workshop_phone_{label}.png"), full_page=True)
    assert layout["scrollWidth"] <= layout["width"], label
    assert layout["tiny"] == [], label
    assert layout["small"] == [], label
    assert layout["overlaps"] == [], label
    assert layout["split"] == [], label
    return layout


def _no_code(page):
    text = page.locator("body").inner_text()
    assert not re.search(r"\bT1\d\d\b", text)
    assert "{'" not in text
    assert "None" not in text


def _answer(page, case):
    article = page.locator("article.rm-exercise")
    if case in ("quiz", "assessment"):
        form = article.locator("form.rm-item").first
        form.locator(".rm-choice").first.click()
        form.get_by_role("button", name=msg("room.submit")).click()
        form.locator(".rm-feedback p").first.wait_for()
    elif case == "judgement":
        article.locator("fieldset.rm-letters").nth(0).locator(".rm-choice").nth(1).click()
        article.locator("fieldset.rm-letters").nth(1).locator(".rm-choice").nth(2).click()
        article.get_by_role("button", name=msg("room.submit")).click()
        article.locator(".rm-score").wait_for()
    elif case == "branching":
        while not article.locator(".rm-ending").count():
            article.locator("button.rm-step").first.click()
            page.wait_for_timeout(200)
        article.locator(".rm-score").wait_for()
    elif case == "role_play":
        article.locator(".rm-grid, form.rm-item .rm-choice").first.click()
        article.get_by_role("button", name=msg("room.submit")).click()
        article.locator(".rm-saved").wait_for()
    elif case == "rewriting":
        form = article.locator("form.rm-item").first
        form.locator("textarea").fill("Si je comprends bien, le bruit vous empêche de dormir.")
        form.get_by_role("button", name=msg("room.submit")).click()
        form.locator(".rm-models").wait_for()
    else:
        for fieldset in article.locator("fieldset.rm-scale").all():
            fieldset.locator(".rm-choice").nth(1).click()
        article.get_by_role("button", name=msg("room.submit")).click()
        article.locator(".rm-saved").wait_for()


@pytest.mark.parametrize("case", list(CASES))
def test_phone__each_exercise_type__fits_and_answers(served, browser, artifacts, case):
    live, code = _open_room(served, case)
    for size in SIZES:
        context, page = _join(browser, served, code, size, name=f"Awa {size[0]}")
        try:
            if case == "role_play":
                page.locator(".rm-roles .rm-choice").last.click()  # the observer
                page.locator("[data-role=observer-grid] form").wait_for()
            layout = _check_layout(page, f"{case}_{size[0]}", artifacts)
            assert layout["choices"] > 0
            _answer(page, case)
            _check_layout(page, f"{case}_{size[0]}_answered", artifacts)
            _no_code(page)
        finally:
            context.close()
    assert len(live.participants(code)) == len(SIZES)
    run = live.info(code).run
    assert not live.answers(run.id).empty


def test_phone__join_screen_and_waiting__fit_at_360(served, browser, artifacts):
    live = LiveSessions(connect(served.db_url).engine)
    code = live.open_session(modules_dir() / "01_cadre_posture.yaml")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{served}/salle", timeout=TIMEOUT_MS)
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.title() == msg("room.title")
        page.get_by_role("button", name=msg("room.join")).click()
        assert page.locator("#rm-join-error").inner_text() == msg("room.js.empty_code")
        page.locator("#rm-code").fill(code.lower())
        page.locator("#rm-name").fill("x" * 40)
        assert page.locator("#rm-name").input_value() == "x" * 30
        assert "30 / 30" in page.locator("#rm-name-count").inner_text()
        _check_layout(page, "join_360", artifacts)
        page.locator("#rm-name").fill("Zoé")
        page.get_by_role("button", name=msg("room.join")).click()
        page.locator(".rm-waiting").wait_for()
        assert page.locator("#rm-welcome").inner_text() == msg("room.welcome", name="Zoé")
        _check_layout(page, "waiting_360", artifacts)
        # A reload goes on in the room without asking again.
        page.reload()
        page.locator(".rm-waiting").wait_for()
        live.step(code, 1)
        page.locator("article.rm-exercise").wait_for()
        assert len(live.participants(code)) == 1
        live.close_session(code)
        page.locator(".rm-closed").wait_for()
    finally:
        context.close()


def test_phone__long_text__counter_limit_and_plain_message(served, browser, artifacts):
    live, code = _open_room(served, "rewriting")
    context, page = _join(browser, served, code, (390, 844))
    try:
        area = page.locator("form.rm-item textarea").first
        area.fill("a" * 5000)
        assert len(area.input_value()) == 2000
        counter = page.locator("form.rm-item .rm-count").first
        # French thousands (« 2 000 »): the counter is formatted in the page's language.
        full = msg("room.counter", n="2 000", maximum="2 000")
        assert re.sub(r"\s", " ", counter.inner_text()) == full
        assert "rm-near" in counter.get_attribute("class")
        page.screenshot(path=str(artifacts / "workshop_phone_long_text.png"), full_page=True)
        run = live.info(code).run
        prompt = live.info(code).exercise.prompts[0].id
        reply = page.evaluate(
            """async ([run, prompt]) => {
                const pass = JSON.parse(localStorage.getItem(Object.keys(localStorage)[0])).pass;
                const r = await fetch('/salle/api/answer', {method: 'POST',
                  headers: {'Content-Type': 'application/json', 'X-Room-Pass': pass},
                  body: JSON.stringify({run, values: {[prompt]: {text: 'é'.repeat(5000), checked: []}}})});
                return [r.status, (await r.json()).message];
            }""",
            [run.id, prompt],
        )
        assert reply[0] == 400
        too_long = msg("room.error.too_long", length=5000, maximum=2000)
        assert re.sub(r"\s", " ", reply[1]) == re.sub(r"\s", " ", too_long)
    finally:
        context.close()
