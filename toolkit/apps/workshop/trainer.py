"""The trainer's projected page: open a session, see who joined, launch, chart, moderate."""

from __future__ import annotations

import base64
import html
import os
import threading
from enum import Enum
from pathlib import Path

import ipywidgets as w
import pandas as pd
from sqlalchemy import Engine

from toolkit.apps.workshop.common import Poller, chart_html, error_html, query_params
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.training.briefs import briefs_html
from toolkit.training.live import tally
from toolkit.training.loader import load_module
from toolkit.training.model import RolePlay
from toolkit.training.modules import find_modules
from toolkit.training.sessions import LiveSessions, SessionInfo

__all__ = ["TrainerApp", "TrainerState"]

#: Where evaluation CSV files go (a sub-folder per session), unless TOOLKIT_EXPORT_DIR is set.
DEFAULT_EXPORT_DIR = Path("data") / "exports"


class TrainerState(Enum):
    CHOOSING = "choosing"
    OPEN = "open"
    CLOSED = "closed"


def _download(name: str, content: bytes, mime: str, label: str) -> str:
    data = base64.b64encode(content).decode("ascii")
    return (
        f"<a download='{html.escape(name)}' href='data:{mime};base64,{data}' "
        f"target='_blank'>{html.escape(label)}</a>"
    )


class TrainerApp(w.VBox):
    """Trainer's view of a live workshop (one session at a time per page).

    Parameters
    ----------
    engine : Engine
        The store's engine.
    modules : list of Path, optional
        Module files offered (default: :func:`toolkit.training.find_modules`).
    code : str, optional
        Resume an existing session (the page's ``?code=`` parameter).
    poll : bool
        Start the background refresh (False in tests: call :meth:`refresh`).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        modules: list[Path] | None = None,
        code: str | None = None,
        lang: str | None = None,
        poll: bool = True,
    ) -> None:
        super().__init__()
        self.sessions = LiveSessions(engine)
        self.lang = lang
        self.state = TrainerState.CHOOSING
        self.session_code: str | None = None
        self._revision: int | None = None
        self._lock = threading.RLock()
        paths = modules if modules is not None else find_modules()
        options = []
        for path in paths:
            try:
                options.append((load_module(path).title.get(lang), str(path)))
            except ToolkitError:
                continue
        self.module = w.Dropdown(
            options=options,
            description=t("workshop.trainer.module", lang),
            layout=w.Layout(width="40em"),
        )
        self.open_button = w.Button(
            description=t("workshop.trainer.open", lang), button_style="primary"
        )
        self.open_button.on_click(lambda _b: self.open_session())
        self.resume_code = w.Text(
            description=t("workshop.trainer.resume_code", lang), value=code or ""
        )
        self.resume_button = w.Button(description=t("workshop.trainer.resume", lang))
        self.resume_button.on_click(lambda _b: self.resume(self.resume_code.value))
        for field in (self.module, self.resume_code):
            field.style.description_width = "8em"

        self.code_html = w.HTML()
        self.participants_html = w.HTML()
        self.exercise = w.Dropdown(
            description=t("workshop.trainer.exercise", lang), layout=w.Layout(width="40em")
        )
        self.phase = w.Dropdown(
            options=[
                (t(f"workshop.trainer.phase_{p}", lang), None if p == "none" else p)
                for p in ("none", "pre", "post")
            ],
            value=None,
            description=t("workshop.trainer.phase", lang),
        )
        for field in (self.exercise, self.phase):
            field.style.description_width = "8em"
        self.launch_button = w.Button(
            description=t("workshop.trainer.launch", lang), button_style="primary"
        )
        self.stop_button = w.Button(description=t("workshop.trainer.stop", lang))
        self.reveal_button = w.Button(description=t("workshop.trainer.reveal", lang))
        self.reset_button = w.Button(
            description=t("workshop.trainer.reset", lang), button_style="warning"
        )
        self.close_button = w.Button(
            description=t("workshop.trainer.close", lang), button_style="danger"
        )
        self.export_button = w.Button(description=t("workshop.trainer.export", lang))
        self.launch_button.on_click(lambda _b: self._do(self._launch))
        self.stop_button.on_click(lambda _b: self._do(self.sessions.stop, self.session_code))
        self.reveal_button.on_click(lambda _b: self._do(self._toggle_reveal))
        self.reset_button.on_click(lambda _b: self._do(self.sessions.reset, self.session_code))
        self.close_button.on_click(
            lambda _b: self._do(self.sessions.close_session, self.session_code)
        )
        self.export_button.on_click(lambda _b: self._do(self.export))
        self.run_html = w.HTML()
        self.chart = w.HTML()
        self.moderation = w.VBox()
        self.shown_texts = w.HTML()
        self.extras = w.HTML()
        self.notes = w.HTML()
        self.status = w.HTML()
        self.controls = w.VBox(
            [
                w.HBox([self.exercise, self.phase]),
                w.HBox(
                    [self.launch_button, self.stop_button, self.reveal_button, self.reset_button]
                ),
            ]
        )
        self.children = [
            w.HTML(f"<h2>{html.escape(t('workshop.trainer.title', lang))}</h2>"),
            w.HBox([self.module, self.open_button]),
            w.HBox([self.resume_code, self.resume_button]),
            self.status,
        ]
        self.poller = Poller(self.refresh)
        if poll:
            self.poller.start()
        if code:
            self.resume(code)

    @classmethod
    def from_environment(cls) -> TrainerApp:
        """The app for a Voilà page: database from ``TOOLKIT_DATABASE_URL``, ``?code=`` resumes."""
        from toolkit.store import connect

        params = query_params()
        return cls(connect().engine, code=params.get("code"))

    # -- actions ----------------------------------------------------------------------------
    def _do(self, action, *args) -> None:
        with self._lock:
            try:
                action(*args)
            except ToolkitError as error:
                self.status.value = error_html(error)
                return
            self.status.value = ""
            self.refresh()

    def open_session(self) -> None:
        """Open a session on the chosen module."""
        with self._lock:
            try:
                code = self.sessions.open_session(self.module.value)
            except ToolkitError as error:
                self.status.value = error_html(error)
                return
            self._enter(code)

    def resume(self, code: str) -> None:
        """Take over an existing session (e.g. after reloading the page)."""
        with self._lock:
            try:
                info = self.sessions.info(code)
            except ToolkitError as error:
                self.status.value = error_html(error)
                return
            self._enter(info.code)

    def _enter(self, code: str) -> None:
        self.session_code = code
        self.state = TrainerState.OPEN
        self.status.value = ""
        info = self.sessions.info(code)
        module = info.module
        lang = self.lang
        choices = [
            (f"{t('training.type.' + e.type, lang)} — {e.title.get(lang)}", e.id)
            for e in module.exercises
        ]
        choices.append((t("training.type.assessment", lang), "assessment"))
        choices.append((t("training.type.satisfaction", lang), "satisfaction"))
        self.exercise.options = choices
        self.exercise.value = choices[0][1]
        objectives = "".join(f"<li>{html.escape(o.text.get(lang))}</li>" for o in module.objectives)
        self.notes.value = (
            f"<details><summary>{html.escape(t('workshop.trainer.notes', lang))}</summary>"
            f"<p>{html.escape(t('workshop.trainer.duration', lang, minutes=module.duration))}</p>"
            f"<b>{html.escape(t('workshop.trainer.objectives', lang))}</b><ul>{objectives}</ul>"
            f"<p style='white-space:pre-wrap'>{html.escape(module.trainer_notes.get(lang))}</p>"
            f"</details>"
        )
        self.children = [
            w.HTML(f"<h2>{html.escape(module.title.get(lang))}</h2>"),
            self.code_html,
            self.participants_html,
            self.notes,
            self.controls,
            self.status,
            self.run_html,
            self.chart,
            self.extras,
            self.moderation,
            self.shown_texts,
            w.HBox([self.export_button, self.close_button]),
        ]
        self._revision = None
        self.refresh()

    def _launch(self) -> None:
        self.sessions.launch(self.session_code, self.exercise.value, phase=self.phase.value)

    def _toggle_reveal(self) -> None:
        info = self.sessions.info(self.session_code)
        if info.run is not None:
            self.sessions.set_revealed(self.session_code, not info.run.revealed)

    def export(self) -> list[Path]:
        """Write the evaluation CSV files of the session and offer them for download."""
        # Imported here: SciPy is only needed for the export, not to start the page's kernel.
        from toolkit.training.stats import evaluation, export_csv

        info = self.sessions.info(self.session_code)
        tables = evaluation(
            info.module,
            self.sessions.assessment_frame(info.code),
            self.sessions.satisfaction_frame(info.code),
        )
        base = Path(os.environ.get("TOOLKIT_EXPORT_DIR") or DEFAULT_EXPORT_DIR)
        paths = export_csv(tables, base / info.code)
        links = " · ".join(
            _download(f"{info.code}_{p.name}", p.read_bytes(), "text/csv", p.name) for p in paths
        )
        message = t("workshop.trainer.exported", self.lang, paths=", ".join(map(str, paths)))
        self.extras.value = f"<p>{html.escape(message)}</p><p>{links}</p>"
        return paths

    # -- display ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session when anything changed (called every second by the poller)."""
        with self._lock:
            if self.session_code is None:
                return
            revision = self.sessions.revision(self.session_code)
            if revision == self._revision:
                return
            info = self.sessions.info(self.session_code)
            self._render(info)
            self._revision = revision

    def _render(self, info: SessionInfo) -> None:
        lang = self.lang
        people = self.sessions.participants(info.code)
        link = f"formation_participant.ipynb?code={info.code}"
        self.code_html.value = (
            f"<div style='font-size:200%'>{html.escape(t('workshop.trainer.code', lang))} : "
            f"<b class='wk-code' style='letter-spacing:.15em'>{html.escape(info.code)}</b></div>"
            f"<p><a href='{html.escape(link)}' target='_blank'>"
            f"{html.escape(t('workshop.trainer.join_hint', lang, code=info.code))}</a></p>"
        )
        names = ", ".join(html.escape(n) for n in people["pseudonym"])
        self.participants_html.value = (
            f"<p class='wk-participants'><b>{html.escape(t('workshop.trainer.participants', lang, n=len(people)))}</b>"
            f" {names}</p>"
        )
        if info.status == "closed":
            self.state = TrainerState.CLOSED
            self.controls.layout.display = "none"
            self.run_html.value = f"<p>{html.escape(t('workshop.trainer.closed', lang))}</p>"
            self.chart.value = ""
            self.moderation.children = []
            return
        run = info.run
        if run is None:
            self.run_html.value = f"<p>{html.escape(t('workshop.trainer.nothing', lang))}</p>"
            self.chart.value = ""
            self.moderation.children = []
            self.shown_texts.value = ""
            return
        answers = self.sessions.answers(run.id)
        answered = answers["participant_id"].nunique()
        exercise = info.exercise
        title = exercise.title.get(lang) if exercise else t("training.type.satisfaction", lang)
        self.run_html.value = (
            f"<h3>{html.escape(title)}</h3><p class='wk-answered'>"
            f"{html.escape(t('workshop.trainer.answers', lang, n=answered))}</p>"
        )
        self.reveal_button.description = t(
            "workshop.trainer.hide" if run.revealed else "workshop.trainer.reveal", lang
        )
        bars = tally(exercise, answers, lang=lang)
        if bars.empty:
            self.chart.value = f"<p>{html.escape(t('workshop.trainer.no_chart', lang))}</p>"
        elif run.revealed:
            self.chart.value = chart_html(bars, show_key=True)
        else:
            self.chart.value = (
                f"<p class='wk-hidden'>{html.escape(t('workshop.trainer.hidden', lang))}</p>"
            )
        self.extras.value = (
            _download(
                f"{exercise.id}.html",
                briefs_html(exercise, lang=lang).encode(),
                "text/html",
                t("workshop.trainer.briefs", lang),
            )
            if isinstance(exercise, RolePlay)
            else ""
        )
        self._render_moderation(answers)

    def _render_moderation(self, answers: pd.DataFrame) -> None:
        lang = self.lang
        texts = answers[answers["moderation"] != "none"]
        rows: list[w.Widget] = []
        shown = []
        for row in texts.itertuples(index=False):
            value = row.value
            text = value if isinstance(value, str) else (value.get("text") or value.get("comment"))
            if row.moderation == "shown":
                shown.append(f"<li>{html.escape(text)}</li>")
            show = w.Button(
                description=t("workshop.trainer.show", lang),
                button_style="success",
                disabled=row.moderation == "shown",
            )
            hide = w.Button(
                description=t("workshop.trainer.hide_text", lang),
                disabled=row.moderation == "hidden",
            )
            show.on_click(
                lambda _b, a=row.answer_id: self._do(
                    self.sessions.moderate, self.session_code, a, "shown"
                )
            )
            hide.on_click(
                lambda _b, a=row.answer_id: self._do(
                    self.sessions.moderate, self.session_code, a, "hidden"
                )
            )
            # The page is projected: free texts stay anonymous, even while pending.
            label = f"({html.escape(row.item)}) {html.escape(text)}"
            rows.append(w.HBox([w.HTML(label, layout=w.Layout(width="60%")), show, hide]))
        header = [w.HTML(f"<h4>{html.escape(t('workshop.trainer.moderation', lang))}</h4>")]
        self.moderation.children = header + rows if rows else []
        self.shown_texts.value = (
            f"<h4>{html.escape(t('workshop.trainer.shown_texts', lang))}</h4>"
            f"<ul class='wk-shown'>{''.join(shown)}</ul>"
            if shown
            else ""
        )
