"""Instrument.validate_answers: types, required, relevance, constraints, repeats."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.instruments import load, loads
from toolkit.instruments.answers import validate_answers

ROOT = Path(__file__).resolve().parents[2]
BARO = load(ROOT / "surveys" / "barometre_ambiance.yaml")

VALID = {
    "consentement": True,
    "secteur": "gare",
    "quartier_agreable": "3",
    "problemes": ["bruit"],
    "gene_bruit": "4",
    "insecurite_domicile": "1",
    "insecurite_quartier": "8",
    "evolution": "inchangee",
    "sexe": "f",
    "tranche_age": "40_59",
}

WALK = loads(
    textwrap.dedent(
        """\
        id: walk
        version: "1"
        title: Marche
        choice_lists:
          cat:
            - {value: ECL, label: Éclairage}
            - {value: PROP, label: Propreté}
          commune:
            - {value: a, label: A}
            - {value: b, label: B}
          rue:
            - {value: a1, label: Rue 1, filter: {commune: a}}
            - {value: b1, label: Rue 2, filter: {commune: b}}
        questions:
          - {name: n_obs, type: integer, label: Nombre, minimum: 0}
          - {name: commune, type: single_choice, choices: commune, label: Commune}
          - {name: rue, type: single_choice, choices: rue, label: Rue, choice_filter: "commune = ${commune}"}
          - name: obs
            type: repeat
            label: Observations
            repeat_count: ${n_obs}
            questions:
              - {name: categorie, type: single_choice, choices: cat, label: Catégorie, required: true}
              - {name: detail, type: text, label: Détail, relevant: "${categorie} = 'PROP'"}
              - {name: lieu, type: geopoint, label: Lieu}
          - {name: total_prop, type: calculate, calculation: "count(${obs})"}
          - {name: quand, type: date, label: Quand, constraint: ". <= today()"}
        """
    )
)


def _codes(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for problem in result.problems:
        out.setdefault(problem.field, []).append(problem.code)
    return out


def test_validate__valid_answers__no_problem_and_calculation_filled() -> None:
    result = validate_answers(BARO, VALID)
    assert result.ok, result.by_field()
    assert result.answers["nb_problemes"] == 1
    assert result.answers["quartier_agreable"] == "3"


def test_validate__missing_required__a001_in_french_and_english() -> None:
    answers = {k: v for k, v in VALID.items() if k != "sexe"}
    result = validate_answers(BARO, answers)
    assert _codes(result) == {"sexe": ["A001"]}
    assert result.by_field("fr") == {"sexe": ["Réponse obligatoire."]}
    assert result.by_field("en") == {"sexe": ["An answer is required."]}


def test_validate__irrelevant_answer__dropped_without_problem() -> None:
    answers = {**VALID, "problemes": ["proprete"], "gene_bruit": "4"}
    result = validate_answers(BARO, answers)
    assert result.ok
    assert "gene_bruit" not in result.answers


def test_validate__invalid_answer_to_irrelevant_question__not_reported() -> None:
    result = validate_answers(BARO, {**VALID, "contact_email": "pas un email"})
    assert result.ok
    assert "contact_email" not in result.answers


def test_validate__constraint__uses_author_message() -> None:
    result = validate_answers(BARO, {**VALID, "problemes": ["bruit", "aucun"]})
    assert _codes(result) == {"problemes": ["A007"]}
    assert "Aucun de ces problèmes" in result.by_field("fr")["problemes"][0]


def test_validate__bounds_and_types() -> None:
    result = validate_answers(BARO, {**VALID, "taille_foyer": "21"})
    assert _codes(result) == {"taille_foyer": ["A005"]}
    result = validate_answers(BARO, {**VALID, "taille_foyer": "deux"})
    assert _codes(result) == {"taille_foyer": ["A002"]}
    assert validate_answers(BARO, {**VALID, "taille_foyer": " 3 "}).answers["taille_foyer"] == 3


def test_validate__unknown_choice_and_unknown_field() -> None:
    result = validate_answers(BARO, {**VALID, "secteur": "lune", "pointure": 42})
    assert _codes(result) == {"pointure": ["A013"], "secteur": ["A006"]}


def test_validate__consent_refused__no_other_data_accepted() -> None:
    result = validate_answers(BARO, {**VALID, "consentement": "non"})
    assert "A016" in _codes(result)["consentement"]
    assert validate_answers(BARO, {"consentement": False}).ok


def test_validate__multiple_choice_string_form__normalised_to_list_in_list_order() -> None:
    result = validate_answers(
        BARO, {**VALID, "problemes": "regroupements bruit", "gene_regroupements": "2"}
    )
    assert result.answers["problemes"] == ["bruit", "regroupements"]


def test_validate__repeat__count_entries_and_relevance_inside() -> None:
    answers = {
        "n_obs": 2,
        "obs": [
            {"categorie": "ECL", "detail": "dropped: not relevant", "lieu": "48.85 2.35"},
            {"categorie": "PROP", "detail": "dépôt sauvage"},
        ],
    }
    result = validate_answers(WALK, answers)
    assert result.ok, result.by_field()
    assert result.answers["obs"][0] == {
        "categorie": "ECL",
        "lieu": {"latitude": 48.85, "longitude": 2.35},
    }
    assert result.answers["total_prop"] == 2


def test_validate__repeat__wrong_count_and_problem_path() -> None:
    result = validate_answers(WALK, {"n_obs": 3, "obs": [{"categorie": "XX"}]})
    assert _codes(result) == {"obs": ["A015"], "obs[0].categorie": ["A006"]}


def test_validate__choice_filter__value_outside_the_cascade_rejected() -> None:
    assert validate_answers(WALK, {"commune": "a", "rue": "a1"}).ok
    assert _codes(validate_answers(WALK, {"commune": "a", "rue": "b1"})) == {"rue": ["A020"]}


def test_validate__date_constraint_with_today_and_french_date() -> None:
    ok = validate_answers(WALK, {"quand": "28/11/2026"}, today=dt.date(2026, 11, 29))
    assert ok.answers["quand"] == "2026-11-28"
    late = validate_answers(WALK, {"quand": "2026-12-01"}, today=dt.date(2026, 11, 29))
    assert _codes(late) == {"quand": ["A007"]}


def test_validate__geopoint_out_of_range__a011() -> None:
    assert _codes(
        validate_answers(WALK, {"n_obs": 1, "obs": [{"categorie": "ECL", "lieu": "95 2"}]})
    ) == {"obs[0].lieu": ["A011"]}


def test_validate__not_a_mapping__reported_not_raised() -> None:
    assert not validate_answers(BARO, ["a", "b"]).ok  # type: ignore[arg-type]


def test_raise_for_problems__raises_answer_error_with_codes() -> None:
    from toolkit.errors import AnswerError

    with pytest.raises(AnswerError) as info:
        validate_answers(BARO, {}).raise_for_problems()
    assert "A001" in info.value.codes


# ------------------------------------------------------------------ properties

raw_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "1",
            "2",
            "3",
            "4",
            "8",
            "9",
            "oui",
            "non",
            "nsp",
            "gare",
            "f",
            "h",
            "25_39",
            "bruit aucun",
        ]
    ),
    st.lists(st.sampled_from(["bruit", "proprete", "aucun", "regroupements", "x"]), max_size=4),
)
answer_sets = st.dictionaries(
    st.sampled_from([q.name for q in BARO.fields()] + ["intrus"]), raw_values, max_size=20
)


@given(answer_sets)
@settings(max_examples=300, deadline=None)
def test_validate__any_input__never_raises_and_only_answer_codes(answers: dict) -> None:
    result = validate_answers(BARO, answers)
    # Answer codes, or L020 for a number past the 64-bit range (a float such as 1e300).
    assert all(p.code.startswith("A") or p.code == "L020" for p in result.problems)
    assert all(p.message("fr") and p.message("en") for p in result.problems)
    if "gene_bruit" in result.answers:
        assert "bruit" in result.answers.get("problemes", [])


near_valid = st.dictionaries(
    st.sampled_from([q.name for q in BARO.fields()]), raw_values, max_size=4
).map(lambda changes: {**VALID, **changes})


@given(near_valid)
@settings(max_examples=200, deadline=None)
def test_validate__valid_result__is_a_fixed_point(answers: dict) -> None:
    result = validate_answers(BARO, answers)
    if result.ok:
        again = validate_answers(BARO, result.answers)
        assert again.ok
        assert again.answers == result.answers


# ------------------------------------------------------------------ hostile answers (issue 14)

INTEGER_INSTRUMENT = """\
id: entier
version: "1"
title: Entier
questions:
  - {name: n, type: integer, label: N}
  - {name: t, type: text, label: T, relevant: "${n}"}
"""


@pytest.mark.parametrize("raw", [2**63, -(2**63), "9" * 401, "0" * 5000 + "1" * 20, 1e300])
def test_validate__integer_past_64_bits__l020_not_a_crash(raw) -> None:
    result = validate_answers(loads(INTEGER_INSTRUMENT), {"n": raw})
    assert [p.code for p in result.problems] == ["L020"]


@pytest.mark.parametrize(
    ("raw", "kept"),
    [(2**63 - 1, 2**63 - 1), (str(-(2**63) + 1), -(2**63) + 1), ("-" + "0" * 5000 + "7", -7)],
)
def test_validate__integer_at_the_64_bit_bounds__kept_exact(raw, kept) -> None:
    result = validate_answers(loads(INTEGER_INSTRUMENT), {"n": raw})
    assert result.ok
    assert result.answers["n"] == kept


def test_validate__401_digit_answer_used_as_a_condition__coded_not_overflow() -> None:
    instrument = loads(INTEGER_INSTRUMENT)
    result = validate_answers(instrument, {"n": "9" * 401, "t": "x"})
    assert [p.code for p in result.problems] == ["L020"]
    assert validate_answers(instrument, {"n": 5, "t": "x"}).ok
