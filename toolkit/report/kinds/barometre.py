"""Kind « barometre »: the report of one wave of the neighbourhood barometer.

The options and the registration only; the report itself is
:func:`toolkit.report.barometer_report.build` (loaded when a report is asked, so that
``toolkit --help`` does not load SciPy and Matplotlib).
"""

from __future__ import annotations

import argparse
from typing import Any

from toolkit.i18n import t
from toolkit.report.blocks import Document
from toolkit.report.registry import ReportKind, register

WEIGHTINGS = ("raking", "none")


def arguments(parser: argparse.ArgumentParser) -> None:
    """``--instrument``, ``--waves``, ``--sectors``, ``--weighting``, ``--margins``."""
    parser.add_argument(
        "--instrument", default="barometre_ambiance", help=t("report.opt.instrument")
    )
    parser.add_argument("--waves", default=None, metavar="V1,V2", help=t("report.opt.waves"))
    parser.add_argument("--sectors", default=None, metavar="S1,S2", help=t("report.opt.sectors"))
    parser.add_argument(
        "--weighting", choices=WEIGHTINGS, default="raking", help=t("report.opt.weighting")
    )
    parser.add_argument("--margins", default=None, metavar="CSV", help=t("report.opt.margins"))


def build(store: object, **options: Any) -> Document:
    from toolkit.report.barometer_report import build as build_report

    return build_report(store, **options)


register(ReportKind("barometre", "report.barometre.help", build, arguments))
