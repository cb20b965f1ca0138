"""Least privilege of the workshop room over HTTP, on real servers with and without a token.

A participant holds a room code and then a room pass: that reaches the room they joined and
nothing else (not the index, the collection app, the kernels, the trainer's panel or
projector, nor another room). Wrong codes are refused and, past a few, rate-limited.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.helpers import msg
from toolkit.apps.room.access import FAILURES_ALLOWED
from toolkit.store import connect
from toolkit.training import modules_dir
from toolkit.training.sessions import LiveSessions

TOKEN = "jeton-de-test-0123456789"
MODULE = "01_cadre_posture.yaml"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(served, path, body=None, headers=None, method=None):
    """``(status, text)`` of a request; redirects are not followed."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{served}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def join(served, code, name="Awa"):
    status, text = http(served, "/salle/api/join", {"code": code, "pseudonym": name})
    assert status == 200, text
    return json.loads(text)["pass"]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A server on 127.0.0.1 that still demands a token (as on the local network)."""
    from tests.browser.conftest import start_server, stop_server

    server = start_server(tmp_path_factory.mktemp("guarded"), "--token", TOKEN, "--pool", "0")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def rooms(guarded):
    live = LiveSessions(connect(guarded.db_url).engine)
    return live, [live.open_session(modules_dir() / MODULE) for _ in range(2)]


def test_with_token__participant_page_and_join__need_no_token(guarded, rooms):
    _live, (code, _other) = rooms
    status, page = http(guarded, f"/salle/{code}")
    assert status == 200
    assert f'value="{code}"' in page
    assert http(guarded, "/salle/static/room.js")[0] == 200
    assert join(guarded, code)


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/index.ipynb",
        "/voila/render/collecte.ipynb",
        "/voila/render/formation_animateur.ipynb",
        "/voila/tree",
        "/api/kernels/00000000-0000-0000-0000-000000000000",
        "/voila/files/index.ipynb",
    ],
)
def test_with_token__participant__reaches_no_voila_page(guarded, rooms, path):
    _live, (code, _other) = rooms
    room_pass = join(guarded, code, "Bruno")
    status, _text = http(guarded, path, headers={"X-Room-Pass": room_pass})
    assert status in (302, 403)


def test_with_token__participant__reaches_no_trainer_control(guarded, rooms):
    live, (code, _other) = rooms
    room_pass = join(guarded, code, "Chloé")
    headers = {"X-Room-Pass": room_pass}
    assert http(guarded, f"/salle/{code}/projection", headers=headers)[0] in (302, 403)
    assert http(guarded, f"/salle/{code}/projection/state", headers=headers)[0] == 403
    before = live.info(code).run
    status, _ = http(
        guarded, f"/salle/{code}/projection/control", {"action": "next"}, headers=headers
    )
    assert status == 403
    assert live.info(code).run == before


def test_with_token__trainer__reaches_the_projector_with_the_token(guarded, rooms):
    _live, (code, _other) = rooms
    status, page = http(guarded, f"/salle/{code}/projection?token={TOKEN}")
    assert status == 200
    assert '<html lang="fr">' in page
    status, text = http(guarded, f"/salle/{code}/projection/state?token={TOKEN}")
    assert status == 200
    assert code in json.loads(text)["html"]


def test_with_token__pass_of_one_room__never_reaches_another(guarded, rooms):
    live, (code, other) = rooms
    room_pass = join(guarded, code, "Dina")
    run = live.launch(other, "quiz_principes")
    status, text = http(guarded, "/salle/api/state?since=", headers={"X-Room-Pass": room_pass})
    assert status == 200
    assert "quiz_principes" not in text
    status, _ = http(
        guarded,
        "/salle/api/answer",
        {"run": run.id, "values": {"adhesion": "a"}},
        headers={"X-Room-Pass": room_pass},
    )
    assert status in (400, 409)
    assert live.answers(run.id).empty


def test_without_token__loopback__room_works_and_forged_pass_refused(served):
    live = LiveSessions(connect(served.db_url).engine)
    code = live.open_session(modules_dir() / MODULE)
    room_pass = join(served, code, "Émile")
    live.step(code, 1)
    status, text = http(served, "/salle/api/state?since=", headers={"X-Room-Pass": room_pass})
    assert status == 200
    assert 'data-screen="exercise"' in json.loads(text)["html"]
    forged = room_pass[:-4] + ("0000" if not room_pass.endswith("0000") else "1111")
    assert http(served, "/salle/api/state", headers={"X-Room-Pass": forged})[0] == 401
    assert http(served, "/salle/api/state")[0] == 401


def test_closed_session__code_expires_and_answers_refused(guarded, rooms):
    live = LiveSessions(connect(guarded.db_url).engine)
    code = live.open_session(modules_dir() / MODULE)
    room_pass = join(guarded, code, "Farid")
    run = live.step(code, 1)
    live.close_session(code)
    status, text = http(guarded, "/salle/api/join", {"code": code, "pseudonym": "Gaël"})
    assert status == 410
    assert json.loads(text)["message"] == msg("room.error.closed")
    status, text = http(guarded, "/salle/api/state?since=", headers={"X-Room-Pass": room_pass})
    assert json.loads(text)["key"] == "closed"
    status, text = http(
        guarded,
        "/salle/api/answer",
        {"run": run.id, "values": {"p1": "a"}},
        headers={"X-Room-Pass": room_pass},
    )
    assert status == 410


def test_guessed_codes__refused_then_rate_limited(server_factory):
    server = server_factory("--pool", "0")
    live = LiveSessions(connect(server.db_url).engine)
    code = live.open_session(modules_dir() / MODULE)
    guesses = [
        c
        for c in (
            "AAAAAA",
            "BBBBBB",
            "CCCCCC",
            "DDDDDD",
            "EEEEEE",
            "FFFFFF",
            "GGGGGG",
            "HHHHHH",
            "JJJJJJ",
        )
        if c != code
    ]
    for guess in guesses[:FAILURES_ALLOWED]:
        status, text = http(server, "/salle/api/join", {"code": guess, "pseudonym": "Intrus"})
        assert status == 404
        assert json.loads(text)["message"] == msg("room.error.unknown")
        assert "T101" not in text
    status, text = http(server, "/salle/api/join", {"code": code, "pseudonym": "Intrus"})
    assert status == 429
    throttled = {msg("room.error.throttled", minutes=n) for n in range(1, 61)}
    assert json.loads(text)["message"] in throttled
    assert live.participants(code).empty
