"""Synthetic barometer waves with genuine differences between sectors and waves.

Each respondent has a latent "ambiance" score: a sector level, a sector-specific trend
across waves and individual noise. Likert answers are cut from that score, so items are
correlated (a composite index has a sensible Cronbach's alpha), sectors differ, and the
trend is real: *La Gare* improves after the mediators arrived, *Le Plateau* gets worse.
The sample over-represents women and older residents compared with the census margins of
:func:`census_margins`, so that weighting visibly matters.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pandas as pd

from toolkit.instruments.model import Instrument

#: Days the fieldwork of a past wave lasted; the wave in progress began this many days ago.
FIELDWORK_DAYS = 21
IN_PROGRESS_DAYS = 12


def _half_year(day: dt.date) -> tuple[int, int]:
    """(year, half) of a wave begun on ``day``: spring waves run from March to August, autumn
    waves from September to February (January and February close the previous year's)."""
    if 3 <= day.month <= 8:
        return day.year, 0
    return (day.year if day.month >= 9 else day.year - 1), 1


def demo_waves(today: dt.date | None = None) -> dict[str, dt.datetime]:
    """Three half-yearly waves, oldest first, named after their season (« 2026-automne »);
    the last one is in progress (it began :data:`IN_PROGRESS_DAYS` days before ``today``),
    so that the demo's « today », « this wave » and quotas tell a consistent story on the day
    it is made.

    >>> list(demo_waves(dt.date(2026, 12, 1)))
    ['2025-automne', '2026-printemps', '2026-automne']
    """
    today = today or dt.date.today()
    year, half = _half_year(today - dt.timedelta(days=IN_PROGRESS_DAYS))
    waves = {}
    for back in (2, 1, 0):
        index = year * 2 + half - back
        label = f"{index // 2}-{('printemps', 'automne')[index % 2]}"
        start = today - dt.timedelta(days=IN_PROGRESS_DAYS + 182 * back)
        waves[label] = dt.datetime.combine(start, dt.time(9, 0), tzinfo=dt.UTC)
    return waves


WAVE_DATES = demo_waves()
WAVES = tuple(WAVE_DATES)
SECTORS = ("centre", "tilleuls", "gare", "plateau", "bords_eau")
#: Latent level per sector (higher = calmer, more pleasant).
SECTOR_LEVEL = {"centre": 0.6, "tilleuls": -0.2, "gare": -0.7, "plateau": 0.1, "bords_eau": 0.3}
#: Change of level per wave, per sector.
SECTOR_TREND = {"centre": 0.0, "tilleuls": 0.05, "gare": 0.35, "plateau": -0.3, "bords_eau": 0.0}
#: Share of interviews per sector (fieldwork does not follow population shares exactly).
SECTOR_SHARE = {"centre": 0.22, "tilleuls": 0.24, "gare": 0.2, "plateau": 0.18, "bords_eau": 0.16}
TEAMS = {
    "centre": "Équipe Centre",
    "gare": "Équipe Centre",
    "tilleuls": "Équipe Nord",
    "plateau": "Équipe Nord",
    "bords_eau": "Équipe Sud",
}
COLLECTORS = ("Amina B.", "Yanis K.", "Claire D.", "Moussa T.", "Léa R.", "Karim S.")
AGE_BANDS = ("15_24", "25_39", "40_59", "60_plus")
#: Sample composition: more women and older people answer the door than in the census.
SAMPLE_SEX = {"f": 0.6, "h": 0.4}
SAMPLE_AGE = {"15_24": 0.1, "25_39": 0.22, "40_59": 0.32, "60_plus": 0.36}
#: Fictional census of the neighbourhood (population aged 15+), by sector, sex and age band.
_CENSUS_SECTOR = {
    "centre": 3200,
    "tilleuls": 4100,
    "gare": 2900,
    "plateau": 3500,
    "bords_eau": 2300,
}
_CENSUS_SEX = {"f": 0.52, "h": 0.48}
_CENSUS_AGE = {"15_24": 0.18, "25_39": 0.27, "40_59": 0.31, "60_plus": 0.24}
_AGE_EFFECT = {"15_24": 0.2, "25_39": 0.05, "40_59": -0.05, "60_plus": -0.2}


def census_margins() -> dict[str, pd.Series]:
    """Population margins for raking: counts by ``secteur``, ``sexe`` and ``tranche_age``.

    Examples
    --------
    >>> margins = census_margins()
    >>> margins["secteur"]
    centre       3200
    tilleuls     4100
    gare         2900
    plateau      3500
    bords_eau    2300
    Name: population, dtype: int64

    The three margins describe the same population, as raking needs:

    >>> {name: int(margin.sum()) for name, margin in margins.items()}
    {'secteur': 16000, 'sexe': 16000, 'tranche_age': 16000}
    >>> margins["sexe"].to_dict()
    {'f': 8320, 'h': 7680}
    """
    total = sum(_CENSUS_SECTOR.values())
    return {
        "secteur": pd.Series(_CENSUS_SECTOR, name="population"),
        "sexe": pd.Series({k: round(v * total) for k, v in _CENSUS_SEX.items()}, name="population"),
        "tranche_age": pd.Series(
            {k: round(v * total) for k, v in _CENSUS_AGE.items()}, name="population"
        ),
    }


def _likert(
    score: float, rng: np.random.Generator, *, reverse: bool = False, dont_know: float = 0.04
) -> str:
    if rng.random() < dont_know:
        return "8" if rng.random() < 0.8 else "9"
    value = -score if reverse else score
    cut = np.array([-0.9, 0.0, 0.9])
    return str(int(np.searchsorted(cut, value + rng.normal(0, 0.7))) + 1)


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    keys = list(shares)
    probs = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


def barometre_rows(
    instrument: Instrument,
    rng: np.random.Generator,
    *,
    per_wave: int = 400,
    now: dt.datetime | None = None,
) -> list[dict]:
    """Rows ready for :meth:`Store.submit_many`: answers plus response metadata.

    Past waves are spread over :data:`FIELDWORK_DAYS` days from their start; the wave in
    progress from its start to ``now`` (default: the present moment), so that some of its
    responses were submitted today and none in the future.
    """
    now = now or dt.datetime.now(dt.UTC)
    waves = demo_waves(now.date())
    rows = []
    for wave_index, (wave, start) in enumerate(waves.items()):
        last = wave_index == len(waves) - 1
        span = (now - start).total_seconds() if last else FIELDWORK_DAYS * 86400.0
        for _ in range(per_wave):
            sector = _pick(rng, SECTOR_SHARE)
            sex = _pick(rng, SAMPLE_SEX)
            age = _pick(rng, SAMPLE_AGE)
            level = SECTOR_LEVEL[sector] + SECTOR_TREND[sector] * wave_index + _AGE_EFFECT[age]
            score = level + rng.normal(0, 0.6)
            answers = _barometre_answers(score, sector, sex, age, rng)
            duration = dt.timedelta(minutes=int(rng.integers(5, 16)))
            submitted = _working_time(start, span, rng, now)
            started = submitted - duration
            rows.append(
                {
                    "answers": answers,
                    "response_id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                    "collector": COLLECTORS[int(rng.integers(0, len(COLLECTORS)))],
                    "team": TEAMS[sector],
                    "sector": sector,
                    "wave": wave,
                    "started_at": started,
                    "submitted_at": submitted,
                }
            )
    return rows


def _working_time(
    start: dt.datetime, span: float, rng: np.random.Generator, now: dt.datetime
) -> dt.datetime:
    """A moment of fieldwork: a day of the span, between 9:00 and 19:00 UTC, never after
    ``now`` (today's responses before now)."""
    days = max(int(span // 86400), 0)
    day = start.replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=int(rng.integers(0, days + 1))
    )
    moment = day + dt.timedelta(seconds=float(rng.uniform(0, 10 * 3600)))
    if moment > now:
        moment = now - dt.timedelta(seconds=float(rng.uniform(60, 3600)))
    return max(moment, start)


def _barometre_answers(
    score: float, sector: str, sex: str, age: str, rng: np.random.Generator
) -> dict:
    problems = []
    base = {
        "bruit": 0.45,
        "proprete": 0.5,
        "regroupements": 0.35,
        "degradations": 0.3,
        "trafic": 0.25,
        "stationnement": 0.3,
        "eclairage": 0.2,
    }
    for key, probability in base.items():
        shifted = 1 / (1 + np.exp(-(np.log(probability / (1 - probability)) - 1.2 * score)))
        if rng.random() < shifted:
            problems.append(key)
    if not problems:
        problems = ["aucun"]
    answers: dict[str, object] = {
        "consentement": True,
        "secteur": sector,
        "quartier_agreable": _likert(score + 0.3, rng),
        "parties_communes_propres": _likert(score, rng),
        "bonnes_relations": _likert(score + 0.2, rng),
        "espaces_publics_entretenus": _likert(score - 0.1, rng),
        "problemes": problems,
        "insecurite_domicile": _likert(score + 0.9, rng, reverse=True, dont_know=0.02),
        "insecurite_quartier": _likert(score + 0.2, rng, reverse=True, dont_know=0.02),
        "sexe": sex,
        "tranche_age": age,
    }
    if "bruit" in problems:
        answers["gene_bruit"] = _likert(score - 0.3, rng, reverse=True)
    if "regroupements" in problems:
        answers["gene_regroupements"] = _likert(score - 0.3, rng, reverse=True)
    gives_up = 1 / (1 + np.exp(1.5 + 1.4 * score + (0.6 if sex == "h" else -0.4)))
    answers["renonce_sortir"] = (
        "nsp" if rng.random() < 0.03 else ("oui" if rng.random() < gives_up else "non")
    )
    trend = rng.normal(score * 0.5, 0.8)
    answers["evolution"] = (
        "nsp"
        if rng.random() < 0.08
        else "amelioree"
        if trend > 0.6
        else "degradee"
        if trend < -0.6
        else "inchangee"
    )
    answers["a_signale"] = "oui" if rng.random() < 0.35 - 0.1 * score else "non"
    if answers["a_signale"] == "oui":
        answers["informe_suite"] = (
            "oui" if rng.random() < 0.45 else ("nsp" if rng.random() < 0.1 else "non")
        )
    knows = rng.random()
    answers["connait_mediateurs"] = "contact" if knows < 0.3 else "vus" if knows < 0.65 else "non"
    if answers["connait_mediateurs"] == "contact":
        answers["satisfaction_mediateurs"] = _likert(score + 0.8, rng)
    answers["participer_reunion"] = (
        "oui" if rng.random() < 0.3 else ("nsp" if rng.random() < 0.2 else "non")
    )
    if answers["participer_reunion"] == "oui" and rng.random() < 0.3:
        answers["contact_email"] = f"habitant{int(rng.integers(1000, 9999))}@exemple.fr"
    answers["logement"] = _pick(
        rng, {"social": 0.55, "prive": 0.25, "proprietaire": 0.15, "heberge": 0.05}
    )
    answers["anciennete"] = _pick(rng, {"moins_2": 0.2, "2_10": 0.4, "plus_10": 0.4})
    answers["taille_foyer"] = int(min(20, 1 + rng.poisson(1.6)))
    return answers
