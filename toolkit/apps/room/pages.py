"""Whole HTML documents of the room: the participants' page and the projector's page.

Both are a small shell (``<html lang>``, ``<title>``, styles, one script) whose content
comes from the server as fragments (:mod:`.screens`, :mod:`.projector`). The strings the
scripts need are given in a JSON block (``<script type="application/json">``, never run).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from pathlib import Path

from toolkit.apps.common.html import esc
from toolkit.i18n import LANGUAGES, t
from toolkit.training.sessions import CODE_LENGTH, MAX_PSEUDONYM

__all__ = [
    "STATIC_DIR",
    "participant_csp",
    "participant_page",
    "projector_page",
    "static_version",
]

STATIC_DIR = Path(__file__).with_name("static")
_OTHER = {"fr": ("en", "English"), "en": ("fr", "Français")}


@cache
def static_version(name: str) -> str:
    """A short hash of a static file, appended to its URL so that browsers reload it."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


@cache
def _inline(name: str) -> tuple[str, str]:
    """A static file's text and its CSP source (``'sha256-…'``), for inlining it."""
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def participant_csp() -> str:
    """The participants' page's Content-Security-Policy: its own inline style and script
    only (by hash), requests to this server only, no frames, no forms elsewhere."""
    style, script = _inline("room.css")[1], _inline("room.js")[1]
    return (
        f"default-src 'none'; script-src {script}; style-src {style}; connect-src 'self'; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def _config(values: dict) -> str:
    raw = json.dumps(values, ensure_ascii=False)
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _head(lang: str, title: str, static: str, css: str, js: str, config: dict) -> str:
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f'<link rel="stylesheet" href="{esc(static)}/{css}?v={static_version(css)}">'
        f'<script type="application/json" id="rm-config">{_config(config)}</script>'
        f'<script src="{esc(static)}/{js}?v={static_version(js)}" defer></script></head>'
    )


def participant_page(*, base: str, code: str, lang: str) -> str:
    """The phone page: join form (room code prefilled from the link), then live screens.

    ``base`` is the room's URL path (``/salle``); ``lang`` one of :data:`LANGUAGES`.
    """
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    title = t("room.title", lang)
    other, other_name = _OTHER[lang]
    strings = {
        key: t(f"room.js.{key}", lang)
        for key in ("offline", "sending", "pick", "same", "empty_name", "empty_code", "error")
    }
    strings["counter"] = t("room.counter", lang, n="{n}", maximum="{maximum}")
    config = {"base": base, "api": f"{base}/api", "lang": lang, "code": code, "strings": strings}
    counter = t("room.counter", lang, n="0", maximum=str(MAX_PSEUDONYM))
    # One response holds everything (style and script inline, allowed by their hashes): a
    # room of phones opening the page at once costs the server one request each.
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_inline('room.css')[0]}</style></head>"
        + '<body><main class="rm" id="rm-main">'
        f'<header class="rm-head"><h1 id="rm-heading">{esc(title)}</h1>'
        f'<a class="rm-lang" href="?lang={other}" lang="{other}" hreflang="{other}">'
        f"{esc(other_name)}</a></header>"
        '<p class="rm-welcome" id="rm-welcome" hidden></p>'
        '<section id="rm-screen" aria-live="polite">'
        '<form id="rm-join" class="rm-card" novalidate>'
        f'<label class="rm-label" for="rm-code">{esc(t("room.code", lang))}</label>'
        f'<input id="rm-code" name="code" value="{esc(code)}" autocomplete="off" '
        f'autocapitalize="characters" spellcheck="false" maxlength="{CODE_LENGTH + 3}" '
        f'placeholder="{esc(t("room.code_placeholder", lang))}">'
        f'<label class="rm-label" for="rm-name">{esc(t("room.pseudonym", lang))}</label>'
        f'<input id="rm-name" name="pseudonym" maxlength="{MAX_PSEUDONYM}" autocomplete="nickname" '
        'data-counter="rm-name-count">'
        f'<p class="rm-count" id="rm-name-count" aria-live="polite">{esc(counter)}</p>'
        f'<p class="rm-hint">{esc(t("room.pseudonym_hint", lang))}</p>'
        f'<button type="submit" class="rm-primary" id="rm-join-button">'
        f"{esc(t('room.join', lang))}</button>"
        '<p class="rm-error" id="rm-join-error" role="alert" hidden></p></form></section>'
        '<p class="rm-status" id="rm-status" role="status" aria-live="polite" hidden></p>'
        f'</main><script type="application/json" id="rm-config">{_config(config)}</script>'
        f"<script>{_inline('room.js')[0]}</script></body></html>"
    )


def projector_page(*, base: str, code: str, lang: str, xsrf: str) -> str:
    """The projected page of room ``code`` (trainer only): screens, controls, shortcuts."""
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    title = t("room.projector.title", lang, code=code)
    config = {
        "state": f"{base}/{code}/projection/state",
        "control": f"{base}/{code}/projection/control",
        "lang": lang,
        "xsrf": xsrf,
        "strings": {
            "offline": t("room.js.offline", lang),
            "reveal": t("room.projector.reveal", lang),
            "hide": t("room.projector.hide", lang),
            "of": t("room.projector.of", lang, n="{n}", total="{total}"),
        },
    }
    buttons = "".join(
        f'<button type="button" data-action="{action}" title="{esc(t(f"room.projector.key_{action}", lang))}">'
        f"{esc(t(f'room.projector.{action}', lang))}</button>"
        for action in ("previous", "reveal", "next", "fullscreen")
    )
    return (
        _head(lang, title, f"{base}/static", "projector.css", "projector.js", config)
        + '<body class="pj"><main id="pj-screen" aria-live="polite"></main>'
        f'<nav class="pj-controls" aria-label="{esc(t("room.projector.controls", lang))}">'
        f"{buttons}</nav>"
        '<p class="pj-status" id="pj-status" role="status" hidden></p></body></html>'
    )
