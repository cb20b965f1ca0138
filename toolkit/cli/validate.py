"""``toolkit validate PATH...``: check instrument and training module files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit.errors import Problem
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help=t("cli.validate.help"), description=t("cli.validate.help")
    )
    parser.add_argument(
        "paths", nargs="+", metavar=t("cli.validate.paths_metavar"), help=t("cli.validate.paths")
    )
    parser.set_defaults(handler=run)


def _is_training_module(path: Path) -> bool:
    """Training module files are recognised by their folder or their top-level ``module:`` key."""
    if "training_modules" in path.parts:
        return True
    try:
        with path.open("rb") as handle:  # the head only: the path may be /dev/zero or huge
            head = handle.read(2000).decode("utf-8", "ignore")
    except OSError:
        return False
    return any(line.startswith(("module:", "kind: training_module")) for line in head.splitlines())


def problems_of(path: Path) -> list[Problem]:
    """Every problem of one file, whatever its kind."""
    from toolkit.qual.loader import is_codebook_file, validate_codebook

    if is_codebook_file(path):
        return validate_codebook(path)
    if path.parent.name == "listes" and path.parent.parent.name == "surveys":
        # The builder's reference lists (code, French, English): not an instrument.
        return []
    if _is_training_module(path):
        from toolkit.training import validate as validate_module

        return list(validate_module(path))
    from toolkit.errors import InstrumentError
    from toolkit.instruments import load

    try:
        instrument = load(path)
    except InstrumentError as exc:
        return list(exc.problems)
    from toolkit.instruments import instrument_warnings

    for warning in instrument_warnings(instrument):
        print(t("X048", warning=warning.format()), file=sys.stderr)
    return []


def _expand(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


def run(args: argparse.Namespace) -> int:
    files = _expand(args.paths)
    total = 0
    for path in files:
        problems = problems_of(path)
        total += len(problems)
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        if not problems:
            print(t("cli.validate.ok", path=str(path)))
    if total:
        print(t("cli.validate.summary", problems=total, files=len(files)), file=sys.stderr)
        return 1
    return 0
