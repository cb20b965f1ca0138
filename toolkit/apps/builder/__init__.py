"""The app « Créer un questionnaire » (ipywidgets) over :mod:`toolkit.builder`."""

from toolkit.apps.builder.app import BuilderApp, builder_app

__all__ = ["BuilderApp", "builder_app"]
