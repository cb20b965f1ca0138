"""A short coverage-guided run (atheris, libFuzzer) of each reader of user text.

The suite runs 150 inputs over the three readers in one process (each start instruments the
code for a dozen seconds), enough to show that the harness works and that the seeds and their
first mutations pass; long campaigns run the same harness per target with
``benchmarks/fuzz_campaign.py`` (figures in ``benchmarks/README.md``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Seed files, each prefixed with the byte that sends it to its target (see ``everything``).
SEEDS = (
    (0, "tests/store/mini.yaml"),
    (0, "tests/interop/data/visite_test.yaml"),
    (1, "training_modules/04_affirmation_de_soi.yaml"),
)
EXPRESSIONS = ("round(${d}, -400)", "regex(., '^([0-9]+ ?)+$')", "if(${n} > 3, 'a', 'b')")
RUNS = 150


def run_harness(
    target: str, corpus: Path, *flags: str, timeout: float
) -> subprocess.CompletedProcess:
    """Run the atheris harness on ``target`` with libFuzzer ``flags``, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "tests.reliability.atheris_harness", target, *flags, str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def seed_corpus(directory: Path) -> Path:
    """Seed inputs for the ``all`` target: files and expressions behind their selector byte."""
    directory.mkdir(parents=True, exist_ok=True)
    for number, (selector, name) in enumerate(SEEDS):
        data = bytes([selector]) + (ROOT / name).read_bytes()
        (directory / f"file{number}").write_bytes(data)
    for number, text in enumerate(EXPRESSIONS):
        (directory / f"expression{number}").write_bytes(b"\x02" + text.encode())
    return directory


def test_atheris__short_run_over_every_reader__no_crash_no_hang(tmp_path: Path) -> None:
    done = run_harness(
        "all",
        seed_corpus(tmp_path / "corpus"),
        f"-runs={RUNS}",
        "-seed=1",
        "-timeout=120",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={tmp_path}/",
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"Done \d+ runs", done.stderr), done.stderr[-3000:]
    assert not list(tmp_path.glob("crash-*"))
    assert not list(tmp_path.glob("timeout-*"))
