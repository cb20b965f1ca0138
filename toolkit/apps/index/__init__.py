"""The app index served at the root of ``toolkit serve``."""

from toolkit.apps.index.app import IndexApp, index_app, notebook_pages

__all__ = ["IndexApp", "index_app", "notebook_pages"]
