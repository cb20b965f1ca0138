"""Field collection logic, independent of widgets: forms, pages, the offline journal, sync
and fieldwork counts. The ipywidgets app is :mod:`toolkit.apps.collect`."""

from toolkit.collect.catalogue import (
    database_url,
    find_instrument,
    instrument_files,
    project_root,
    surveys_dir,
)
from toolkit.collect.fieldwork import quota_table, sector_table, start_of_today
from toolkit.collect.form import Form, FormState, Metadata, current_wave
from toolkit.collect.inputs import input_kind, scale_on_one_line, shows_calculation
from toolkit.collect.journal import Entry, Journal, default_journal_path
from toolkit.collect.pages import Page, consent_question, pages
from toolkit.collect.reference import short_reference
from toolkit.collect.scope import allowed_choices, visibility
from toolkit.collect.session import DRAFT_DAYS, CollectSession, SubmitOutcome
from toolkit.collect.sync import SyncReport, replay

__all__ = [
    "DRAFT_DAYS",
    "CollectSession",
    "Entry",
    "Form",
    "FormState",
    "Journal",
    "Metadata",
    "Page",
    "SubmitOutcome",
    "SyncReport",
    "allowed_choices",
    "consent_question",
    "current_wave",
    "database_url",
    "default_journal_path",
    "find_instrument",
    "input_kind",
    "instrument_files",
    "pages",
    "project_root",
    "quota_table",
    "replay",
    "scale_on_one_line",
    "sector_table",
    "short_reference",
    "shows_calculation",
    "start_of_today",
    "surveys_dir",
    "visibility",
]
