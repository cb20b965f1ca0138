"""The instrument builder's logic (no widgets): drafts over the round-trip YAML document,
skip logic in words, shared lists, versions.

>>> from toolkit.builder import open_draft
>>> draft = open_draft("surveys/barometre_ambiance.yaml")
>>> draft.add_question("remarque", "long_text", parent="profil", label={"fr": "Remarques"})
'profil/remarque'
>>> draft.valid
True

The app « Créer un questionnaire » (:mod:`toolkit.apps.builder`) sits on top of this.
"""

from toolkit.builder.base import Renames
from toolkit.builder.choices import ChoiceRow, ListInfo
from toolkit.builder.draft import (
    Draft,
    copy_draft,
    draft_from_instrument,
    draft_from_xlsform,
    new_draft,
    open_draft,
)
from toolkit.builder.errors import BuilderError
from toolkit.builder.nodes import BUILDER_TYPES
from toolkit.builder.report import Missing, Untouched

__all__ = [
    "BUILDER_TYPES",
    "BuilderError",
    "ChoiceRow",
    "Draft",
    "ListInfo",
    "Missing",
    "Renames",
    "Untouched",
    "copy_draft",
    "draft_from_instrument",
    "draft_from_xlsform",
    "new_draft",
    "open_draft",
]
