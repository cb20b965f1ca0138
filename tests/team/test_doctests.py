"""The Examples of toolkit.team run as part of the normal test run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import toolkit.team

MODULES = sorted(m.name for m in pkgutil.iter_modules(toolkit.team.__path__, "toolkit.team."))


@pytest.mark.parametrize("name", MODULES)
def test_examples__module__run_without_failure(name):
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.failed == 0
