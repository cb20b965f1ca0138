"""Consistent copies of the database, and putting one back.

SQLite is copied with its online backup API: the copy is one consistent state of the
database even while collectors keep submitting (WAL readers do not block writers). PostgreSQL
is copied with ``pg_dump`` (custom format, one snapshot) and put back with ``pg_restore`` in a
single transaction; the tools come from ``PATH`` or Debian's ``/usr/lib/postgresql/*/bin``.

The key file of the ``pii`` answers is *not* in a backup, on purpose: keep a copy of it apart
(a stolen backup then holds no readable personal data; a backup without the key restores
everything but those answers).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from toolkit.errors import Problem, StoreError
from toolkit.store.engine import resolve_url

__all__ = ["BackupReport", "backup", "find_pg_tool", "restore"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"
_PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class BackupReport:
    """What a backup or a restore did: the file, the engine, its size in bytes."""

    path: Path
    engine: str
    size: int


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise StoreError(problems=[Problem("V006", {"url": str(url)})])
    return Path(database)


def _version(path: Path) -> tuple[int, ...]:
    match = re.search(r"/(\d+(?:\.\d+)*)/bin$", str(path))
    return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)


def find_pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: the newest of Debian's, else on ``PATH``.

    The newest version is preferred because ``pg_dump`` refuses servers newer than itself.

    Raises
    ------
    StoreError
        ``V001`` when it is nowhere (install Debian's ``postgresql-client``).
    """
    candidates = sorted(Path("/").glob(_PG_BIN_GLOB.lstrip("/")), key=_version, reverse=True)
    for folder in candidates:
        tool = folder / name
        if os.access(tool, os.X_OK):
            return str(tool)
    found = shutil.which(name)
    if found is None:
        raise StoreError(problems=[Problem("V001", {"tool": name})])
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq connection options for ``url``; the password goes through the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _run(command: list[str], env: dict[str, str], tool: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit {done.returncode}"
        raise StoreError(problems=[Problem("V002", {"tool": tool, "detail": detail})])


def backup(path: str | os.PathLike[str], url: str | URL | None = None) -> BackupReport:
    """Write a consistent copy of the database at ``url`` (default as for ``connect``) to ``path``.

    The file is written beside ``path`` and renamed into place only once complete, so an
    interrupted backup never leaves a truncated file under the expected name.

    Raises
    ------
    StoreError
        ``V006`` an in-memory SQLite database; ``V001``/``V002`` a PostgreSQL tool missing or
        failing; ``S006`` the database cannot be reached.
    """
    resolved = resolve_url(url)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    try:
        if resolved.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(resolved), partial)
        else:
            args, env = _pg_args(resolved)
            tool = find_pg_tool("pg_dump")
            _run([tool, "--format=custom", "--no-owner", "--file", str(partial), *args], env, tool)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, resolved.get_backend_name(), target.stat().st_size)


def _sqlite_backup(source: Path, partial: Path) -> None:
    if not source.exists():
        raise StoreError(problems=[Problem("V007", {"path": str(source)})])
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.execute("PRAGMA busy_timeout=10000")
            # pages=-1: the whole database in one step, hence one consistent snapshot.
            src.backup(dst, pages=-1)
    except sqlite3.Error as error:
        raise StoreError(
            problems=[Problem("S006", {"url": str(source), "detail": str(error)})]
        ) from None


def _kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise StoreError(problems=[Problem("V007", {"path": str(path)})]) from None
    if head == _SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(_PG_MAGIC):
        return "postgresql"
    raise StoreError(problems=[Problem("V004", {"path": str(path)})])


def restore(
    path: str | os.PathLike[str], url: str | URL | None = None, *, replace: bool = False
) -> BackupReport:
    """Put the backup at ``path`` into the database at ``url`` (default as for ``connect``).

    The target must be empty (a new SQLite file, a fresh PostgreSQL database) unless
    ``replace``: then its content is replaced, all or nothing. The next ``connect`` brings an
    older backup up to the current schema.

    Raises
    ------
    StoreError
        ``V004`` not a backup file, ``V003`` a backup of the other engine, ``V005`` the
        target holds data and ``replace`` is not set, ``V002`` ``pg_restore`` failed.
    """
    source = Path(path)
    resolved = resolve_url(url)
    kind = _kind(source)
    engine = resolved.get_backend_name()
    if kind != engine:
        raise StoreError(
            problems=[Problem("V003", {"path": str(source), "kind": kind, "engine": engine})]
        )
    if engine == "sqlite":
        _sqlite_restore(source, _sqlite_path(resolved), replace)
    else:
        if not replace and _pg_has_tables(resolved):
            raise StoreError(problems=[Problem("V005", {"url": _safe(resolved)})])
        args, env = _pg_args(resolved)
        tool = find_pg_tool("pg_restore")
        options = ["--no-owner", "--single-transaction", "--exit-on-error"]
        if replace:
            options += ["--clean", "--if-exists"]
        _run([tool, *options, *args, str(source)], env, tool)
    return BackupReport(source, engine, source.stat().st_size)


def _sqlite_restore(source: Path, target: Path, replace: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StoreError(problems=[Problem("V004", {"path": str(source)})])
            dst.execute("PRAGMA busy_timeout=10000")
            tables = dst.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and not replace:
                raise StoreError(problems=[Problem("V005", {"url": str(target)})])
            # The backup API writes every page under one lock: readers see the old
            # database or the restored one, never a mixture.
            src.backup(dst, pages=-1)
    except sqlite3.DatabaseError as error:
        raise StoreError(
            problems=[Problem("V004", {"path": str(source), "detail": str(error)})]
        ) from None


def _pg_has_tables(url: URL) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()
    return count > 0


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)
