"""Docstring examples of the whole package run, and every public function has one.

"Public" means a function named in the ``__all__`` of a package's ``__init__``. Its example
is a ``>>>`` in its own docstring, or a ``>>>`` line calling it in the docstring of its
module or of the package that exports it. The examples run from the repository root (they
read ``surveys/``), in French, with matplotlib drawing off screen.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest

import toolkit

ROOT = Path(__file__).resolve().parents[1]

#: Alembic revision scripts run inside a migration context, not on their own.
_NOT_IMPORTABLE = (".migrations.", "toolkit.__main__")
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")
    if not any(part in m.name + "." for part in _NOT_IMPORTABLE)
)
PACKAGES = sorted(
    m.name
    for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")
    if m.ispkg and ".migrations" not in m.name
)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("TOOLKIT_SURVEYS", raising=False)
    monkeypatch.delenv("TOOLKIT_SURVEYS_DIR", raising=False)
    monkeypatch.setenv("TOOLKIT_LANG", "fr")


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.usefixtures("at_root")
def test_examples__module__run_without_failure(name: str) -> None:
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    finally:
        plt.close("all")
    assert result.failed == 0
    assert os.getcwd() == str(ROOT)


def _has_example(function: object, package: object) -> bool:
    name = getattr(function, "__name__", "")
    if ">>>" in (inspect.getdoc(function) or ""):
        return True
    module = inspect.getmodule(function)
    around = (getattr(module, "__doc__", None) or "") + (getattr(package, "__doc__", None) or "")
    return re.search(rf"(>>>|\.\.\.) .*\b{re.escape(name)}\(", around) is not None


def _without_example(package_name: str) -> list[str]:
    package = importlib.import_module(package_name)
    return [
        name
        for name in getattr(package, "__all__", ())
        if inspect.isfunction(getattr(package, name))
        and not _has_example(getattr(package, name), package)
    ]


@pytest.mark.parametrize("package_name", PACKAGES)
def test_public_functions__package__each_has_an_example(package_name: str) -> None:
    assert _without_example(package_name) == []
