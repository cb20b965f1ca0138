"""Where the bundled training modules are."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.training.loader import is_module_file

__all__ = ["ENV_VAR", "find_modules", "modules_dir"]

#: Environment variable naming another folder of module files.
ENV_VAR = "TOOLKIT_TRAINING_MODULES"


def modules_dir() -> Path:
    """``TOOLKIT_TRAINING_MODULES``, else ``training_modules/`` of the source checkout.

    Examples
    --------
    >>> import os
    >>> folder = modules_dir()
    >>> folder.name, (folder / "01_cadre_posture.yaml").is_file()
    ('training_modules', True)

    A trainer's own folder takes over when the environment names one:

    >>> os.environ[ENV_VAR] = "/srv/formations"
    >>> str(modules_dir())
    '/srv/formations'
    >>> del os.environ[ENV_VAR]
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "training_modules"


def find_modules(directory: str | Path | None = None) -> list[Path]:
    """Module files (``kind: training_module``) in ``directory``, sorted by name.

    Examples
    --------
    The bundled modules, by title (``directory`` defaults to :func:`modules_dir`):

    >>> from toolkit.training import load_module
    >>> for path in find_modules():
    ...     print(load_module(path).title.get("fr"))
    Module 1 — Le cadre et la posture du médiateur social
    Module 2 — Communication et écoute active
    Module 3 — Gérer un conflit et conduire une médiation
    Module 4 — Affirmation de soi et estime de soi
    Module 5 — Diversité culturelle et travail avec les partenaires

    A file is listed by its top-level ``kind``, before any validation (``toolkit validate``
    then reports what an unfinished module lacks); a survey beside it is left out:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "atelier.yaml").write_text("kind: training_module\\nid: atelier\\n")
    >>> _ = (folder / "visite.yaml").write_text("id: visite\\nquestions: []\\n")
    >>> _ = (folder / "notes.txt").write_text("kind: training_module\\n")
    >>> [path.name for path in find_modules(folder)]
    ['atelier.yaml']
    """
    folder = Path(directory) if directory is not None else modules_dir()
    return sorted(p for p in folder.glob("*.y*ml") if is_module_file(p))
