"""Servers of these tests: ``toolkit serve`` on a database holding team accounts.

``team_server`` (module scope): a server started with ``--token`` (as an old deployment
would be) on a SQLite database with three accounts, one per role, and an open workshop
room. :class:`Browserless` signs in with plain HTTP requests (cookies kept, redirects not
followed), as a script or an attacker would.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

from toolkit.store import connect
from toolkit.team import Accounts

TOKEN = "jeton-partage-0123456789"
PASSWORD = "une phrase de passe assez longue"
PEOPLE = {"awa": "collector", "chloe": "coordinator", "bruno": "trainer"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    """A response: status, body, ``Location``; :attr:`words` is the body unescaped."""

    status: int
    text: str
    location: str

    @property
    def words(self) -> str:
        return html.unescape(self.text)


class Browserless:
    """HTTP client with its own cookie jar; ``sign_in`` posts the form like a browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, path, *, data=None, json_body=None, headers=None, method=None) -> Reply:
        body = None
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers, method=method
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return Reply(response.status, response.read().decode(), "")
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), error.headers.get("Location", ""))

    def xsrf(self, path: str = "/login", headers: dict | None = None) -> str:
        page = self.request(path, headers=headers)
        found = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        return found.group(1)

    def sign_in(self, name: str, password: str = PASSWORD, headers: dict | None = None) -> Reply:
        token = self.xsrf(headers=headers)
        return self.request(
            "/login",
            data={"_xsrf": token, "username": name, "password": password},
            headers=headers,
        )


def add_people(db_url: str) -> Accounts:
    accounts = Accounts(connect(db_url).engine)
    for name, role in PEOPLE.items():
        accounts.add(name, PASSWORD, roles=[role], by="test")
    return accounts


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    from tests.browser.conftest import start_server, stop_server

    tmp = tmp_path_factory.mktemp("team")
    db_url = f"sqlite:///{tmp / 'toolkit.sqlite'}"
    add_people(db_url)
    server = start_server(tmp, "--token", TOKEN, "--pool", "0", db_url=db_url)
    yield server
    stop_server(server)
