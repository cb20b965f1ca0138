"""Team server: what signing in and checking a session cost, and a page without preheating.

Run from the repository root: ``.venv/bin/python benchmarks/bench_team.py [--repeats N]``.

1. ``Accounts.authenticate`` on SQLite: right password, wrong password, unknown name (the
   three should cost the same: an unknown name is checked against a decoy hash).
2. Over HTTP on a running ``toolkit serve --team``: the sign-in form posted (Argon2 plus the
   event written), and a request that only checks the session (``/login`` when signed in).
3. Opening the app index: on a team server (a kernel started for the page, no preheating)
   and on a local server with its preheated kernel (``--pool 1``, the default).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import start_server, stop_server  # noqa: E402
from tests.server.conftest import PASSWORD, Browserless, add_people  # noqa: E402
from toolkit.store import connect  # noqa: E402
from toolkit.team import Accounts  # noqa: E402


def _median(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms (min {min(samples) * 1000:.0f})"


def _time(call, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'team.sqlite'}"
        add_people(db_url)
        accounts = Accounts(connect(db_url).engine)
        for label, name, password in (
            ("authenticate, right password", "awa", PASSWORD),
            ("authenticate, wrong password", "awa", PASSWORD + "x"),
            ("authenticate, unknown name", "nobody", PASSWORD),
        ):
            samples = _time(lambda n=name, p=password: accounts.authenticate(n, p), args.repeats)
            print(f"{label}: {_median(samples)}")

        team = start_server(folder / "team", "--pool", "0", db_url=db_url)
        try:
            client = Browserless(str(team))
            samples = _time(lambda: client.sign_in("chloe"), args.repeats)
            print(f"HTTP sign-in (form posted, session opened): {_median(samples)}")
            samples = _time(lambda: client.request("/login"), args.repeats)
            print(f"HTTP request checking the session: {_median(samples)}")
            pages = _time(lambda: client.request("/voila/render/index.ipynb"), 3)
            print(f"index page, team server (kernel per page): {_median(pages)}")
        finally:
            stop_server(team)
        local = start_server(folder / "local", db_url=f"sqlite:///{folder / 'local.sqlite'}")
        try:
            client = Browserless(str(local))
            client.request("/voila/render/index.ipynb")  # the pool refills after each use
            samples = []
            for _ in range(3):
                time.sleep(20)
                samples += _time(lambda: client.request("/voila/render/index.ipynb"), 1)
            print(f"index page, local server (preheated kernel): {_median(samples)}")
        finally:
            stop_server(local)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
