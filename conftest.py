"""Settings for every item pytest collects, notebooks included (``tests/conftest.py`` holds the fixtures).

nbval waits a fixed five seconds for a cell's output messages once the cell has replied. On a
loaded machine (CI with two workers, the browser suite alongside) a kernel can take longer than
that to flush them, and a correct notebook fails with « Timeout of 5 seconds exceeded waiting
for output ». The cell's own time limit (``--nbval-cell-timeout``) is unchanged.
"""

from __future__ import annotations

import pytest

NOTEBOOK_OUTPUT_TIMEOUT = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each notebook cell a minute, not five seconds, to deliver its output."""
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = NOTEBOOK_OUTPUT_TIMEOUT
