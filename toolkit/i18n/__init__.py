"""One keyed message catalogue: French source, English translation.

Every user-facing string of the toolkit is looked up here by key with :func:`t`.
The catalogue lives in ``messages/*.yaml`` (one file per concern, so that each part
of the tree owns its own strings); keys are unique across files.

The current language comes from :func:`set_language`, else ``TOOLKIT_LANG``, else French.

Examples
--------
>>> t("hint.did_you_mean", "en", name="secteur")
" (did you mean 'secteur'?)"
>>> with use_language("en"):
...     get_language()
'en'
>>> set_language("fr")
>>> t("hint.did_you_mean", name="secteur")
' (vouliez-vous dire « secteur » ?)'
"""

from toolkit.i18n.catalogue import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Msg,
    Text,
    catalogue,
    expand_choices,
    get_language,
    plural_category,
    set_language,
    t,
    use_language,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Msg",
    "Text",
    "catalogue",
    "expand_choices",
    "get_language",
    "plural_category",
    "set_language",
    "t",
    "use_language",
]
