"""Language codes of the model (``fr``) and XLSForm language columns (``label::Français (fr)``).

XLSForm names a language by free text after ``::``; the convention of ODK and KoboToolbox is
``Name (code)``. Older forms write the name alone (``label:english``), sometimes in capitals.
"""

from __future__ import annotations

import re

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
_CODE_IN_PARENS = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")


def column_name(code: str) -> str:
    """The XLSForm language name for a model language code: ``fr`` -> ``Français (fr)``."""
    return f"{NAMES.get(code, code)} ({code})"


def code_of(name: str) -> str:
    """The model language code for an XLSForm language name.

    ``Français (fr)`` -> ``fr``; ``english`` -> ``en``; ``EN`` -> ``en``; anything else
    becomes a lower-case slug of the name, so that no language is lost.
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
    return _SLUG.sub("_", lowered).strip("_") or "und"
