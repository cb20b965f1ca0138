"""Skip logic and constraints in words, compiled to XLSForm and read back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builder.conftest import DATA
from toolkit.builder.logic import (
    CURRENT,
    Condition,
    Op,
    Rule,
    compile_rule,
    describe,
    needs_value,
    operators,
    remove_condition,
    replace_condition,
    rule_of,
)
from toolkit.instruments import load
from toolkit.instruments.expr import evaluate, parse
from toolkit.instruments.expr.evaluate import MappingContext

VISITE = load(DATA / "visite.yaml")


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (Rule((Condition("quartier", Op.EQ, "nord"),)), "${quartier} = 'nord'"),
        (Rule((Condition("quartier", Op.NE, "sud"),)), "${quartier} != 'sud'"),
        (Rule((Condition("problemes", Op.CONTAINS, "tags"),)), "selected(${problemes}, 'tags')"),
        (
            Rule((Condition("problemes", Op.NOT_CONTAINS, "tags"),)),
            "not(selected(${problemes}, 'tags'))",
        ),
        (Rule((Condition("nb_personnes", Op.GT, "3"),)), "${nb_personnes} > 3"),
        (Rule((Condition("nb_personnes", Op.LE, "2.5"),)), "${nb_personnes} <= 2.5"),
        (Rule((Condition("bruit", Op.GE, "2"),)), "${bruit} >= 2"),
        (Rule((Condition("remarque", Op.CONTAINS, "voisin"),)), "contains(${remarque}, 'voisin')"),
        (Rule((Condition("adresse", Op.ANSWERED),)), "${adresse} != ''"),
        (Rule((Condition("adresse", Op.EMPTY),)), "${adresse} = ''"),
        (Rule((Condition(CURRENT, Op.LT, None, "nb_personnes"),)), ". < ${nb_personnes}"),
        (
            Rule(
                (
                    Condition("quartier", Op.EQ, "nord"),
                    Condition("bruit", Op.GE, "2"),
                    Condition("problemes", Op.CONTAINS, "tags"),
                ),
                ("and", "or"),
            ),
            "${quartier} = 'nord' and ${bruit} >= 2 or selected(${problemes}, 'tags')",
        ),
    ],
)
def test_compile_rule__words__xlsform_and_back(rule: Rule, text: str) -> None:
    assert compile_rule(rule, VISITE) == text
    assert rule_of(text, VISITE) == rule


def test_compile_rule__decimal_comma__written_with_a_point() -> None:
    rule = Rule((Condition("nb_personnes", Op.LE, "2,5"),))
    assert compile_rule(rule, VISITE) == "${nb_personnes} <= 2.5"


def test_rule_of__catalogue_shapes__read_in_words() -> None:
    rule = rule_of("selected(${problemes}, 'tags') or ${bruit} >= 2", VISITE)
    assert rule == Rule(
        (Condition("problemes", Op.CONTAINS, "tags"), Condition("bruit", Op.GE, "2")), ("or",)
    )
    assert rule_of("'nord' = ${quartier}", VISITE) == Rule((Condition("quartier", Op.EQ, "nord"),))
    assert rule_of("selected(${quartier}, 'nord')", VISITE) == Rule(
        (Condition("quartier", Op.EQ, "nord"),)
    )
    assert rule_of("", VISITE) == Rule(())


@pytest.mark.parametrize(
    "text",
    [
        "${quartier} = 'nord' and (${bruit} >= 2 or ${bruit} = 1)",
        "count-selected(${problemes}) > 1",
        "${nb_personnes} + 1 > 3",
        "${quartier} = ",
        "regex(., '^a')",
    ],
)
def test_rule_of__not_sayable_in_words__none(text: str) -> None:
    assert rule_of(text, VISITE) is None


def test_describe__labels_not_codes__french_and_english() -> None:
    rule = Rule(
        (Condition("quartier", Op.EQ, "nord"), Condition("nb_personnes", Op.GT, "3")), ("and",)
    )
    assert (
        describe(rule, VISITE, "fr")
        == "« Quartier » est « Nord » et « Personnes rencontrées » est supérieur à 3"
    )
    assert describe(rule, VISITE, "en") == (
        "« Neighbourhood » is « North » and « People met » is greater than 3"
    )
    constraint = Rule((Condition(CURRENT, Op.LT, None, "nb_personnes"),))
    assert describe(constraint, VISITE, "fr") == (
        "la réponse est inférieure à la réponse à « Personnes rencontrées »"
    )


def test_operators__by_type__what_makes_sense() -> None:
    assert operators("multiple_choice") == (Op.CONTAINS, Op.NOT_CONTAINS, Op.ANSWERED, Op.EMPTY)
    assert Op.GT in operators("integer")
    assert Op.CONTAINS not in operators("integer")
    assert operators("note") == ()
    assert not needs_value(Op.EMPTY)
    assert needs_value(Op.EQ)


def test_compile_rule__consent__true_and_false() -> None:
    baro = load(DATA.parents[2] / "surveys" / "barometre_ambiance.yaml")
    rule = Rule((Condition("consentement", Op.EQ, "true"),))
    assert compile_rule(rule, baro) == "${consentement} = true()"
    assert rule_of("${consentement} = true()", baro) == rule
    assert describe(rule, baro, "fr") == "« La personne accepte de répondre » est accepté"


_FIELDS = {
    "quartier": st.sampled_from(["nord", "sud"]),
    "problemes": st.sampled_from(["tags", "eclairage"]),
    "nb_personnes": st.integers(0, 30).map(str),
    "bruit": st.sampled_from(["1", "2", "3", "9"]),
    "adresse": st.text(alphabet="abc ", max_size=5),
}


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    count = draw(st.integers(1, 4))
    conditions = []
    for _ in range(count):
        name = draw(st.sampled_from(sorted(_FIELDS)))
        qtype = VISITE.question(name).type
        op = draw(st.sampled_from(operators(qtype)))
        value = draw(_FIELDS[name]) if needs_value(op) else None
        conditions.append(Condition(name, op, value))
    joins = tuple(draw(st.sampled_from(["and", "or"])) for _ in range(count - 1))
    return Rule(tuple(conditions), joins)


@settings(max_examples=150, deadline=None)
@given(rule=rules())
def test_compile_rule__random_rules__parse_back_to_the_same_rule_and_evaluate(rule: Rule) -> None:
    text = compile_rule(rule, VISITE)
    back = rule_of(text, VISITE)
    assert back is not None
    assert compile_rule(back, VISITE) == text
    answers = {
        "quartier": "nord",
        "problemes": ["tags"],
        "nb_personnes": 4,
        "bruit": "2",
        "adresse": "a",
    }
    assert isinstance(evaluate(parse(text), MappingContext(answers)), bool)


_THREE = Rule(
    (
        Condition("quartier", Op.EQ, "nord"),
        Condition("bruit", Op.GE, "2"),
        Condition("adresse", Op.ANSWERED),
    ),
    ("or", "and"),
)


def test_replace_condition__middle_one__others_and_joins_kept() -> None:
    rule = replace_condition(_THREE, 1, Condition("bruit", Op.LT, "3"), join="and")
    assert compile_rule(rule, VISITE) == (
        "${quartier} = 'nord' and ${bruit} < 3 and ${adresse} != ''"
    )
    assert rule_of(compile_rule(rule, VISITE), VISITE) == rule


def test_replace_condition__first_one__join_ignored() -> None:
    rule = replace_condition(_THREE, 0, Condition("quartier", Op.NE, "sud"), join="and")
    assert rule.joins == _THREE.joins


def test_remove_condition__each_position__one_join_fewer() -> None:
    assert remove_condition(_THREE, 0).joins == ("and",)
    assert remove_condition(_THREE, 1).joins == ("and",)
    assert remove_condition(_THREE, 2).joins == ("or",)
    assert remove_condition(Rule((Condition("adresse", Op.EMPTY),)), 0) == Rule(())


def test_replace_condition__no_such_condition__index_error() -> None:
    with pytest.raises(IndexError):
        replace_condition(_THREE, 3, Condition("adresse", Op.EMPTY))
    with pytest.raises(IndexError):
        remove_condition(_THREE, -1)


@given(st.integers(min_value=0, max_value=2))
def test_remove_condition__any_position__compiles_and_reads_back(index: int) -> None:
    rule = remove_condition(_THREE, index)
    assert rule_of(compile_rule(rule, VISITE), VISITE) == rule
