"""Settings for every item pytest collects, notebooks included (``tests/conftest.py`` holds the fixtures).

nbval waits a fixed five seconds for a cell's output messages once the cell has replied. On a
loaded machine (CI with two workers, the browser suite alongside) a kernel can take longer than
that to flush them, and a correct notebook fails with « Timeout of 5 seconds exceeded waiting
for output ». The cell's own time limit (``--nbval-cell-timeout``) is unchanged.

The key that encrypts ``pii`` answers is a file outside the database; unless
``TOOLKIT_PII_KEY_FILE`` names one, the run makes a throwaway key in a temporary folder (never
``data/pii.key`` of the working tree) and every test, notebook kernel and served app inherits it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

NOTEBOOK_OUTPUT_TIMEOUT = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each notebook cell five minutes, not five seconds, to deliver its output."""
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = NOTEBOOK_OUTPUT_TIMEOUT


_KEY_ENV = "TOOLKIT_PII_KEY_FILE"


def pytest_configure(config: pytest.Config) -> None:
    """Give the run its own pii key file when none is configured."""
    if os.environ.get(_KEY_ENV):
        return
    from toolkit.store.keyfile import create_key

    folder = tempfile.mkdtemp(prefix="toolkit-pii-key-")
    config.stash[_KEY_FOLDER] = folder
    path, _ = create_key(Path(folder) / "pii.key")
    os.environ[_KEY_ENV] = str(path)


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_KEY_FOLDER, None)
    if folder is not None:
        os.environ.pop(_KEY_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


_KEY_FOLDER = pytest.StashKey[str]()
