"""The trainer's control panel of a live workshop, a Voilà app (one kernel per trainer).

Participants do not get a kernel each: their phones open the room's light page and the
room is projected from its projector page, both served by the same server process
(:mod:`toolkit.apps.room`). Everything is shared through the store database.
"""

from toolkit.apps.workshop.trainer import TrainerApp, TrainerState

__all__ = ["TrainerApp", "TrainerState", "trainer_app"]


def trainer_app() -> TrainerApp:
    """The trainer's app for a Voilà page (database from ``TOOLKIT_DATABASE_URL``).

    The page's ``?code=`` resumes a session, ``?lang=en`` switches to English; the modules
    offered are those of ``TOOLKIT_TRAINING_MODULES`` (default: ``training_modules/``).

    Examples
    --------
    A one-quiz module of our own, offered on an in-memory store:

    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "accueil.yaml").write_text('''
    ... kind: training_module
    ... id: accueil
    ... version: "1"
    ... title: "Accueillir un habitant en colère"
    ... duration: 30
    ... trainer_notes: "Dix minutes, en début de journée."
    ... objectives: [{id: o1, text: "Écouter avant de répondre"}]
    ... exercises:
    ...   - {id: reflexe, type: quiz, title: "Quiz : le premier réflexe", objectives: [o1],
    ...      questions: [{id: q1, prompt: "Un habitant crie dans le hall : d'abord ?",
    ...        options: [{id: a, text: "Je l'écoute", correct: true},
    ...                  {id: b, text: "Je rappelle le règlement"}]}]}
    ... assessment:
    ...   questions: [{id: t1, objective: o1, prompt: "Écouter, c'est d'abord :",
    ...     options: [{id: a, text: "Laisser finir", correct: true},
    ...               {id: b, text: "Préparer sa réponse"}]}]
    ... ''', encoding="utf-8")
    >>> page = {"TOOLKIT_DATABASE_URL": "sqlite://", "TOOLKIT_TRAINING_MODULES": str(folder),
    ...         "QUERY_STRING": ""}
    >>> with mock.patch.dict(os.environ, page):
    ...     app = trainer_app()
    >>> app.poller.stop()  # the page's refresh thread; the example drives the panel itself
    >>> [title for title, _path in app.module.options]
    ['Accueillir un habitant en colère']
    >>> app.open_button.click()
    >>> app.state.name, app.children[0].value.rsplit("<h2>", 1)[1]
    ('OPEN', 'Accueillir un habitant en colère</h2>')
    >>> [label for label, _id in app.exercise.options]
    ['1. Quiz : le premier réflexe', 'Test avant / après', 'Satisfaction']
    >>> app.launch_button.click()
    >>> app.run_html.value
    "<h3>Quiz : le premier réflexe</h3><p class='wk-answered'>Personne n&#x27;a encore répondu</p>"
    """
    return TrainerApp.from_environment()
