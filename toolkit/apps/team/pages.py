"""Whole HTML documents of a team server: the sign-in page and the « access refused » page.

Served by the Tornado handlers of :mod:`.handlers` without a kernel; one inline style
allowed by its hash, no script, forms posted to this server only.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from functools import cache

from toolkit.apps.common.html import esc
from toolkit.i18n import LANGUAGES, t
from toolkit.team.roles import ACTIONS, ROLES

__all__ = ["denied_page", "error_page", "page_csp", "signed_in_page", "signin_page"]

_OTHER = {"fr": ("en", "English"), "en": ("fr", "Français")}

_CSS = """
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #f4f6f8; color: #14171a; font: 18px/1.45 system-ui,
  -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; overflow-x: hidden; }
.tm { max-width: 28rem; margin: 0 auto; padding: 16px 14px 48px; overflow-wrap: anywhere; }
.tm-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 12px; }
.tm-brand { font-size: 16px; color: #4a5360; margin: 14px 0 0; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 4px 0 14px; }
.tm-lang { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px;
  padding: 0 8px; font-size: 16px; flex: none; color: #0b4ea2; }
.tm-card { background: #fff; border-radius: 12px; padding: 16px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, .12); }
label { display: block; font-weight: 600; margin: 12px 0 6px; }
input { display: block; width: 100%; min-height: 48px; font: inherit; padding: 10px 12px;
  border: 2px solid #8a94a3; border-radius: 10px; background: #fff; color: inherit; }
input:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid #0b57d0; outline-offset: 2px; }
button, .tm-button { display: flex; align-items: center; justify-content: center; width: 100%;
  min-height: 52px; margin: 20px 0 4px; font: inherit; font-weight: 700; color: #fff;
  background: #0b57d0; border: 0; border-radius: 10px; cursor: pointer; text-decoration: none;
  text-align: center; padding: 8px 12px; }
.tm-secondary { background: #fff; color: #0b4ea2; border: 2px solid #0b4ea2; }
.tm-error { color: #9b1c1c; background: #fdecec; border-left: 4px solid #9b1c1c;
  padding: 10px 12px; border-radius: 6px; margin: 0 0 8px; }
.tm-ok { color: #14532d; background: #e8f5ec; border-left: 4px solid #1b7a3d;
  padding: 10px 12px; border-radius: 6px; margin: 0 0 8px; }
.tm-hint { font-size: 16px; color: #4a5360; margin: 16px 0 0; }
.tm-card > p:first-child { margin-top: 0; }
"""


@cache
def _css_source() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def page_csp() -> str:
    """Content-Security-Policy of these pages: their inline style only, no script at all."""
    return (
        f"default-src 'none'; style-src {_css_source()}; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else LANGUAGES[0]


def _document(lang: str, title: str, body: str, *, switch: str) -> str:
    other, other_name = _OTHER[lang]
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>"
        '<body><main class="tm">'
        f'<header class="tm-head"><p class="tm-brand">{esc(t("team.brand", lang))}</p>'
        f'<a class="tm-lang" href="{esc(switch)}lang={other}" lang="{other}" hreflang="{other}">'
        f"{esc(other_name)}</a></header>"
        f"<h1>{esc(title)}</h1>{body}</main></body></html>"
    )


def signin_page(
    *,
    action: str,
    next_url: str,
    xsrf_form: str,
    lang: str,
    name: str = "",
    error: str = "",
    notice: str = "",
) -> str:
    """The sign-in form; ``error`` and ``notice`` are already-translated sentences."""
    lang = _lang(lang)
    alert = f'<p class="tm-error" role="alert">{esc(error)}</p>' if error else ""
    ok = f'<p class="tm-ok" role="status">{esc(notice)}</p>' if notice else ""
    body = (
        f'{ok}<form class="tm-card" method="post" action="{esc(action)}">{alert}'
        f"{xsrf_form}"
        f'<input type="hidden" name="next" value="{esc(next_url)}">'
        f'<input type="hidden" name="lang" value="{esc(lang)}">'
        f'<label for="tm-name">{esc(t("team.signin.name", lang))}</label>'
        f'<input id="tm-name" name="username" value="{esc(name)}" autocomplete="username" '
        'autocapitalize="none" spellcheck="false" maxlength="64" required>'
        f'<label for="tm-password">{esc(t("team.signin.password", lang))}</label>'
        '<input id="tm-password" name="password" type="password" '
        'autocomplete="current-password" maxlength="256" required>'
        f'<button type="submit">{esc(t("team.signin.submit", lang))}</button></form>'
        f'<p class="tm-hint">{esc(t("team.signin.help", lang))}</p>'
    )
    switch = f"{action}?next={esc(next_url)}&"
    return _document(lang, t("team.signin.title", lang), body, switch=switch)


def signed_in_page(*, name: str, home: str, signout: str, xsrf_form: str, lang: str) -> str:
    """What the sign-in address shows to someone already signed in."""
    lang = _lang(lang)
    body = (
        f'<div class="tm-card"><p>{esc(t("team.signin.already", lang, name=name))}</p>'
        f'<a class="tm-button" href="{esc(home)}">{esc(t("team.home", lang))}</a>'
        f'<form method="post" action="{esc(signout)}">{xsrf_form}'
        f'<button type="submit" class="tm-secondary">{esc(t("team.signout", lang))}</button>'
        "</form></div>"
    )
    return _document(lang, t("team.signin.title", lang), body, switch="?")


def _role_labels(roles: Iterable[str], lang: str) -> str:
    return ", ".join(t(f"team.role.{role}", lang) for role in ROLES if role in set(roles))


def denied_page(
    *,
    name: str,
    roles: tuple[str, ...],
    action: str,
    home: str,
    signout: str,
    xsrf_form: str,
    lang: str,
) -> str:
    """The page shown instead of an app the person's roles do not open."""
    lang = _lang(lang)
    needed = [role for role in ROLES if action in ACTIONS[role]]
    body = (
        '<div class="tm-card">'
        f"<p>{esc(t('team.denied.page', lang, roles=_role_labels(needed, lang)))}</p>"
        f"<p>{esc(t('team.denied.yours', lang, name=name, roles=_role_labels(roles, lang) or '—'))}</p>"
        f'<a class="tm-button" href="{esc(home)}">{esc(t("team.home", lang))}</a>'
        f'<form method="post" action="{esc(signout)}">{xsrf_form}'
        f'<button type="submit" class="tm-secondary">{esc(t("team.signout_other", lang))}</button>'
        "</form></div>"
    )
    return _document(lang, t("team.denied.title", lang), body, switch="?")


def error_page(*, signin: str, lang: str) -> str:
    """A refused or expired request: say so, and offer the sign-in page again."""
    lang = _lang(lang)
    body = (
        f'<div class="tm-card"><p>{esc(t("team.error.expired", lang))}</p>'
        f'<a class="tm-button" href="{esc(signin)}">{esc(t("team.signin.again", lang))}</a></div>'
    )
    return _document(lang, t("team.error.title", lang), body, switch="?")
