"""Qualitative analysis: corpus, codebook, coding by several coders, agreement, findings.

- :class:`QualProject`: the corpus (open answers of the store, imported transcripts),
  codebook versions, coders, codings, memos, reliability samples;
- :func:`load_codebook` and friends: codebook YAML files with coded errors (``Q0xx``);
- :func:`cohen_kappa`, :func:`fleiss_kappa`, :func:`krippendorff_alpha`,
  :func:`percent_agreement`, and the report :func:`agreement` / :func:`disagreements`;
- :func:`coding_matrix`, :func:`code_frequencies`, :func:`join_closed_answers`,
  :func:`cooccurrence`, :func:`plot_cooccurrence`, :func:`quotes`, :func:`findings`;
- :func:`suggest`: suggested codes (French stems), never applied on their own;
- :func:`export_codebook`, :func:`export_project`, :func:`import_refi`: REFI-QDA.

No widgets here: the coding app (:mod:`toolkit.apps.coding`) wires these functions.
"""

from toolkit.qual.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement
from toolkit.qual.analysis import (
    code_frequencies,
    coding_matrix,
    cooccurrence,
    join_closed_answers,
    plot_cooccurrence,
    quotes,
)
from toolkit.qual.codebook import Code, Codebook
from toolkit.qual.errors import QualError
from toolkit.qual.findings import findings
from toolkit.qual.loader import is_codebook_file, load_codebook, loads_codebook, validate_codebook
from toolkit.qual.project import QualProject
from toolkit.qual.refi import export_codebook, export_project
from toolkit.qual.refi_import import import_refi
from toolkit.qual.reliability import agreement, disagreements
from toolkit.qual.suggest import suggest, suggestion_accuracy

__all__ = [
    "Code",
    "Codebook",
    "QualError",
    "QualProject",
    "agreement",
    "code_frequencies",
    "coding_matrix",
    "cohen_kappa",
    "cooccurrence",
    "disagreements",
    "export_codebook",
    "export_project",
    "findings",
    "fleiss_kappa",
    "import_refi",
    "is_codebook_file",
    "join_closed_answers",
    "krippendorff_alpha",
    "load_codebook",
    "loads_codebook",
    "percent_agreement",
    "plot_cooccurrence",
    "quotes",
    "suggest",
    "suggestion_accuracy",
    "validate_codebook",
]
