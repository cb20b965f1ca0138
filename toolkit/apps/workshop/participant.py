"""The participant's phone page: join with a room code and a pseudonym, answer what is launched."""

from __future__ import annotations

import html
import threading
from enum import Enum

import ipywidgets as w
from sqlalchemy import Engine

from toolkit.apps.workshop.common import Poller, error_html, query_params
from toolkit.apps.workshop.views import (
    BranchingView,
    JudgementView,
    QuizView,
    RewritingView,
    RolePlayView,
    SatisfactionView,
    ScaleView,
)
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.training.model import Branching, Judgement, Quiz, Rewriting, RolePlay, Scale
from toolkit.training.sessions import LiveSessions, SessionInfo

__all__ = ["ParticipantApp", "ParticipantState"]


class ParticipantState(Enum):
    JOINING = "joining"
    WAITING = "waiting"
    ANSWERING = "answering"
    CLOSED = "closed"


class ParticipantApp(w.VBox):
    """Join screen, then whatever exercise the trainer launches.

    Parameters
    ----------
    engine : Engine
        The store's engine (``toolkit.store.connect().engine``).
    code : str, optional
        Room code to prefill (the page's ``?code=`` parameter by default).
    poll : bool
        Start the background refresh (False in tests: call :meth:`refresh`).
    """

    def __init__(
        self, engine: Engine, *, code: str | None = None, lang: str | None = None, poll: bool = True
    ) -> None:
        super().__init__(layout=w.Layout(max_width="40em"))
        self.sessions = LiveSessions(engine)
        self.lang = lang
        self.state = ParticipantState.JOINING
        self.participant_id: str | None = None
        self.session_code: str | None = None
        self.run_id: int | None = None
        self.view: w.Widget | None = None
        self._lock = threading.RLock()
        self.code = w.Text(
            value=code or "", description=t("workshop.participant.code", lang), placeholder="ABC234"
        )
        self.pseudonym = w.Text(description=t("workshop.participant.pseudonym", lang))
        for field in (self.code, self.pseudonym):
            field.style.description_width = "8em"
        self.join_button = w.Button(
            description=t("workshop.participant.join", lang), button_style="primary"
        )
        self.join_button.on_click(lambda _b: self.join())
        self.header = w.HTML(f"<h2>{html.escape(t('workshop.participant.title', lang))}</h2>")
        self.status = w.HTML()
        self.body = w.VBox([self.code, self.pseudonym, self.join_button])
        self.children = [self.header, self.body, self.status]
        self.poller = Poller(self.refresh)
        if poll:
            self.poller.start()

    @classmethod
    def from_environment(cls) -> ParticipantApp:
        """The app for a Voilà page: database from ``TOOLKIT_DATABASE_URL``, ``?code=`` prefilled."""
        from toolkit.store import connect

        params = query_params()
        return cls(connect().engine, code=params.get("code"))

    def join(self) -> None:
        with self._lock:
            try:
                self.participant_id = self.sessions.join(self.code.value, self.pseudonym.value)
                info = self.sessions.info(self.code.value)
            except ToolkitError as error:
                self.status.value = error_html(error)
                return
            self.session_code = info.code
            self.status.value = ""
            name = " ".join(self.pseudonym.value.split())
            welcome = t("workshop.participant.welcome", self.lang, name=name)
            self.header.value = (
                f"<h2>{html.escape(info.module.title.get(self.lang))}</h2>"
                f"<p class='wk-welcome'>{html.escape(welcome)}</p>"
            )
            self._show(info)

    def refresh(self) -> None:
        """Follow the trainer: show the newly launched exercise, or the waiting screen."""
        with self._lock:
            if self.session_code is None:
                return
            info = self.sessions.info(self.session_code)
            run_id = info.run.id if info.run else None
            if (
                info.status == "closed" and self.state is not ParticipantState.CLOSED
            ) or run_id != self.run_id:
                self._show(info)

    def _show(self, info: SessionInfo) -> None:
        lang = self.lang
        if info.status == "closed":
            self.state = ParticipantState.CLOSED
            self.run_id = None
            self.view = None
            self.body.children = [
                w.HTML(f"<p>{html.escape(t('workshop.participant.closed', lang))}</p>")
            ]
            return
        if info.run is None:
            self.state = ParticipantState.WAITING
            self.run_id = None
            self.view = None
            self.body.children = [
                w.HTML(
                    f"<p class='wk-waiting'>{html.escape(t('workshop.participant.waiting', lang))}</p>"
                )
            ]
            return
        run = info.run

        def submit(item: str, value: object) -> float | None:
            return self.sessions.answer(info.code, self.participant_id, run.id, item, value)

        exercise = info.exercise
        if exercise is None:
            view: w.Widget = SatisfactionView(submit, lang=lang)
        elif isinstance(exercise, Quiz):
            view = QuizView(exercise, submit, lang=lang, feedback=run.exercise_id != "assessment")
        elif isinstance(exercise, Judgement):
            view = JudgementView(exercise, submit, lang=lang)
        elif isinstance(exercise, Branching):
            view = BranchingView(exercise, submit, lang=lang)
        elif isinstance(exercise, RolePlay):
            view = RolePlayView(exercise, submit, lang=lang)
        elif isinstance(exercise, Rewriting):
            view = RewritingView(exercise, submit, lang=lang)
        elif isinstance(exercise, Scale):
            view = ScaleView(exercise, submit, lang=lang)
        else:
            return
        self.state = ParticipantState.ANSWERING
        self.run_id = run.id
        self.view = view
        self.body.children = [view]
