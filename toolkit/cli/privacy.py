"""``toolkit privacy``: personal data of residents (GDPR / RGPD) from the command line.

``key`` creates the key file of the ``pii`` answers (``key --rotate`` changes it: every
``pii`` answer re-encrypted with a new key, the old one kept as ``<key file>.<date-time>.old``); ``access`` writes everything held about
one person to a readable file; ``erase`` erases it (after a preview, with ``--yes``);
``purge`` erases what is older than each instrument's retention period (``--dry-run`` counts
only); ``register`` writes the processing register. French aliases: ``cle``, ``acces``,
``effacement``, ``registre``.
"""

from __future__ import annotations

import argparse

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "privacy", help=t("cli.privacy.help"), description=t("cli.privacy.description")
    )
    actions = parser.add_subparsers(dest="action", metavar=t("cli.command_metavar"))

    key = actions.add_parser(
        "key", aliases=["cle"], help=t("cli.privacy.key"), description=t("cli.privacy.key")
    )
    key.add_argument("--rotate", action="store_true", help=t("cli.privacy.rotate"))
    _store(key)
    key.set_defaults(handler=run_key)

    access = actions.add_parser(
        "access",
        aliases=["acces"],
        help=t("cli.privacy.access"),
        description=t("cli.privacy.access"),
    )
    _subject(access)
    access.add_argument(
        "-o",
        "--output",
        required=True,
        metavar=t("cli.privacy.file_metavar"),
        help=t("cli.privacy.output"),
    )
    access.set_defaults(handler=run_access)

    erase = actions.add_parser(
        "erase",
        aliases=["effacement"],
        help=t("cli.privacy.erase"),
        description=t("cli.privacy.erase"),
    )
    _subject(erase)
    erase.add_argument("--reason", help=t("cli.privacy.reason"))
    erase.add_argument("--yes", action="store_true", help=t("cli.privacy.yes"))
    erase.set_defaults(handler=run_erase)

    purge = actions.add_parser(
        "purge", help=t("cli.privacy.purge"), description=t("cli.privacy.purge")
    )
    _by(purge)
    purge.add_argument("--dry-run", action="store_true", help=t("cli.privacy.dry_run"))
    _store(purge)
    purge.set_defaults(handler=run_purge)

    entry = actions.add_parser(
        "register",
        aliases=["registre"],
        help=t("cli.privacy.register"),
        description=t("cli.privacy.register"),
    )
    entry.add_argument(
        "files", nargs="*", metavar=t("cli.privacy.file_metavar"), help=t("cli.privacy.files")
    )
    entry.add_argument(
        "--controller", metavar=t("cli.privacy.name_metavar"), help=t("cli.privacy.controller")
    )
    entry.add_argument(
        "-o",
        "--output",
        required=True,
        metavar=t("cli.privacy.file_metavar"),
        help=t("cli.privacy.output"),
    )
    _store(entry)
    entry.set_defaults(handler=run_register)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)


def _key_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key-file", metavar=t("cli.privacy.file_metavar"), help=t("cli.privacy.key_file")
    )


def _store(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    _key_file(parser)


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", required=True, metavar=t("cli.privacy.name_metavar"), help=t("cli.privacy.by")
    )


def _subject(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--response", metavar="UUID", help=t("cli.privacy.response"))
    parser.add_argument("--value", help=t("cli.privacy.value"))
    parser.add_argument(
        "--pseudonym", metavar=t("cli.privacy.name_metavar"), help=t("cli.privacy.pseudonym")
    )
    _by(parser)
    _store(parser)


def _connect(args: argparse.Namespace):
    from toolkit.store import connect

    return connect(args.db, key_file=args.key_file)


def _find(store, args: argparse.Namespace):
    from toolkit.privacy import find_subject

    return find_subject(
        store, response_id=args.response, value=args.value, pseudonym=args.pseudonym
    )


def run_key(args: argparse.Namespace) -> int:
    from toolkit.store import create_key, rotate_key

    if args.rotate:
        with _connect(args) as store:
            done = rotate_key(store)
        print(
            t(
                "cli.privacy.key_rotated",
                path=str(done.key_path),
                count=done.count,
                old=str(done.old_path),
            )
        )
        return 0
    path, created = create_key(args.key_file)
    print(t("cli.privacy.key_created" if created else "cli.privacy.key_exists", path=str(path)))
    return 0


def run_access(args: argparse.Namespace) -> int:
    from toolkit.privacy import write_access_report

    with _connect(args) as store:
        subject = _find(store, args)
        path = write_access_report(store, subject, args.output, by=args.by)
    print(t("cli.privacy.access_done", path=str(path), count=len(subject.response_ids)))
    return 0


def run_erase(args: argparse.Namespace) -> int:
    from toolkit.errors import Problem, StoreError
    from toolkit.privacy import erase_subject

    with _connect(args) as store:
        subject = _find(store, args)
        if subject.empty:
            raise StoreError(problems=[Problem("P021", {})])
        if not args.yes:
            count = (
                len(subject.response_ids) + len(subject.participant_ids) + len(subject.document_ids)
            )
            print(t("cli.privacy.erase_preview", count=count))
            return 0
        erased = erase_subject(store, subject, by=args.by, reason=args.reason)
    print(t("cli.privacy.erase_done", count=erased))
    return 0


def run_purge(args: argparse.Namespace) -> int:
    import pandas as pd

    from toolkit.privacy import purge

    with _connect(args) as store:
        table = purge(store, by=args.by, dry_run=args.dry_run)
    for row in table.itertuples():
        if pd.isna(row.retention_days):
            print(t("cli.privacy.purge_none", instrument_id=row.instrument_id))
            continue
        print(
            t(
                "cli.privacy.purge_line",
                instrument_id=row.instrument_id,
                days=int(row.retention_days),
                expired=row.n_expired,
                erased=row.n_erased,
            )
        )
    if args.dry_run:
        print(t("cli.privacy.purge_dry"))
    return 0


def run_register(args: argparse.Namespace) -> int:
    from toolkit.instruments import load
    from toolkit.privacy import write_register

    if args.files:
        instruments = [load(path) for path in args.files]
    else:
        with _connect(args) as store:
            instruments = [store.instrument(i) for i in store.instruments()["id"]]
    entries = write_register(instruments, args.output, controller=args.controller)
    missing = sum(1 for e in entries if e.missing)
    print(t("cli.privacy.register_done", path=args.output, count=len(entries), missing=missing))
    return 0
