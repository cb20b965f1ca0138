"""The trainer's control panel: open a session, see who joined, launch, chart, moderate.

It stays on the trainer's laptop; the room sees the projector view
(``salle/CODE/projection``, opened from here in a second window) and the participants'
phones open the light page ``salle`` (no kernel each, see :mod:`toolkit.apps.room`).
"""

from __future__ import annotations

import base64
import html
import os
import threading
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Concatenate, ParamSpec
from urllib.parse import urlsplit

import ipywidgets as w
import pandas as pd
from sqlalchemy import Engine

from toolkit.apps.room.charts import chart_html
from toolkit.apps.room.paths import ROOM_PATH, ROOM_URL_ENV
from toolkit.apps.room.qr import qr_svg
from toolkit.apps.workshop.common import Poller, error_html, query_params
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.training.agenda import SATISFACTION
from toolkit.training.briefs import briefs_html
from toolkit.training.live import tally
from toolkit.training.loader import load_module
from toolkit.training.model import Exercise, Rewriting, RolePlay
from toolkit.training.modules import find_modules
from toolkit.training.sessions import LiveSessions, SessionInfo

__all__ = ["TrainerApp", "TrainerState", "exercise_label", "export_dir"]

#: How often the panel looks at the database (the chart follows answers within a second).
PANEL_POLL_SECONDS = 0.5
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_P = ParamSpec("_P")

#: The panel's own styles: the chart's bars, buttons that show their whole label.
PANEL_CSS = """<style>
.wk-panel .jupyter-button { width: auto; min-width: 8em; height: auto; min-height: 36px;
  white-space: normal; padding: 4px 14px; }
.wk-panel .wk-room { display: flex; gap: 1.5em; align-items: center; flex-wrap: wrap; }
.wk-panel .wk-room svg { width: 150px; height: auto; }
.wk-panel .wk-code { font-size: 48px; font-weight: 800; letter-spacing: .12em;
  font-family: monospace; }
.wk-panel a.wk-projector { display: inline-block; padding: 8px 16px; background: #1565c0;
  color: #fff; border-radius: 4px; text-decoration: none; font-weight: 600; }
.wk-panel .wk-warn { background: #fff4e0; color: #6b3a00; padding: 6px 10px; font-weight: 600; }
.wk-chart .wk-group-title { margin: .6em 0 .2em; }
.wk-chart .wk-bar { margin: .15em 0; }
.wk-chart .wk-label { font-size: 90%; }
.wk-chart .wk-track { display: flex; align-items: center; gap: .4em; }
.wk-chart .wk-fill { background: #1565c0; height: 1.1em; min-width: 2px; }
.wk-chart .wk-correct .wk-fill { background: #2e7d32; }
</style>"""


class TrainerState(Enum):
    CHOOSING = "choosing"
    OPEN = "open"
    CLOSED = "closed"


def exercise_label(index: int, exercise: Exercise, lang: str | None) -> str:
    """« 3. Quiz : … »: the title alone when it already names its type, else the type first."""
    title = exercise.title.get(lang)
    kind = t(f"training.type.{exercise.type}", lang)
    if title.casefold().startswith(kind.casefold()) or (
        exercise.type == "branching" and title.casefold().startswith("scénario")
    ):
        return f"{index}. {title}"
    return f"{index}. {kind} — {title}"


def export_dir() -> Path:
    """Where evaluation files go: ``TOOLKIT_EXPORT_DIR``, else ``data/exports`` of the
    project (not of the kernel's working folder), as an absolute path."""
    from toolkit.collect import project_root

    raw = os.environ.get("TOOLKIT_EXPORT_DIR")
    return (Path(raw) if raw else project_root() / "data" / "exports").resolve()


def _download(name: str, content: bytes, mime: str, label: str) -> str:
    data = base64.b64encode(content).decode("ascii")
    return (
        f"<a download='{html.escape(name)}' href='data:{mime};base64,{data}' "
        f"target='_blank'>{html.escape(label)}</a>"
    )


def _button(key: str, lang: str | None, style: str = "") -> w.Button:
    return w.Button(description=t(key, lang), button_style=style, layout=w.Layout(width="auto"))


class TrainerApp(w.VBox):
    """Trainer's control panel of a live workshop (one session at a time per page).

    Parameters
    ----------
    engine : Engine
        The store's engine.
    modules : list of Path, optional
        Module files offered (default: :func:`toolkit.training.find_modules`).
    code : str, optional
        Resume an existing session (the page's ``?code=`` parameter).
    join_url : str, optional
        The participants' address (default: ``TOOLKIT_ROOM_URL``, set by ``toolkit serve``).
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
        join_url: str | None = None,
        poll: bool = True,
    ) -> None:
        super().__init__()
        self.add_class("wk-panel")
        self.sessions = LiveSessions(engine)
        self.lang = lang
        self.join_url = (join_url or os.environ.get(ROOM_URL_ENV) or "").rstrip("/")
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
            layout=w.Layout(width="40em", max_width="100%"),
        )
        self.open_button = _button("workshop.trainer.open", lang, "primary")
        self.open_button.on_click(lambda _b: self.open_session())
        self.resume_code = w.Text(
            description=t("workshop.trainer.resume_code", lang), value=code or ""
        )
        self.resume_button = _button("workshop.trainer.resume", lang)
        self.resume_button.on_click(lambda _b: self.resume(self.resume_code.value))
        self.room_html = w.HTML()
        self.participants_html = w.HTML()
        self.exercise = w.Dropdown(
            description=t("workshop.trainer.exercise", lang),
            layout=w.Layout(width="40em", max_width="100%"),
        )
        self.phase = w.Dropdown(
            options=[(t(f"workshop.trainer.phase_{p}", lang), p) for p in ("none", "pre", "post")],
            value="none",
            description=t("workshop.trainer.phase", lang),
        )
        for field in (self.exercise, self.phase):
            field.style.description_width = "8em"
        self.previous_button = _button("workshop.trainer.previous", lang)
        self.launch_button = _button("workshop.trainer.launch", lang, "primary")
        self.next_button = _button("workshop.trainer.next", lang, "primary")
        self.stop_button = _button("workshop.trainer.stop", lang)
        self.reveal_button = _button("workshop.trainer.reveal", lang)
        self.reset_button = _button("workshop.trainer.reset", lang, "warning")
        self.close_button = _button("workshop.trainer.close", lang, "danger")
        self.export_button = _button("workshop.trainer.export", lang)
        self.previous_button.on_click(lambda _b: self._on_session(self.sessions.step, -1))
        self.next_button.on_click(lambda _b: self._on_session(self.sessions.step, 1))
        self.launch_button.on_click(lambda _b: self._on_session(self._launch))
        self.stop_button.on_click(lambda _b: self._on_session(self.sessions.stop))
        self.reveal_button.on_click(lambda _b: self._on_session(self._toggle_reveal))
        self.reset_button.on_click(lambda _b: self._on_session(self.sessions.reset))
        self.close_button.on_click(lambda _b: self._on_session(self.sessions.close_session))
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
                    [
                        self.previous_button,
                        self.launch_button,
                        self.next_button,
                        self.reveal_button,
                        self.stop_button,
                        self.reset_button,
                    ]
                ),
            ]
        )
        self.children = [
            w.HTML(PANEL_CSS + f"<h2>{html.escape(t('workshop.trainer.title', lang))}</h2>"),
            w.HBox([self.module, self.open_button]),
            w.HBox([self.resume_code, self.resume_button]),
            self.status,
        ]
        self.poller = Poller(self.refresh, PANEL_POLL_SECONDS)
        if poll:
            self.poller.start()
        if code:
            self.resume(code)

    @classmethod
    def from_environment(cls) -> TrainerApp:
        """The app for a Voilà page: database from ``TOOLKIT_DATABASE_URL``, ``?code=`` resumes."""
        from toolkit.store import connect

        params = query_params()
        return cls(connect().engine, code=params.get("code"), lang=params.get("lang"))

    # -- actions ----------------------------------------------------------------------------
    def _do(self, action: Callable[_P, object], *args: _P.args, **kwargs: _P.kwargs) -> None:
        with self._lock:
            try:
                action(*args, **kwargs)
            except ToolkitError as error:
                self.status.value = error_html(error)
                return
            self.status.value = ""
            self.refresh()

    def _on_session(
        self, action: Callable[Concatenate[str, _P], object], *args: _P.args, **kwargs: _P.kwargs
    ) -> None:
        """``action(code, *args)`` on the open session (its buttons show only once one is)."""
        code = self.session_code
        if code is not None:
            self._do(action, code, *args, **kwargs)

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
            (exercise_label(i, e, lang), e.id) for i, e in enumerate(module.exercises, start=1)
        ]
        choices.append((t("training.type.assessment", lang), "assessment"))
        choices.append((t("training.type.satisfaction", lang), SATISFACTION))
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
        self.room_html.value = self._room(code)
        self.children = [
            w.HTML(PANEL_CSS + f"<h2>{html.escape(module.title.get(lang))}</h2>"),
            self.room_html,
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

    def _room(self, code: str) -> str:
        """Room code, the participants' address and its QR code, the projector's link."""
        lang = self.lang
        esc = html.escape
        projector = f"../../{ROOM_PATH}/{code}/projection"
        parts = [
            "<div class='wk-room'><div>",
            f"<div>{esc(t('workshop.trainer.code', lang))}</div>",
            f"<div class='wk-code'>{esc(code)}</div>",
        ]
        if self.join_url:
            shown = self.join_url.split("://", 1)[-1]
            parts.append(f"<p>{esc(t('workshop.trainer.join_hint', lang, url=shown))}</p>")
        parts.append(
            f"<p><a href='{esc(projector)}' target='_blank' rel='noopener' class='wk-projector'>"
            f"{esc(t('workshop.trainer.projector', lang))}</a></p></div>"
        )
        if self.join_url:
            parts.append(qr_svg(f"{self.join_url}/{code}", label=self.join_url))
        parts.append("</div>")
        if self.join_url and urlsplit(self.join_url).hostname in _LOOPBACK:
            parts.append(f"<p class='wk-warn'>{esc(t('workshop.trainer.local_only', lang))}</p>")
        return "".join(parts)

    def _launch(self, code: str) -> None:
        phase = None if self.phase.value == "none" else self.phase.value
        self.sessions.show(code, self.exercise.value, phase=phase)

    def _toggle_reveal(self, code: str) -> None:
        info = self.sessions.info(code)
        if info.run is not None:
            self.sessions.set_revealed(code, not info.run.revealed)

    def export(self) -> list[Path]:
        """Write the evaluation CSV files of the session and offer them for download."""
        # Imported here: SciPy is only needed for the export, not to start the page's kernel.
        from toolkit.training.stats import evaluation, export_csv

        if self.session_code is None:
            return []
        info = self.sessions.info(self.session_code)
        tables = evaluation(
            info.module,
            self.sessions.assessment_frame(info.code),
            self.sessions.satisfaction_frame(info.code),
        )
        folder = export_dir() / info.code
        paths = export_csv(tables, folder)
        links = " · ".join(
            _download(f"{info.code}_{p.name}", p.read_bytes(), "text/csv", p.name) for p in paths
        )
        message = t(
            "workshop.trainer.exported",
            self.lang,
            folder=str(folder),
            files=", ".join(p.name for p in paths),
        )
        self.extras.value = f"<p>{html.escape(message)}</p><p>{links}</p>"
        return paths

    # -- display ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session when anything changed (called twice a second by the poller)."""
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
            key = (
                "workshop.trainer.finished"
                if self.sessions.finished(info.code)
                else "workshop.trainer.nothing"
            )
            self.run_html.value = f"<p>{html.escape(t(key, lang))}</p>"
            self.chart.value = ""
            self.moderation.children = []
            self.shown_texts.value = ""
            return
        answers = self.sessions.answers(run.id)
        answered = answers["participant_id"].nunique()
        exercise = info.exercise
        if run.exercise_id == "assessment":
            title = t("training.type.assessment", lang)
            title += f" ({t(f'training.{run.phase}', lang)})" if run.phase else ""
        else:
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
            self.chart.value = chart_html(bars, show_key=True, lang=lang)
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
        self._render_moderation(answers, exercise)

    def _source(self, item: str, exercise: Exercise | None) -> str:
        """What a free text answers, in words (a prompt's statement, « Commentaire »)."""
        if isinstance(exercise, Rewriting):
            prompt = next((p for p in exercise.prompts if p.id == item), None)
            if prompt is not None:
                statement = prompt.statement.get(self.lang)
                short = statement if len(statement) <= 60 else statement[:59].rstrip() + "…"
                return f"« {short} »"
        return t("workshop.trainer.comment", self.lang)

    def _render_moderation(self, answers: pd.DataFrame, exercise: Exercise | None) -> None:
        lang = self.lang
        texts = answers[answers["moderation"] != "none"]
        rows: list[w.Widget] = []
        shown = []
        for row in texts.itertuples(index=False):
            value = row.value
            text = value if isinstance(value, str) else (value.get("text") or value.get("comment"))
            if row.moderation == "shown":
                shown.append(f"<li>{html.escape(text)}</li>")
            show = _button("workshop.trainer.show", lang, "success")
            show.disabled = row.moderation == "shown"
            hide = _button("workshop.trainer.hide_text", lang)
            hide.disabled = row.moderation == "hidden"
            show.on_click(
                lambda _b, a=row.answer_id: self._on_session(self.sessions.moderate, a, "shown")
            )
            hide.on_click(
                lambda _b, a=row.answer_id: self._on_session(self.sessions.moderate, a, "hidden")
            )
            # Free texts stay anonymous on this panel too: it may be seen by the room.
            label = (
                f"<span class='wk-source'>{html.escape(self._source(row.item, exercise))}</span>"
                f"<br>{html.escape(text)}"
            )
            rows.append(w.HBox([w.HTML(label, layout=w.Layout(width="60%")), show, hide]))
        header = [w.HTML(f"<h4>{html.escape(t('workshop.trainer.moderation', lang))}</h4>")]
        self.moderation.children = header + rows if rows else []
        self.shown_texts.value = (
            f"<h4>{html.escape(t('workshop.trainer.shown_texts', lang))}</h4>"
            f"<ul class='wk-shown'>{''.join(shown)}</ul>"
            if shown
            else ""
        )
