"""The trainer's control panel of a live workshop, a Voilà app (one kernel per trainer).

Participants do not get a kernel each: their phones open the room's light page and the
room is projected from its projector page, both served by the same server process
(:mod:`toolkit.apps.room`). Everything is shared through the store database.
"""

from toolkit.apps.workshop.trainer import TrainerApp, TrainerState

__all__ = ["TrainerApp", "TrainerState", "trainer_app"]


def trainer_app() -> TrainerApp:
    """The trainer's app for a Voilà page (database from ``TOOLKIT_DATABASE_URL``)."""
    return TrainerApp.from_environment()
