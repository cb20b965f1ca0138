"""The numpydoc Examples of toolkit.qual run as part of the normal test run (from the repo root)."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
from pathlib import Path

import matplotlib
import pytest

import toolkit.qual

MODULES = sorted(m.name for m in pkgutil.iter_modules(toolkit.qual.__path__, "toolkit.qual."))
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", MODULES)
def test_examples__module__run_without_failure(name, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("TOOLKIT_SURVEYS", raising=False)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
    assert os.getcwd() == str(ROOT)
