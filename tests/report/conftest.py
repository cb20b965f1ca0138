"""Fixtures of the report tests: a demo store (three barometer waves) and a finished workshop."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.demo import fill_demo
from toolkit.store import Store, connect
from toolkit.training.sessions import LiveSessions

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE = REPO_ROOT / "training_modules" / "03_gestion_conflits.yaml"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Demo data: 120 barometer responses per wave (e-mail addresses included, as ``pii``)."""
    path = tmp_path_factory.mktemp("report") / "toolkit.sqlite"
    store = connect(f"sqlite:///{path}")
    fill_demo(store, per_wave=120, others=5)
    yield store
    store.close()


@pytest.fixture(scope="session")
def workshop(demo_store: Store) -> str:
    """A workshop of eight participants: pre-test, post-test (better) and satisfaction."""
    rng = random.Random(11)
    live = LiveSessions(demo_store.engine, rng=rng)
    code = live.open_session(MODULE)
    module = live.info(code).module
    people = [live.join(code, f"Participant {i}") for i in range(8)]
    for phase, chance in (("pre", 0.45), ("post", 0.85)):
        run = live.launch(code, "assessment", phase=phase)
        for person in people:
            for question in module.assessment.questions:
                right = [o.id for o in question.options if o.correct]
                wrong = [o.id for o in question.options if not o.correct]
                pick = right if rng.random() < chance or not wrong else [rng.choice(wrong)]
                live.answer(code, person, run.id, question.id, pick)
    run = live.launch(code, "satisfaction")
    for person in people:
        for item in ("useful", "clear", "pace", "practice", "recommend"):
            live.answer(code, person, run.id, item, rng.choice([3, 4, 4, 5, 5]))
    return code
