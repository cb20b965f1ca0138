"""The registry of report kinds: how a new report plugs into ``toolkit report``.

A kind is one module of :mod:`toolkit.report.kinds` that calls :func:`register` at import
with a :class:`ReportKind`: its name (the sub-command), the catalogue key of its help, a
function adding its own command-line options, and ``build(store, **options)`` returning a
:class:`~toolkit.report.blocks.Document` made of the shared blocks. Every kind gets the same
``--db``, ``-o``, ``--lang``, ``--threshold`` and ``--format`` options and the same writers
(:func:`toolkit.report.write`); nothing else needs to change to add one::

    # toolkit/report/kinds/activite.py
    from toolkit.report.registry import ReportKind, register

    def _arguments(parser):
        parser.add_argument("--month", help=t("report.activite.month"))

    def build(store, *, lang, threshold, month=None, **_):
        return Document(title=..., subtitle=..., blocks=(Heading(...), Table(...)), lang=lang)

    register(ReportKind("activite", "report.activite.help", build, _arguments))
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from toolkit.errors import Problem, ToolkitError
from toolkit.report.blocks import Document

__all__ = ["ReportError", "ReportKind", "get_kind", "kinds", "register"]


class ReportError(ToolkitError, ValueError):
    """A report cannot be produced from what was asked (unknown kind, wave, sector…)."""


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    return None


@dataclass(frozen=True)
class ReportKind:
    """One kind of report.

    Parameters
    ----------
    name : str
        Sub-command of ``toolkit report`` and stem of the files.
    help_key : str
        Catalogue key of the one-line help.
    build : callable
        ``build(store, *, lang, threshold, **options) -> Document``; ``options`` are the
        kind's own command-line options by their ``dest`` names.
    arguments : callable, optional
        ``arguments(parser)`` adds the kind's own options to its sub-command.
    """

    name: str
    help_key: str
    build: Callable[..., Document]
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Add (or replace) a kind in the registry; returns it."""
    _KINDS[kind.name] = kind
    return kind


def kinds() -> dict[str, ReportKind]:
    """Every registered kind, after importing each module of :mod:`toolkit.report.kinds`."""
    package = importlib.import_module("toolkit.report.kinds")
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    return dict(sorted(_KINDS.items()))


def get_kind(name: str) -> ReportKind:
    """The kind called ``name``; ``R001`` if there is none."""
    found = kinds().get(name)
    if found is None:
        raise ReportError(
            problems=[Problem("R001", {"kind": name, "known": ", ".join(kinds())}, field="kind")]
        )
    return found
