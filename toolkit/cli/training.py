"""``toolkit training export CODE``: write a workshop's evaluation tables as CSV files."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "training", help=t("cli.training.help"), description=t("cli.training.help")
    )
    actions = parser.add_subparsers(dest="action", metavar=t("cli.command_metavar"))
    export = actions.add_parser(
        "export", help=t("cli.training.export.help"), description=t("cli.training.export.help")
    )
    export.add_argument("code", metavar=t("cli.training.code_metavar"))
    export.add_argument(
        "--out", metavar=t("cli.training.out_metavar"), help=t("cli.training.out"), default=None
    )
    add_db_argument(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    from toolkit.store import connect
    from toolkit.training.sessions import LiveSessions
    from toolkit.training.stats import evaluation, export_csv

    sessions = LiveSessions(connect(args.db).engine)
    info = sessions.info(args.code)
    tables = evaluation(
        info.module, sessions.assessment_frame(info.code), sessions.satisfaction_frame(info.code)
    )
    out = Path(args.out) if args.out else Path("data") / "exports" / info.code
    for path in export_csv(tables, out):
        print(path)
    return 0
