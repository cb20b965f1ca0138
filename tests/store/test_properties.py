"""Property: answers → submit → frame gives back the same values, for generated valid answers."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.instruments import loads, validate_answers

INSTRUMENT = loads(
    """
id: prop
version: "1"
title: Propriétés
choice_lists:
  accord:
    - {value: "1", label: Pas du tout}
    - {value: "2", label: Plutôt pas}
    - {value: "3", label: Plutôt}
    - {value: "4", label: Tout à fait}
    - {value: nsp, label: Ne sait pas, missing: true}
  couleurs:
    - {value: bleu, label: Bleu}
    - {value: vert, label: Vert}
    - {value: rouge, label: Rouge}
questions:
  - {name: couleur, type: single_choice, choices: couleurs}
  - {name: accord, type: likert, choices: accord}
  - {name: vues, type: multiple_choice, choices: couleurs}
  - {name: nombre, type: integer, minimum: -1000000, maximum: 1000000}
  - {name: mesure, type: decimal}
  - {name: texte, type: text}
  - {name: jour, type: date}
  - {name: ok, type: consent}
"""
)
COLOURS = ["bleu", "vert", "rouge"]

answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "couleur": st.sampled_from(COLOURS),
        "accord": st.sampled_from(["1", "2", "3", "4", "nsp"]),
        "vues": st.lists(st.sampled_from(COLOURS), min_size=1, unique=True),
        "nombre": st.integers(-1_000_000, 1_000_000),
        "mesure": st.floats(allow_nan=False, allow_infinity=False),
        "texte": st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
            lambda s: s.strip() == s and s
        ),
        "jour": st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat),
        "ok": st.just(True),  # refusing consent means no answer may be stored (A016)
    },
)


def _back(row: pd.Series) -> dict:
    """The answers a frame row stands for (inverse of the column contract)."""
    out: dict = {}
    if not pd.isna(row["couleur"]):
        out["couleur"] = row["couleur"]
    if not pd.isna(row["accord"]):
        out["accord"] = str(row["accord"])
    if not pd.isna(row["accord__missing"]):
        out["accord"] = row["accord__missing"]
    if not pd.isna(row["vues/bleu"]):
        out["vues"] = [c for c in COLOURS if row[f"vues/{c}"]]
    if not pd.isna(row["nombre"]):
        out["nombre"] = int(row["nombre"])
    if not math.isnan(row["mesure"]):
        out["mesure"] = float(row["mesure"])
    if not pd.isna(row["texte"]):
        out["texte"] = row["texte"]
    if not pd.isna(row["jour"]):
        out["jour"] = row["jour"].date().isoformat()
    if not pd.isna(row["ok"]):
        out["ok"] = bool(row["ok"])
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(answers_strategy, min_size=1, max_size=6))
def test_submit_then_frame__same_values(store, batch):
    store.register(INSTRUMENT)
    cleaned = [dict(validate_answers(INSTRUMENT, a).answers) for a in batch]
    ids = store.submit_many("prop", [{"answers": a} for a in batch])
    frame = store.frame("prop").set_index("response_id")
    for response_id, expected in zip(ids, cleaned, strict=True):
        got = _back(frame.loc[response_id])
        expected = {
            k: (sorted(v, key=COLOURS.index) if k == "vues" else v) for k, v in expected.items()
        }
        assert got == expected
