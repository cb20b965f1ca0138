"""The field collection app (ipywidgets) and the fieldwork view."""

from toolkit.apps.collect.app import CollectApp, collect_app, instrument_from_query
from toolkit.apps.collect.fieldwork import FieldworkView, fieldwork_app

__all__ = ["CollectApp", "FieldworkView", "collect_app", "fieldwork_app", "instrument_from_query"]
