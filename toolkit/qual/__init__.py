"""Qualitative analysis: corpus, codebook, coding by several coders, agreement, findings.

No widgets here: the coding app (:mod:`toolkit.apps.coding`) wires these functions.
"""

from toolkit.qual.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement
from toolkit.qual.codebook import Code, Codebook
from toolkit.qual.errors import QualError
from toolkit.qual.loader import is_codebook_file, load_codebook, loads_codebook, validate_codebook
from toolkit.qual.project import QualProject

__all__ = [
    "Code",
    "Codebook",
    "QualError",
    "QualProject",
    "cohen_kappa",
    "fleiss_kappa",
    "is_codebook_file",
    "krippendorff_alpha",
    "load_codebook",
    "loads_codebook",
    "percent_agreement",
    "validate_codebook",
]
