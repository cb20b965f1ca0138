"""Fuzz campaign: the tests of ``tests/reliability`` at a larger scale, then atheris per target.

Usage (from the repository root; runs at ``nice 10`` and stops by itself)::

    .venv/bin/python benchmarks/fuzz_campaign.py                   # scale 30, atheris 10 min/target
    .venv/bin/python benchmarks/fuzz_campaign.py --scale 5 --atheris-seconds 60   # quicker
    .venv/bin/python benchmarks/fuzz_campaign.py --select "import or export" --atheris-seconds 0

1. The hypothesis fuzz tests run with ``TOOLKIT_FUZZ_SCALE`` times their usual number of cases
   (new random cases at every campaign; PostgreSQL variants when ``TOOLKIT_TEST_DATABASE_URL``
   is set, e.g. under ``tests/with_postgres.sh``). Every case is counted per target by
   :mod:`tests.reliability.targets`; a failing test is a *hang* when its case ran past the
   watchdog, a *traceback* otherwise.
2. atheris (coverage-guided, libFuzzer) runs each target of
   ``tests/reliability/atheris_harness.py`` for ``--atheris-seconds`` from the seed files;
   ``crash-*`` inputs are tracebacks, ``timeout-*`` inputs hangs.

The table printed at the end is the one kept in ``benchmarks/README.md`` (section Fiabilité).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "instrument": [
        "tests/store/mini.yaml",
        "tests/interop/data/visite_test.yaml",
        "surveys/barometre_ambiance.yaml",
    ],
    "module": ["training_modules/04_affirmation_de_soi.yaml"],
    "expression": [],
}
EXPRESSION_SEEDS = (
    "round(${d}, -400)",
    "regex(., '^([0-9]+ ?)+$')",
    "if(${n} > 3, concat(${t}, 'a'), substr(${t}, 1, 2))",
    "selected(${m}, 'a') and date(${d}) < today()",
)
#: Test module of each hypothesis target (a failure is charged to the target of its module).
MODULES = {
    "test_loader_fuzz": ("instrument", "training_module"),
    "test_expression_fuzz": ("expression", "answers"),
    "test_import_fuzz": ("import",),
    "test_export_fuzz": ("export",),
}


def _nice() -> list[str]:
    return ["nice", "-n", "10"] if os.name == "posix" else []


def hypothesis_campaign(scale: float, select: str | None, work: Path) -> dict[str, dict[str, int]]:
    counts = work / "counts.json"
    junit = work / "junit.xml"
    env = {
        **os.environ,
        "TOOLKIT_FUZZ_SCALE": str(scale),
        "TOOLKIT_FUZZ_COUNTS": str(counts),
    }
    command = [
        *_nice(),
        sys.executable,
        "-m",
        "pytest",
        "tests/reliability",
        "--ignore=tests/reliability/test_atheris.py",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *(["-k", select] if select else []),
    ]
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)
    cases = json.loads(counts.read_text(encoding="utf-8")) if counts.exists() else {}
    table = {t: {"cases": n, "tracebacks": 0, "hangs": 0} for t, n in cases.items()}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if failure is None:
            continue
        module = case.get("classname", "").rsplit(".", 1)[-1]
        target = MODULES.get(module, ("other",))[0]
        row = table.setdefault(target, {"cases": 0, "tracebacks": 0, "hangs": 0})
        text = (failure.get("message") or "") + (failure.text or "")
        row["hangs" if "Hang" in text else "tracebacks"] += 1
    return table


def atheris_campaign(target: str, seconds: int, work: Path) -> dict[str, int]:
    corpus = work / f"corpus-{target}"
    corpus.mkdir()
    for name in SEEDS[target]:
        (corpus / Path(name).name).write_bytes((REPO_ROOT / name).read_bytes())
    if target == "expression":
        for number, text in enumerate(EXPRESSION_SEEDS):
            (corpus / f"seed{number}").write_text(text, encoding="utf-8")
    artifacts = work / f"artifacts-{target}"
    artifacts.mkdir()
    command = [
        *_nice(),
        sys.executable,
        "-m",
        "tests.reliability.atheris_harness",
        target,
        f"-max_total_time={seconds}",
        "-timeout=60",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={artifacts}/",
        str(corpus),
    ]
    try:
        stderr = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=seconds * 3
        ).stderr
    except subprocess.TimeoutExpired as late:  # starved by a busy machine: count what ran
        stderr = late.stderr.decode() if isinstance(late.stderr, bytes) else (late.stderr or "")
    runs = re.findall(r"Done (\d+) runs|#(\d+)\s", stderr)
    last = max((int(a or b) for a, b in runs), default=0)
    return {
        "cases": last,
        "tracebacks": len(list(artifacts.glob("crash-*"))),
        "hangs": len(list(artifacts.glob("timeout-*"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=30.0)
    parser.add_argument("--atheris-seconds", type=int, default=600)
    parser.add_argument("--skip-hypothesis", action="store_true")
    parser.add_argument("--select", help="pytest -k expression: only these fuzz tests")
    parser.add_argument("--atheris-targets", nargs="*", default=list(SEEDS), choices=list(SEEDS))
    args = parser.parse_args()
    started = time.time()
    rows: list[tuple[str, str, dict[str, int]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_hypothesis:
            table = hypothesis_campaign(args.scale, args.select, work)
            for target, row in sorted(table.items()):
                rows.append(("hypothesis", target, row))
        for target in args.atheris_targets:
            if args.atheris_seconds > 0:
                rows.append(
                    ("atheris", target, atheris_campaign(target, args.atheris_seconds, work))
                )
    print(f"\n{platform.node()} · {os.cpu_count()} cœurs · {time.strftime('%Y-%m-%d')}")
    print(f"durée {time.time() - started:.0f} s · charge {os.getloadavg()[0]:.1f}\n")
    print("| moteur | cible | cas | tracebacks | blocages |")
    print("|---|---|---|---|---|")
    for engine, target, row in rows:
        print(f"| {engine} | {target} | {row['cases']} | {row['tracebacks']} | {row['hangs']} |")


if __name__ == "__main__":
    main()
