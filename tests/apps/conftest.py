"""Fixtures of the app tests: a collection app on a fresh SQLite database."""

from __future__ import annotations

import pytest

from toolkit.apps.collect import CollectApp
from toolkit.collect import CollectSession, Journal


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'toolkit.sqlite'}?timeout=0.5"


@pytest.fixture
def app(barometre, db, tmp_path):
    session = CollectSession(barometre, url=db, journal=Journal(tmp_path / "journal.jsonl"))
    return CollectApp(barometre, session=session)
