"""``toolkit pull INSTRUMENT_ID --from odk-central --config central.toml``: submissions
straight from a server, checked and stored like an imported file (all or nothing)."""

from __future__ import annotations

import argparse
import sys

from toolkit.cli import add_db_argument
from toolkit.i18n import t

SOURCES = ("odk-central",)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pull", help=t("cli.pull.help"), description=t("cli.pull.help"))
    parser.add_argument("instrument_id", metavar="INSTRUMENT_ID", help=t("cli.import.instrument"))
    parser.add_argument(
        "--from", dest="source", required=True, choices=SOURCES, help=t("cli.pull.from")
    )
    parser.add_argument(
        "--config", required=True, metavar="CENTRAL.toml", help=t("cli.pull.config")
    )
    parser.add_argument("--project", type=int, metavar="ID", help=t("cli.pull.project"))
    parser.add_argument("--form", metavar="FORM_ID", help=t("cli.pull.form"))
    parser.add_argument(
        "--include-rejected", action="store_true", help=t("cli.pull.include_rejected")
    )
    parser.add_argument("--instrument", metavar="INSTRUMENT.yaml", help=t("cli.import.yaml"))
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from toolkit.interop.central import pull_submissions, read_settings
    from toolkit.store import connect

    settings = read_settings(args.config, project_id=args.project, form_id=args.form)
    with connect(args.db) as store:
        if args.instrument:
            from toolkit.instruments import load

            store.register(load(args.instrument))
        report = pull_submissions(
            store, args.instrument_id, settings, include_rejected=args.include_rejected
        )
    imported = report.imported
    for warning in imported.warnings:
        print(t("X048", warning=warning.format()), file=sys.stderr)
    if imported.ignored_columns:
        print(t("X046", columns=", ".join(imported.ignored_columns)), file=sys.stderr)
    print(
        t(
            "X034",
            server=settings.base_url,
            form=settings.form_id,
            submissions=report.submissions,
            imported=imported.imported,
            already=imported.already_present,
            rejected=report.rejected,
        )
    )
    return 0
