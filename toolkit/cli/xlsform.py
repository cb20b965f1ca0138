"""``toolkit xlsform export|import``: XLSForm for KoboToolbox, ODK Central and Enketo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "xlsform", help=t("cli.xlsform.help"), description=t("cli.xlsform.help")
    )
    actions = parser.add_subparsers(dest="xlsform_action", metavar="export|import")
    export = actions.add_parser(
        "export", help=t("cli.xlsform.export.help"), description=t("cli.xlsform.export.help")
    )
    export.add_argument("source", metavar="INSTRUMENT.yaml", help=t("cli.xlsform.source"))
    export.add_argument(
        "-o", "--output", required=True, metavar="FORM.xlsx", help=t("cli.xlsform.output")
    )
    add_db_argument(export)
    export.set_defaults(handler=run_export)
    read = actions.add_parser(
        "import", help=t("cli.xlsform.import.help"), description=t("cli.xlsform.import.help")
    )
    read.add_argument("source", metavar="FORM.xlsx", help=t("cli.xlsform.source"))
    read.add_argument(
        "-o", "--output", required=True, metavar="OUT.yaml", help=t("cli.xlsform.output")
    )
    read.add_argument("--language", default="fr", metavar="CODE", help=t("cli.xlsform.language"))
    read.add_argument("--skip-unsupported", action="store_true", help=t("cli.xlsform.skip"))
    read.add_argument("--media", metavar="DIR", help=t("cli.xlsform.media"))
    read.add_argument("--register", action="store_true", help=t("cli.xlsform.register"))
    add_db_argument(read)
    read.set_defaults(handler=run_import)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)


def run_export(args: argparse.Namespace) -> int:
    from toolkit.instruments import load
    from toolkit.interop.xlsform import write_xlsform

    instrument = load(args.source)
    path = write_xlsform(instrument, args.output)
    print(
        t(
            "X047",
            path=str(path),
            questions=sum(1 for _ in instrument.questions()),
            lists=len(instrument.choice_lists),
        )
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from toolkit.instruments import dump
    from toolkit.interop.xlsform import read_xlsform

    result = read_xlsform(
        args.source,
        language=args.language,
        skip_unsupported=args.skip_unsupported,
        media=args.media,
    )
    for warning in result.warnings:
        print(t("X048", warning=warning.format()), file=sys.stderr)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    dump(result.instrument, output)
    if args.register:
        from toolkit.store import connect

        with connect(args.db) as store:
            store.register(result.instrument)
    print(
        t(
            "X047",
            path=str(output),
            questions=sum(1 for _ in result.instrument.questions()),
            lists=len(result.instrument.choice_lists),
        )
    )
    return 0
