"""Where the instrument files are: the ``surveys/`` folder of the project."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import InstrumentError
from toolkit.instruments import Instrument, load

__all__ = [
    "ENV_VAR",
    "database_url",
    "find_instrument",
    "instrument_files",
    "project_root",
    "surveys_dir",
]

#: Environment variable naming the folder of instrument files.
ENV_VAR = "TOOLKIT_SURVEYS"


def surveys_dir() -> Path:
    """``TOOLKIT_SURVEYS``, else the nearest ``surveys/`` from the working directory upward,
    else the one beside the installed package.

    Examples
    --------
    From the repository root (or any folder below it):

    >>> surveys_dir().name
    'surveys'
    >>> (surveys_dir() / "barometre_ambiance.yaml").is_file()
    True
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        return Path(raw)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "surveys").is_dir():
            return folder / "surveys"
    return Path(__file__).resolve().parents[2] / "surveys"


def instrument_files(folder: Path | None = None) -> list[Path]:
    """The YAML files of ``folder`` (default :func:`surveys_dir`), sorted by name.

    Examples
    --------
    >>> [path.name for path in instrument_files()][:2]
    ['barometre_ambiance.yaml', 'barometre_tournee.yaml']
    >>> instrument_files(Path("no/such/folder"))
    []
    """
    folder = folder or surveys_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def find_instrument(instrument_id: str, folder: Path | None = None) -> Instrument | None:
    """The instrument with this id among the valid files of ``folder``, or ``None``.

    Examples
    --------
    >>> find_instrument("barometre_ambiance").title.get("fr")
    "Baromètre d'ambiance du quartier"
    >>> find_instrument("questionnaire_inconnu") is None
    True
    """
    for path in instrument_files(folder):
        if path.stem != instrument_id:
            continue
        try:
            instrument = load(path)
        except InstrumentError:
            return None
        if instrument.id == instrument_id:
            return instrument
    for path in instrument_files(folder):
        try:
            instrument = load(path)
        except InstrumentError:
            continue
        if instrument.id == instrument_id:
            return instrument
    return None


def project_root() -> Path:
    """The folder holding ``surveys/`` (the repository root under ``make run``).

    Examples
    --------
    >>> project_root() == surveys_dir().resolve().parent
    True
    >>> (project_root() / "pyproject.toml").is_file()
    True
    """
    return surveys_dir().resolve().parent


def database_url() -> str:
    """``TOOLKIT_DATABASE_URL``, else the SQLite file ``data/toolkit.sqlite`` of the project.

    Apps run with ``notebooks/`` as working directory under Voilà; anchoring the default on
    the project (not the working directory) keeps one database for the CLI and the apps.

    Examples
    --------
    >>> import os
    >>> url = database_url()  # TOOLKIT_DATABASE_URL, when it is set
    >>> url == os.environ.get("TOOLKIT_DATABASE_URL") or url.endswith("/data/toolkit.sqlite")
    True
    """
    raw = os.environ.get("TOOLKIT_DATABASE_URL", "").strip()
    if raw:
        return raw
    return f"sqlite:///{project_root() / 'data' / 'toolkit.sqlite'}"
