"""The ``toolkit`` command (also ``python -m toolkit``).

Each sub-command lives in its own module of this package with a ``register(subparsers)``
function; :data:`COMMANDS` lists them in the order of ``toolkit --help``. Help texts are in
French by default, English with ``--lang en`` or ``TOOLKIT_LANG=en``. A user error prints
its coded message and exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from toolkit.errors import ToolkitError
from toolkit.i18n import set_language, t

#: Sub-command modules, in help order; each defines ``register(subparsers)``.
COMMANDS = ("validate", "demo", "serve", "sync", "xlsform", "importing", "export", "training")


def _language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with help texts in the current language."""
    parser = argparse.ArgumentParser(prog="toolkit", description=t("cli.description"))
    parser.add_argument("--lang", choices=("fr", "en"), help=t("cli.lang"))
    subparsers = parser.add_subparsers(dest="command", metavar=t("cli.command_metavar"))
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"toolkit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"toolkit.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--db URL`` option shared by every command that touches the store."""
    parser.add_argument("--db", metavar="URL", help=t("cli.db"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 1 user error, 2 usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_from(argv)
    if lang in ("fr", "en"):
        set_language(lang)
        os.environ["TOOLKIT_LANG"] = lang
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ToolkitError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
