"""Kind « qualitatif »: the findings of the qualitative project (coded open answers, interviews).

The options and the registration only; the report itself is
:func:`toolkit.report.qual_report.build`.
"""

from __future__ import annotations

import argparse
from typing import Any

from toolkit.i18n import t
from toolkit.report.blocks import Document
from toolkit.report.registry import ReportKind, register


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None
    if value < 1:
        raise argparse.ArgumentTypeError(text)
    return value


def arguments(parser: argparse.ArgumentParser) -> None:
    """``--instrument``, ``--by``, ``--quotes``, ``--max-chars``."""
    parser.add_argument("--instrument", default=None, help=t("report.opt.qual_instrument"))
    parser.add_argument(
        "--by", default="sector", metavar=t("report.metavar.attribute"), help=t("report.opt.by")
    )
    parser.add_argument(
        "--quotes", type=_positive, default=3, metavar="N", help=t("report.opt.quotes")
    )
    parser.add_argument(
        "--max-chars", type=_positive, default=280, metavar="N", help=t("report.opt.max_chars")
    )


def build(store: object, **options: Any) -> Document:
    from toolkit.report.qual_report import build as build_report

    return build_report(store, **options)


register(ReportKind("qualitatif", "report.qualitatif.help", build, arguments))
