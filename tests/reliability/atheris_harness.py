"""Coverage-guided fuzzing with atheris (libFuzzer) of the three readers of user text.

Run from the repository root::

    python -m tests.reliability.atheris_harness instrument -runs=5000 -timeout=60 CORPUS_DIR
    python -m tests.reliability.atheris_harness expression -max_total_time=600
    python -m tests.reliability.atheris_harness module -runs=2000 CORPUS_DIR
    python -m tests.reliability.atheris_harness all -runs=200 CORPUS_DIR   (what the suite runs)

The same oracles as the hypothesis tests (:mod:`tests.reliability.targets`) decide what is a
failure; libFuzzer keeps each input that reaches new code (``toolkit``, ``ruamel.yaml`` and
``lark`` are instrumented), stops at the first failure and writes the input that caused it
(``crash-…`` or ``timeout-…``) where ``-artifact_prefix`` says. Exit status 0: no failure.
"""

from __future__ import annotations

import os
import sys

import atheris

# libFuzzer measures hangs itself (-timeout) with SIGALRM: the oracles' watchdog stands aside.
os.environ["TOOLKIT_FUZZ_HANG_SECONDS"] = "0"

with atheris.instrument_imports(include=["toolkit", "ruamel", "lark"]):
    from tests.reliability import targets
    from toolkit.instruments.expr import MappingContext

_CONTEXTS = [
    MappingContext({"d": value, "n": value, "t": value}, current=value)
    for value in targets.HOSTILE_VALUES[::3]
]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def instrument(data: bytes) -> None:
    targets.load_instrument(_text(data))


def module(data: bytes) -> None:
    targets.validate_module(_text(data))


def expression(data: bytes) -> None:
    targets.evaluate_expression(_text(data)[:600], _CONTEXTS)


def everything(data: bytes) -> None:
    """The first byte picks the target: one process, one start-up, every reader."""
    if data:
        (instrument, module, expression)[data[0] % 3](data[1:])


TARGETS = {
    "instrument": instrument,
    "module": module,
    "expression": expression,
    "all": everything,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python -m tests.reliability.atheris_harness {'|'.join(TARGETS)} ...")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
