"""Follow-up registers benchmark: the demo, ``Register.sync``, one step, the agenda, the indicators.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_followup.py                  # a year of a large structure
    .venv/bin/python benchmarks/bench_followup.py --scale 0.25     # quicker

What is measured, on an SQLite file (the default database):

* ``fill_followup_demo`` (26 weeks of records and their follow-up, played day by day), as
  ``toolkit demo`` and ``make run`` do it;
* then, on top of it, ``--scale`` × 5,000 interventions, 2,000 referrals, 100 walks of 8
  points and 100 meetings (about a year of a structure of 30 mediators), written with
  ``submit_many``;
* ``Register.sync()`` opening their follow-ups (first sync), then an idle ``sync()`` with
  nothing new, the opening of « Suivi » (idle sync, every open item, one team's agenda) and
  a sync after one new record;
* ``Register.apply`` (one step, its own durable transaction): median of 200;
* ``agenda`` of one team; ``indicators`` for the year, overall and ``by="team"``.

One-time costs of a process are timed apart, before what they would otherwise inflate: the
message catalogue (read by the app's first screen) and the import of ``toolkit.analysis``
(scipy, matplotlib; the indicators' small-cell suppression lives there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from toolkit.demo.followup import MEDIATORS, fill_followup_demo  # noqa: E402
from toolkit.demo.synthetic import synthetic_answers  # noqa: E402
from toolkit.followup import Register  # noqa: E402
from toolkit.followup.agenda import Describer, agenda  # noqa: E402
from toolkit.followup.indicators import indicators  # noqa: E402
from toolkit.i18n import t  # noqa: E402
from toolkit.store import connect  # noqa: E402

TODAY = dt.date(2026, 6, 30)
SECTORS = ("centre", "tilleuls", "gare", "plateau", "bords_eau")


def _timed(label: str, work, results: list[tuple[str, float]]):
    start = time.perf_counter()
    value = work()
    results.append((label, time.perf_counter() - start))
    return value


def _rows(store, instrument_id: str, count: int, rng: np.random.Generator, make) -> int:
    instrument = store.instrument(instrument_id)
    rows = []
    for index in range(count):
        day = TODAY - dt.timedelta(days=int(rng.integers(1, 365)))
        team = list(MEDIATORS)[index % len(MEDIATORS)]
        rows.append(
            {
                "answers": synthetic_answers(
                    instrument, rng, overrides=make(day, rng), today=TODAY
                ),
                "response_id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                "collector": MEDIATORS[team][index % 2],
                "team": team,
            }
        )
    for start in range(0, len(rows), 500):
        store.submit_many(instrument_id, rows[start : start + 500])
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        store = connect(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        summary = _timed(
            "fill_followup_demo (26 semaines)",
            lambda: fill_followup_demo(store, today=TODAY),
            results,
        )
        sector = lambda: SECTORS[int(rng.integers(0, len(SECTORS)))]  # noqa: E731
        n = lambda base: max(1, int(base * args.scale))  # noqa: E731
        added = {
            "intervention_mediation": _rows(
                store,
                "intervention_mediation",
                n(5000),
                rng,
                lambda day, r: {
                    "date_intervention": day.isoformat(),
                    "secteur": sector(),
                    "temporalite": "differe",
                    "mode": "M-TRD",
                    "resultat": "R-ACC" if r.random() < 0.4 else "R-REFUS",
                    "nb_parties": 2,
                },
            ),
            "orientation_partenaire": _rows(
                store,
                "orientation_partenaire",
                n(2000),
                rng,
                lambda day, r: {
                    "consentement": True,
                    "date_orientation": day.isoformat(),
                    "secteur": sector(),
                    "suivi_fait": "pas_encore",
                },
            ),
            "diagnostic_marchant": _rows(
                store,
                "diagnostic_marchant",
                n(100),
                rng,
                lambda day, r: {
                    "date_marche": day.isoformat(),
                    "secteur": sector(),
                    "nb_points": 8,
                },
            ),
            "reunion_concertation": _rows(
                store,
                "reunion_concertation",
                n(100),
                rng,
                lambda day, r: {
                    "date_reunion": day.isoformat(),
                    "secteur": sector(),
                    "nb_propositions": 3,
                },
            ),
        }
        register = Register(store)
        created = _timed(
            "sync, premier (ouvre les suivis)",
            lambda: register.sync(now=dt.datetime(2026, 6, 30, 8, tzinfo=dt.UTC)),
            results,
        )
        _timed("sync, rien de nouveau", register.sync, results)
        team = next(iter(MEDIATORS))
        # The message catalogue is read once per process (the app's first screen does it).
        _timed(
            "lecture du catalogue de messages (une fois)", lambda: t("followup.app.title"), results
        )

        def opening():
            # What « Suivi » does when it opens: sync, every open item, one team's agenda.
            register.sync()
            shown = [i for i in register.items(open_only=True) if i.team == team]
            return agenda(shown, Describer(store), today=TODAY)

        _timed(f"ouvrir « Suivi » (sync + agenda, {team})", opening, results)
        _rows(
            store,
            "intervention_mediation",
            1,
            rng,
            lambda day, r: {
                "date_intervention": day.isoformat(),
                "secteur": sector(),
                "temporalite": "differe",
                "mode": "M-TRD",
                "resultat": "R-ACC",
                "nb_parties": 2,
            },
        )
        _timed("sync, un relevé nouveau", register.sync, results)
        items = register.items(kind="agreement", open_only=True)[:200]
        steps = []
        for item in items:
            start = time.perf_counter()
            register.apply(
                item.item_id,
                "kept",
                by="bench",
                expected_version=item.version,
                date=item.due_date if item.due_date <= TODAY else TODAY,
            )
            steps.append(time.perf_counter() - start)
        _timed(
            f"agenda d'une équipe ({team})",
            lambda: agenda(
                register.items(team=team, open_only=True), Describer(store), today=TODAY
            ),
            results,
        )
        _timed(
            "import de toolkit.analysis (une fois)",
            lambda: importlib.import_module("toolkit.analysis"),
            results,
        )
        _timed(
            "indicators, l'année",
            lambda: indicators(store, start="2025-07-01", end="2026-06-30"),
            results,
        )
        _timed(
            "indicators, l'année par équipe",
            lambda: indicators(store, start="2025-07-01", end="2026-06-30", by="team"),
            results,
        )
        total_items = len(register.items())
        store.close()
    print(
        f"machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}"
    )
    print(f"date : {dt.date.today().isoformat()}, charge moyenne : {os.getloadavg()[0]:.1f}")
    print(f"démo : {summary}")
    print(
        f"ajouté : {added} ; suivis en tout : {total_items} (ouverts au premier sync : {len(created.created)})"
    )
    for label, seconds in results:
        print(f"{label:45s} {seconds:8.2f} s")
    print(
        f"{'apply, une étape (médiane de ' + str(len(steps)) + ')':45s} {statistics.median(steps) * 1000:8.1f} ms"
    )


if __name__ == "__main__":
    main()
