"""Synthetic answers: valid for any instrument, reproducible, and honouring every rule."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from toolkit.demo.synthetic import synthetic_answers, synthetic_responses
from toolkit.errors import AnswerError
from toolkit.i18n import use_language
from toolkit.instruments import loads, validate_answers

TODAY = dt.date(2026, 6, 15)

RULES = """
id: regles
version: "1"
title: Règles
choice_lists:
  oui_non:
    - {value: oui, label: Oui}
    - {value: non, label: Non}
  regions:
    - {value: nord, label: Nord}
    - {value: sud, label: Sud}
  villes:
    - {value: lille, label: Lille, filter: {region: nord}}
    - {value: arras, label: Arras, filter: {region: nord}}
    - {value: nice, label: Nice, filter: {region: sud}}
    - {value: pau, label: Pau, filter: {region: sud}}
  accord:
    - {value: 1, label: Non}
    - {value: 2, label: Oui}
    - {value: 9, label: Refus, missing: true}
questions:
  - {name: accord, type: consent, label: Accord, required: true}
  - {name: region, type: single_choice, choices: regions, label: Région, required: true}
  - name: ville
    type: single_choice
    choices: villes
    choice_filter: region = ${region}
    label: Ville
    required: true
  - {name: total, type: integer, label: Total, required: true, minimum: 0, maximum: 500}
  - name: partie
    type: integer
    label: Partie
    required: true
    minimum: 0
    constraint: . <= ${total}
  - {name: debut, type: date, label: Début, required: true, constraint: . <= today()}
  - name: fin
    type: date
    label: Fin
    required: true
    constraint: . >= ${debut}
  - {name: a_dire, type: single_choice, choices: oui_non, label: À dire ?, required: true}
  - name: quoi
    type: text
    label: Quoi
    required: ${a_dire} = 'oui'
  - {name: detail, type: text, label: Détail, relevant: "${a_dire} = 'non'"}
  - name: code
    type: text
    label: Code
    required: true
    constraint: regex(., '^[A-Z]{2}[0-9]{4}$')
  - name: courriel
    type: text
    label: Courriel
    required: true
    constraint: regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')
  - name: branche
    type: text
    label: Branche
    required: true
    constraint: regex(., '^(ab|cd)-\\d{2}(x|y)?$')
  - {name: avis, type: likert, choices: accord, label: Avis, required: true}
  - {name: taux, type: decimal, label: Taux, required: true, minimum: 0.5, maximum: 2.5}
  - {name: n_lignes, type: integer, label: Lignes, required: true, minimum: 0, maximum: 6}
  - name: lignes
    type: repeat
    repeat_count: ${n_lignes}
    label: Ligne
    questions:
      - {name: quantite, type: integer, label: Quantité, required: true, minimum: 1, maximum: 9}
      - {name: lieu, type: geopoint, label: Lieu, required: true}
  - name: somme
    type: calculate
    calculation: sum(${quantite})
"""


@pytest.fixture(scope="module")
def rules():
    return loads(RULES, source="regles.yaml")


@pytest.fixture(scope="module")
def drawn(rules) -> list[dict]:
    return synthetic_responses(rules, 60, np.random.default_rng(11), today=TODAY)


def test_synthetic_responses__every_set__passes_the_instrument_rules(rules, drawn) -> None:
    for answers in drawn:
        result = validate_answers(rules, answers, today=TODAY)
        assert result.ok, result.by_field()


def test_synthetic_answers__same_seed_and_day__same_answers(rules) -> None:
    first = synthetic_answers(rules, np.random.default_rng(5), today=TODAY)
    second = synthetic_answers(rules, np.random.default_rng(5), today=TODAY)
    other = synthetic_answers(rules, np.random.default_rng(6), today=TODAY)
    assert first == second
    assert first != other


def test_synthetic_answers__choice_filter__child_in_parent(drawn) -> None:
    cities = {"nord": {"lille", "arras"}, "sud": {"nice", "pau"}}
    assert {a["region"] for a in drawn} == {"nord", "sud"}
    assert all(a["ville"] in cities[a["region"]] for a in drawn)


def test_synthetic_answers__constraint_on_other_field__respected(drawn) -> None:
    assert all(0 <= a["partie"] <= a["total"] for a in drawn)
    assert all(a["debut"] <= a["fin"] and a["debut"] <= TODAY.isoformat() for a in drawn)


def test_synthetic_answers__relevance_and_required_if__honoured(drawn) -> None:
    for answers in drawn:
        if answers["a_dire"] == "oui":
            assert answers["quoi"]
            assert "detail" not in answers
    assert any(a["a_dire"] == "non" and "detail" in a for a in drawn)


def test_synthetic_answers__regex_constraints__matched(drawn) -> None:
    for answers in drawn:
        assert re.fullmatch(r"[A-Z]{2}[0-9]{4}", answers["code"])
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", answers["courriel"])
        assert re.fullmatch(r"(ab|cd)-\d{2}(x|y)?", answers["branche"])


def test_synthetic_answers__repeat_count__gives_that_many_entries(drawn) -> None:
    for answers in drawn:
        entries = answers.get("lignes", [])
        assert len(entries) == answers["n_lignes"]
        assert answers.get("somme", 0) == sum(e["quantite"] for e in entries)
        assert all(-90 <= e["lieu"]["latitude"] <= 90 for e in entries)


def test_synthetic_answers__bounds_and_missing_codes(drawn) -> None:
    assert all(0.5 <= a["taux"] <= 2.5 for a in drawn)
    assert all(a["accord"] is True for a in drawn)
    assert {a["avis"] for a in drawn} <= {"1", "2", "9"}
    assert {"1", "2"} <= {a["avis"] for a in drawn}


def test_synthetic_answers__override__kept(rules) -> None:
    answers = synthetic_answers(
        rules, np.random.default_rng(2), overrides={"region": "sud", "n_lignes": 2}, today=TODAY
    )
    assert answers["region"] == "sud"
    assert answers["ville"] in {"nice", "pau"}
    assert len(answers["lignes"]) == 2


def test_synthetic_answers__override_breaking_a_rule__y002(rules) -> None:
    with pytest.raises(AnswerError) as caught:
        synthetic_answers(rules, np.random.default_rng(2), overrides={"code": "Dupont"})
    assert caught.value.codes[0] == "Y002"
    assert "A007" in caught.value.codes


def test_synthetic_answers__unsatisfiable_constraint__y001() -> None:
    impossible = loads(
        """
id: impossible
version: "1"
title: Impossible
questions:
  - {name: x, type: integer, label: X, required: true, constraint: . > 10 and . < 5}
"""
    )
    with pytest.raises(AnswerError) as caught:
        synthetic_answers(impossible, np.random.default_rng(0))
    assert caught.value.codes[0] == "Y001"
    assert "A001" in caught.value.codes


@pytest.mark.parametrize("n", [-1, 2.5, True])
def test_synthetic_responses__bad_n__value_error(rules, n) -> None:
    with use_language("en"), pytest.raises(ValueError, match=r"^'n' must be a whole number"):
        synthetic_responses(rules, n, np.random.default_rng(0))


def test_synthetic_responses__zero__empty(rules) -> None:
    assert synthetic_responses(rules, 0, np.random.default_rng(0)) == []
