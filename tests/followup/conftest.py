"""Fixtures of the follow-up tests: parent records written by hand, on both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from toolkit.demo.synthetic import synthetic_answers
from toolkit.followup import Register
from toolkit.instruments import Instrument, load
from toolkit.store import Store, connect

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
#: The day the synthetic generator takes as today (parent dates are all before it).
TODAY = dt.date(2026, 6, 30)
PARENT_INSTRUMENTS = (
    "intervention_mediation",
    "orientation_partenaire",
    "diagnostic_marchant",
    "reunion_concertation",
    "projet_collectif",
    "barometre_ambiance",
)


@pytest.fixture(scope="session")
def instruments() -> dict[str, Instrument]:
    return {name: load(SURVEYS / f"{name}.yaml") for name in PARENT_INSTRUMENTS}


class Parents:
    """Writes valid parent records with the answers a test cares about."""

    def __init__(self, store: Store, instruments: dict[str, Instrument]) -> None:
        self.store = store
        self.instruments = instruments
        self.rng = np.random.default_rng(5)
        for instrument in instruments.values():
            store.register(instrument)

    def submit(
        self,
        instrument_id: str,
        *,
        collector: str = "Amina B.",
        team: str = "Équipe Centre",
        started_at: dt.datetime | None = None,
        **answers: object,
    ) -> str:
        full = synthetic_answers(
            self.instruments[instrument_id], self.rng, overrides=answers, today=TODAY
        )
        return self.store.submit(
            instrument_id,
            full,
            response_id=str(uuid.uuid4()),
            collector=collector,
            team=team,
            started_at=started_at,
        )

    def intervention(
        self,
        day: str,
        *,
        mode: str = "M-TRD",
        outcome: str = "R-ACC",
        conflict: str = "CF-BRUIT",
        sector: str = "gare",
        **extra: object,
    ) -> str:
        timing = "temps_reel" if mode in ("M-TR", "M-TOUR") else "differe"
        answers: dict[str, object] = {
            "date_intervention": day,
            "secteur": sector,
            "temporalite": timing,
            "mode": mode,
            "type_conflit": conflict,
            "resultat": outcome,
            "nb_parties": 2,
        }
        if outcome in ("R-ACC", "R-ACCP"):
            answers["texte_accord"] = "Pas de musique après 22 h."
        if timing == "differe" and outcome in ("R-ACC", "R-ACCP", "R-ENCOURS"):
            answers["date_suivi"] = day
        answers.update(extra)
        return self.submit("intervention_mediation", **answers)

    def referral(
        self,
        day: str,
        *,
        domain: str = "P-SANTE",
        structure: str = "cpam",
        sector: str = "gare",
        appointment: str | None = None,
        **extra: object,
    ) -> str:
        answers: dict[str, object] = {
            "consentement": True,
            "date_orientation": day,
            "secteur": sector,
            "domaine": domain,
            "structure": structure,
            "type_orientation": "rendez_vous" if appointment else "mise_en_relation",
            "suivi_fait": "pas_encore",
        }
        if appointment:
            answers["date_rdv"] = appointment
        answers.update(extra)
        return self.submit("orientation_partenaire", **answers)

    def walk(self, day: str, categories: list[tuple[str, str]], *, sector: str = "gare") -> str:
        entries = [
            {
                "categorie": c,
                "lieu": f"Point {i}",
                "description": "Constat",
                "gravite": "2",
                "service": s,
            }
            for i, (c, s) in enumerate(categories)
        ]
        return self.submit(
            "diagnostic_marchant",
            date_marche=day,
            secteur=sector,
            nb_points=len(entries),
            observations=entries,
            participants=["habitants", "mediateurs"],
            nb_participants=8,
        )

    def meeting(
        self,
        day: str,
        proposals: list[dict],
        *,
        attendance: tuple[int, int, int, int] = (10, 2, 1, 1),
        sector: str = "gare",
    ) -> str:
        residents, institutions, associations, landlords = attendance
        return self.submit(
            "reunion_concertation",
            date_reunion=day,
            secteur=sector,
            nb_habitants=residents,
            nb_institutions=institutions,
            nb_associations=associations,
            nb_bailleurs=landlords,
            nb_propositions=len(proposals),
            propositions=proposals,
            retour_prevu="non",
        )

    def project(
        self,
        day: str,
        milestones: list[tuple[str, str]],
        *,
        status: str = "en_cours",
        sector: str = "gare",
    ) -> str:
        return self.submit(
            "projet_collectif",
            intitule="Repas de quartier",
            date_debut=day,
            secteur=sector,
            type_projet="repas",
            nb_jalons=len(milestones),
            jalons=[{"jalon": name, "date_jalon": when} for name, when in milestones],
            statut=status,
        )


@pytest.fixture
def parents(store: Store, instruments: dict[str, Instrument]) -> Parents:
    """Parent records on each database of ``db_url``."""
    return Parents(store, instruments)


@pytest.fixture
def sqlite_parents(sqlite_store: Store, instruments: dict[str, Instrument]) -> Parents:
    """Parent records on SQLite only."""
    return Parents(sqlite_store, instruments)


@pytest.fixture
def register(store: Store) -> Register:
    return Register(store)


@pytest.fixture
def sqlite_register(sqlite_store: Store) -> Register:
    return Register(sqlite_store)


@pytest.fixture
def memory_store() -> Iterator[Store]:
    opened = connect("sqlite://")
    yield opened
    opened.close()
