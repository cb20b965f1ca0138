"""Live training workshops in Voilà: the trainer's page and the participants' phone page.

Each page runs in its own kernel; they share nothing but the store database, which both
poll about once a second (:class:`~toolkit.apps.workshop.common.Poller`).
"""

from toolkit.apps.workshop.participant import ParticipantApp, ParticipantState
from toolkit.apps.workshop.trainer import TrainerApp, TrainerState

__all__ = [
    "ParticipantApp",
    "ParticipantState",
    "TrainerApp",
    "TrainerState",
    "participant_app",
    "trainer_app",
]


def trainer_app() -> TrainerApp:
    """The trainer's app for a Voilà page (database from ``TOOLKIT_DATABASE_URL``)."""
    return TrainerApp.from_environment()


def participant_app() -> ParticipantApp:
    """The participant's app for a Voilà page (``?code=ROOM`` prefills the room code)."""
    return ParticipantApp.from_environment()
