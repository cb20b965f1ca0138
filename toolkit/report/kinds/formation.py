"""Kind « formation »: the evaluation report of one workshop (Qualiopi indicators 8 and 11).

The options and the registration only; the report itself is
:func:`toolkit.report.formation_report.build`.
"""

from __future__ import annotations

import argparse
from typing import Any

from toolkit.i18n import t
from toolkit.report.blocks import Document
from toolkit.report.registry import ReportKind, register


def arguments(parser: argparse.ArgumentParser) -> None:
    """``--session CODE`` (the workshop's room code)."""
    parser.add_argument("--session", required=True, metavar="CODE", help=t("report.opt.session"))


def build(store: object, **options: Any) -> Document:
    from toolkit.report.formation_report import build as build_report

    return build_report(store, **options)


register(ReportKind("formation", "report.formation.help", build, arguments))
