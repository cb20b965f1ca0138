"""Where the bundled training modules are."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.training.loader import is_module_file

__all__ = ["ENV_VAR", "find_modules", "modules_dir"]

#: Environment variable naming another folder of module files.
ENV_VAR = "TOOLKIT_TRAINING_MODULES"


def modules_dir() -> Path:
    """``TOOLKIT_TRAINING_MODULES``, else ``training_modules/`` of the source checkout."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "training_modules"


def find_modules(directory: str | Path | None = None) -> list[Path]:
    """Module files (``kind: training_module``) in ``directory``, sorted by name."""
    folder = Path(directory) if directory is not None else modules_dir()
    return sorted(p for p in folder.glob("*.y*ml") if is_module_file(p))
