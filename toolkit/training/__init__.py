"""Training modules, exercise engine, live workshops and pre/post evaluation.

Public names: :func:`load_module`, :func:`validate` (also used by ``toolkit validate`` on
files recognised by :func:`is_module_file`: top-level ``kind: training_module``) and
:func:`prepost`.

The statistics (SciPy) and the profile plot (Matplotlib) load on first use: the trainer's
page is a Voilà kernel that only needs them for the export, and the server process that
serves the participants' phones needs them never.
"""

import importlib

from toolkit.training.briefs import briefs_html, briefs_markdown
from toolkit.training.graph import graph_problems
from toolkit.training.loader import (
    KIND,
    is_module_document,
    is_module_file,
    load_module,
    loads_module,
    validate,
    validate_text,
)
from toolkit.training.model import Module
from toolkit.training.modules import find_modules, modules_dir
from toolkit.training.scoring import Play, replay, scale_scores, score_judgement, score_question

__all__ = [
    "KIND",
    "Module",
    "Play",
    "briefs_html",
    "briefs_markdown",
    "evaluation",
    "export_csv",
    "find_modules",
    "graph_problems",
    "is_module_document",
    "is_module_file",
    "load_module",
    "loads_module",
    "modules_dir",
    "objectives_met",
    "plot_profile",
    "prepost",
    "replay",
    "satisfaction",
    "scale_scores",
    "score_judgement",
    "score_question",
    "validate",
    "validate_text",
]

#: Public names whose modules load on first use (name -> module of ``toolkit.training``).
_LAZY = {
    "evaluation": "stats",
    "export_csv": "stats",
    "objectives_met": "stats",
    "prepost": "stats",
    "satisfaction": "stats",
    "plot_profile": "plots",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
