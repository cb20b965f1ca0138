"""A team server as deployed: Debian's nginx with HTTPS in front of ``toolkit serve --team``.

nginx runs ``deploy/nginx-mediation-toolkit.conf`` itself (only its ports and certificate
paths are swapped), with a self-signed certificate made by openssl for the test. Through it:
sign-in with a Secure session cookie, a Voilà page whose kernel talks over a WebSocket and
knows who signed in, and the workshop room (phone and projector, long polling). Once on
SQLite and once on PostgreSQL (``TOOLKIT_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import REPO_ROOT, free_port, start_server, stop_server
from tests.helpers import msg, msg_pattern
from tests.server.conftest import PASSWORD, add_people
from toolkit.store import connect
from toolkit.store.engine import resolve_url
from toolkit.training import modules_dir
from toolkit.training.sessions import LiveSessions

NGINX = "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
SITE = REPO_ROOT / "deploy" / "nginx-mediation-toolkit.conf"
TIMEOUT_MS = 300_000  # a kernel start on a loaded two-core machine can take minutes

pytestmark = pytest.mark.skipif(
    not (os.access(NGINX, os.X_OK) and os.access(OPENSSL, os.X_OK)),
    reason="needs Debian's nginx and openssl (make install-test installs them when run as root)",
)


@dataclass(frozen=True)
class Proxied:
    https: str
    http: str
    cert: Path
    db_url: str

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def _progress(page, number):
    """« Page 2 sur 5 »: the progress line of page ``number`` (the total depends on answers)."""
    return page.get_by_text(msg_pattern("collect.progress", holes={"total": r"\d+"}, page=number))


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _nginx_conf(folder: Path, *, upstream: int, https: int, http: int, cert: Path, key: Path):
    site = SITE.read_text(encoding="utf-8")
    for old, new in (
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/certs/mediation.exemple.fr.pem", str(cert)),
        ("/etc/ssl/private/mediation.exemple.fr.key", str(key)),
        ("proxy_pass http://127.0.0.1:8866;", f"proxy_pass http://127.0.0.1:{upstream};"),
    ):
        assert old in site, f"{SITE.name} no longer holds {old!r}"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(
        f"{name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"daemon off; worker_processes 1; pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{ access_log {folder / 'access.log'}; {temp}\n"
        f"  include {folder / 'site.conf'}; }}\n",
        encoding="utf-8",
    )
    return conf


def _wait_port(port: int, process: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / "error.log").read_text(errors="replace"))
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("nginx did not listen")


def _database(kind: str, tmp: Path):
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'toolkit.sqlite'}", None
    base = resolve_url(os.environ["TOOLKIT_TEST_DATABASE_URL"])
    name = f"toolkit_proxy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def proxied(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"proxy-{request.param}")
    tmp.chmod(0o755)
    db_url, drop = _database(request.param, tmp)
    add_people(db_url)
    server = start_server(tmp / "serve", "--team", "--pool", "0", db_url=db_url)
    nginx = None
    try:
        cert, key = _certificate(tmp)
        https, http = free_port(), free_port()
        upstream = int(server.url.rsplit(":", 1)[1])
        conf = _nginx_conf(tmp, upstream=upstream, https=https, http=http, cert=cert, key=key)
        nginx = subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        _wait_port(https, nginx, tmp)
        yield Proxied(f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}", cert, db_url)
    finally:
        if nginx is not None and nginx.poll() is None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=20)
        stop_server(server)
        if drop is not None:
            drop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(proxied: Proxied, url: str, data: bytes | None = None, headers=None):
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=proxied.context()), _NoRedirect
    )
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_proxy__plain_http__redirected_to_https(proxied):
    status, headers, _ = _open(proxied, f"{proxied.http}/voila/render/index.ipynb")
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")


def test_proxy__sign_in_over_https__secure_http_only_session(proxied):
    status, headers, page = _open(proxied, f"{proxied.https}/login")
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    xsrf_cookie = headers["Set-Cookie"].split(";")[0]
    xsrf = page.split('name="_xsrf" value="')[1].split('"')[0]
    form = f"_xsrf={xsrf}&username=chloe&password={PASSWORD.replace(' ', '+')}".encode()
    status, headers, _ = _open(
        proxied,
        f"{proxied.https}/login",
        form,
        {"Cookie": xsrf_cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302
    session = [c for c in headers.get_all("Set-Cookie") if c.startswith("username-")]
    assert session, headers.get_all("Set-Cookie")
    flags = {part.strip().lower() for part in session[0].split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= flags


def _signed_in_page(browser, proxied, name, size=(768, 1024), headers=None):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        ignore_https_errors=True,
        extra_http_headers=headers or {},
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.goto(f"{proxied.https}/login")
    page.get_by_label(msg("team.signin.name")).fill(name)
    page.get_by_label(msg("team.signin.password")).fill(PASSWORD)
    page.get_by_role("button", name=msg("team.signin.submit")).click()
    page.wait_for_url("**/voila/render/index.ipynb")
    return context, page


def test_proxy__collect_page__kernel_over_websocket_knows_who_signed_in(browser, proxied):
    # The browser claims to be a coordinator in the headers the server uses for the kernel:
    # the server overwrites them with the signed-in person's.
    forged = {"X-Toolkit-User": "chloe", "X-Toolkit-Roles": "coordinator"}
    context, page = _signed_in_page(browser, proxied, "awa", headers=forged)
    try:
        page.goto(f"{proxied.https}/voila/render/collecte.ipynb?instrument=barometre_ambiance")
        collector = page.locator(".mt-collector input")
        expect(collector).to_have_value("awa", timeout=TIMEOUT_MS)
        expect(collector).to_be_disabled()
        # A collector cannot correct or void: the responses button is not offered.
        expect(
            page.get_by_role("button", name=re.compile(re.escape(msg("collect.start.responses"))))
        ).to_be_hidden()
        page.locator(".mt-sector select").select_option(index=1)
        page.locator(".mt-consent-input label", has_text=msg("collect.consent.yes")).click()
        page.get_by_role("button", name=re.compile(r"^\W*Commencer$")).click()
        # The click went to the kernel over the WebSocket and its answer came back.
        expect(_progress(page, 1)).to_be_visible()
    finally:
        context.close()


def test_proxy__workshop_room__phone_and_projector_through_https(browser, proxied):
    live = LiveSessions(connect(proxied.db_url).engine)
    code = live.open_session(modules_dir() / "01_cadre_posture.yaml")
    live.step(code, 1)
    trainer, projector = _signed_in_page(browser, proxied, "bruno")
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, ignore_https_errors=True
    )
    try:
        projector.goto(f"{proxied.https}/salle/{code}/projection")
        expect(projector.locator("#pj-screen")).to_contain_text(code)
        page = phone.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{proxied.https}/salle/{code}")
        page.locator("#rm-name").fill("Awa")
        page.get_by_role("button", name=msg("room.join")).click()
        page.locator("article.rm-exercise").wait_for()
        expect(projector.locator(".pj-count, .pj-bar-count").first).to_have_attribute(
            "data-count", "1"
        )
    finally:
        phone.close()
        trainer.close()
