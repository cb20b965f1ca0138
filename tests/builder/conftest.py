"""Fixtures of the builder tests: a hand-written instrument and helpers to compare files."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from toolkit.builder import Draft, open_draft

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REPO = HERE.parents[1]
SURVEYS = REPO / "surveys"


@pytest.fixture
def visite_path(tmp_path: Path) -> Path:
    """A copy of ``data/visite.yaml`` (comments, blank lines, aliases, keys left alone)."""
    target = tmp_path / "visite.yaml"
    shutil.copyfile(DATA / "visite.yaml", target)
    return target


@pytest.fixture
def visite(visite_path: Path) -> Draft:
    return open_draft(visite_path)


def changed_lines(before: str, after: str) -> tuple[set[int], list[str]]:
    """Line numbers (1-based, in ``before``) removed or replaced, and the lines added."""
    removed: set[int] = set()
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed.update(range(i1 + 1, i2 + 1))
        if tag in ("replace", "insert"):
            added.extend(after.splitlines()[j1:j2])
    return removed, added


def span(text: str, first: str, last: str) -> set[int]:
    """Line numbers from the line containing ``first`` to the next containing ``last``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i, line in enumerate(lines) if i >= start and last in line)
    return set(range(start + 1, end + 2))
