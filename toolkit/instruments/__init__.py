r"""Survey instruments: the model, YAML loading and writing, skip logic and answer checks.

Examples
--------
>>> from toolkit.instruments import load
>>> baro = load("surveys/barometre_ambiance.yaml")
>>> baro.id
'barometre_ambiance'

Every catalogue instrument, from the ``surveys/`` folder:

>>> surveys_dir().name, catalogue_paths()[0].name
('surveys', 'barometre_ambiance.yaml')
>>> "barometre_ambiance" in builtin_instruments()
True

From text or a mapping, answers checked, and back to YAML:

>>> mini = loads(
...     "id: mini\nversion: '1'\ntitle: Mini\nquestions:\n"
...     "  - {name: age, type: integer, label: Âge, constraint: . >= 16}\n",
...     source="mini.yaml",
... )
>>> result = validate_answers(mini, {"age": "12"})
>>> result.ok, [p.code for p in result.problems]
(False, ['A007'])
>>> validate_answers(mini, {"age": "40"}).answers
{'age': 40}
>>> from_mapping(instrument_to_dict(mini)) == mini
True
>>> dumps(mini).splitlines()[0]
'id: mini'
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     dump(mini, pathlib.Path(folder) / "mini.yaml")
...     load(pathlib.Path(folder) / "mini.yaml") == mini
True
"""

from toolkit.instruments.answers import ValidationResult, validate_answers
from toolkit.instruments.catalogue import builtin_instruments, catalogue_paths, surveys_dir
from toolkit.instruments.checks import instrument_warnings
from toolkit.instruments.loader import from_mapping, load, loads
from toolkit.instruments.model import (
    ANSWER_TYPES,
    CONTAINER_TYPES,
    LEGAL_BASES,
    QUESTION_KEYS,
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
from toolkit.instruments.writer import content_hash, dump, dumps, instrument_to_dict

__all__ = [
    "ANSWER_TYPES",
    "CONTAINER_TYPES",
    "LEGAL_BASES",
    "QUESTION_KEYS",
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
    "content_hash",
    "dump",
    "dumps",
    "from_mapping",
    "instrument_to_dict",
    "instrument_warnings",
    "load",
    "loads",
    "surveys_dir",
    "validate_answers",
]
