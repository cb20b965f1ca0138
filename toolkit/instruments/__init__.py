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
from toolkit.instruments.loader import from_mapping, load, loads
from toolkit.instruments.model import (
    ANSWER_TYPES,
    CONTAINER_TYPES,
    QUESTION_TYPES,
    AnalysisMeta,
    Choice,
    ChoiceList,
    Instrument,
    Question,
    Quotas,
)
from toolkit.instruments.scope import AnswerScope
from toolkit.instruments.writer import content_hash, dump, dumps, instrument_to_dict

__all__ = [
    "ANSWER_TYPES",
    "CONTAINER_TYPES",
    "QUESTION_TYPES",
    "AnalysisMeta",
    "AnswerScope",
    "Choice",
    "ChoiceList",
    "Instrument",
    "Question",
    "Quotas",
    "ValidationResult",
    "builtin_instruments",
    "catalogue_paths",
    "content_hash",
    "dump",
    "dumps",
    "from_mapping",
    "instrument_to_dict",
    "load",
    "loads",
    "surveys_dir",
    "validate_answers",
]
