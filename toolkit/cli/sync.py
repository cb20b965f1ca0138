"""``toolkit sync``: send the responses kept in the local journal to the database."""

from __future__ import annotations

import argparse
import sys

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sync", help=t("cli.sync.help"), description=t("cli.sync.help"))
    add_db_argument(parser)
    parser.add_argument("--journal", default=None, help=t("cli.sync.journal"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Replay the journal; exit 0 when everything is in the database, 1 otherwise."""
    from toolkit.collect import Journal, database_url, find_instrument, replay
    from toolkit.errors import StoreUnavailableError
    from toolkit.store import connect

    journal = Journal(args.journal)
    waiting = journal.pending()
    if not waiting:
        print(t("cli.sync.nothing", journal=journal.path))
        return 0
    try:
        store = connect(args.db or database_url())
    except StoreUnavailableError as error:
        print(str(error), file=sys.stderr)
        print(t("cli.sync.remaining", count=len(waiting)), file=sys.stderr)
        return 1
    try:
        report = replay(journal, store, find_instrument=find_instrument)
    finally:
        store.close()
    print(t("cli.sync.sent", count=len(report.sent)))
    for response_id, codes in report.rejected:
        print(
            t("cli.sync.rejected", response_id=response_id, codes=", ".join(codes)), file=sys.stderr
        )
    if report.remaining:
        print(t("cli.sync.remaining", count=report.remaining), file=sys.stderr)
    return 0 if report.complete and not report.rejected else 1
