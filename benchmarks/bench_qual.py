"""Qualitative analysis: coding-app latency and agreement on 10,000 segments × 3 coders.

Run: ``.venv/bin/python benchmarks/bench_qual.py`` (SQLite file in a temporary folder).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.apps.coding import CodingApp
from toolkit.qual import QualProject, load_codebook
from toolkit.qual.reliability import agreement
from toolkit.store import connect

ROOT = Path(__file__).resolve().parents[1]


def bench_app(folder: Path) -> None:
    project = QualProject(connect(f"sqlite:///{folder / 'app.sqlite'}"))
    project.save_codebook(load_codebook(ROOT / "surveys" / "codebooks" / "besoins_habitants.yaml"))
    text = "\n\n".join(
        f"Segment {i} : le bruit du hall et les démarches en ligne." for i in range(300)
    )
    project.import_text(text, name="corpus.txt")
    app = CodingApp(project.store, coder="Awa")
    times = []
    for step in range(40):
        started = time.perf_counter()
        app.code_buttons["tranquillite"].click()  # stored, then the segment is redrawn
        times.append(time.perf_counter() - started)
        app.move(1 if step % 2 == 0 else 0)
    print(
        f"app: assign a code -> stored and shown: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (300 segments)"
    )


def bench_agreement() -> None:
    rng = np.random.default_rng(1)
    units, codes = 10_000, [f"c{i}" for i in range(9)]
    truth = rng.random((units, len(codes))) < 0.2
    frames = []
    for coder in ("a", "b", "c"):
        seen = truth ^ (rng.random(truth.shape) < 0.08)
        for k, code in enumerate(codes):
            frames.append(
                pd.DataFrame(
                    {
                        "segment_id": np.arange(units),
                        "coder": coder,
                        "code": code,
                        "present": seen[:, k].astype(int),
                    }
                )
            )
    decisions = pd.concat(frames, ignore_index=True)
    for n_boot in (0, 1000):
        started = time.perf_counter()
        agreement(decisions, n_boot=n_boot)
        print(
            f"agreement: 10,000 segments x 3 coders x 9 codes, {n_boot} bootstrap replicates: {time.perf_counter() - started:.2f} s"
        )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        bench_app(Path(folder))
    bench_agreement()
