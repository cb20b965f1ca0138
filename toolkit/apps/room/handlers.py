"""Tornado handlers of the room, registered in the Voilà server by ``toolkit serve``.

Participants (no Jupyter token; a room pass, see :mod:`.access`):

- ``GET  {base}salle`` and ``{base}salle/CODE``: the phone page;
- ``POST {base}salle/api/join``: ``{code, pseudonym}`` → ``{pass, welcome}``;
- ``GET  {base}salle/api/state?since=KEY``: the current screen ``{key, html}``, held until
  it differs from ``since`` (long polling);
- ``POST {base}salle/api/answer``: ``{run, values}`` → ``{html}`` (the feedback);
- ``POST {base}salle/api/step``: ``{run, path}`` → ``{html}`` (next scene of a scenario).

Trainer (authenticated by the Jupyter server like Voilà's own pages):

- ``GET  {base}salle/CODE/projection``: the projected page;
- ``GET  {base}salle/CODE/projection/state?since=REVISION``: ``{key, html}``;
- ``POST {base}salle/CODE/projection/control``: ``{action}`` = next, previous, reveal, hide.

Every refusal and error is a JSON ``{"message": …}`` in the page's language, never a code
or a traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop

from toolkit.apps.room.access import Denied, RoomPass, RoomPolicy
from toolkit.apps.room.hub import RoomHub
from toolkit.apps.room.pages import (
    STATIC_DIR,
    participant_csp,
    participant_page,
    projector_page,
)
from toolkit.apps.room.paths import PASS_HEADER, ROOM_PATH, ROOM_URL_ENV
from toolkit.apps.room.projector import Projection, projector_html
from toolkit.apps.room.screens import feedback_html, scene_html, screen, screen_key
from toolkit.errors import ToolkitError
from toolkit.i18n import LANGUAGES, get_language, t
from toolkit.training.model import Branching
from toolkit.training.scoring import replay
from toolkit.training.sessions import LiveSessions, SessionInfo, normalise_code

__all__ = ["RoomContext", "room_handlers"]

_CODE = r"([A-Za-z0-9-]{1,16})"
#: Participant errors shown with their own words (anything else: a generic message).
_PARTICIPANT_ERRORS = {
    "T101": (404, "room.error.unknown"),
    "T102": (410, "room.error.closed"),
    "T103": (400, "room.error.pseudonym"),
    "T104": (401, "room.error.pass"),
    "T106": (409, "room.error.replaced"),
    "T107": (400, "room.error.invalid"),
    "T112": (400, "room.error.too_long"),
}


@dataclass
class RoomContext:
    """What the room's handlers share: the store's workshops, the live hub, the policy."""

    policy: RoomPolicy
    base: str
    join_url: str | None = None
    _hub: RoomHub | None = field(default=None, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def hub(self) -> RoomHub:
        """The hub, connecting to the store (``TOOLKIT_DATABASE_URL``) on first use."""
        async with self._lock:
            if self._hub is None:
                from toolkit.store import connect

                store = await asyncio.get_running_loop().run_in_executor(None, connect)
                self._hub = RoomHub(LiveSessions(store.engine))
            return self._hub


def _lang(handler: web.RequestHandler, body: dict | None = None) -> str:
    lang = (body or {}).get("lang") or handler.get_query_argument("lang", None)
    return lang if lang in LANGUAGES else get_language()


def _public_url(handler: web.RequestHandler, context: RoomContext) -> str:
    """The participants' address: from ``toolkit serve``, else the one this page came by."""
    if context.join_url:
        return context.join_url.rstrip("/")
    request = handler.request
    return f"{request.protocol}://{request.host}{context.base}".rstrip("/")


class _Participant(web.RequestHandler):
    """Base of the participants' handlers: no Jupyter authentication, strict headers."""

    def initialize(self, context: RoomContext) -> None:
        self.context = context

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", participant_csp())
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")

    def body(self) -> dict:
        try:
            value = json.loads(self.request.body or b"{}")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise Denied(400, "room.error.invalid")
        return value

    def reply(self, value: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(value, ensure_ascii=False))

    def refuse(self, denied: Denied, lang: str) -> None:
        self.reply({"message": t(denied.key, lang, **denied.params)}, denied.status)

    def room_pass(self) -> RoomPass:
        return self.context.policy.participant(self.request.headers.get(PASS_HEADER))

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.reply({"message": t("room.js.error", _lang(self))}, status_code)


def _participant_error(error: ToolkitError) -> Denied:
    code = error.problems[0].code if error.problems else ""
    status, key = _PARTICIPANT_ERRORS.get(code, (400, "room.js.error"))
    params = dict(error.problems[0].params) if error.problems else {}
    return Denied(status, key, **{k: v for k, v in params.items() if k in ("maximum", "length")})


class ParticipantPage(_Participant):
    def get(self, code: str = "") -> None:
        IOLoop.current().add_callback(self.context.hub)
        code = normalise_code(code or self.get_query_argument("code", ""))[:16]
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(participant_page(base=self.context.base, code=code, lang=_lang(self)))


class JoinHandler(_Participant):
    async def post(self) -> None:
        lang = _lang(self)
        client = self.request.remote_ip or "?"
        try:
            body = self.body()
            lang = _lang(self, body)
            self.context.policy.may_try_code(client)
            code = normalise_code(str(body.get("code", "")))
            if not code:
                raise Denied(400, "room.js.empty_code")
            hub = await self.context.hub()
            try:
                participant = await hub.call(
                    hub.sessions.join, code, str(body.get("pseudonym", ""))
                )
            except ToolkitError as error:
                denied = _participant_error(error)
                if denied.key in ("room.error.unknown", "room.error.closed"):
                    self.context.policy.code_failed(client)
                raise denied from None
        except Denied as denied:
            self.refuse(denied, lang)
            return
        hub.touched(code)
        state = await hub.state(code)
        name = " ".join(str(body.get("pseudonym", "")).split())
        title = state.info.module.title.get(lang) if state.info else ""
        self.reply(
            {
                "pass": self.context.policy.issue(RoomPass(code, participant)),
                "code": code,
                "title": title,
                "welcome": t("room.welcome", lang, name=name),
            }
        )


class StateHandler(_Participant):
    """The screen, held until it changes. A phone that leaves meanwhile closes its
    connection: Tornado cancels the held request at once (its access log says 500)."""

    async def get(self) -> None:
        lang = _lang(self)
        try:
            room = self.room_pass()
        except Denied as denied:
            self.refuse(denied, lang)
            return
        since = self.get_query_argument("since", "")
        hub = await self.context.hub()
        state = await hub.wait(room.code, lambda s: screen_key(s.info) != since)
        mine: dict = {}
        if state.info is not None and state.info.run is not None:
            mine = await hub.call(hub.sessions.my_answers, state.info.run.id, room.participant_id)
        key, html = screen(state.info, mine, lang)
        self.reply({"key": key, "html": html})


class AnswerHandler(_Participant):
    async def post(self) -> None:
        lang = _lang(self)
        try:
            room = self.room_pass()
            body = self.body()
            lang = _lang(self, body)
            values = body.get("values")
            run_id = body.get("run")
            if not isinstance(values, dict) or not values or not isinstance(run_id, int):
                raise Denied(400, "room.js.pick")
            hub = await self.context.hub()
            state = await hub.state(room.code)

            def store() -> None:
                for item, value in values.items():
                    hub.sessions.answer(room.code, room.participant_id, run_id, str(item), value)

            try:
                await hub.call(store)
            except ToolkitError as error:
                raise _participant_error(error) from None
            hub.touched(room.code)
            info = state.info
            if info is None or info.run is None:
                # Launched between the two reads: the answer is stored, the screen has moved.
                raise Denied(409, "room.error.replaced")
        except Denied as denied:
            self.refuse(denied, lang)
            return
        feedback = info.run.exercise_id != "assessment"
        self.reply({"html": feedback_html(info.exercise, values, lang, feedback=feedback)})


class StepHandler(_Participant):
    async def post(self) -> None:
        lang = _lang(self)
        try:
            room = self.room_pass()
            body = self.body()
            lang = _lang(self, body)
            hub = await self.context.hub()
            state = await hub.state(room.code)
            info = state.info
            if info is None or info.status != "open":
                raise Denied(410, "room.error.closed")
            if info.run is None or info.run.id != body.get("run"):
                raise Denied(409, "room.error.replaced")
            exercise = info.exercise
            path = body.get("path")
            if not isinstance(exercise, Branching) or not isinstance(path, list):
                raise Denied(400, "room.error.invalid")
            try:
                play = replay(exercise, path)
                if play.finished:
                    await hub.call(
                        hub.sessions.answer,
                        room.code,
                        room.participant_id,
                        info.run.id,
                        "path",
                        play.path,
                    )
            except (ToolkitError, TypeError, ValueError) as error:
                raise (
                    _participant_error(error)
                    if isinstance(error, ToolkitError)
                    else Denied(400, "room.error.invalid")
                ) from None
        except Denied as denied:
            self.refuse(denied, lang)
            return
        if play.finished:
            hub.touched(room.code)
        self.reply({"html": scene_html(exercise, play, lang)})


# -- trainer ------------------------------------------------------------------------------
class _Trainer(JupyterHandler):
    """Base of the projector's handlers: the Jupyter server's authentication, then the
    room policy's trainer rule."""

    def initialize(self, context: RoomContext) -> None:
        self.context = context

    def trainer(self) -> None:
        try:
            self.context.policy.trainer(self.current_user)
        except Denied:
            raise web.HTTPError(403) from None

    def reply(self, value: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(value, ensure_ascii=False))


class _TrainerApi(_Trainer):
    """JSON handlers of the projector: an unauthenticated request gets 403, not a login page."""

    def get_login_url(self) -> str:
        raise web.HTTPError(403)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.reply({"message": t("room.error.trainer", _lang(self))}, status_code)


class ProjectorPage(_Trainer):
    @web.authenticated
    def get(self, code: str) -> None:
        self.trainer()
        IOLoop.current().add_callback(self.context.hub)
        code = normalise_code(code)
        page = projector_page(
            base=self.context.base, code=code, lang=_lang(self), xsrf=self.xsrf_token.decode()
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


class ProjectorState(_TrainerApi):
    @web.authenticated
    async def get(self, code: str) -> None:
        self.trainer()
        code = normalise_code(code)
        lang = _lang(self)
        since = self.get_query_argument("since", "")
        hub = await self.context.hub()
        state = await hub.wait(code, lambda s: str(s.revision) != since)
        if state.info is None:
            self.reply({"message": t("room.error.unknown", lang)}, 404)
            return
        projection = await hub.call(self._projection, hub, state.info)
        self.reply({"key": str(state.revision), "html": projector_html(projection, lang)})

    def _projection(self, hub: RoomHub, info: SessionInfo) -> Projection:
        sessions = hub.sessions
        people = list(sessions.participants(info.code)["pseudonym"])
        answers = sessions.answers(info.run.id) if info.run else None
        finished = info.run is None and sessions.finished(info.code)
        return Projection(info, people, answers, finished, _public_url(self, self.context))


class ProjectorControl(_TrainerApi):
    @web.authenticated
    async def post(self, code: str) -> None:
        self.trainer()
        code = normalise_code(code)
        lang = _lang(self)
        try:
            action = json.loads(self.request.body or b"{}").get("action")
        except (ValueError, AttributeError):
            action = None
        hub = await self.context.hub()
        sessions = hub.sessions
        actions = {
            "next": lambda: sessions.step(code, 1),
            "previous": lambda: sessions.step(code, -1),
            "reveal": lambda: sessions.set_revealed(code, True),
            "hide": lambda: sessions.set_revealed(code, False),
        }
        if action not in actions:
            self.reply({"message": t("room.js.error", lang)}, 400)
            return
        try:
            await hub.call(actions[action])
        except ToolkitError as error:
            self.reply({"message": error.problems[0].message(lang)}, 409)
            return
        hub.touched(code)
        record = getattr(self.identity_provider, "record", None)
        if record is not None:
            await record(self, self.current_user.username, "room_control", f"{code} {action}")
        self.reply({"ok": True})


def room_handlers(server_url: str, policy: RoomPolicy) -> list[tuple]:
    """The room's URL rules under ``server_url`` (Voilà's ``server_url``, ``/`` by default).

    The store is opened (and its migrations checked) when the room's first page is served,
    while its reader types a pseudonym, rather than at the first join or at server start.

    Examples
    --------
    >>> import re
    >>> from toolkit.apps.room.access import RoomPolicy
    >>> rules = room_handlers("/", RoomPolicy(b"0" * 32))
    >>> [pattern for pattern, *_ in rules][:5]
    ['/salle/static/(.*)', '/salle/api/join', '/salle/api/state', '/salle/api/answer', '/salle/api/step']
    >>> def served_by(path):
    ...     return next(h.__name__ for p, h, _ in rules if re.fullmatch(p, path))
    >>> served_by("/salle"), served_by("/salle/K7Q2"), served_by("/salle/K7Q2/projection")
    ('ParticipantPage', 'ParticipantPage', 'ProjectorPage')
    """
    base = url_path_join(server_url, ROOM_PATH)
    context = RoomContext(policy, base, os.environ.get(ROOM_URL_ENV) or None)
    args = {"context": context}
    api = url_path_join(base, "api")
    return [
        (url_path_join(base, "static/(.*)"), web.StaticFileHandler, {"path": str(STATIC_DIR)}),
        (url_path_join(api, "join"), JoinHandler, args),
        (url_path_join(api, "state"), StateHandler, args),
        (url_path_join(api, "answer"), AnswerHandler, args),
        (url_path_join(api, "step"), StepHandler, args),
        (url_path_join(base, _CODE, "projection"), ProjectorPage, args),
        (url_path_join(base, _CODE, "projection/state"), ProjectorState, args),
        (url_path_join(base, _CODE, "projection/control"), ProjectorControl, args),
        (base + "/?", ParticipantPage, args),
        (url_path_join(base, _CODE) + "/?", ParticipantPage, args),
    ]
