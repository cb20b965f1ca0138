"""The field form with the keyboard only (issue 4: "keyboard usable"), at tablet size.

Every step goes through ``page.keyboard`` (Tab, Shift+Tab, arrows, Space, Enter, typing): no
click, no ``fill``. The focused element must show a focus ring, and buttons, radio rows and
checkbox rows must be at least 44 px high at 768 px width.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers import msg, msg_pattern

#: What the focused element is, and whether a focus ring is drawn around it (its own outline
#: or box shadow, or those of the row that holds it: a radio's or checkbox's label).
FOCUSED = """() => {
  const el = document.activeElement;
  const ring = (node) => {
    if (!node) return false;
    const s = getComputedStyle(node);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    return outline || s.boxShadow.includes("21, 101, 192");
  };
  const holder = el.closest("[class*='mt-q-'], .mt-collector, .mt-team, .mt-sector, "
    + ".mt-wave, .mt-consent-input, .mt-lang");
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    text: (el.innerText || el.parentElement.innerText || "").trim(),
    holder: holder ? [...holder.classList].filter((c) => c.startsWith("mt-")).join(" ") : "",
    ring: ring(el) || ring(el.closest("label")),
  };
}"""

#: Heights of the visible touch targets: buttons, radio rows, checkbox rows.
TARGETS = """() => [...document.querySelectorAll(
    ".mt-app button, .mt-app .widget-radio-box label, .mt-app .widget-checkbox")]
  .filter((el) => el.offsetParent !== null)
  .map((el) => ({what: (el.innerText || el.className).trim().slice(0, 40),
                 height: el.getBoundingClientRect().height}))"""


def _focused(page) -> dict:
    return page.evaluate(FOCUSED)


def _tab_to(page, wanted, *, key="Tab", limit=40) -> dict:
    """Press ``key`` until the focused element satisfies ``wanted``; it must show a ring."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if wanted(focused):
            assert focused["ring"], f"no visible focus indicator on {focused}"
            return focused
    raise AssertionError(f"{key} never reached the element; last focused: {_focused(page)}")


def _progress(page, number):
    """« Page 2 sur 5 »: the progress line of page ``number`` (the total depends on answers)."""
    return page.get_by_text(msg_pattern("collect.progress", holes={"total": r"\d+"}, page=number))


def _small_targets(page) -> list[dict]:
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


def test_barometre__keyboard_only__start_screen_and_first_page(served, page):
    page.goto(served.page("collecte.ipynb", "instrument=barometre_ambiance"))
    expect(page.locator(".mt-collect")).to_be_visible(timeout=60_000)
    assert _small_targets(page) == []

    _tab_to(page, lambda f: f["holder"] == "mt-collector" and f["tag"] == "input")
    page.keyboard.type("med-clavier")
    _tab_to(page, lambda f: f["tag"] == "select")
    sector = page.locator(".mt-sector select")
    for expected in ("Centre-ville", "Les Tilleuls", "Quartier de la Gare"):
        page.keyboard.press("ArrowDown")
        expect(sector).to_have_value(expected)

    _tab_to(page, lambda f: f["type"] == "radio" and "mt-consent-input" in f["holder"])
    page.keyboard.press("Space")
    consent = page.locator(".mt-consent-input input[type=radio]")
    expect(consent.first).to_be_checked()
    begin = page.get_by_role("button", name=msg("collect.start.begin"))
    expect(begin).to_be_enabled()
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"].endswith(msg("collect.start.begin")))
    page.keyboard.press("Enter")
    expect(_progress(page, 1)).to_be_visible()

    # First page: the sector was carried over; move it one place down with the arrow keys.
    secteur = page.locator(".mt-q-secteur input[type=radio]")
    expect(secteur.nth(2)).to_be_checked()
    _tab_to(page, lambda f: f["type"] == "radio" and "mt-q-secteur" in f["holder"])
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(secteur.nth(1)).to_be_checked()
    expect(secteur.nth(2)).not_to_be_checked()
    assert _small_targets(page) == []

    _tab_to(page, lambda f: f["tag"] == "button" and f["text"].endswith(msg("collect.nav.next")))
    page.keyboard.press("Enter")
    expect(_progress(page, 2)).to_be_visible()
    # The navigation bar is kept between pages, so the focus stays on *Suivant*.
    assert _focused(page)["text"].endswith(msg("collect.nav.next"))
    assert _small_targets(page) == []

    # Second page from the bottom: Shift+Tab back into the checkboxes, tick one with Space.
    _tab_to(
        page,
        lambda f: f["type"] == "checkbox" and "mt-q-problemes" in f["holder"],
        key="Shift+Tab",
    )
    page.keyboard.press("Space")
    expect(page.locator(".mt-q-problemes input[type=checkbox]:checked")).to_have_count(1)

    # Back to the first page with Shift+Tab to *Précédent*: the sector answer is still there.
    _tab_to(
        page, lambda f: f["tag"] == "button" and f["text"].endswith(msg("collect.nav.previous"))
    )
    page.keyboard.press("Enter")
    expect(_progress(page, 1)).to_be_visible()
    expect(secteur.nth(1)).to_be_checked()
