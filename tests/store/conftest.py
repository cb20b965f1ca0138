"""Fixtures of the store tests: a small instrument with every answer type, registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.instruments import Instrument, load
from toolkit.store import Store

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def mini() -> Instrument:
    return load(HERE / "mini.yaml")


@pytest.fixture
def mini_store(store: Store, mini: Instrument) -> Store:
    store.register(mini)
    return store


@pytest.fixture
def answers() -> dict:
    """A valid, complete set of answers to ``mini``."""
    return {
        "quartier": "nord",
        "securite": "2",
        "cadre_bruit": "nsp",
        "cadre_proprete": "4",
        "problemes": ["bruit", "rassemblements"],
        "detail_bruit": "scooters le soir",
        "age": 34,
        "loyer": 512.5,
        "commentaire": "Rien à signaler.",
        "nom": "Camille Martin",
        "jour": "2026-11-02",
        "heure": "18:30",
        "moment": "2026-11-02T18:30:00+01:00",
        "lieu": {"latitude": 48.85, "longitude": 2.35, "accuracy": 12.0},
        "accord_rgpd": True,
        "points": [{"point_type": "bruit", "gravite": 3}, {"point_type": "proprete"}],
    }
