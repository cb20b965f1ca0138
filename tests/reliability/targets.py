"""What every fuzz target checks, shared by the hypothesis tests and the atheris harness.

A target takes one input (a file's text, an expression, an import file...) and returns
normally when the toolkit answered as it must: with a result, or with its coded error whose
every problem has a code of the catalogue and renders in French and in English. Anything
else (another exception, an ``EvaluationError`` that only wraps a Python failure, a
watchdog alarm) fails the target. Each call is counted per target, so that a campaign can
say how many cases it ran (``TOOLKIT_FUZZ_COUNTS``, see ``benchmarks/fuzz_campaign.py``).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import datetime as dt
import json
import math
import os
import re
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path

from hypothesis import HealthCheck, settings

from toolkit.errors import ConflictError, DataImportError, InstrumentError, Problem, ToolkitError
from toolkit.i18n import catalogue
from toolkit.instruments import Instrument, loads, validate_answers
from toolkit.instruments.expr import (
    EvaluationError,
    ExpressionSyntaxError,
    MappingContext,
    NodeSet,
    evaluate,
    parse,
)
from toolkit.training import validate_text

ROOT = Path(__file__).resolve().parents[2]
#: Seconds one case may take before it counts as a hang (generous: the machine is shared).
HANG_SECONDS = float(os.environ.get("TOOLKIT_FUZZ_HANG_SECONDS", "60"))
_CODE = re.compile(r"^[A-Z]\d{3}$")
COUNTS: collections.Counter[str] = collections.Counter()


class Hang(AssertionError):
    """A case ran past :data:`HANG_SECONDS`."""


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for a fuzz test: ``examples`` cases, times ``TOOLKIT_FUZZ_SCALE``.

    The default run is deterministic (``derandomize``); a campaign (scale above 1) draws
    new cases each time.
    """
    scale = float(os.environ.get("TOOLKIT_FUZZ_SCALE", "1"))
    return settings(
        max_examples=max(1, round(examples * scale)),
        deadline=None,
        derandomize=scale <= 1,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


@contextlib.contextmanager
def watchdog(target: str, seconds: float = HANG_SECONDS, *, count: bool = True) -> Iterator[None]:
    """Count one case of ``target`` and fail it with :class:`Hang` past ``seconds``.

    ``seconds`` at 0 leaves the timing to the caller (libFuzzer keeps SIGALRM for its own);
    ``count=False`` guards a further step of a case already counted.
    """
    COUNTS[target] += count
    if seconds <= 0:
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"{target}: one case ran over {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _write_counts() -> None:
    path = os.environ.get("TOOLKIT_FUZZ_COUNTS")
    if not path or not COUNTS:
        return
    file = Path(path)
    previous = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    for target, count in COUNTS.items():
        previous[target] = previous.get(target, 0) + count
    file.write_text(json.dumps(previous, indent=1, sort_keys=True), encoding="utf-8")


atexit.register(_write_counts)


def check_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Every problem has a catalogue code and a message in both languages."""
    problems = list(problems)
    known = catalogue()
    for problem in problems:
        assert _CODE.match(problem.code), problem.code
        assert problem.code in known, problem.code
        for lang in ("fr", "en"):
            text = problem.format(lang)
            assert text.strip(), problem
            assert "Traceback" not in text
    return problems


def check_coded(error: ToolkitError) -> list[Problem]:
    """A coded error: at least one problem, each well formed."""
    assert error.problems, f"{type(error).__name__} without problems: {error}"
    return check_problems(error.problems)


# ------------------------------------------------------------------ instrument and module files


def load_instrument(text: str) -> Instrument | None:
    """Target ``instrument``: an instrument, or an ``InstrumentError`` with coded problems."""
    with watchdog("instrument"):
        try:
            return loads(text, source="fuzz.yaml")
        except InstrumentError as error:
            check_coded(error)
            return None


def validate_module(text: str) -> None:
    """Target ``training_module``: the problems of a module file, never an exception."""
    with watchdog("training_module"):
        check_problems(validate_text(text, source="fuzz.yaml"))


# ------------------------------------------------------------------ expressions

#: Answers an expression can meet: the largest and smallest of each type, and nothing.
HOSTILE_VALUES: tuple[object, ...] = (
    None,
    "",
    0,
    -0.0,
    1,
    -1,
    2**63 - 1,
    -(2**63) + 1,
    10**401,
    -(10**401),
    1e308,
    -1e308,
    5e-324,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
    "9" * 401,
    "-" + "9" * 401,
    "1e999",
    "0" * 50 + "1",
    "1 2 3",
    "abc",
    "a" * 40,
    "1" * 40 + "x",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "9999-12-31T23:59:59-05:00",
    "23:59",
    dt.date.max,
    dt.date.min,
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ["a", "b"],
    [],
    {"latitude": 91.0, "longitude": 1e308},
    NodeSet((1e308, 1e308, -math.inf, math.inf)),
    NodeSet(()),
)


def evaluate_expression(text: str, contexts: Iterable[MappingContext]) -> None:
    """Target ``expression``: parsed (or refused with a syntax error), then evaluated in every
    context to a value or an ``EvaluationError`` raised on purpose, never one that only
    wraps a Python failure (overflow, division by zero, recursion...)."""
    with watchdog("expression"):
        try:
            tree = parse(text)
        except ExpressionSyntaxError:
            return
        for context in contexts:
            try:
                evaluate(tree, context)
            except EvaluationError as error:
                cause = error.__cause__
                assert not isinstance(cause, ArithmeticError | ValueError | TypeError), (
                    f"{text!r}: {cause!r}"
                )
                assert not isinstance(cause, RecursionError), text


def answer_instrument(instrument: Instrument, answers: dict) -> None:
    """Target ``answers``: an instrument that passed ``toolkit validate`` checks any answers
    with coded problems, and no rule fails for a reason of Python's own."""
    with watchdog("answers"):
        result = validate_answers(instrument, answers)
        for problem in check_problems(result.problems):
            if problem.code == "A019":
                error = str(problem.params.get("error", ""))
                assert not error.startswith("cannot evaluate"), error


# ------------------------------------------------------------------ imports and exports


def import_into(store: object, instrument_id: str, path: Path) -> int:
    """Target ``import``: rows imported, or a coded error: ``DataImportError`` naming the
    rows, ``ConflictError`` when a response id comes back with other answers."""
    from toolkit.interop import import_file

    with watchdog("import"):
        try:
            return import_file(store, instrument_id, path).imported
        except (DataImportError, ConflictError) as error:
            check_coded(error)
            return 0
