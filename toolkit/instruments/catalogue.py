"""The built-in instruments shipped in the repository's ``surveys/`` folder."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.instruments.loader import load
from toolkit.instruments.model import Instrument


def surveys_dir() -> Path:
    """``TOOLKIT_SURVEYS_DIR`` if set, else the ``surveys/`` folder beside the package."""
    override = os.environ.get("TOOLKIT_SURVEYS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "surveys"


def catalogue_paths(folder: Path | None = None) -> list[Path]:
    """Instrument files of the catalogue, sorted by name."""
    folder = folder or surveys_dir()
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))


def builtin_instruments(folder: Path | None = None) -> dict[str, Instrument]:
    """Every catalogue instrument by id; raises :class:`InstrumentError` if one is invalid."""
    instruments = {}
    for path in catalogue_paths(folder):
        instrument = load(path)
        instruments[instrument.id] = instrument
    return instruments
