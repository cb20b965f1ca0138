"""Page kernels start light: the workshop apps load neither SciPy nor Matplotlib at import.

The trainer's page is a Voilà kernel and the room's pages live in the server process;
SciPy and Matplotlib, needed only for the export, were a third of a kernel's start-up time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import toolkit.training

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "matplotlib")


def _loaded_after(statement: str) -> list[str]:
    """Which of :data:`HEAVY` a fresh interpreter has loaded after running ``statement``."""
    code = f"import sys\n{statement}\nprint(*[m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split()


def test_workshop_apps__import__leaves_scipy_and_matplotlib_unloaded():
    assert _loaded_after("from toolkit.apps.workshop import trainer_app") == []


def test_room_handlers__import__leaves_scipy_and_matplotlib_unloaded():
    assert _loaded_after("from toolkit.apps.room import room_handlers\nroom_handlers") == []


def test_training_package__statistics_name__loads_scipy_on_first_use():
    assert _loaded_after("import toolkit.training as t\nt.prepost") == ["scipy"]


def test_training_package__lazy_names__are_the_modules_functions():
    from toolkit.training import plots, stats

    assert toolkit.training.prepost is stats.prepost
    assert toolkit.training.export_csv is stats.export_csv
    assert toolkit.training.plot_profile is plots.plot_profile
    assert set(toolkit.training.__all__) <= set(dir(toolkit.training))


def test_training_package__unknown_name__raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = toolkit.training.no_such_name
