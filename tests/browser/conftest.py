"""The served apps in Debian's Chromium through Playwright (``browser`` marker).

Fixtures (other suites rely on these names):

- ``served`` (session): ``toolkit serve`` on a free port with a temporary SQLite database
  filled by ``toolkit demo``; a :class:`Served` whose ``str()`` is the base URL
  (``http://127.0.0.1:PORT``) and whose ``db_url`` is the database.
- ``browser`` (session): Chromium, headless, from ``/usr/bin/chromium``.
- ``page``: a fresh 768×1024 page (tablet portrait) per test.
- ``server_factory``: starts more servers with other options (stopped after the test).
- ``artifacts``: ``test-artifacts/browser/`` for screenshots (gitignored).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder carries the ``browser`` marker."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Served:
    """A running ``toolkit serve``."""

    url: str
    db_url: str
    journal: Path
    process: subprocess.Popen

    def __str__(self) -> str:
        return self.url

    def page(self, notebook: str, query: str = "") -> str:
        """URL of a notebook page, e.g. ``served.page("collecte.ipynb", "instrument=x")``."""
        return f"{self.url}/voila/render/{notebook}" + (f"?{query}" if query else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"toolkit serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"toolkit serve did not answer on {url} within {timeout} s")


def start_server(tmp: Path, *extra: str, db_url: str | None = None) -> Served:
    """Start ``toolkit serve`` (used by ``served`` and by tests that need other options)."""
    tmp.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{tmp / 'toolkit.sqlite'}"
    journal = tmp / "journal.jsonl"
    env = {
        **os.environ,
        "TOOLKIT_DATABASE_URL": db_url,
        "TOOLKIT_JOURNAL": str(journal),
        "TOOLKIT_LANG": "fr",
    }
    port = free_port()
    log = (tmp / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "serve", "--port", str(port), "--db", db_url, *extra],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = Served(f"http://127.0.0.1:{port}", db_url, journal, process)
    try:
        wait_for(f"{served.url}/voila/tree", process)
    except RuntimeError:
        stop_server(served)
        raise
    return served


def stop_server(served: Served) -> None:
    if served.process.poll() is None:
        os.killpg(served.process.pid, signal.SIGTERM)
        try:
            served.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("served")
    db_url = f"sqlite:///{tmp / 'toolkit.sqlite'}"
    demo = REPO_ROOT / "toolkit" / "cli" / "demo.py"
    if demo.exists():
        subprocess.run(
            [sys.executable, "-m", "toolkit", "demo", "--db", db_url, "--per-wave", "40"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    server = start_server(tmp, db_url=db_url)
    yield server
    stop_server(server)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[object]:
    """Start extra ``toolkit serve`` processes with other options; all stopped afterwards."""
    started: list[Served] = []

    def start(*extra: str) -> Served:
        server = start_server(tmp_path / f"server{len(started)}", *extra)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    # A French mediator's browser: date pickers read 01/12/2026, not 12/01/2026.
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 768, "height": 1024}, locale="fr-FR"
    )
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    # A page waits for its kernel; on a loaded two-core machine that can exceed 30 s.
    opened.set_default_navigation_timeout(120_000)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = REPO_ROOT / "test-artifacts" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
