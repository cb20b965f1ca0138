"""Barometer pass on 1,000,000 synthetic responses, against the bincount floor (and R).

    .venv/bin/python benchmarks/bench_analysis.py [--rows 1000000] [--items 30] [--repeats 9] [--r]

Data: 30 Likert items (4 points, 5 % non-substantive), 10 sectors (the strata), 1,000 PSUs
(100 per sector), lognormal weights. The pass: for each item, proportions with logit CIs
overall and by sector, and the item × sector Rao–Scott test (``toolkit.analysis.barometer``).
The floor, measured in the same run: one weighted ``np.bincount`` per item over
PSU × sector × category codes (codes precomputed, so the floor is the bincount alone; the
figure with the code computation is printed too). Floor and pass are timed alternately,
``--repeats`` times each, so that both see the same load of a shared machine; the medians
are reported, with the median of the per-repeat ratios and the load average. ``--r`` times
R's ``svyby`` + ``svychisq`` on one item of the same data (written to a temporary CSV).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.analysis import Design, barometer, crosstab, proportions


def generate(rows: int, items: int, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic barometer responses shaped like Store.frame() (Likert as ordered categoricals)."""
    psu = rng.integers(0, 1000, rows)
    sector = psu // 100
    mood = rng.normal(0, 0.4, 1000)[psu] + 0.1 * sector
    columns: dict[str, object] = {
        "secteur": pd.Categorical.from_codes(sector, [f"S{i:02d}" for i in range(10)]),
        "ilot": psu,
        "poids": rng.lognormal(0.0, 0.6, rows),
    }
    for j in range(items):
        value = np.digitize(mood + rng.logistic(0, 0.8, rows), [-1.0, 0.0, 1.0])
        value[rng.random(rows) < 0.05] = -1
        columns[f"q{j:02d}"] = pd.Categorical.from_codes(value, [1, 2, 3, 4], ordered=True)
    return pd.DataFrame(columns)


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--r", action="store_true", help="also time R's survey on one item")
    args = parser.parse_args()
    rng = np.random.default_rng(20240501)
    frame = generate(args.rows, args.items, rng)
    items = [c for c in frame.columns if c.startswith("q")]
    design = Design(weight="poids", strata="secteur", psu="ilot")

    # Floor: one weighted bincount per item over PSU × sector × category codes.
    w = frame["poids"].to_numpy()
    base = (
        frame["ilot"].to_numpy() * 10 + frame["secteur"].cat.codes.to_numpy().astype(np.int64)
    ) * 5
    codes = [base + np.where((c := frame[i].cat.codes.to_numpy()) >= 0, c, 4) for i in items]
    size = 1000 * 10 * 5

    def floor() -> None:
        for c in codes:
            np.bincount(c, weights=w, minlength=size)

    def floor_with_codes() -> None:
        for i in items:
            c = frame[i].cat.codes.to_numpy()
            np.bincount(base + np.where(c >= 0, c, 4), weights=w, minlength=size)

    def run() -> None:
        barometer(frame, items, by="secteur", design=design)

    run()
    floor()
    load_before = os.getloadavg()[0]
    floors, passes, with_codes = [], [], []
    for _ in range(args.repeats):
        floors.append(timed(floor))
        passes.append(timed(run))
        with_codes.append(timed(floor_with_codes))
    load_after = os.getloadavg()[0]
    ratios = [p / f for p, f in zip(passes, floors, strict=True)]
    floor_s, pass_s, codes_s = (float(np.median(x)) for x in (floors, passes, with_codes))

    def separate() -> None:
        for i in items[:3]:
            proportions(frame, i, design=design)
            proportions(frame, i, design=design, by="secteur")
            crosstab(frame, i, "secteur", design=design)

    three = timed(separate)
    print(f"rows={args.rows} items={len(items)} sectors=10 psus=1000 repeats={args.repeats}")
    print(f"load average (1 min) before / after: {load_before:.2f} / {load_after:.2f}")
    print(f"floor (weighted bincount per item, codes ready): median {floor_s:.3f} s")
    print(f"floor including the code computation:            median {codes_s:.3f} s")
    print(f"barometer pass (proportions overall + by sector + Rao-Scott): median {pass_s:.3f} s")
    print(
        f"ratio pass / floor: median of repeats {np.median(ratios):.2f} "
        f"(range {min(ratios):.2f} - {max(ratios):.2f}); with codes: {pass_s / codes_s:.2f}"
    )
    print(f"separate calls proportions x2 + crosstab, per item: {three / 3:.3f} s")
    if args.r:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "one_item.csv"
            frame[["secteur", "ilot", "poids", items[0]]].astype({items[0]: "float"}).to_csv(
                path, index=False
            )
            script = f"""
suppressPackageStartupMessages(library(survey))
d <- read.csv("{path}")
d$q00 <- factor(d$q00)
des <- svydesign(id=~ilot, strata=~secteur, weights=~poids, data=d, nest=TRUE)
t0 <- Sys.time()
invisible(svymean(~q00, des, na.rm=TRUE))
invisible(svyby(~q00, ~secteur, des, svymean, na.rm=TRUE))
invisible(svychisq(~q00+secteur, des))
cat(as.numeric(difftime(Sys.time(), t0, units="secs")), "\\n")
"""
            out = subprocess.run(
                ["Rscript", "-e", script], capture_output=True, text=True, check=True
            )
            seconds = float(out.stdout.split()[-1])
            print(
                f"R survey, one item (svymean + svyby + svychisq): {seconds:.2f} s; x{len(items)} = {seconds * len(items):.0f} s"
            )


if __name__ == "__main__":
    main()
