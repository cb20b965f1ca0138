"""Store benchmark: submit throughput, and ``Store.frame()`` against the ``pandas.read_sql`` floor.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_store.py                    # SQLite (+ PostgreSQL if
                                                                  # TOOLKIT_TEST_DATABASE_URL is set)
    .venv/bin/python benchmarks/bench_store.py --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_store.py --rows 20000 --submits 500   # quicker

What is measured, on each database:

* submit throughput (responses per second, each one validated and committed in its own
  durable transaction): one writer; several threads sharing one ``Store``; several processes
  each with its own ``Store``; and ``submit_many`` batches of 100;
* ``Store.frame("barometre_ambiance")`` for ``--rows`` (100,000) submitted barometer responses,
  against ``pandas.read_sql("SELECT * FROM flat")`` on a flat table holding the same values
  (one SQL column per frame column, written with ``DataFrame.to_sql`` from that very frame),
  best of ``--repeat`` runs each, in the same process. Target: ratio ≤ 2.

The 100,000 responses are random but valid (generated per question type, then cleaned by
``validate_answers``) and bulk-inserted into ``responses`` with one ``executemany``: the
submit path is measured separately above.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, insert, text

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from toolkit.instruments import Instrument, load, validate_answers  # noqa: E402
from toolkit.store import KEY_ENV_VAR, Store, connect, create_key  # noqa: E402
from toolkit.store.engine import resolve_url  # noqa: E402
from toolkit.store.frame import gc_paused  # noqa: E402
from toolkit.store.schema import responses  # noqa: E402

BAROMETRE = REPO_ROOT / "surveys" / "barometre_ambiance.yaml"
WAVES = ("2025-T4", "2026-T1", "2026-T2", "2026-T3")
TEAMS = ("nord", "sud", "est", "ouest")


# ---------------------------------------------------------------------- synthetic answers


def _raw_value(question, instrument: Instrument, rng: np.random.Generator, i: int) -> object:
    kind = question.type
    choices = instrument.choices_of(question.name) if question.choices else None
    if kind in ("single_choice", "likert"):
        values = choices.values()
        weights = np.array([0.2 if c.missing else 1.0 for c in choices.choices])
        return values[rng.choice(len(values), p=weights / weights.sum())]
    if kind == "multiple_choice":
        values = choices.values()
        k = int(rng.integers(1, min(3, len(values)) + 1))
        return [values[j] for j in sorted(rng.choice(len(values), size=k, replace=False))]
    if kind == "integer":
        low = int(question.minimum) if question.minimum is not None else 0
        high = int(question.maximum) if question.maximum is not None else low + 8
        return int(rng.integers(low, high + 1))
    if kind == "decimal":
        return round(float(rng.uniform(question.minimum or 0, question.maximum or 100)), 2)
    if kind in ("text", "long_text"):
        return f"habitant{i}@exemple.fr" if "mail" in question.name else f"réponse libre {i}"
    if kind == "date":
        return (date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 300)))).isoformat()
    if kind == "time":
        return f"{int(rng.integers(8, 20)):02d}:{int(rng.integers(0, 60)):02d}"
    if kind == "datetime":
        return (
            datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=int(rng.integers(0, 400_000)))
        ).isoformat()
    if kind == "geopoint":
        return {
            "latitude": 48.8 + float(rng.normal(0, 0.01)),
            "longitude": 2.35 + float(rng.normal(0, 0.01)),
        }
    if kind == "consent":
        return True
    return None  # calculations are filled by validate_answers


def synthetic_answers(instrument: Instrument, rng: np.random.Generator, n: int) -> list[dict]:
    """``n`` valid, cleaned answer sets.

    A field whose random value breaks a rule is drawn again (a few times), then dropped.
    """
    fields = {q.name: q for q in instrument.fields() if instrument.repeat_of(q.name) is None}
    out = []
    for i in range(n):
        raw = {
            k: v for k, q in fields.items() if (v := _raw_value(q, instrument, rng, i)) is not None
        }
        result = validate_answers(instrument, raw)
        for attempt in range(10):
            if result.ok:
                break
            for name in {p.field for p in result.problems if p.field in fields}:
                value = _raw_value(fields[name], instrument, rng, i) if attempt < 8 else None
                raw[name] = value
                if value is None:
                    del raw[name]
            result = validate_answers(instrument, raw)
        if result.ok:
            out.append(dict(result.answers))
    return out


# ---------------------------------------------------------------------- databases


class Database:
    """A fresh SQLite file or a fresh PostgreSQL database, removed on close."""

    def __init__(self, kind: str, workdir: Path, pg_url: str | None) -> None:
        self.kind = kind
        self._admin = None
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / f'bench_{uuid.uuid4().hex[:8]}.sqlite'}"
        else:
            base = resolve_url(pg_url)
            self._name = f"toolkit_bench_{uuid.uuid4().hex[:12]}"
            self._admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self._name}"'))
            self.url = base.set(database=self._name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            self._admin.dispose()


# ---------------------------------------------------------------------- submit throughput


def _submit_all(store: Store, pool: list[dict], offset: int, count: int) -> None:
    for k in range(count):
        store.submit("barometre_ambiance", pool[(offset + k) % len(pool)], wave=WAVES[0])


def _process_worker(url: str, pool: list[dict], offset: int, count: int) -> float:
    store = connect(url)
    start = time.perf_counter()
    _submit_all(store, pool, offset, count)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def submit_throughput(
    url: str, instrument: Instrument, pool: list[dict], n: int, workers: int
) -> dict:
    store = connect(url)
    store.register(instrument)
    results = {}

    start = time.perf_counter()
    _submit_all(store, pool, 0, n)
    results["one writer"] = n / (time.perf_counter() - start)

    per = n // workers
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as executor:
        list(executor.map(lambda w: _submit_all(store, pool, w * per, per), range(workers)))
    results[f"{workers} threads, one Store"] = per * workers / (time.perf_counter() - start)

    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as executor:
        futures = [
            executor.submit(_process_worker, url, pool, w * per, per) for w in range(workers)
        ]
        for future in futures:
            future.result()
    results[f"{workers} processes"] = per * workers / (time.perf_counter() - start)

    batch = 100
    start = time.perf_counter()
    for b in range(n // batch):
        rows = [{"answers": pool[(b * batch + k) % len(pool)]} for k in range(batch)]
        store.submit_many("barometre_ambiance", rows)
    results[f"submit_many, batches of {batch}"] = (
        (n // batch) * batch / (time.perf_counter() - start)
    )
    store.close()
    return results


# ---------------------------------------------------------------------- frame vs read_sql


def bulk_load(
    store: Store, content_hash: str, answers: list[dict], rng: np.random.Generator
) -> None:
    start = datetime(2025, 10, 1, tzinfo=UTC)
    rows = []
    for i, a in enumerate(answers):
        submitted = start + timedelta(seconds=i * 90 + int(rng.integers(0, 60)))
        rows.append(
            {
                "response_id": str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i, version=4)),
                "instrument_id": "barometre_ambiance",
                "content_hash": content_hash,
                "status": "submitted",
                "collector": f"agent-{int(rng.integers(1, 21)):02d}",
                "team": TEAMS[int(rng.integers(0, len(TEAMS)))],
                "sector": a.get("secteur"),
                "wave": WAVES[min(i * len(WAVES) // len(answers), len(WAVES) - 1)],
                "started_at": submitted - timedelta(minutes=8),
                "submitted_at": submitted,
                "updated_at": submitted,
                "answers": json.dumps(a, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                "source": "benchmark",
            }
        )
    with store.engine.begin() as connection:
        for k in range(0, len(rows), 10_000):
            connection.execute(insert(responses), rows[k : k + 10_000])


def flat_copy(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's values in plain SQL-storable columns (codes as text, booleans, numbers)."""
    flat = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            flat[name] = (
                column.astype(object)
                .where(column.notna(), None)
                .map(lambda v: None if v is None else str(v))
            )
        elif str(column.dtype) in ("boolean", "Int64"):
            flat[name] = column.astype(object).where(column.notna(), None)
        else:
            flat[name] = column
    return pd.DataFrame(flat)


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def frame_vs_floor(url: str, instrument: Instrument, answers: list[dict], repeat: int, rng) -> dict:
    store = connect(url)
    content_hash = store.register(instrument)
    t0 = time.perf_counter()
    bulk_load(store, content_hash, answers, rng)
    load_s = time.perf_counter() - t0
    frame = store.frame("barometre_ambiance")
    flat_copy(frame).to_sql("flat", store.engine, index=False, chunksize=5_000, if_exists="replace")

    def floor() -> pd.DataFrame:
        with store.engine.connect() as connection:
            return pd.read_sql(text("SELECT * FROM flat"), connection)

    def floor_gc_paused() -> pd.DataFrame:
        with gc_paused():
            return floor()

    # Interleave the measurements so that caches and CPU frequency treat them alike.
    frame_s = floor_s = floor_nogc_s = float("inf")
    for _ in range(repeat):
        frame_s = min(frame_s, best_of(1, lambda: store.frame("barometre_ambiance"))[0])
        floor_s = min(floor_s, best_of(1, floor)[0])
        floor_nogc_s = min(floor_nogc_s, best_of(1, floor_gc_paused)[0])
    store.close()
    return {
        "rows": len(frame),
        "columns": frame.shape[1],
        "bulk load s": load_s,
        "frame s": frame_s,
        "read_sql floor s": floor_s,
        "ratio": frame_s / floor_s,
        "read_sql floor, gc paused s": floor_nogc_s,
        "ratio to gc-paused floor": frame_s / floor_nogc_s,
    }


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="responses for frame()")
    parser.add_argument("--submits", type=int, default=2_000, help="responses per submit test")
    parser.add_argument("--workers", type=int, default=4, help="threads / processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of frame() and read_sql")
    parser.add_argument(
        "--pg", default=os.environ.get("TOOLKIT_TEST_DATABASE_URL"), help="PostgreSQL URL"
    )
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--only", choices=("submit", "frame"), help="run one part only")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    instrument = load(BAROMETRE)
    start = time.perf_counter()
    answers = synthetic_answers(instrument, rng, args.rows)
    print(
        f"generated {len(answers)} valid barometer responses in {time.perf_counter() - start:.1f} s"
    )
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"{os.cpu_count()} cpus, {platform.platform()}"
    )

    kinds = ["sqlite"] + (["postgresql"] if args.pg else [])
    with tempfile.TemporaryDirectory(prefix="bench_store_") as tmp:
        # Barometer answers may carry an e-mail (pii): encrypted with a throwaway key.
        os.environ.setdefault(KEY_ENV_VAR, str(create_key(Path(tmp) / "pii.key")[0]))
        for kind in kinds:
            print(f"\n== {kind}")
            parts = (
                (
                    "submit",
                    lambda url: submit_throughput(
                        url, instrument, answers[:5000], args.submits, args.workers
                    ),
                ),
                ("frame", lambda url: frame_vs_floor(url, instrument, answers, args.repeat, rng)),
            )
            for label, work in parts:
                if args.only not in (None, label):
                    continue
                database = Database(kind, Path(tmp), args.pg)
                try:
                    result = work(database.url)
                finally:
                    database.close()
                for key, value in result.items():
                    shown = (
                        f"{value:,.0f} responses/s"
                        if label == "submit"
                        else (f"{value:.3f}" if isinstance(value, float) else f"{value:,}")
                    )
                    print(f"{label:7s}{key:34s}{shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
