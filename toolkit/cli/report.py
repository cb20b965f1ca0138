"""``toolkit report KIND --db URL -o DIR``: write a report as HTML and Word files.

Every kind of :mod:`toolkit.report.kinds` becomes a sub-command with the shared options
(``--db``, ``-o/--out``, ``--threshold``, ``--format``) and its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.cli import add_db_argument
from toolkit.i18n import get_language, t


def _threshold(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None
    if value < 1:
        raise argparse.ArgumentTypeError(text)
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    from toolkit.report.registry import kinds

    parser = subparsers.add_parser("report", help=t("report.help"), description=t("report.help"))
    actions = parser.add_subparsers(dest="kind", metavar=t("report.kind_metavar"))
    for name, kind in kinds().items():
        sub = actions.add_parser(name, help=t(kind.help_key), description=t(kind.help_key))
        add_db_argument(sub)
        sub.add_argument("-o", "--out", required=True, metavar="DIR", help=t("report.opt.out"))
        sub.add_argument(
            "--threshold", type=_threshold, default=5, metavar="N", help=t("report.opt.threshold")
        )
        sub.add_argument(
            "--format", default="html,docx", metavar="html,docx", help=t("report.opt.format")
        )
        kind.arguments(sub)
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from toolkit.report import FORMATS, get_kind, write
    from toolkit.store import connect

    kind = get_kind(args.kind)
    options = {
        k: v
        for k, v in vars(args).items()
        if k not in ("handler", "command", "kind", "db", "out", "format", "lang")
    }
    formats = [f.strip() for f in args.format.split(",") if f.strip() in FORMATS] or list(FORMATS)
    document = kind.build(connect(args.db), lang=get_language(), **options)
    for path in write(document, Path(args.out), document.stem, formats=formats):
        print(t("report.written", path=path))
    return 0
