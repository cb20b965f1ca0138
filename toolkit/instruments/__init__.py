"""Survey instruments: the model, YAML loading and writing, skip logic and answer checks.

Examples
--------
>>> from toolkit.instruments import load
>>> baro = load("surveys/barometre_ambiance.yaml")
>>> baro.id
'barometre_ambiance'
"""

from toolkit.instruments.answers import ValidationResult, validate_answers
from toolkit.instruments.catalogue import builtin_instruments, catalogue_paths, surveys_dir
from toolkit.instruments.checks import instrument_warnings
from toolkit.instruments.loader import load, loads
from toolkit.instruments.model import (
    ANSWER_TYPES,
    CONTAINER_TYPES,
    LEGAL_BASES,
    QUESTION_TYPES,
    AnalysisMeta,
    Choice,
    ChoiceList,
    Instrument,
    PrivacyMeta,
    Question,
    Quotas,
)
from toolkit.instruments.scope import AnswerScope
from toolkit.instruments.writer import dump, dumps

__all__ = [
    "ANSWER_TYPES",
    "CONTAINER_TYPES",
    "LEGAL_BASES",
    "QUESTION_TYPES",
    "AnalysisMeta",
    "AnswerScope",
    "Choice",
    "ChoiceList",
    "Instrument",
    "PrivacyMeta",
    "Question",
    "Quotas",
    "ValidationResult",
    "builtin_instruments",
    "catalogue_paths",
    "dump",
    "dumps",
    "instrument_warnings",
    "load",
    "loads",
    "surveys_dir",
    "validate_answers",
]
