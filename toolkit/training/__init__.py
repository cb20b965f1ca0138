"""Training modules, exercise engine, live workshops and pre/post evaluation.

Public names: :func:`load_module`, :func:`validate` (also used by ``toolkit validate`` on
files recognised by :func:`is_module_file`: top-level ``kind: training_module``) and
:func:`prepost`.
"""

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
from toolkit.training.plots import plot_profile
from toolkit.training.scoring import Play, replay, scale_scores, score_judgement, score_question
from toolkit.training.stats import evaluation, export_csv, objectives_met, prepost, satisfaction

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
