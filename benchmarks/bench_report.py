"""Report benchmark: time to produce the barometer report (HTML + Word) from the store.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_report.py                 # demo data, then 100,000 responses
    .venv/bin/python benchmarks/bench_report.py --rows 20000    # quicker
    .venv/bin/python benchmarks/bench_report.py --rows 0 --kinds activite,qualitatif

What is measured, on an SQLite file: the demo data of ``make run`` (3 waves of 400
barometer responses), then ``--rows`` responses (three waves of realistic answers from
``toolkit.demo.barometre_rows``, written with ``Store.submit_many``, not timed). For each:
``build`` (``Store.frame`` of the two waves in scope, raking of each wave, every estimate
with calibration-aware standard errors, comparisons, index, charts) and ``write`` (the
self-contained HTML and the ``.docx``), best of ``--repeat`` runs, as
``toolkit report barometre`` does them. ``--kinds`` times other kinds on the demo data too
(the demo of ``toolkit demo``: six months of follow-up records and the qualitative project).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from toolkit.demo import fill_demo  # noqa: E402
from toolkit.demo.barometre import barometre_rows  # noqa: E402
from toolkit.demo.followup import FOLLOWED, fill_followup_demo  # noqa: E402
from toolkit.demo.qual import fill_qual_demo  # noqa: E402
from toolkit.instruments import load  # noqa: E402
from toolkit.report import get_kind, write  # noqa: E402
from toolkit.store import connect  # noqa: E402


def _fill(url: str, rows: int) -> None:
    store = connect(url)
    if rows <= 1200:
        fill_demo(store, per_wave=400, skip=FOLLOWED)
        fill_followup_demo(store)
        fill_qual_demo(store)
        return
    instrument = load(REPO_ROOT / "surveys" / "barometre_ambiance.yaml")
    store.register(instrument)
    generated = barometre_rows(instrument, np.random.default_rng(2026), per_wave=rows // 3)
    for start in range(0, len(generated), 2000):
        store.submit_many("barometre_ambiance", generated[start : start + 2000])


def _time(
    url: str, repeat: int, folder: Path, name: str = "barometre"
) -> tuple[float, float, float, int]:
    """Best wall-clock build and write times, the CPU time of the best run, the files' size.

    CPU time (``time.process_time``) is given because a shared machine's load stretches
    wall-clock times several-fold.
    """
    store = connect(url)
    kind = get_kind(name)
    builds, writes, cpus = [], [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        document = kind.build(store, lang="fr", threshold=5)
        middle = time.perf_counter()
        paths = write(document, folder, document.stem)
        builds.append(middle - start)
        writes.append(time.perf_counter() - middle)
        cpus.append(time.process_time() - cpu)
    size = sum(p.stat().st_size for p in paths)
    best = builds.index(min(builds))
    return builds[best], writes[best], cpus[best], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-demo", action="store_true", help="only the --rows run")
    parser.add_argument(
        "--kinds", default="barometre", help="report kinds timed on the demo data (comma-separated)"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    )
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        demo = [(f"demo (3 × 400), {k}", 1200, k) for k in args.kinds.split(",") if k.strip()]
        runs = demo * (not args.skip_demo) + [
            (f"{args.rows:,} responses, barometre", args.rows, "barometre")
        ] * (args.rows > 0)
        filled_urls: dict[str, float] = {}
        for label, rows, name in runs:
            url = f"sqlite:///{Path(tmp) / f'bench-{rows}.sqlite'}"
            if url not in filled_urls:
                start = time.perf_counter()
                _fill(url, rows)
                filled_urls[url] = time.perf_counter() - start
            build, written, cpu, size = _time(
                url, args.repeat, Path(tmp) / f"out-{rows}-{name}", name.strip()
            )
            print(
                f"{label}: fill {filled_urls[url]:.1f} s (not counted) | build {build:.2f} s | "
                f"write {written:.2f} s | total {build + written:.2f} s (CPU {cpu:.2f} s) | "
                f"files {size / 1e6:.1f} MB"
            )
    print(f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
