"""Kind « activite »: the activity report of the follow-up registers for a period.

The options and the registration only; the report itself is
:func:`toolkit.report.activity_report.build`.
"""

from __future__ import annotations

import argparse
from typing import Any

from toolkit.i18n import t
from toolkit.report.blocks import Document
from toolkit.report.registry import ReportKind, register


def arguments(parser: argparse.ArgumentParser) -> None:
    """``--start``, ``--end`` (ISO dates) and ``--sector`` (one sector code)."""
    parser.add_argument(
        "--start", default=None, metavar=t("report.metavar.date"), help=t("report.opt.start")
    )
    parser.add_argument(
        "--end", default=None, metavar=t("report.metavar.date"), help=t("report.opt.end")
    )
    parser.add_argument("--sector", default=None, metavar="CODE", help=t("report.opt.sector"))


def build(store: object, **options: Any) -> Document:
    from toolkit.report.activity_report import build as build_report

    return build_report(store, **options)


register(ReportKind("activite", "report.activite.help", build, arguments))
