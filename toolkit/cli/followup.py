"""``toolkit followup``: the follow-up registers from the command line.

``sync`` opens the follow-ups of new records; ``digest`` writes the coordinator's digest
(XLSX: overdue and due this week, per mediator); ``ics`` the calendar of due dates;
``indicators`` the activity indicators of a period (XLSX or CSV).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.followup.bad_date", value=text)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "followup", help=t("cli.followup.help"), description=t("cli.followup.description")
    )
    actions = parser.add_subparsers(dest="action", metavar=t("cli.command_metavar"))

    sync = actions.add_parser(
        "sync", help=t("cli.followup.sync"), description=t("cli.followup.sync")
    )
    add_db_argument(sync)
    sync.set_defaults(handler=run_sync)

    digest = actions.add_parser(
        "digest", help=t("cli.followup.digest"), description=t("cli.followup.digest")
    )
    _filters(digest)
    digest.add_argument("--date", type=_day, metavar="AAAA-MM-JJ", help=t("cli.followup.date"))
    digest.add_argument(
        "--horizon", type=int, default=7, metavar="N", help=t("cli.followup.horizon")
    )
    digest.add_argument(
        "-o", "--output", required=True, metavar="FICHIER.xlsx", help=t("cli.followup.output")
    )
    digest.set_defaults(handler=run_digest)

    ics = actions.add_parser("ics", help=t("cli.followup.ics"), description=t("cli.followup.ics"))
    _filters(ics)
    ics.add_argument(
        "--collector", metavar=t("cli.followup.name_metavar"), help=t("cli.followup.collector")
    )
    ics.add_argument(
        "-o", "--output", required=True, metavar="FICHIER.ics", help=t("cli.followup.output")
    )
    ics.set_defaults(handler=run_ics)

    table = actions.add_parser(
        "indicators", help=t("cli.followup.indicators"), description=t("cli.followup.indicators")
    )
    add_db_argument(table)
    table.add_argument("--start", type=_day, metavar="AAAA-MM-JJ", help=t("cli.followup.start"))
    table.add_argument("--end", type=_day, metavar="AAAA-MM-JJ", help=t("cli.followup.end"))
    table.add_argument(
        "--by", action="append", choices=("sector", "team"), help=t("cli.followup.by")
    )
    table.add_argument(
        "--threshold", type=int, default=5, metavar="N", help=t("cli.followup.threshold")
    )
    table.add_argument(
        "-o", "--output", required=True, metavar="FICHIER.xlsx|.csv", help=t("cli.followup.output")
    )
    table.set_defaults(handler=run_indicators)


def _filters(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--team", metavar=t("cli.followup.name_metavar"), help=t("cli.followup.team")
    )
    parser.add_argument("--sector", metavar="CODE", help=t("cli.followup.sector"))


def _synced(db: str | None):
    from toolkit.followup import Register
    from toolkit.store import connect

    register = Register(connect(db))
    report = register.sync()
    if report.created or report.updated or report.cancelled:
        print(
            t(
                "cli.followup.synced",
                created=len(report.created),
                updated=len(report.updated),
                cancelled=len(report.cancelled),
            )
        )
    return register


def run_sync(args: argparse.Namespace) -> int:
    register = _synced(args.db)
    print(t("cli.followup.open", count=len(register.items(open_only=True))))
    return 0


def run_digest(args: argparse.Namespace) -> int:
    from toolkit.followup.digest import digest, write_digest_xlsx

    register = _synced(args.db)
    frame = digest(
        register, today=args.date, team=args.team, sector=args.sector, horizon=args.horizon
    )
    path = write_digest_xlsx(frame, Path(args.output))
    print(t("cli.followup.written", path=str(path), count=len(frame)))
    return 0


def run_ics(args: argparse.Namespace) -> int:
    from toolkit.followup.agenda import BUCKETS, Describer, agenda
    from toolkit.followup.ics import ics_calendar

    register = _synced(args.db)
    items = register.items(
        team=args.team, sector=args.sector, collector=args.collector, open_only=True
    )
    frame = agenda(items, Describer(register.store), buckets=BUCKETS)
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ics_calendar(frame))
    print(t("cli.followup.written", path=str(path), count=len(frame)))
    return 0


def run_indicators(args: argparse.Namespace) -> int:
    from toolkit.followup.activity import write_activity
    from toolkit.followup.indicators import indicators
    from toolkit.store import connect

    with connect(args.db) as store:
        table = indicators(
            store, start=args.start, end=args.end, by=args.by, threshold=args.threshold
        )
    path = write_activity(table, Path(args.output))
    print(t("cli.followup.written", path=str(path), count=len(table)))
    return 0
