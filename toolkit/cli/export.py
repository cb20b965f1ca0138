"""``toolkit export INSTRUMENT_ID --format csv|xlsx|sav|parquet -o FILE``."""

from __future__ import annotations

import argparse
import sys

from toolkit.cli import add_db_argument
from toolkit.i18n import t
from toolkit.interop.exports import FORMATS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help=t("cli.export.help"), description=t("cli.export.help")
    )
    parser.add_argument("instrument_id", metavar="INSTRUMENT_ID", help=t("cli.export.instrument"))
    parser.add_argument("--format", required=True, choices=FORMATS, help=t("cli.export.format"))
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=t("cli.export.output")
    )
    parser.add_argument("--include-pii", action="store_true", help=t("cli.export.include_pii"))
    parser.add_argument("--bom", action="store_true", help=t("cli.export.bom"))
    parser.add_argument(
        "--sep", default=",", choices=(",", ";", "\t"), metavar="SEP", help=t("cli.export.sep")
    )
    parser.add_argument("--wave", help=t("cli.export.wave"))
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from toolkit.interop.exports import export_responses
    from toolkit.store import connect

    with connect(args.db) as store:
        report = export_responses(
            store,
            args.instrument_id,
            args.output,
            format=args.format,
            include_pii=args.include_pii,
            bom=args.bom,
            sep=args.sep,
            wave=args.wave,
        )
        if args.include_pii:
            pii = [q.name for q in store.instrument(args.instrument_id).fields() if q.pii]
            if pii:
                print(t("X042", fields=", ".join(pii)), file=sys.stderr)
    if report.pii_left_out:
        print(t("X041", count=len(report.pii_left_out), fields=", ".join(report.pii_left_out)))
    print(t("X043", path=str(report.path), rows=report.rows, columns=report.columns))
    return 0
