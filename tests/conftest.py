"""Fixtures shared by the whole suite.

``db_url`` runs a test once on SQLite (a file in ``tmp_path``) and once on PostgreSQL (a fresh
database created for that test on the server named by ``TOOLKIT_TEST_DATABASE_URL`` and dropped
afterwards). The PostgreSQL runs carry the ``postgres`` marker and are skipped, with the reason
shown by ``-ra``, when that variable is unset; ``make test`` starts a cluster and sets it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from toolkit.instruments import Instrument, load
from toolkit.store import Store, connect
from toolkit.store.engine import resolve_url

REPO_ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "TOOLKIT_TEST_DATABASE_URL"
PG_SKIP_REASON = (
    f"needs PostgreSQL: {PG_ENV} is unset (make test starts a throwaway cluster and sets it)"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip every ``postgres``-marked test, with a clear reason, when no server is configured."""
    if os.environ.get(PG_ENV):
        return
    skip = pytest.mark.skipif(True, reason=PG_SKIP_REASON)
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)


def postgres_base_url() -> str:
    """``TOOLKIT_TEST_DATABASE_URL`` with the psycopg driver (tests marked ``postgres`` only)."""
    return resolve_url(os.environ[PG_ENV]).render_as_string(hide_password=False)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test.

    Use it only from tests marked ``postgres`` (or through ``db_url``).
    """
    base = resolve_url(os.environ[PG_ENV])
    name = f"toolkit_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL of a fresh, empty database: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'toolkit.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated :class:`~toolkit.store.Store` on each database of ``db_url``."""
    opened = connect(db_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated store on an SQLite file in ``tmp_path`` (no PostgreSQL run)."""
    opened = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def barometre() -> Instrument:
    """The bundled neighbourhood barometer, ``surveys/barometre_ambiance.yaml``."""
    return load(REPO_ROOT / "surveys" / "barometre_ambiance.yaml")


@pytest.fixture
def complete_answers() -> dict:
    """Answers to ``barometre_ambiance`` that satisfy every rule."""
    return {
        "consentement": True,
        "secteur": "gare",
        "quartier_agreable": "3",
        "problemes": ["bruit"],
        "gene_bruit": "4",
        "insecurite_domicile": "1",
        "insecurite_quartier": "2",
        "evolution": "degradee",
        "sexe": "f",
        "tranche_age": "25_39",
    }
