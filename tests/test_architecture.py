"""The house's promises about its code, checked like ruff is: types, layers, examples.

See ARCHITECTURE.md for the layers and pyproject.toml (``[tool.mypy]``,
``[tool.importlinter]``) for what each tool is told.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name(name)), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy__toolkit__no_type_error() -> None:
    result = _tool("mypy", "--no-error-summary")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter__layer_contracts__all_kept() -> None:
    result = _tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
