"""``toolkit serve``: the apps of ``notebooks/`` served by Voilà (index, collection, fieldwork…).

Voilà runs as a child process of the environment's Python; the database URL, the journal,
the surveys folder, the exports folder and the participants' address reach every kernel
through the environment (``TOOLKIT_DATABASE_URL``, ``TOOLKIT_JOURNAL``, ``TOOLKIT_SURVEYS``,
``TOOLKIT_EXPORT_DIR``, ``TOOLKIT_ROOM_URL``), as absolute paths since kernels run in
``notebooks/``. Only 127.0.0.1 is served without a token; any other address gets one (given
with ``--token`` or generated and printed in the URL), and requests without it get Voilà's
login page, except the workshop room's participant page (``/salle``), which asks only for a
valid room code.

``--lan`` serves a workshop room: it binds the machine's local-network address, prints the
participants' address with its QR code, and says how to check that phones can reach it.

A **team server** (``--team``, or any database that holds an account, see
``toolkit accounts``) asks everyone to sign in under their own name instead: the token
is not used, each app opens for the roles that may use it, and every action is recorded
with who did it (:mod:`toolkit.apps.team`). Its pages get no preheated kernels, since a
kernel must know who opened its page before it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from toolkit.apps.room.paths import ROOM_PATH, ROOM_URL_ENV
from toolkit.cli import add_db_argument
from toolkit.errors import Problem, ToolkitError
from toolkit.i18n import t
from toolkit.team.person import TEAM_ENV

__all__ = [
    "LOCAL_HOSTS",
    "PRELOADED",
    "build_command",
    "lan_address",
    "register",
    "room_url",
    "run",
    "team_mode",
    "voila_config",
]

#: Addresses served without a token.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Addresses meaning "every interface" (the kernels reach Voilà on 127.0.0.1 then).
ANY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 (compared with, never bound here)
#: Pages that get preheated kernels (the first render costs an interpreter start and imports).
PRELOADED = (
    "index.ipynb",
    "collecte.ipynb",
    "terrain.ipynb",
    "formation_animateur.ipynb",
)
#: Seconds a page waits for its kernel on a loaded two-core server (Voilà's default is 60 s;
#: workshop phones no longer start kernels, but several trainers or mediators may at once).
KERNEL_STARTUP_TIMEOUT = 180
DEFAULT_PORT = 8866
#: The identity provider of a team server (sign-in per person instead of the token).
TEAM_IDENTITY = "toolkit.apps.team.identity.TeamIdentityProvider"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help=t("cli.serve.help"), description=t("cli.serve.help")
    )
    parser.add_argument("--host", default=None, help=t("cli.serve.host"))
    parser.add_argument("--lan", action="store_true", help=t("cli.serve.lan"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("cli.serve.port"))
    add_db_argument(parser)
    parser.add_argument("--token", default=None, help=t("cli.serve.token"))
    parser.add_argument("--pool", type=int, default=1, metavar="N", help=t("cli.serve.pool"))
    parser.add_argument("--cull", type=int, default=900, metavar="S", help=t("cli.serve.cull"))
    parser.add_argument("--open", action="store_true", help=t("cli.serve.open"))
    parser.add_argument("--team", action="store_true", help=t("cli.serve.team"))
    parser.set_defaults(handler=run)
    from toolkit.cli import accounts

    accounts.register(subparsers)


def voila_config(*, pool: int, cull: int, team: bool = False) -> dict:
    """The ``voila.json`` written for the child: preheated pools for :data:`PRELOADED` pages
    only (not for every notebook of the folder), idle kernels culled after ``cull`` seconds;
    on a ``team`` server, the identity of team accounts and the signed-in person passed to
    each kernel (and no pool)."""
    config: dict = {
        "VoilaExecutor": {"startup_timeout": KERNEL_STARTUP_TIMEOUT},
        "MappingKernelManager": {
            "cull_idle_timeout": max(cull, 0),
            "cull_interval": max(min(cull // 4, 60), 10) if cull > 0 else 300,
            "cull_connected": False,
        },
    }
    if team:
        from toolkit.team.person import ROLES_HEADER, USER_HEADER

        config["Voila"] = {"identity_provider_class": TEAM_IDENTITY}
        config["VoilaConfiguration"] = {"http_header_envs": [USER_HEADER, ROLES_HEADER]}
        return config
    if pool > 0:
        pools = {"default": {"pool_size": 0}}
        pools.update({name: {"pool_size": pool} for name in PRELOADED})
        config["VoilaConfiguration"] = {"preheat_kernel": True, "default_pool_size": 0}
        config["VoilaKernelManager"] = {"kernel_pools_config": pools, "fill_delay": 0}
    return config


def build_command(
    notebooks: Path, *, host: str, port: int, token: str | None, config_dir: Path
) -> list[str]:
    """The child command line (Voilà with the index redirect, see :mod:`toolkit.apps.server`)."""
    command = [
        sys.executable,
        "-m",
        "toolkit.apps.server",
        str(notebooks),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--no-browser",
        f"--Voila.config_file_paths={config_dir}",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    if token:
        command.append(f"--token={token}")
    return command


def _database_url(raw: str | None) -> str:
    from toolkit.collect import database_url
    from toolkit.store.engine import resolve_url

    url = resolve_url(raw or database_url())
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


def _wait(url: str, process: subprocess.Popen, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer (login page, 403, 404) means the server is up
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    return False


def _journal_path(url: str) -> Path:
    """``TOOLKIT_JOURNAL``; else beside an SQLite database file; else ``data/journal.jsonl``."""
    from sqlalchemy.engine import make_url

    from toolkit.collect import default_journal_path
    from toolkit.collect.journal import ENV_VAR

    parsed = make_url(url)
    if (
        not os.environ.get(ENV_VAR)
        and parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
    ):
        return Path(parsed.database).resolve().parent / "journal.jsonl"
    return default_journal_path().resolve()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def lan_address() -> str | None:
    """This machine's IPv4 address on the local network, ``None`` if it has none.

    The address the system would use to leave the machine (a UDP socket "connected" to a
    documentation address: nothing is sent), else one of the host name's addresses.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            found = probe.getsockname()[0]
        except OSError:
            found = None
    if found and not found.startswith(("127.", "0.")):
        return found
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not address.startswith(("127.", "0.")):
            return address
    return None


def room_url(host: str, port: int) -> str:
    """The workshop room's address for phones (``http://HOST:PORT/salle``)."""
    return f"http://{_url_host(host)}:{port}/{ROOM_PATH}"


def _announce_room(participants: str, *, reachable: bool) -> None:
    """Say where phones join a workshop (with a QR code) and how to check the network."""
    from toolkit.apps.room import qr_terminal

    if not reachable:
        print(t("cli.serve.room_local", url=participants), flush=True)
        return
    print(t("cli.serve.room", url=participants), flush=True)
    print(qr_terminal(participants), flush=True)
    print(t("cli.serve.room_check", url=participants), flush=True)


def team_mode(url: str, *, asked: bool) -> bool:
    """Whether to serve as a team server: asked for, or the database holds an account.

    Raises :class:`ToolkitError` (``U007``) when asked for with no account to sign in with.
    A database that cannot be reached leaves the choice to ``asked``.
    """
    from toolkit.errors import StoreUnavailableError
    from toolkit.store import connect
    from toolkit.team import Accounts

    try:
        store = connect(url)
        try:
            found = Accounts(store.engine).any_active()
        finally:
            store.close()
    except StoreUnavailableError:
        # Asked for: serve as a team anyway (sign-in works once the database is back);
        # otherwise say that accounts could not be checked and serve as before.
        if not asked:
            print(t("cli.serve.team_unknown"), file=sys.stderr, flush=True)
        return asked
    if asked and not found:
        raise ToolkitError(problems=[Problem("U007")])
    return found


def run(args: argparse.Namespace) -> int:
    from toolkit.collect import project_root, surveys_dir

    if not 0 < args.port < 65536:
        raise ToolkitError(t("cli.serve.bad_port", port=args.port))
    lan = lan_address() if args.lan or args.host in ANY_ADDRESS else None
    if args.lan and lan is None and not args.host:
        raise ToolkitError(t("cli.serve.no_lan"))
    host = args.host or (lan if args.lan else "127.0.0.1")
    args.host = host
    url = _database_url(args.db)
    team = team_mode(url, asked=args.team)
    token = None if team else args.token
    if host not in LOCAL_HOSTS and not token and not team:
        token = secrets.token_urlsafe(24)
    journal = _journal_path(url)
    notebooks = Path(os.environ.get("TOOLKIT_NOTEBOOKS") or project_root() / "notebooks").resolve()
    env = dict(os.environ)
    env.update(
        {
            "TOOLKIT_DATABASE_URL": url,
            "TOOLKIT_JOURNAL": str(journal),
            "TOOLKIT_SURVEYS": str(surveys_dir().resolve()),
            "VOILA_APP_IP": "127.0.0.1" if args.host in ANY_ADDRESS else args.host,
        }
    )
    if team:
        env[TEAM_ENV] = "1"
    else:
        env.pop(TEAM_ENV, None)
    env.setdefault("TOOLKIT_EXPORT_DIR", str((project_root() / "data" / "exports").resolve()))
    shown_host = args.host if args.host not in ANY_ADDRESS else "127.0.0.1"
    participants = room_url(lan if args.host in ANY_ADDRESS and lan else shown_host, args.port)
    env[ROOM_URL_ENV] = participants
    index = f"http://{_url_host(shown_host)}:{args.port}/voila/render/index.ipynb"
    if token:
        index += f"?token={token}"
    from sqlalchemy.engine import make_url

    print(
        t(
            "cli.serve.database",
            url=make_url(url).render_as_string(hide_password=True),
            journal=journal,
        )
    )
    with tempfile.TemporaryDirectory(prefix="toolkit-voila-") as config_dir:
        Path(config_dir, "voila.json").write_text(
            json.dumps(voila_config(pool=args.pool, cull=args.cull, team=team)),
            encoding="utf-8",
        )
        command = build_command(
            notebooks, host=args.host, port=args.port, token=token, config_dir=Path(config_dir)
        )
        try:
            process = subprocess.Popen(command, env=env, cwd=str(notebooks))
        except OSError as error:
            raise ToolkitError(t("cli.serve.no_voila", detail=str(error))) from None

        def stop(signum: int, _frame: object) -> None:
            process.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            if _wait(f"http://{_url_host(shown_host)}:{args.port}/voila/tree", process):
                print(t("cli.serve.url", url=index), flush=True)
                if token:
                    print(t("cli.serve.token_notice"), flush=True)
                if team:
                    print(t("cli.serve.team_notice"), flush=True)
                _announce_room(participants, reachable=args.host not in LOCAL_HOSTS)
                if args.open:
                    webbrowser.open(index)
            return process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            try:
                return process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                return 130
        finally:
            signal.signal(signal.SIGTERM, previous)
