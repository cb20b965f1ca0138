"""Language codes of the model (``fr``) and XLSForm language columns (``label::Français (fr)``).

XLSForm names a language by free text after ``::``; the convention of ODK and KoboToolbox is
``Name (code)``. Older forms write the name alone (``label:english``), sometimes in capitals.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale, UnknownLocaleError

#: Display names written in the column headers of exported forms.
NAMES = {
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "ar": "العربية",
    "zh": "中文",
    "tr": "Türkçe",
    "ro": "Română",
}

#: Language names as people write them in legacy columns, mapped to the code.
_BY_NAME = {
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "english": "en",
    "anglais": "en",
    "spanish": "es",
    "español": "es",
    "espagnol": "es",
    "german": "de",
    "deutsch": "de",
    "allemand": "de",
    "italian": "it",
    "italiano": "it",
    "portuguese": "pt",
    "português": "pt",
    "arabic": "ar",
    "arabe": "ar",
    "chinese": "zh",
    "chinois": "zh",
    "turkish": "tr",
    "romanian": "ro",
}
#: ``(fr)``, ``(pt-BR)`` or a code the exporter made for a language without one: ``(tetun)``.
_CODE_IN_PARENS = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?|[a-z][a-z0-9_]*)\)\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")
_ISO = re.compile(r"^[a-z]{2,3}$")


@functools.cache
def _cldr_names() -> dict[str, str]:
    """Language names in English and French (CLDR, through Babel), lower case -> ISO code."""
    out: dict[str, str] = {}
    for locale in ("fr", "en"):
        for code, name in Locale.parse(locale).languages.items():
            if _ISO.match(code):
                out.setdefault(name.lower(), code)
    return out


def _autonym(code: str) -> str | None:
    try:
        return Locale.parse(code).get_display_name(code)
    except (ValueError, UnknownLocaleError):
        return None


def column_name(code: str) -> str:
    """The XLSForm language name for a model language code: ``fr`` -> ``Français (fr)``.

    A code of no ISO language (``tetun``, made from ``label::Tetun``) is written
    ``Tetun (tetun)``, which :func:`code_of` reads back as ``tetun``.
    """
    name = NAMES.get(code) or (_autonym(code) if _ISO.match(code) else None)
    if name is None:
        name = code.replace("_", " ").title()
    return f"{name} ({code})"


def code_of(name: str) -> str:
    """The model language code for an XLSForm language name.

    ``Français (fr)`` -> ``fr``; ``english`` -> ``en``; ``EN`` -> ``en``; ``Swahili`` ->
    ``sw`` (CLDR names in English and French); anything else becomes a lower-case slug of the
    name (``Tetun`` -> ``tetun``), so that no language is lost.
    """
    text = name.strip()
    match = _CODE_IN_PARENS.search(text)
    if match:
        return match.group(1).lower()
    lowered = text.lower()
    if lowered in _BY_NAME:
        return _BY_NAME[lowered]
    if lowered in NAMES:
        return lowered
    if lowered in _cldr_names():
        return _cldr_names()[lowered]
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return _SLUG.sub("_", plain).strip("_") or "und"
