"""Storage of instruments and responses in SQLite (default) or PostgreSQL.

:func:`connect` opens (and migrates) the database; :class:`Store` registers instruments,
takes validated responses idempotently, keeps an audit trail of corrections and returns the
typed frames the analysis works on.
"""

from __future__ import annotations

import os

from sqlalchemy.engine import URL

from toolkit.store.engine import DEFAULT_SQLITE_PATH, ENV_VAR, make_engine, resolve_url
from toolkit.store.keyfile import DEFAULT_KEY_PATH, KEY_ENV_VAR, PiiKey, create_key
from toolkit.store.migrate import upgrade
from toolkit.store.response import Response
from toolkit.store.rotation import Rotation, rotate_key
from toolkit.store.store import Store

__all__ = [
    "DEFAULT_KEY_PATH",
    "DEFAULT_SQLITE_PATH",
    "ENV_VAR",
    "KEY_ENV_VAR",
    "PiiKey",
    "Response",
    "Rotation",
    "Store",
    "connect",
    "create_key",
    "rotate_key",
]


def connect(
    url: str | URL | None = None, *, key_file: str | os.PathLike[str] | None = None
) -> Store:
    """Open the store, creating or upgrading its schema (Alembic migrations to the head).

    Parameters
    ----------
    url
        A SQLAlchemy URL: ``sqlite:///path/to/file.sqlite`` or
        ``postgresql://user:password@host:5432/db`` (run through psycopg 3). Default:
        ``TOOLKIT_DATABASE_URL``, else the SQLite file ``./data/toolkit.sqlite``.
    key_file
        The file of the key that encrypts ``pii`` answers. Default: ``TOOLKIT_PII_KEY_FILE``,
        else ``./data/pii.key`` (see :mod:`toolkit.store.keyfile`). It is read only when
        personal answers are written or read; ``P001`` when it is needed and missing.

    Raises
    ------
    StoreError
        ``S012`` bad URL, ``S016`` database migrated by a newer toolkit.
    StoreUnavailableError
        ``S006`` the database cannot be reached.

    Examples
    --------
    >>> from toolkit.instruments import load
    >>> store = connect("sqlite://")  # in memory here; by default ./data/toolkit.sqlite
    >>> _ = store.register(load("surveys/barometre_ambiance.yaml"))
    >>> answers = {
    ...     "consentement": True, "secteur": "gare", "quartier_agreable": "3",
    ...     "problemes": ["bruit"], "gene_bruit": "4", "insecurite_domicile": "1",
    ...     "insecurite_quartier": "8", "evolution": "degradee", "sexe": "f",
    ...     "tranche_age": "25_39",
    ... }
    >>> response_id = store.submit("barometre_ambiance", answers, wave="2026-T4")
    >>> store.submit("barometre_ambiance", answers, response_id=response_id) == response_id
    True
    >>> frame = store.frame("barometre_ambiance")
    >>> frame[["sector", "wave", "quartier_agreable", "insecurite_quartier__missing"]]
      sector     wave quartier_agreable insecurite_quartier__missing
    0   gare  2026-T4                 3                            8
    """
    engine = make_engine(resolve_url(url))
    key = PiiKey(key_file)
    try:
        upgrade(engine, key)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, key)
