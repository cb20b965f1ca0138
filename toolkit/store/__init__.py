"""Storage of instruments and responses in SQLite (default) or PostgreSQL.

>>> from toolkit.store import connect
>>> store = connect("sqlite:///data/toolkit.sqlite")        # doctest: +SKIP
>>> store.register(instrument)                               # doctest: +SKIP
>>> store.submit("barometre_ambiance", answers, sector="centre", wave="2026-T4")  # doctest: +SKIP
>>> store.frame("barometre_ambiance", wave="2026-T4")         # doctest: +SKIP

See :func:`connect` for where the database lives and :class:`Store` for the operations.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from toolkit.store.engine import DEFAULT_SQLITE_PATH, ENV_VAR, make_engine, resolve_url
from toolkit.store.migrate import upgrade
from toolkit.store.response import Response
from toolkit.store.store import Store

__all__ = ["DEFAULT_SQLITE_PATH", "ENV_VAR", "Response", "Store", "connect"]


def connect(url: str | URL | None = None) -> Store:
    """Open the store, creating or upgrading its schema (Alembic migrations to the head).

    Parameters
    ----------
    url
        A SQLAlchemy URL: ``sqlite:///path/to/file.sqlite`` or
        ``postgresql://user:password@host:5432/db`` (run through psycopg 3). Default:
        ``TOOLKIT_DATABASE_URL``, else the SQLite file ``./data/toolkit.sqlite``.

    Raises
    ------
    StoreError
        ``S012`` bad URL, ``S017`` database migrated by a newer toolkit.
    StoreUnavailableError
        ``S006`` the database cannot be reached.
    """
    engine = make_engine(resolve_url(url))
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
