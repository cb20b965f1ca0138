"""A small generated barometer frame, shaped like ``Store.frame()``, for examples and tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LIKERT_ITEMS", "example_frame"]

#: Likert items of the example (4-point scales, 1 = worst, 4 = best).
LIKERT_ITEMS = ("securite", "agrement", "proprete", "voisinage")
_SECTORS = ("Centre", "Gare", "Les Hauts", "Rive Sud")
_WAVES = ("2024-1", "2024-2")
_AGES = ("15-29", "30-44", "45-59", "60+")
_PROBLEMS = ("bruit", "deal", "degradations", "rassemblements")
_MISSING = ("nsp", "refus")


def example_frame(n: int = 480, *, seed: int = 2024) -> pd.DataFrame:
    """Generate a reproducible barometer frame with the store's column conventions.

    Columns: ``response_id``; ``secteur`` (4 sectors, the strata), ``wave`` (2 waves),
    ``ilot`` (housing block, the PSU: 6 per sector and wave), ``sexe``, ``tranche_age``
    (categoricals); the Likert items of :data:`LIKERT_ITEMS` as ordered categoricals with
    int categories 1-4 and their ``<item>__missing`` companions ("nsp", "refus");
    the multiple-choice question ``problemes`` as boolean columns ``problemes/<value>``;
    ``poids`` (design weights, about 10 000 inhabitants in all).

    Parameters
    ----------
    n : int
        Number of respondents.
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same frame.

    Examples
    --------
    >>> from toolkit.analysis import example_frame
    >>> frame = example_frame()
    >>> frame.shape
    (480, 19)
    >>> str(frame["securite"].dtype)
    'category'
    """
    rng = np.random.default_rng(seed)
    sector = rng.integers(0, len(_SECTORS), n)
    wave = rng.integers(0, len(_WAVES), n)
    block = sector * 12 + wave * 6 + rng.integers(0, 6, n)
    block_effect = rng.normal(0.0, 0.35, len(_SECTORS) * 12)[block]
    sex = rng.integers(0, 2, n)
    age = rng.choice(len(_AGES), n, p=[0.3, 0.3, 0.22, 0.18])
    frame = pd.DataFrame(
        {
            "response_id": [f"r{i:05d}" for i in range(n)],
            "secteur": pd.Categorical.from_codes(sector, _SECTORS),
            "wave": pd.Categorical.from_codes(wave, _WAVES, ordered=True),
            "ilot": [
                f"{_SECTORS[s][:2].upper()}{b:02d}" for s, b in zip(sector, block, strict=True)
            ],
            "sexe": pd.Categorical.from_codes(sex, ("Femme", "Homme")),
            "tranche_age": pd.Categorical.from_codes(age, _AGES, ordered=True),
        }
    )
    mood = 0.35 * (sector - 1.5) / 1.5 + 0.25 * wave + block_effect + rng.normal(0.0, 0.9, n)
    for shift, item in zip((0.0, 0.3, -0.4, 0.2), LIKERT_ITEMS, strict=True):
        latent = mood + shift + rng.logistic(0.0, 0.5, n)
        value = np.digitize(latent, [-1.0, 0.0, 1.0])
        nonsubstantive = rng.random(n) < 0.06
        codes = np.where(nonsubstantive, -1, value)
        frame[item] = pd.Categorical.from_codes(codes, [1, 2, 3, 4], ordered=True)
        missing = np.where(nonsubstantive, rng.integers(0, 2, n), -1)
        frame[item + "__missing"] = pd.Categorical.from_codes(missing, _MISSING)
    answered = rng.random(n) > 0.05
    for k, problem in enumerate(_PROBLEMS):
        ticked = rng.random(n) < 0.2 + 0.1 * k - 0.05 * (sector == k)
        frame[f"problemes/{problem}"] = pd.array(np.where(answered, ticked, None), dtype="boolean")
    base = (
        np.array([2600.0, 1900.0, 3100.0, 2400.0])[sector]
        / np.bincount(sector, minlength=4)[sector]
    )
    frame["poids"] = base * rng.lognormal(0.0, 0.25, n) / 1.03
    return frame
