"""The results app: shares with margins of error, charts, downloads and the report button."""

from toolkit.apps.results.app import ResultsApp, results_app

__all__ = ["ResultsApp", "results_app"]
