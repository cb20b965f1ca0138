"""The ``toolkit`` command (also ``python -m toolkit``).

Each sub-command lives in its own module of this package with a ``register(subparsers)``
function; :data:`COMMANDS` lists them in the order of ``toolkit --help``. Help texts are in
French by default, English with ``--lang en`` or ``TOOLKIT_LANG=en`` (commands that start
other processes pass the language on through ``TOOLKIT_LANG``). A user error prints
its coded message and exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from toolkit.errors import ToolkitError
from toolkit.i18n import t, use_language

#: Sub-command modules, in help order; each defines ``register(subparsers)``. A name whose
#: module does not exist (yet) is skipped, so a concern adds its command by adding its module.
COMMANDS = (
    "validate",
    "demo",
    "serve",
    "sync",
    "xlsform",
    "importing",
    "pull",
    "export",
    "report",
    "qual",
    "followup",
    "training",
    "privacy",
    "backup",
)


def _language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(
            usage, actions, groups, prefix=t("cli.usage") if prefix is None else prefix
        )


class ToolkitArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose own words (usage, sections, -h, errors) follow our language."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help")
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, key in _ARGPARSE_MESSAGES:
            match = pattern.match(message)
            if match:
                message = t(key, **match.groupdict())
                break
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.error", prog=self.prog, message=message) + "\n")


#: argparse's own error sentences, mapped to catalogue keys (it has no French of its own).
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (?P<names>.*)"), "cli.err.required"),
    (re.compile(r"unrecognized arguments: (?P<names>.*)"), "cli.err.unrecognized"),
    (
        re.compile(
            r"argument (?P<name>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)"
        ),
        "cli.err.choice",
    ),
    (
        re.compile(r"argument (?P<name>\S+): invalid (?P<kind>\w+) value: (?P<value>.*)"),
        "cli.err.value",
    ),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.err.one_argument"),
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with help texts in the current language."""
    parser = ToolkitArgumentParser(prog="toolkit", description=t("cli.description"))
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
    with use_language(lang if lang in ("fr", "en") else None):
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
