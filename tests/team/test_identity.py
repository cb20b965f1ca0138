"""The team identity provider when the database goes away: who is in stays in."""

from __future__ import annotations

import asyncio
import concurrent.futures

from toolkit.apps.team.identity import TeamIdentityProvider
from toolkit.errors import Problem, StoreUnavailableError
from toolkit.team import Account


class _Flaky:
    def __init__(self) -> None:
        self.away = False

    def get(self, name: str) -> Account:
        if self.away:
            raise StoreUnavailableError(problems=[Problem("S006", {"detail": "down"})])
        return Account(name, name, ("collector",), True, 1)


def _run(coroutine):
    """Run ``coroutine`` on a loop of its own in a thread of its own: a browser test in the
    same worker leaves Playwright's loop running in this thread, where no other loop starts."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=30)


def test_lookup__database_away__last_known_account_kept_unknown_refused(monkeypatch):
    provider = TeamIdentityProvider()
    flaky = _Flaky()
    monkeypatch.setattr(provider, "accounts", lambda: flaky)
    monkeypatch.setattr("toolkit.apps.team.identity.RECHECK_SECONDS", 0.0)
    assert _run(provider.lookup("awa")).name == "awa"
    flaky.away = True
    assert _run(provider.lookup("awa")).name == "awa"
    assert _run(provider.lookup("bruno")) is None
