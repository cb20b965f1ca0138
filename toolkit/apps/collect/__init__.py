"""The field collection app (ipywidgets), its reusable form renderer and the fieldwork view."""

from toolkit.apps.collect.app import CollectApp, collect_app, instrument_from_query
from toolkit.apps.collect.fieldwork import FieldworkView, fieldwork_app
from toolkit.apps.collect.renderer import FormRenderer
from toolkit.apps.collect.state import Mode, Screen

__all__ = [
    "CollectApp",
    "FieldworkView",
    "FormRenderer",
    "Mode",
    "Screen",
    "collect_app",
    "fieldwork_app",
    "instrument_from_query",
]
