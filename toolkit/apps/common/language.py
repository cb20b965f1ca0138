"""The language switch shown at the top of every app (French first)."""

from __future__ import annotations

import ipywidgets as widgets

from toolkit.i18n import DEFAULT_LANGUAGE

__all__ = ["language_switch"]

_NAMES = {"fr": "Français", "en": "English"}


def language_switch(
    languages: tuple[str, ...] = ("fr", "en"), value: str | None = None
) -> widgets.ToggleButtons:
    """Toggle buttons with one entry per language, named in its own language.

    A ``value`` that is not one of ``languages`` falls back to French (the default language).

    Examples
    --------
    >>> switch = language_switch(("fr", "en"), "en")
    >>> switch.options, switch.value
    ((('Français', 'fr'), ('English', 'en')), 'en')
    >>> language_switch(("fr", "en"), "de").value
    'fr'
    """
    options = [(_NAMES.get(lang, lang), lang) for lang in languages]
    chosen = (
        value
        if value in languages
        else (DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in languages else languages[0])
    )
    switch = widgets.ToggleButtons(options=options, value=chosen, style={"button_width": "auto"})
    switch.add_class("mt-lang")
    return switch
