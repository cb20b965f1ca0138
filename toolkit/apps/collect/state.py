"""The states of the collection app: which screen is shown, and what the form is for."""

from __future__ import annotations

import enum

__all__ = ["Mode", "Screen"]


class Screen(enum.StrEnum):
    """The screen shown (a string enum: ``Screen.START == "start"``)."""

    START = "start"
    """Who collects, where, and the person's consent."""
    FORM = "form"
    """The questionnaire, page by page."""
    END = "end"
    """Sent (or kept in the journal), with the response's reference."""
    DRAFTS = "drafts"
    """Drafts to resume or delete."""
    RESPONSES = "responses"
    """Recent responses to correct or void."""


class Mode(enum.StrEnum):
    """What the form screen does with the answers."""

    COLLECT = "collect"
    """A new response: drafts are saved as it goes, *Submit* sends it."""
    CORRECT = "correct"
    """A submitted response opened again: *Save the correction* replaces its answers."""
