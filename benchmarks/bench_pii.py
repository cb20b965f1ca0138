"""Cost of keeping pii answers encrypted apart: per submit, per frame, per token.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_pii.py                  # SQLite, 400 submits, 20,000 rows
    .venv/bin/python benchmarks/bench_pii.py --submits 200 --rows 5000   # quicker

Measured in one process, on an SQLite file in a temporary folder with its own key file:

* one Fernet token (encrypt then decrypt a small dict), best of 5 runs of 2,000;
* ``Store.submit`` of a barometer response, each in its own durable transaction, with its
  ``pii`` answer (an e-mail: encrypted, one more row) and without it, alternated in blocks of
  20 so that both see the same load; median time per submit;
* ``Store.frame("barometre_ambiance")`` over ``--rows`` responses that all carry a ``pii``
  answer, without and with ``include_pii=True`` (every token decrypted), best of 3.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from toolkit.instruments import load  # noqa: E402
from toolkit.store import PiiKey, connect, create_key  # noqa: E402

ANSWERS = {
    "consentement": True,
    "secteur": "gare",
    "quartier_agreable": "3",
    "problemes": ["bruit"],
    "gene_bruit": "4",
    "insecurite_domicile": "1",
    "insecurite_quartier": "2",
    "evolution": "degradee",
    "sexe": "f",
    "tranche_age": "25_39",
    "participer_reunion": "oui",
}
EMAIL = "prenom.nom@example.org"


def _token_us(key: PiiKey) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for n in range(2000):
            key.decrypt(key.encrypt({"contact_email": f"{n}{EMAIL}"}))
        best = min(best, (time.perf_counter() - start) / 2000)
    return best * 1e6


def _submits(store, count: int) -> tuple[float, float]:
    plain, secret = [], []
    with_pii = {**ANSWERS, "contact_email": EMAIL}
    for block in range(count // 20):
        for answers, times in ((ANSWERS, plain), (with_pii, secret))[:: 1 if block % 2 else -1]:
            for _ in range(20):
                start = time.perf_counter()
                store.submit("barometre_ambiance", answers)
                times.append(time.perf_counter() - start)
    return statistics.median(plain) * 1e3, statistics.median(secret) * 1e3


def _frames(store, rows: int) -> tuple[float, float]:
    batch = [{"answers": {**ANSWERS, "contact_email": EMAIL}} for _ in range(500)]
    for _ in range(rows // 500):
        store.submit_many("barometre_ambiance", batch)
    results = []
    for include in (False, True):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            frame = store.frame("barometre_ambiance", include_pii=include)
            best = min(best, time.perf_counter() - start)
        results.append(best)
    if frame["contact_email"].notna().sum() < rows:
        raise SystemExit("include_pii frame lost e-mails")
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=400)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        key_path, _ = create_key(Path(folder) / "pii.key")
        store = connect(f"sqlite:///{folder}/bench.sqlite", key_file=key_path)
        store.register(load(REPO_ROOT / "surveys" / "barometre_ambiance.yaml"))
        token = _token_us(PiiKey(key_path))
        plain, secret = _submits(store, args.submits)
        frame_plain, frame_pii = _frames(store, args.rows)
        store.close()
    load_average = os.getloadavg()[0]
    sys.stdout.write(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {load_average:.1f}\n"
        f"Fernet token (encrypt + decrypt): {token:.1f} µs\n"
        f"submit without pii: {plain:.2f} ms, with pii: {secret:.2f} ms "
        f"(+{secret - plain:.2f} ms, {100 * (secret - plain) / plain:+.0f} %)\n"
        f"frame of {args.rows} rows: {frame_plain:.3f} s, with include_pii: {frame_pii:.3f} s "
        f"(+{frame_pii - frame_plain:.3f} s)\n"
    )


if __name__ == "__main__":
    main()
