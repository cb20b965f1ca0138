"""``toolkit backup FILE`` and ``toolkit restore FILE``: consistent copies of the database.

SQLite through its online backup API (collectors may keep submitting), PostgreSQL through
``pg_dump``/``pg_restore``. The key file of the personal answers is never in a backup: keep
a copy of it apart.
"""

from __future__ import annotations

import argparse

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup", help=t("cli.backup.help"), description=t("cli.backup.description")
    )
    backup.add_argument("file", metavar=t("cli.privacy.file_metavar"), help=t("cli.backup.file"))
    add_db_argument(backup)
    backup.set_defaults(handler=run_backup)
    restore = subparsers.add_parser(
        "restore", help=t("cli.restore.help"), description=t("cli.restore.description")
    )
    restore.add_argument("file", metavar=t("cli.privacy.file_metavar"), help=t("cli.restore.file"))
    restore.add_argument("--replace", action="store_true", help=t("cli.restore.replace"))
    add_db_argument(restore)
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from toolkit.store.backup import backup

    report = backup(args.file, args.db)
    print(t("cli.backup.done", path=str(report.path), size=report.size // 1024))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from toolkit.store import connect
    from toolkit.store.backup import restore

    report = restore(args.file, args.db, replace=args.replace)
    with connect(args.db) as store:
        count = int(store.instruments()["n_submitted"].sum())
    print(t("cli.restore.done", path=str(report.path), count=count))
    return 0
