"""Report benchmark: time to produce the barometer report (HTML + Word) from the store.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_report.py                 # demo data, then 100,000 responses
    .venv/bin/python benchmarks/bench_report.py --rows 20000    # quicker
    .venv/bin/python benchmarks/bench_report.py --rows 100000 --repeat 1 --skip-demo
    .venv/bin/python benchmarks/bench_report.py --rows 0 --kinds activite,qualitatif

What is measured, on an SQLite file: the demo data of ``make run`` (3 waves of 400
barometer responses), then ``--rows`` responses (three waves of realistic answers from
``toolkit.demo.barometre_rows``, the demo's own generator, drawn in chunks and written with
``Store.submit_many``, i.e. validated by the store and written in one transaction per batch
of ``--batch`` responses). The fill runs in a child process and is timed apart (generation,
then validation + writing). For each data set: ``build`` (``Store.frame`` of the two waves in
scope, raking of each wave, every estimate with calibration-aware standard errors,
comparisons, index, charts), then the self-contained HTML and the ``.docx``, each timed, best
of ``--repeat`` runs, as ``toolkit report barometre`` does them; and the peak resident memory
of the process that built the report (the fill's memory is the child's). ``--kinds`` times
other kinds on the demo data too (the demo of ``toolkit demo``: six months of follow-up
records and the qualitative project).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
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
from toolkit.store import KEY_ENV_VAR, connect, create_key  # noqa: E402

#: Responses drawn per wave and per call of the generator (keeps the fill's memory flat).
CHUNK_PER_WAVE = 1_000
DEMO_ROWS = 1_200


def _fill(url: str, rows: int, batch: int) -> tuple[float, float]:
    """Fill the database; return (seconds generating answers, seconds in ``submit_many``)."""
    store = connect(url)
    start = time.perf_counter()
    if rows <= DEMO_ROWS:
        fill_demo(store, per_wave=400, skip=FOLLOWED)
        fill_followup_demo(store)
        fill_qual_demo(store)
        return 0.0, time.perf_counter() - start
    instrument = load(REPO_ROOT / "surveys" / "barometre_ambiance.yaml")
    store.register(instrument)
    rng = np.random.default_rng(2026)
    generating = writing = 0.0
    pending: list[dict] = []
    left = rows // 3
    while left > 0 or pending:
        if left > 0 and len(pending) < batch:
            start = time.perf_counter()
            per_wave = min(CHUNK_PER_WAVE, left)
            pending.extend(barometre_rows(instrument, rng, per_wave=per_wave))
            left -= per_wave
            generating += time.perf_counter() - start
            continue
        start = time.perf_counter()
        store.submit_many("barometre_ambiance", pending[:batch])
        del pending[:batch]
        writing += time.perf_counter() - start
    store.close()
    return generating, writing


def _fill_apart(url: str, rows: int, batch: int) -> tuple[float, float]:
    """:func:`_fill` in a fresh child process, so that its memory is not counted below."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_fill, (url, rows, batch))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(url: str, repeat: int, folder: Path, name: str) -> dict[str, float]:
    """Best wall-clock times (build, HTML, Word) and CPU time of the best run, files' size.

    CPU time (``time.process_time``) is given because a shared machine's load stretches
    wall-clock times several-fold.
    """
    store = connect(url)
    kind = get_kind(name)
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        document = kind.build(store, lang="fr", threshold=5)
        built = time.perf_counter()
        (html,) = write(document, folder, document.stem, formats=("html",))
        written = time.perf_counter()
        (docx,) = write(document, folder, document.stem, formats=("docx",))
        end = time.perf_counter()
        runs.append(
            {
                "build": built - start,
                "html": written - built,
                "docx": end - written,
                "total": end - start,
                "cpu": time.process_time() - cpu,
                "mb": (html.stat().st_size + docx.stat().st_size) / 1e6,
            }
        )
    store.close()
    return min(runs, key=lambda run: run["total"])


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=3_000, help="responses per transaction")
    parser.add_argument("--skip-demo", action="store_true", help="only the --rows run")
    parser.add_argument(
        "--kinds", default="barometre", help="report kinds timed on the demo data (comma-separated)"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(f"load average at start: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[KEY_ENV_VAR] = str(create_key(Path(tmp) / "pii.key")[0])
        demo = [(f"demo (3 × 400), {k}", DEMO_ROWS, k) for k in args.kinds.split(",") if k.strip()]
        runs = demo * (not args.skip_demo) + [
            (f"{args.rows:,} responses, barometre", args.rows, "barometre")
        ] * (args.rows > 0)
        filled: dict[str, tuple[float, float]] = {}
        for label, rows, name in runs:
            url = f"sqlite:///{Path(tmp) / f'bench-{rows}.sqlite'}"
            if url not in filled:
                filled[url] = _fill_apart(url, rows, args.batch)
                generating, writing = filled[url]
                split = (
                    f" (generate {generating:.1f} s, submit_many {writing:.1f} s)"
                    if rows > DEMO_ROWS
                    else " (the demo's own generators and writes)"
                )
                print(f"{label}: fill {generating + writing:.1f} s{split}, load {_load()}")
            run = _time(url, args.repeat, Path(tmp) / f"out-{rows}-{name}", name.strip())
            print(
                f"{label}: build {run['build']:.2f} s | HTML {run['html']:.2f} s | "
                f"Word {run['docx']:.2f} s | total {run['total']:.2f} s (CPU {run['cpu']:.2f} s) | "
                f"files {run['mb']:.1f} MB | peak RSS so far {_peak_mb():.0f} MB | load {_load()}"
            )
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
