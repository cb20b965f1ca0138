"""``toolkit import INSTRUMENT_ID FILE``: responses collected elsewhere, all or nothing."""

from __future__ import annotations

import argparse
import sys

from toolkit.cli import add_db_argument
from toolkit.i18n import t
from toolkit.interop.importer import FORMATS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help=t("cli.import.help"), description=t("cli.import.help")
    )
    parser.add_argument("instrument_id", metavar="INSTRUMENT_ID", help=t("cli.import.instrument"))
    parser.add_argument("file", metavar="FILE", help=t("cli.import.file"))
    parser.add_argument("--format", choices=FORMATS, help=t("cli.import.format"))
    parser.add_argument("--instrument", metavar="INSTRUMENT.yaml", help=t("cli.import.yaml"))
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from toolkit.interop.importer import import_file
    from toolkit.store import connect

    with connect(args.db) as store:
        if args.instrument:
            from toolkit.instruments import load

            store.register(load(args.instrument))
        report = import_file(store, args.instrument_id, args.file, format=args.format)
    for warning in report.warnings:
        print(t("X048", warning=warning.format()), file=sys.stderr)
    if report.ignored_columns:
        print(t("X046", columns=", ".join(report.ignored_columns)), file=sys.stderr)
    print(
        t(
            "X045",
            path=args.file,
            format=report.format,
            rows=report.rows,
            imported=report.imported,
            already=report.already_present,
        )
    )
    return 0
