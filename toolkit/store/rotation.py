"""Changing the key of the ``pii`` answers: every token re-encrypted, the key file replaced.

Change the key after a suspected leak of the key file, or when someone who had access to it
leaves. Stop the servers and apps that use the store first: a running one keeps the old key
in memory. Replay the collection journals (``toolkit.collect.journal``) before, too: their
personal answers are encrypted with the key of the day they were written.

The order keeps, at every instant, a key file on disk that reads every token of the database:

1. the current key is read (``P001``/``P002`` when it cannot be);
2. the new key is written beside it, to ``pii.key.<date-time>.new`` (same folder, mode 600,
   file and folder fsynced), and the current key is copied to ``pii.key.<date-time>.old``
   (mode 600, fsynced);
3. one write transaction (:func:`toolkit.store.writes.run`) decrypts every token of
   ``pii_answers`` with the current key and re-encrypts it with the new one. A token that
   cannot be decrypted stops everything before anything is written (``P004``): the
   transaction is rolled back and both new files are removed. When the transaction fails
   otherwise, the database is asked whether the commit went through (a connection lost
   just after it): if so the rotation goes on to step 4; if it cannot be asked, both files
   are left where they are;
4. only after the commit is ``pii.key.<date-time>.new`` renamed over ``pii.key`` (an atomic
   ``os.replace``, then the folder fsynced).

A crash before the commit leaves the tokens and ``pii.key`` as they were (at most a stray
``.new``/``.old`` pair beside it). A crash between the commit and the rename leaves tokens of
the new key while ``pii.key`` is still the old one: reading them fails with ``P005``, which
names the ``.new`` file that reads them. After the rename, the ``.old`` file is the only key
of the backups made before the change: keep it apart, as long as such backups exist.

On PostgreSQL the transaction locks ``pii_answers`` against writes (reads go on), so that no
token is added with the old key while the others are re-encrypted; SQLite's write transaction
already excludes other writers. The ``pii`` answers sit in the database's own table
``pii_answers`` (migration ``0009``), so a backup made after the change holds tokens of the
new key only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Connection, func, select, text, update

from toolkit.errors import Problem, StoreError
from toolkit.store.engine import read_connection
from toolkit.store.keyfile import KEY_ENV_VAR, PiiKey, fsync_folder, write_private
from toolkit.store.pii_tables import pii_answers as pii_t
from toolkit.store.store import Store
from toolkit.store.writes import run

__all__ = ["Rotation", "rotate_key"]


@dataclass(frozen=True)
class Rotation:
    """What :func:`rotate_key` did."""

    key_path: Path
    """The key file, now holding the new key."""
    old_path: Path
    """Where the previous key is kept (``pii.key.<date-time>.old``)."""
    count: int
    """How many tokens of ``pii_answers`` were re-encrypted."""
    old_key_id: str
    new_key_id: str


def rotate_key(store: Store, *, now: datetime | None = None) -> Rotation:
    """Replace the store's ``pii`` key by a new one and re-encrypt every ``pii`` answer with it.

    All or nothing, in the order given in the module's docstring: the new key file takes the
    place of the old one only once the re-encrypted tokens are committed; the old key is kept
    as ``<key file>.<date-time>.old`` (mode 600), still needed to read backups made before.

    Parameters
    ----------
    store
        The store whose key (``store.key``, its file ``store.key.path``) is changed; its key
        object reads the new file afterwards.
    now
        The date and time written in the name of the kept old key (default: now, UTC).

    Returns
    -------
    Rotation
        The key file, the kept old key file, the number of tokens re-encrypted, both key ids.

    Raises
    ------
    StoreError
        ``P001``/``P002`` when the current key cannot be read; ``P004`` when some tokens
        cannot be decrypted with it (nothing is changed).

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect, create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> key_path, _ = create_key(folder / "pii.key")
    >>> store = connect("sqlite://", key_file=key_path)
    >>> _ = store.register(loads('''
    ... id: contact
    ... version: "1"
    ... title: Contact
    ... questions:
    ...   - {name: telephone, type: text, pii: true}
    ... '''))
    >>> response_id = store.submit("contact", {"telephone": "06 12 34 56 78"})
    >>> done = rotate_key(store, now=datetime(2026, 12, 1, 21, 0, tzinfo=UTC))
    >>> done.count, done.old_path.name, done.old_key_id != done.new_key_id
    (1, 'pii.key.20261201T210000Z.old', True)
    >>> store.get(response_id, include_pii=True).answers
    {'telephone': '06 12 34 56 78'}
    >>> store.key.key_id == done.new_key_id == PiiKey(key_path).key_id
    True
    >>> PiiKey(key_path).decrypt("(a token of a backup made before)", done.old_key_id)
    Traceback (most recent call last):
    ...
    toolkit.errors.StoreError: P005 ... gardée dans .../pii.key.20261201T210000Z.old, pas avec .../pii.key ...
    >>> store.close()
    """
    key = store.key
    target = key.path
    old_raw = target.read_bytes() if target.exists() else b""
    old_key_id = key.key_id  # P001/P002 when the current key cannot be read
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    new_path = _write_exclusive(target, stamp, "new", Fernet.generate_key() + b"\n")
    try:
        old_path = _write_exclusive(target, stamp, "old", old_raw)
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    new_key = PiiKey(new_path)
    new_key_id = new_key.key_id
    try:
        count = run(
            store.engine, lambda conn: _reencrypt(conn, key, new_key, old_key_id, stamp=now)
        )
    except Exception:
        committed = _committed_count(store, new_key_id)
        if committed is None:
            raise  # cannot tell: both files stay, P005 names the one that reads the tokens
        if committed == 0:
            new_path.unlink(missing_ok=True)
            old_path.unlink(missing_ok=True)
            raise
        count = committed  # the commit went through before the error (a connection lost)
    _switch(new_path, target)
    key.reload()
    return Rotation(target, old_path, count, old_key_id, new_key_id)


def _reencrypt(
    conn: Connection, old: PiiKey, new: PiiKey, old_key_id: str, *, stamp: datetime | None
) -> int:
    """Every token decrypted with ``old`` and written again with ``new``; ``P004`` if one fails."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE pii_answers IN EXCLUSIVE MODE"))
    rows = conn.execute(select(pii_t.c.response_id, pii_t.c.key_id, pii_t.c.token)).all()
    plain: dict[str, dict] = {}
    failed = 0
    for row in rows:
        try:
            plain[row.response_id] = old.decrypt(row.token, row.key_id)
        except StoreError:
            failed += 1
    if failed:
        raise StoreError(
            problems=[
                Problem(
                    "P004",
                    {
                        "count": failed,
                        "total": len(rows),
                        "path": str(old.path),
                        "env": KEY_ENV_VAR,
                    },
                )
            ]
        )
    at = stamp or datetime.now(UTC)
    for response_id, values in plain.items():
        conn.execute(
            update(pii_t)
            .where(pii_t.c.response_id == response_id, pii_t.c.key_id == old_key_id)
            .values(key_id=new.key_id, token=new.encrypt(values), updated_at=at)
        )
    return len(plain)


def _committed_count(store: Store, new_key_id: str) -> int | None:
    """How many tokens of the new key the database holds (``0``: the commit did not happen).

    ``None`` when the database cannot tell (unreachable): then the new key file is kept
    rather than risk tokens that no file reads.
    """
    try:
        with read_connection(store.engine) as conn:
            return conn.execute(
                select(func.count()).select_from(pii_t).where(pii_t.c.key_id == new_key_id)
            ).scalar_one()
    except Exception:
        return None


def _write_exclusive(target: Path, stamp: str, suffix: str, raw: bytes) -> Path:
    """``raw`` in a new file ``<target>.<stamp>[-n].<suffix>`` (mode 600), fsynced with its folder."""
    for attempt in range(1, 100):
        tag = stamp if attempt == 1 else f"{stamp}-{attempt}"
        path = target.with_name(f"{target.name}.{tag}.{suffix}")
        if write_private(path, raw):
            return path
    raise FileExistsError(target.with_name(f"{target.name}.{stamp}.{suffix}"))


def _switch(new_path: Path, target: Path) -> None:
    """Rename the new key file over the key file (atomic), then make the rename durable."""
    os.replace(new_path, target)
    fsync_folder(target.parent)
