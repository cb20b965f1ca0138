"""The numpydoc Examples of toolkit.analysis run as part of the normal test run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import matplotlib.pyplot as plt
import pytest

import toolkit.analysis

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(toolkit.analysis.__path__, "toolkit.analysis.")
)


@pytest.mark.parametrize("name", MODULES)
def test_examples__module__run_without_failure(name):
    matplotlib.use("Agg")
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    finally:
        plt.close("all")
    assert result.failed == 0
