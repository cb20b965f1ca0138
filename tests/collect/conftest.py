"""Fixtures of the collection tests: a complete barometer answer set."""

from __future__ import annotations

import pytest


@pytest.fixture
def complete_answers() -> dict:
    """Answers to ``barometre_ambiance`` that satisfy every rule."""
    return {
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
    }
