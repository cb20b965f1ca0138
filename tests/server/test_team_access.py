"""A team server over HTTP: the shared token opens nothing, each role reaches its own pages.

Before accounts, anyone holding the token and a projected room code could open the trainer's
page for that room and close the session. These tests hold the token and the code and
check that neither the trainer's page, the projector nor its controls answer them.
"""

from __future__ import annotations

import time

import pytest

from tests.server.conftest import PASSWORD, TOKEN, Browserless
from toolkit.apps.team.handlers import FAILURES_ALLOWED
from toolkit.apps.team.identity import RECHECK_SECONDS
from toolkit.store import connect
from toolkit.team import Accounts
from toolkit.training import modules_dir
from toolkit.training.sessions import LiveSessions

MODULE = "01_cadre_posture.yaml"


@pytest.fixture(scope="module")
def room(team_server):
    live = LiveSessions(connect(team_server.db_url).engine)
    return live, live.open_session(modules_dir() / MODULE)


@pytest.fixture(scope="module")
def accounts(team_server):
    return Accounts(connect(team_server.db_url).engine)


def test_team_server__token_and_room_code__open_no_trainer_page_and_close_nothing(
    team_server, room
):
    live, code = room
    client = Browserless(str(team_server))
    trainer_page = client.request(
        f"/voila/render/formation_animateur.ipynb?token={TOKEN}&code={code}"
    )
    assert trainer_page.status == 302
    assert trainer_page.location.startswith("/login?")
    projector = client.request(f"/salle/{code}/projection?token={TOKEN}")
    assert projector.status == 302
    assert projector.location.startswith("/login?")
    assert client.request(f"/salle/{code}/projection/state?token={TOKEN}").status == 403
    before = live.info(code)
    control = client.request(
        f"/salle/{code}/projection/control?token={TOKEN}",
        json_body={"action": "next"},
        headers={"Authorization": f"token {TOKEN}"},
    )
    assert control.status == 403
    after = live.info(code)
    assert after.status == "open"
    assert after.run == before.run


@pytest.mark.parametrize(
    "path", ["/voila/render/index.ipynb", "/voila/tree", "/voila/render/collecte.ipynb"]
)
def test_team_server__token_alone__opens_no_page(team_server, path):
    reply = Browserless(str(team_server)).request(f"{path}?token={TOKEN}")
    assert reply.status == 302
    assert reply.location.startswith("/login?")


def test_sign_in__right_password__opens_a_session_and_is_an_event(team_server, accounts):
    client = Browserless(str(team_server))
    reply = client.sign_in("chloe")
    assert reply.status == 302
    assert reply.location == "/voila/render/index.ipynb"
    page = client.request("/login")
    assert "Vous êtes connecté·e : chloe." in page.words
    events = accounts.events()
    assert ((events["by"] == "chloe") & (events["action"] == "signed_in")).any()


def test_sign_in__wrong_password__refused_in_french_and_recorded(team_server, accounts):
    client = Browserless(str(team_server))
    reply = client.sign_in("awa", "pas le bon mot de passe")
    assert reply.status == 403
    assert "Identifiant ou mot de passe incorrect." in reply.words
    assert client.request("/voila/tree").status == 302
    events = accounts.events()
    failed = events[events["action"] == "sign_in_failed"]
    assert "awa" in set(failed["detail"])
    assert failed["by"].isna().all()


def test_sign_in__without_xsrf__refused_with_a_french_page(team_server):
    client = Browserless(str(team_server))
    reply = client.request("/login", data={"username": "awa", "password": PASSWORD})
    assert reply.status == 403
    assert "Rien n'a été changé" in reply.words
    assert "Traceback" not in reply.words


def test_sign_in__next_to_another_site__goes_home_instead(team_server):
    client = Browserless(str(team_server))
    token = client.xsrf()
    reply = client.request(
        "/login?next=//evil.example/x",
        data={"_xsrf": token, "username": "awa", "password": PASSWORD, "next": "//evil.example"},
    )
    assert reply.status == 302
    assert reply.location == "/voila/render/index.ipynb"


def test_collector__trainer_page_and_projector__refused(team_server, room, accounts):
    live, code = room
    client = Browserless(str(team_server))
    client.sign_in("awa")
    page = client.request(f"/voila/render/formation_animateur.ipynb?code={code}")
    assert page.status == 403
    assert "Cette page est réservée aux rôles suivants : formation." in page.words
    assert "Votre compte (awa) a le rôle : collecte." in page.words
    assert client.request(f"/salle/{code}/projection").status == 403
    before = live.info(code).run
    xsrf = client.xsrf()
    control = client.request(
        f"/salle/{code}/projection/control",
        json_body={"action": "next"},
        headers={"X-XSRFToken": xsrf},
    )
    assert control.status == 403
    assert live.info(code).run == before
    events = accounts.events()
    assert ((events["by"] == "awa") & (events["action"] == "page_refused")).any()


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("awa", "analyse_barometre.ipynb"),
        ("awa", "codage.ipynb"),
        ("bruno", "collecte.ipynb"),
        ("bruno", "suivi_indicateurs.ipynb"),
        ("chloe", "formation_animateur.ipynb"),
    ],
)
def test_role__page_of_another_role__refused(team_server, name, page):
    client = Browserless(str(team_server))
    client.sign_in(name)
    assert client.request(f"/voila/render/{page}").status == 403


def test_trainer__projector_and_controls__work_and_are_recorded(team_server, room, accounts):
    live, code = room
    client = Browserless(str(team_server))
    client.sign_in("bruno")
    page = client.request(f"/salle/{code}/projection")
    assert page.status == 200
    assert '<html lang="fr">' in page.words
    assert client.request(f"/salle/{code}/projection/state").status == 200
    xsrf = client.xsrf()
    before = live.info(code).run
    reply = client.request(
        f"/salle/{code}/projection/control",
        json_body={"action": "next"},
        headers={"X-XSRFToken": xsrf},
    )
    assert reply.status == 200, reply.text
    assert live.info(code).run != before
    events = accounts.events()
    mine = events[(events["by"] == "bruno") & (events["action"] == "room_control")]
    assert f"{code} next" in set(mine["detail"])


def test_sign_out__closes_the_session(team_server):
    client = Browserless(str(team_server))
    client.sign_in("chloe")
    xsrf = client.xsrf()
    reply = client.request("/logout", data={"_xsrf": xsrf})
    assert reply.status == 302
    assert "Vous êtes déconnecté·e." in client.request("/login?out=1").words
    assert client.request("/voila/tree").status == 302


def test_disabled_account__open_session__closed_on_every_page(team_server, accounts):
    accounts.add("dina", PASSWORD, roles=["trainer"], by="test")
    client = Browserless(str(team_server))
    client.sign_in("dina")
    assert client.request("/login").words.count("connecté·e : dina") == 1
    accounts.set_active("dina", False, by="test")
    time.sleep(RECHECK_SECONDS + 0.5)
    assert client.request("/voila/tree").status == 302
    assert client.sign_in("dina").status == 403


def test_sign_in__many_failures__throttled_even_with_the_right_password(team_server, accounts):
    accounts.add("fanny", PASSWORD, roles=["collector"], by="test")
    client = Browserless(str(team_server))
    # Behind the reverse proxy every request comes from 127.0.0.1: the proxy's X-Real-IP
    # names the browser, so that one guesser does not lock the whole team out.
    proxy = {"X-Real-IP": "203.0.113.7"}
    for _ in range(FAILURES_ALLOWED):
        assert client.sign_in("fanny", "mauvais mot de passe !", headers=proxy).status == 403
    reply = client.sign_in("fanny", PASSWORD, headers=proxy)
    assert reply.status == 429
    assert "Trop d'essais manqués : réessayez dans 15 minutes." in reply.words
    other = Browserless(str(team_server)).sign_in("chloe", headers={"X-Real-IP": "203.0.113.8"})
    assert other.status == 302
