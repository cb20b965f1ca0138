"""Live-workshop state kept in the store, shared by the trainer's kernel and the room's pages.

A trainer opens a session on a module and gets a room code; participants join with the code
and a pseudonym (no account; joining again with the same pseudonym resumes). The trainer
launches exercises one at a time (a *run*); answers are checked and scored here, on write,
so that a page cannot store a score of its own. Resetting relaunches the exercise as a new
run: earlier answers stay in the database but leave the chart.

Built-in launches besides the module's exercises: ``assessment`` (the pre/post test, with
``phase="pre"`` or ``"post"``) and ``satisfaction`` (Kirkpatrick level 1 questionnaire).
Scale exercises may also carry a phase (before / after).
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard, cast

import pandas as pd
from sqlalchemy import Engine, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from toolkit.errors import Problem, TrainingError
from toolkit.store.engine import read_connection, write_connection
from toolkit.training import tables as tb
from toolkit.training.agenda import agenda, position
from toolkit.training.loader import loads_module
from toolkit.training.model import (
    Branching,
    Exercise,
    Judgement,
    Module,
    Quiz,
    Rewriting,
    RolePlay,
    Scale,
)
from toolkit.training.scoring import replay, score_judgement, score_question, scored_item

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "SATISFACTION_ITEMS",
    "LiveSessions",
    "Run",
    "SessionInfo",
    "normalise_code",
]

#: Room-code alphabet: capitals and digits without the look-alikes I, L, O, 0, 1.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PHASES = ("pre", "post")
#: Satisfaction questionnaire (catalogue keys ``training.satisfaction.<item>``), 1–5 scale.
SATISFACTION_ITEMS = ("useful", "clear", "pace", "practice", "recommend")
SATISFACTION_RANGE = (1, 5)
MAX_PSEUDONYM = 30
MAX_TEXT = 2000


def normalise_code(code: str) -> str:
    """Upper-case a typed room code and drop spaces and dashes."""
    return "".join(c for c in str(code).upper() if c not in " -\t")


def _now() -> datetime:
    return datetime.now(UTC)


def _error(key: str, field: str | None = None, /, **params: object) -> TrainingError:
    return TrainingError(problems=[Problem(key, params, None, None, field)])


@dataclass(frozen=True)
class Run:
    """One launch of an exercise in a session."""

    id: int
    exercise_id: str
    phase: str | None
    revealed: bool


@dataclass(frozen=True)
class SessionInfo:
    """What every view needs to know about a session, read in one query."""

    code: str
    module: Module
    status: str
    revision: int
    run: Run | None

    @property
    def exercise(self) -> Exercise | None:
        """The exercise on screen (``None`` for satisfaction and when nothing is launched)."""
        if self.run is None or self.run.exercise_id == "satisfaction":
            return None
        return self.module.exercise(self.run.exercise_id)


class LiveSessions:
    """Operations on live workshops, over a store engine (tables of migration 0002).

    Parameters
    ----------
    engine : Engine
        ``toolkit.store.connect(url).engine``, or any engine whose database has the
        tables of :mod:`toolkit.training.tables`.
    rng : random.Random, optional
        Source of room codes (default: the operating system's secure source).
    """

    def __init__(self, engine: Engine, *, rng: random.Random | None = None) -> None:
        self.engine = engine
        self._choice = rng.choice if rng is not None else secrets.choice

    # -- sessions ---------------------------------------------------------------------------
    def open_session(self, path: str | Path | None = None, *, text: str | None = None) -> str:
        """Open a session on the module file ``path`` (or YAML ``text``); return its code."""
        if text is None:
            if path is None:
                raise _error("T105", "module", id="")
            text = Path(path).read_text(encoding="utf-8")
        module = loads_module(text, source=str(path) if path else None)
        for _ in range(20):
            code = "".join(self._choice(ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with write_connection(self.engine) as conn:
                    conn.execute(
                        insert(tb.sessions).values(
                            code=code,
                            module_id=module.id,
                            module_version=module.version,
                            module_source=text,
                            status="open",
                            current_run=None,
                            revision=0,
                            created_at=_now(),
                        )
                    )
            except IntegrityError:
                continue
            return code
        raise _error("T108")

    def close_session(self, code: str) -> None:
        """Close a session: nobody can join or answer any more."""
        with write_connection(self.engine) as conn:
            self._bump(conn, code, status="closed", closed_at=_now(), current_run=None)

    def info(self, code: str) -> SessionInfo:
        """The session's module, status, revision and current run; T101 if unknown."""
        code = normalise_code(code)
        with read_connection(self.engine) as conn:
            row = conn.execute(select(tb.sessions).where(tb.sessions.c.code == code)).first()
            if row is None:
                raise _error("T101", "code", code=code)
            run = None
            if row.current_run is not None:
                r = conn.execute(select(tb.runs).where(tb.runs.c.id == row.current_run)).one()
                run = Run(r.id, r.exercise_id, r.phase, bool(r.revealed))
        module = loads_module(row.module_source, source=row.module_id)
        return SessionInfo(code, module, row.status, row.revision, run)

    def revision(self, code: str) -> int:
        """A number that changes whenever anything in the session changes (cheap to poll)."""
        with read_connection(self.engine) as conn:
            value = conn.execute(
                select(tb.sessions.c.revision).where(tb.sessions.c.code == normalise_code(code))
            ).scalar()
        if value is None:
            raise _error("T101", "code", code=code)
        return int(value)

    def _bump(self, conn, code: str, **values: object) -> None:
        done = conn.execute(
            update(tb.sessions)
            .where(tb.sessions.c.code == code)
            .values(revision=tb.sessions.c.revision + 1, **values)
        )
        if done.rowcount == 0:
            raise _error("T101", "code", code=code)

    # -- participants -------------------------------------------------------------------------
    def join(self, code: str, pseudonym: str) -> str:
        """Join (or rejoin) a session; return the participant id."""
        code = normalise_code(code)
        name = " ".join(str(pseudonym).split())
        if not name or len(name) > MAX_PSEUDONYM or not name.isprintable():
            raise _error("T103", "pseudonym", maximum=MAX_PSEUDONYM)
        info = self.info(code)
        if info.status != "open":
            raise _error("T102", "code", code=code)
        for _ in range(2):
            with write_connection(self.engine) as conn:
                existing = conn.execute(
                    select(tb.participants.c.id).where(
                        tb.participants.c.session_code == code,
                        tb.participants.c.pseudonym == name,
                    )
                ).scalar()
                if existing is not None:
                    return existing
                participant_id = str(uuid.uuid4())
                try:
                    conn.execute(
                        insert(tb.participants).values(
                            id=participant_id, session_code=code, pseudonym=name, joined_at=_now()
                        )
                    )
                    self._bump(conn, code)
                except IntegrityError:
                    continue
                return participant_id
        raise _error("T103", "pseudonym", maximum=MAX_PSEUDONYM)

    def participants(self, code: str) -> pd.DataFrame:
        """Who joined: ``participant_id``, ``pseudonym``, ``joined_at``, ``answered`` (current run)."""
        info = self.info(code)
        run_id = info.run.id if info.run else -1
        answered = (
            select(func.count(tb.answers.c.id))
            .where(tb.answers.c.participant_id == tb.participants.c.id)
            .where(tb.answers.c.run_id == run_id)
            .scalar_subquery()
        )
        query = (
            select(
                tb.participants.c.id.label("participant_id"),
                tb.participants.c.pseudonym,
                tb.participants.c.joined_at,
                answered.label("answered"),
            )
            .where(tb.participants.c.session_code == info.code)
            .order_by(tb.participants.c.joined_at, tb.participants.c.pseudonym)
        )
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=["participant_id", "pseudonym", "joined_at", "answered"])

    # -- runs -------------------------------------------------------------------------------
    def launch(self, code: str, exercise_id: str, *, phase: str | None = None) -> Run:
        """Put an exercise on every participant's screen (a new run)."""
        info = self.info(code)
        if info.status != "open":
            raise _error("T102", "code", code=info.code)
        if exercise_id != "satisfaction":
            try:
                exercise = info.module.exercise(exercise_id)
            except KeyError:
                raise _error("T105", "exercise", id=exercise_id) from None
            needs_phase = exercise_id == "assessment"
            allows_phase = needs_phase or isinstance(exercise, Scale)
            if (needs_phase and phase not in PHASES) or (phase is not None and not allows_phase):
                raise _error("T109", "phase", got=phase)
        if phase is not None and phase not in PHASES:
            raise _error("T109", "phase", got=phase)
        with write_connection(self.engine) as conn:
            result = conn.execute(
                insert(tb.runs).values(
                    session_code=info.code,
                    exercise_id=exercise_id,
                    phase=phase,
                    revealed=False,
                    launched_at=_now(),
                )
            )
            # SQLAlchemy types the key Optional (None after a many-row insert); a one-row
            # INSERT always has it.
            run_id = cast("Row[Any]", result.inserted_primary_key)[0]
            self._bump(conn, info.code, current_run=run_id)
        return Run(int(run_id), exercise_id, phase, False)

    def latest_run(self, code: str) -> Run | None:
        """The last run launched in the session, on screen or not (``None`` before any)."""
        query = (
            select(tb.runs)
            .where(tb.runs.c.session_code == normalise_code(code))
            .order_by(tb.runs.c.id.desc())
            .limit(1)
        )
        with read_connection(self.engine) as conn:
            r = conn.execute(query).first()
        return None if r is None else Run(r.id, r.exercise_id, r.phase, bool(r.revealed))

    def show(self, code: str, exercise_id: str, *, phase: str | None = None) -> Run:
        """Put an exercise back on the screens: its latest run (answers and chart kept) if it
        was launched before, else a new run (see :meth:`launch`)."""
        info = self.info(code)
        if info.status != "open":
            raise _error("T102", "code", code=info.code)
        query = (
            select(tb.runs)
            .where(
                tb.runs.c.session_code == info.code,
                tb.runs.c.exercise_id == exercise_id,
                tb.runs.c.phase.is_(None) if phase is None else tb.runs.c.phase == phase,
            )
            .order_by(tb.runs.c.id.desc())
            .limit(1)
        )
        with write_connection(self.engine) as conn:
            r = conn.execute(query).first()
            if r is not None:
                self._bump(conn, info.code, current_run=r.id)
                return Run(r.id, r.exercise_id, r.phase, bool(r.revealed))
        return self.launch(info.code, exercise_id, phase=phase)

    def step(self, code: str, offset: int) -> Run | None:
        """Move ``offset`` steps along the module's agenda (+1 next, -1 previous).

        From nothing on screen, the move starts from the last run launched (before any run,
        *next* shows the first step). Past the last step the screens are cleared and
        :meth:`finished` becomes true; *previous* from there shows the last step again.
        """
        info = self.info(code)
        steps = agenda(info.module)
        run = info.run or self.latest_run(info.code)
        if run is None:
            here = -1
        else:
            found = position(steps, run.exercise_id, run.phase)
            here = -1 if found is None else found
            if info.run is None and here == len(steps) - 1 and self.finished(info.code):
                here = len(steps)
        target = max(here + offset, 0)
        if target >= len(steps):
            self.stop(info.code)
            return None
        step = steps[target]
        return self.show(info.code, step.exercise_id, phase=step.phase)

    def finished(self, code: str) -> bool:
        """True when the agenda was run to its end: nothing on screen, and the last run
        launched is the agenda's last step (or the session is closed)."""
        info = self.info(code)
        if info.status == "closed":
            return True
        if info.run is not None:
            return False
        last = self.latest_run(info.code)
        final = agenda(info.module)[-1]
        return last is not None and (last.exercise_id, last.phase) == (
            final.exercise_id,
            final.phase,
        )

    def stop(self, code: str) -> None:
        """Take the current exercise off the screens (answers are kept)."""
        with write_connection(self.engine) as conn:
            self._bump(conn, normalise_code(code), current_run=None)

    def reset(self, code: str) -> Run:
        """Relaunch the current exercise as a new, empty run (the chart starts again)."""
        info = self.info(code)
        if info.run is None:
            raise _error("T106", "run")
        return self.launch(info.code, info.run.exercise_id, phase=info.run.phase)

    def set_revealed(self, code: str, revealed: bool) -> None:
        """Show or hide the results of the current run on the projected view."""
        info = self.info(code)
        if info.run is None:
            raise _error("T106", "run")
        with write_connection(self.engine) as conn:
            conn.execute(
                update(tb.runs).where(tb.runs.c.id == info.run.id).values(revealed=revealed)
            )
            self._bump(conn, info.code)

    # -- answers ----------------------------------------------------------------------------
    def answer(
        self, code: str, participant_id: str, run_id: int, item: str, value: object
    ) -> float | None:
        """Check, score and store one answer to the current run; return the score.

        Answering again replaces the previous answer to the same item. Values by exercise:
        quiz / assessment: ``item`` = question id, value = option id or list of ids;
        judgement: item ``pick``, value ``{"best": id, "worst": id}``; branching: item
        ``path``, value = the path ``[[scene_id, choice_index], ...]`` up to an ending;
        role play: item ``grid``, value ``{"checked": [ids], "comment": str}``; rewriting:
        item = prompt id, value ``{"text": str, "checked": [ids]}``; scale: item = scale
        item id, value an int; satisfaction: item in :data:`SATISFACTION_ITEMS` (int 1–5)
        or ``comment`` (text).
        """
        info = self.info(code)
        if info.status != "open":
            raise _error("T102", "code", code=info.code)
        if info.run is None or info.run.id != run_id:
            raise _error("T106", "run")
        stored, score, moderation = self._check(info, item, value)
        with write_connection(self.engine) as conn:
            known = conn.execute(
                select(tb.participants.c.id).where(
                    tb.participants.c.id == participant_id,
                    tb.participants.c.session_code == info.code,
                )
            ).scalar()
            if known is None:
                raise _error("T104", "participant")
            values = {
                "value": json.dumps(stored, ensure_ascii=False),
                "score": score,
                "moderation": moderation,
                "submitted_at": _now(),
            }
            changed = conn.execute(
                update(tb.answers)
                .where(
                    tb.answers.c.run_id == run_id,
                    tb.answers.c.participant_id == participant_id,
                    tb.answers.c.item == item,
                )
                .values(**values)
            )
            if changed.rowcount == 0:
                conn.execute(
                    insert(tb.answers).values(
                        run_id=run_id, participant_id=participant_id, item=item, **values
                    )
                )
            self._bump(conn, info.code)
        return score

    def _check(
        self, info: SessionInfo, item: str, value: object
    ) -> tuple[object, float | None, str]:
        """Validate an answer; return (value to store, score, moderation state)."""
        bad = _error("T107", item, got=value)
        _check_length(item, value)
        exercise = info.exercise
        if exercise is None:
            if item in SATISFACTION_ITEMS and _is_int(value, *SATISFACTION_RANGE):
                return value, float(value), "none"
            if item == "comment" and _is_text(value):
                return value.strip(), None, "pending"
            raise bad
        if isinstance(exercise, Quiz):
            question = next((q for q in exercise.questions if q.id == item), None)
            if question is not None and (_is_text(value) or _is_str_list(value)):
                return value, float(score_question(question, value)), "none"
            raise bad
        if isinstance(exercise, Judgement):
            if item != "pick" or not isinstance(value, dict):
                raise bad
            score = score_judgement(exercise, str(value.get("best")), str(value.get("worst")))
            return {"best": value["best"], "worst": value["worst"]}, float(score), "none"
        if isinstance(exercise, Branching):
            if item != "path" or not isinstance(value, list):
                raise bad
            play = replay(exercise, value)
            ending = play.ending
            if ending is None:
                raise bad
            return {"path": play.path, "ending": ending.id}, float(ending.score), "none"
        if isinstance(exercise, RolePlay):
            checked = value.get("checked", []) if isinstance(value, dict) else None
            comment = value.get("comment", "") if isinstance(value, dict) else None
            ids = {g.id for g in exercise.grid}
            if item != "grid" or not _is_str_list(checked) or not set(checked) <= ids:
                raise bad
            if not isinstance(comment, str) or len(comment) > MAX_TEXT:
                raise bad
            state = "pending" if comment.strip() else "none"
            return {"checked": checked, "comment": comment.strip()}, None, state
        if isinstance(exercise, Rewriting):
            text = value.get("text") if isinstance(value, dict) else None
            checked = value.get("checked", []) if isinstance(value, dict) else None
            ids = {g.id for g in exercise.checklist}
            if (
                item in {p.id for p in exercise.prompts}
                and _is_text(text)
                and _is_str_list(checked)
                and set(checked) <= ids
            ):
                return {"text": text.strip(), "checked": checked}, None, "pending"
            raise bad
        if isinstance(exercise, Scale):
            if _is_int(value, exercise.minimum, exercise.maximum):
                return value, float(scored_item(exercise, item, value)), "none"
            raise bad
        raise bad

    def answers(self, run_id: int) -> pd.DataFrame:
        """Answers of a run: ``answer_id``, ``participant_id``, ``pseudonym``, ``item``,
        ``value`` (decoded JSON), ``score``, ``moderation``, ``submitted_at``."""
        query = (
            select(
                tb.answers.c.id.label("answer_id"),
                tb.answers.c.participant_id,
                tb.participants.c.pseudonym,
                tb.answers.c.item,
                tb.answers.c.value,
                tb.answers.c.score,
                tb.answers.c.moderation,
                tb.answers.c.submitted_at,
            )
            .join(tb.participants, tb.participants.c.id == tb.answers.c.participant_id)
            .where(tb.answers.c.run_id == run_id)
            .order_by(tb.answers.c.id)
        )
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
        frame["value"] = [json.loads(v) for v in frame["value"]]
        return frame

    def my_answers(self, run_id: int, participant_id: str) -> dict[str, object]:
        """A participant's answers to a run, by item (to restore a reloaded phone page)."""
        query = select(tb.answers.c.item, tb.answers.c.value).where(
            tb.answers.c.run_id == run_id, tb.answers.c.participant_id == participant_id
        )
        with read_connection(self.engine) as conn:
            return {item: json.loads(value) for item, value in conn.execute(query)}

    def moderate(self, code: str, answer_id: int, state: str) -> None:
        """Show (``"shown"``) or hide (``"hidden"``) a free-text answer on the projected view."""
        if state not in ("shown", "hidden", "pending"):
            raise _error("T107", "moderation", got=state)
        with write_connection(self.engine) as conn:
            conn.execute(
                update(tb.answers)
                .where(tb.answers.c.id == answer_id, tb.answers.c.moderation != "none")
                .values(moderation=state)
            )
            self._bump(conn, normalise_code(code))

    # -- evaluation frames --------------------------------------------------------------------
    def _latest(self, code: str, exercise_ids: Iterable[str]) -> pd.DataFrame:
        query = (
            select(
                tb.participants.c.pseudonym.label("participant"),
                tb.runs.c.exercise_id.label("exercise"),
                tb.runs.c.phase,
                tb.answers.c.item,
                tb.answers.c.value,
                tb.answers.c.score,
                tb.answers.c.submitted_at,
            )
            .join(tb.runs, tb.runs.c.id == tb.answers.c.run_id)
            .join(tb.participants, tb.participants.c.id == tb.answers.c.participant_id)
            .where(tb.runs.c.session_code == normalise_code(code))
            .where(tb.runs.c.exercise_id.in_(list(exercise_ids)))
            .order_by(tb.answers.c.submitted_at, tb.answers.c.id)
        )
        with read_connection(self.engine) as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
        keys = ["participant", "exercise", "phase", "item"]
        return frame.drop_duplicates(keys, keep="last").reset_index(drop=True)

    def assessment_frame(self, code: str) -> pd.DataFrame:
        """Pre/post test answers, latest per participant × phase × question.

        Columns ``participant`` (the pseudonym), ``phase``, ``item``, ``objective``, ``score``.
        """
        module = self.info(code).module
        frame = self._latest(code, ["assessment"])
        links = {q.id: q.objective for q in module.assessment.questions}
        frame["objective"] = frame["item"].map(links)
        return frame[["participant", "phase", "item", "objective", "score"]]

    def scale_frame(self, code: str, exercise_id: str) -> pd.DataFrame:
        """Scale answers (reverse keys applied in ``score``): participant, phase, item, score."""
        frame = self._latest(code, [exercise_id])
        return frame[["participant", "phase", "item", "score"]]

    def satisfaction_frame(self, code: str) -> pd.DataFrame:
        """Satisfaction ratings: ``participant``, ``item``, ``score`` (comments left out)."""
        frame = self._latest(code, ["satisfaction"])
        frame = frame[frame["item"].isin(SATISFACTION_ITEMS)]
        return frame[["participant", "item", "score"]].reset_index(drop=True)


def _is_int(value: object, low: int, high: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_length(item: str, value: object) -> None:
    """T112 for a text over :data:`MAX_TEXT` (the message gives lengths, never the text)."""
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, dict):
        texts = [v for v in value.values() if isinstance(v, str)]
    for text in texts:
        if len(text.strip()) > MAX_TEXT:
            raise _error("T112", item, length=len(text.strip()), maximum=MAX_TEXT)


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_TEXT


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
