"""``toolkit accounts`` (also ``toolkit comptes``): the accounts of a team server.

``add NAME --role ROLE`` creates an account (the password is asked twice, or read from
the first line of standard input with ``--password-stdin``); ``list`` shows them;
``password``, ``roles``, ``disable`` and ``enable`` change one (each change closes that
person's open sessions); ``events`` prints the latest sign-ins and changes. From the first
account on, ``toolkit serve`` on that database asks everyone to sign in.
Registered by :mod:`toolkit.cli.serve` (the server and its accounts go together).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from toolkit.cli import add_db_argument
from toolkit.errors import Problem, ToolkitError
from toolkit.i18n import t
from toolkit.team import Accounts, parse_role
from toolkit.team.roles import ROLES

__all__ = ["register"]


def _role(text: str) -> str:
    role = parse_role(text)
    if role is None:
        raise argparse.ArgumentTypeError(t("cli.accounts.bad_role", role=text, known=_known()))
    return role


def _known() -> str:
    return ", ".join(f"{t(f'cli.accounts.role_word.{role}')} ({role})" for role in ROLES)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "accounts",
        aliases=["comptes"],
        help=t("cli.accounts.help"),
        description=t("cli.accounts.description"),
    )
    actions = parser.add_subparsers(dest="action", metavar=t("cli.command_metavar"))

    add = actions.add_parser(
        "add", aliases=["ajouter"], help=t("cli.accounts.add"), description=t("cli.accounts.add")
    )
    add.add_argument("name", metavar=t("cli.accounts.name_metavar"), help=t("cli.accounts.name"))
    add.add_argument(
        "--role",
        dest="roles",
        action="append",
        type=_role,
        required=True,
        metavar=t("cli.accounts.role_metavar"),
        help=t("cli.accounts.role", known=_known()),
    )
    add.add_argument(
        "--display-name",
        metavar=t("cli.accounts.display_metavar"),
        help=t("cli.accounts.display_name"),
    )
    _password_option(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser(
        "list", aliases=["liste"], help=t("cli.accounts.list"), description=t("cli.accounts.list")
    )
    add_db_argument(listing)
    listing.set_defaults(handler=run_list)

    password = actions.add_parser(
        "password",
        aliases=["mot-de-passe"],
        help=t("cli.accounts.password"),
        description=t("cli.accounts.password"),
    )
    password.add_argument("name", metavar=t("cli.accounts.name_metavar"))
    _password_option(password)
    password.set_defaults(handler=run_password)

    roles = actions.add_parser(
        "roles", help=t("cli.accounts.roles"), description=t("cli.accounts.roles")
    )
    roles.add_argument("name", metavar=t("cli.accounts.name_metavar"))
    roles.add_argument(
        "--role",
        dest="roles",
        action="append",
        type=_role,
        required=True,
        metavar=t("cli.accounts.role_metavar"),
        help=t("cli.accounts.role", known=_known()),
    )
    add_db_argument(roles)
    roles.set_defaults(handler=run_roles)

    for name, alias, active in (("disable", "desactiver", False), ("enable", "activer", True)):
        command = actions.add_parser(
            name,
            aliases=[alias],
            help=t(f"cli.accounts.{name}"),
            description=t(f"cli.accounts.{name}"),
        )
        command.add_argument("name", metavar=t("cli.accounts.name_metavar"))
        add_db_argument(command)
        command.set_defaults(handler=run_active, active=active)

    events = actions.add_parser(
        "events",
        aliases=["journal"],
        help=t("cli.accounts.events"),
        description=t("cli.accounts.events"),
    )
    events.add_argument("--limit", type=int, default=50, metavar="N")
    add_db_argument(events)
    events.set_defaults(handler=run_events)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin", action="store_true", help=t("cli.accounts.password_stdin")
    )
    add_db_argument(parser)


def _accounts(args: argparse.Namespace) -> Accounts:
    from toolkit.store import connect

    return Accounts(connect(args.db).engine)


def _operator() -> str:
    """Who runs the command, for the events: the system account."""
    try:
        return f"{t('cli.accounts.operator')}:{getpass.getuser()}"
    except (KeyError, OSError):
        return t("cli.accounts.operator")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(t("cli.accounts.prompt"))
    second = getpass.getpass(t("cli.accounts.prompt_again"))
    if first != second:
        raise ToolkitError(problems=[Problem("U008")])
    return first


def run_add(args: argparse.Namespace) -> int:
    accounts = _accounts(args)
    account = accounts.add(
        args.name,
        _read_password(args),
        roles=args.roles,
        by=_operator(),
        display_name=args.display_name,
    )
    roles = ", ".join(t(f"team.role.{role}") for role in account.roles)
    print(t("cli.accounts.added", name=account.name, roles=roles))
    return 0


def run_list(args: argparse.Namespace) -> int:
    table = _accounts(args).table()
    if table.empty:
        print(t("cli.accounts.none"))
        return 0
    for row in table.itertuples():
        roles = ", ".join(t(f"team.role.{role}") for role in row.roles.split(","))
        state = t("cli.accounts.active" if row.active else "cli.accounts.disabled")
        print(f"{row.name}\t{row.display_name}\t{roles}\t{state}")
    return 0


def run_password(args: argparse.Namespace) -> int:
    _accounts(args).set_password(args.name, _read_password(args), by=_operator())
    print(t("cli.accounts.changed", name=args.name))
    return 0


def run_roles(args: argparse.Namespace) -> int:
    _accounts(args).set_roles(args.name, args.roles, by=_operator())
    print(t("cli.accounts.changed", name=args.name))
    return 0


def run_active(args: argparse.Namespace) -> int:
    _accounts(args).set_active(args.name, args.active, by=_operator())
    print(t("cli.accounts.changed", name=args.name))
    return 0


def run_events(args: argparse.Namespace) -> int:
    for row in _accounts(args).events(limit=max(args.limit, 1)).itertuples():
        at = row.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        action = t(f"team.event.{row.action}")
        parts = [at, row.by or "—", action, row.detail or "", row.client or ""]
        print("\t".join(parts).rstrip())
    return 0
