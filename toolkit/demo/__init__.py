"""Seeded, realistic demo data for the built-in instruments (``toolkit demo``, ``make run``).

Examples
--------
:func:`fill_demo` registers every catalogue instrument and adds seeded responses: the
barometer's three waves of ``per_wave`` interviews, ``others`` responses to each other
instrument. The responses include ``pii`` answers, so the store needs its key:

>>> import tempfile
>>> from pathlib import Path
>>> from toolkit.store import connect
>>> from toolkit.store.keyfile import create_key
>>> from toolkit.demo import ensure_demo, fill_demo
>>> key = create_key(Path(tempfile.mkdtemp()) / "pii.key")[0]
>>> store = connect("sqlite://", key_file=key)
>>> counts = fill_demo(store, seed=1, per_wave=10, others=3)
>>> counts["barometre_ambiance"]
30
>>> {n for name, n in counts.items() if name != "barometre_ambiance"}
{3}
>>> stored = store.instruments().set_index("id")
>>> barometre = stored.loc["barometre_ambiance"]
>>> barometre["title"], int(barometre["n_submitted"])
("Baromètre d'ambiance du quartier", 30)
>>> sorted(stored.index) == sorted(counts)
True

:func:`ensure_demo` fills only a store without responses, so that ``make run`` can run
again on the same database:

>>> ensure_demo(store, per_wave=10, others=3)
{}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np

from toolkit.demo.barometre import WAVES, barometre_rows, census_margins, demo_waves
from toolkit.instruments import builtin_instruments

__all__ = ["DEFAULT_SEED", "WAVES", "census_margins", "demo_waves", "ensure_demo", "fill_demo"]

DEFAULT_SEED = 20261129
#: Responses generated per catalogue instrument other than the barometer.
OTHER_RESPONSES = 40
#: The other instruments' demo responses were submitted over this many past days.
OTHER_DAYS = 30


def fill_demo(
    store,
    *,
    seed: int = DEFAULT_SEED,
    per_wave: int = 400,
    others: int = OTHER_RESPONSES,
    skip: Collection[str] = (),
) -> dict[str, int]:
    """Register every catalogue instrument and add demo responses; return counts per instrument.

    Dates are relative to the moment it runs: the barometer's last wave is in progress (some
    responses today, none in the future), the other instruments' responses spread over the
    last :data:`OTHER_DAYS` days.

    Instruments named in ``skip`` are registered but get no generic responses (their demo
    records come from a dedicated generator, e.g. :mod:`toolkit.demo.followup`).

    The example of :mod:`toolkit.demo` fills an in-memory store with it.
    """
    from toolkit.demo.synthetic import synthetic_responses

    rng = np.random.default_rng(seed)
    now = dt.datetime.now(dt.UTC)
    added: dict[str, int] = {}
    for instrument_id, instrument in builtin_instruments().items():
        store.register(instrument)
        if instrument_id in skip:
            continue
        if instrument_id == "barometre_ambiance":
            rows = barometre_rows(instrument, rng, per_wave=per_wave, now=now)
        else:
            rows = []
            for answers in synthetic_responses(instrument, others, rng):
                ago = dt.timedelta(seconds=float(rng.uniform(0, OTHER_DAYS * 86400)))
                submitted = now - ago
                rows.append(
                    {
                        "answers": answers,
                        "started_at": submitted - dt.timedelta(minutes=10),
                        "submitted_at": submitted,
                    }
                )
        store.submit_many(instrument_id, rows)
        added[instrument_id] = len(rows)
    return added


def ensure_demo(
    store,
    *,
    seed: int = DEFAULT_SEED,
    per_wave: int = 400,
    others: int = OTHER_RESPONSES,
    skip: Collection[str] = (),
) -> dict[str, int]:
    """Fill the demo data only if the store holds no response yet; return what was added."""
    existing = store.instruments()
    if len(existing) and int(existing["n_submitted"].sum()) > 0:
        for instrument in builtin_instruments().values():
            store.register(instrument)
        return {}
    return fill_demo(store, seed=seed, per_wave=per_wave, others=others, skip=skip)
