"""The instrument catalogue in ``surveys/``: valid, bilingual, fillable, storable, and each
instrument enforcing the field rule it exists for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from toolkit.cli.validate import problems_of
from toolkit.demo.synthetic import synthetic_answers, synthetic_responses
from toolkit.instruments import QUESTION_TYPES, Instrument, load, validate_answers

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
CATALOGUE = (
    "barometre_ambiance",
    "barometre_tournee",
    "besoins_habitants",
    "diagnostic_marchant",
    "intervention_mediation",
    "orientation_partenaire",
    "satisfaction_concertation",
    "guide_entretien",
    "evaluation_formation",
    "reunion_concertation",
    "projet_collectif",
)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Instrument]:
    return {name: load(SURVEYS / f"{name}.yaml") for name in CATALOGUE}


def _check(instrument: Instrument, answers: dict) -> dict[str, list[str]]:
    """Problem codes by field."""
    out: dict[str, list[str]] = {}
    for problem in validate_answers(instrument, answers, today=TODAY).problems:
        out.setdefault(problem.field or "", []).append(problem.code)
    return out


def _base(instrument: Instrument, seed: int = 1, **overrides: object) -> dict:
    return synthetic_answers(
        instrument, np.random.default_rng(seed), overrides=overrides, today=TODAY
    )


# ------------------------------------------------------------------ the catalogue as a whole


def test_surveys__holds_the_catalogue_instruments() -> None:
    assert sorted(p.stem for p in SURVEYS.glob("*.yaml")) == sorted(CATALOGUE)


@pytest.mark.parametrize("path", sorted(SURVEYS.glob("*.yaml")), ids=lambda p: p.stem)
def test_validate__survey_file__no_problem(path: Path) -> None:
    assert [p.format() for p in problems_of(path)] == []
    assert load(path).id == path.stem


def test_catalogue__uses_every_question_type_and_feature(catalogue) -> None:
    questions = [q for i in catalogue.values() for q in i.questions()]
    # ``metadata`` and ``hidden`` come with forms imported from XLSForm (issue 15); the
    # built-in instruments record the same facts as response metadata instead.
    assert {q.type for q in questions} == set(QUESTION_TYPES) - {"metadata", "hidden"}
    assert any(q.choice_filter for q in questions)
    assert any(q.required_if for q in questions)
    assert any(q.repeat_count for q in questions)
    assert any(q.pii for q in questions)
    assert any(q.constraint and q.constraint_message for q in questions)
    assert any(q.relevant for q in questions)
    assert any(i.analysis.quotas for i in catalogue.values())


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue__every_label__french_and_english(catalogue, name) -> None:
    instrument = catalogue[name]
    untranslated = [
        q.name
        for q in instrument.questions()
        if q.label and set(q.label.languages()) != {"fr", "en"}
    ]
    untranslated += [
        f"{lst.name}:{c.value}"
        for lst in instrument.choice_lists.values()
        for c in lst.choices
        if set(c.label.languages()) != {"fr", "en"}
    ]
    assert untranslated == []
    assert set(instrument.title.languages()) == {"fr", "en"}


@pytest.mark.parametrize("name", CATALOGUE)
def test_synthetic__catalogue_instrument__answers_validate(catalogue, name) -> None:
    instrument = catalogue[name]
    for answers in synthetic_responses(instrument, 25, np.random.default_rng(4), today=TODAY):
        assert validate_answers(instrument, answers, today=TODAY).ok


@pytest.mark.parametrize("name", CATALOGUE)
def test_store__catalogue_instrument__submitted_and_read_back(store, catalogue, name) -> None:
    instrument = catalogue[name]
    store.register(instrument)
    rows = synthetic_responses(instrument, 4, np.random.default_rng(8))
    ids = [store.submit(name, answers) for answers in rows]
    frame = store.frame(name)
    assert sorted(frame["response_id"]) == sorted(ids)
    pii = {q.name for q in instrument.fields() if q.pii}
    assert not pii & set(frame.columns)
    for repeat in instrument.repeats():
        entries = store.repeat_frame(name, repeat.name)
        assert len(entries) == sum(len(r.get(repeat.name, [])) for r in rows)
        assert not pii & set(entries.columns)
    if instrument.analysis.sector:
        assert list(frame.set_index("response_id").loc[ids, "sector"]) == [
            r[instrument.analysis.sector] for r in rows
        ]


# ------------------------------------------------------------------ one field rule each


def test_barometre_ambiance__none_of_these_with_a_problem__rejected(catalogue) -> None:
    baro = catalogue["barometre_ambiance"]
    answers = {**_base(baro), "problemes": ["aucun", "bruit"]}
    assert _check(baro, answers)["problemes"] == ["A007"]


def test_barometre_tournee__tense_without_description__required(catalogue) -> None:
    tour = catalogue["barometre_tournee"]
    answers = _base(tour, note_ambiance="3")
    answers.pop("precision_tension")
    assert _check(tour, answers) == {"precision_tension": ["A001"]}
    calm = _base(tour, note_ambiance="1")
    calm.pop("precision_tension", None)
    assert _check(tour, calm) == {}


def test_barometre_tournee__more_requests_than_people_met__rejected(catalogue) -> None:
    tour = catalogue["barometre_tournee"]
    answers = {**_base(tour, nb_personnes=4), "nb_sollicitations": 5}
    assert _check(tour, answers) == {"nb_sollicitations": ["A007"]}


def test_besoins_habitants__malformed_phone__rejected(catalogue) -> None:
    besoins = catalogue["besoins_habitants"]
    answers = _base(besoins, sentiment_seul="4", visite_souhaitee="oui")
    assert _check(besoins, {**answers, "telephone": "06 12 34 56 78"}) == {}
    assert _check(besoins, {**answers, "telephone": "12345"}) == {"telephone": ["A007"]}


def test_besoins_habitants__children_not_fewer_than_household__rejected(catalogue) -> None:
    besoins = catalogue["besoins_habitants"]
    answers = {**_base(besoins, taille_foyer=3), "enfants_foyer": 3}
    assert _check(besoins, answers) == {"enfants_foyer": ["A007"]}


def test_diagnostic_marchant__fewer_observations_than_announced__rejected(catalogue) -> None:
    walk = catalogue["diagnostic_marchant"]
    answers = _base(walk, nb_points=3)
    assert len(answers["observations"]) == 3
    answers["observations"] = answers["observations"][:2]
    assert _check(walk, answers) == {"observations": ["A015"]}


def test_diagnostic_marchant__service_not_competent_for_category__rejected(catalogue) -> None:
    walk = catalogue["diagnostic_marchant"]
    answers = _base(walk, nb_points=1)
    entry = answers["observations"][0]
    entry.update(categorie="T-ASC", service="voirie", gravite="2")
    assert _check(walk, answers) == {"observations[0].service": ["A020"]}
    entry["service"] = "bailleur"
    assert _check(walk, answers) == {}


def test_diagnostic_marchant__immediate_danger_without_action__required(catalogue) -> None:
    walk = catalogue["diagnostic_marchant"]
    answers = _base(walk, nb_points=1)
    entry = answers["observations"][0]
    entry["gravite"] = "4"
    entry.pop("mesure_immediate", None)
    assert _check(walk, answers) == {"observations[0].mesure_immediate": ["A001"]}


def test_intervention_mediation__follow_up_before_intervention__rejected(catalogue) -> None:
    record = catalogue["intervention_mediation"]
    answers = _base(record, temporalite="differe", resultat="R-ACC", date_intervention="2026-03-10")
    assert answers["date_suivi"] >= "2026-03-10"
    answers["date_suivi"] = "2026-03-09"
    problems = validate_answers(record, answers, today=TODAY).problems
    assert [(p.field, p.code) for p in problems] == [("date_suivi", "A007")]
    assert "avant l'intervention" in problems[0].message("fr")


def test_intervention_mediation__deferred_agreement_without_follow_up__required(
    catalogue,
) -> None:
    record = catalogue["intervention_mediation"]
    answers = _base(record, temporalite="differe", resultat="R-ACCP")
    answers.pop("date_suivi")
    assert _check(record, answers) == {"date_suivi": ["A001"]}


def test_intervention_mediation__shuttle_mode_in_real_time__rejected(catalogue) -> None:
    record = catalogue["intervention_mediation"]
    answers = {**_base(record, temporalite="temps_reel"), "mode": "M-NAV"}
    assert _check(record, answers) == {"mode": ["A020"]}


def test_orientation_partenaire__consent_refused__nothing_recorded(catalogue) -> None:
    referral = catalogue["orientation_partenaire"]
    answers = {**_base(referral), "consentement": False}
    assert _check(referral, answers) == {"consentement": ["A016"]}
    assert _check(referral, {"consentement": False}) == {}


def test_orientation_partenaire__structure_outside_domain__rejected(catalogue) -> None:
    referral = catalogue["orientation_partenaire"]
    answers = {**_base(referral, domaine="P-SANTE"), "structure": "caf"}
    assert _check(referral, answers) == {"structure": ["A020"]}


def test_orientation_partenaire__take_up_asked_only_after_follow_up(catalogue) -> None:
    referral = catalogue["orientation_partenaire"]
    done = _base(referral, suivi_fait="oui", prise_en_charge="non")
    assert done["motifs_non_prise"]
    pending = {**done, "suivi_fait": "pas_encore"}
    cleaned = validate_answers(referral, pending, today=TODAY).answers
    assert "prise_en_charge" not in cleaned
    assert "date_suivi" not in cleaned


def test_satisfaction_concertation__score_out_of_range__rejected(catalogue) -> None:
    survey = catalogue["satisfaction_concertation"]
    answers = {**_base(survey), "recommandation": 11}
    assert _check(survey, answers) == {"recommandation": ["A005"]}


def test_satisfaction_concertation__mediation__no_meeting_questions(catalogue) -> None:
    survey = catalogue["satisfaction_concertation"]
    answers = {**_base(survey, contexte="reunion"), "contexte": "mediation"}
    cleaned = validate_answers(survey, answers, today=TODAY).answers
    assert not {"revenir", "ameliorations", "avis_pris_en_compte"} & set(cleaned)


def test_guide_entretien__transcript_without_recording_consent__rejected(catalogue) -> None:
    guide = catalogue["guide_entretien"]
    answers = _base(guide, enregistrement="non", trace="notes")
    answers.update(trace="transcription", transcription="Transcription anonymisée.")
    assert _check(guide, answers) == {"trace": ["A007"]}


def test_guide_entretien__interview_code_with_a_name__rejected(catalogue) -> None:
    guide = catalogue["guide_entretien"]
    assert _check(guide, {**_base(guide), "code_entretien": "Mme Dupont"}) == {
        "code_entretien": ["A007"]
    }


@pytest.mark.parametrize("code", ["Dupont", "MARTIN", "Marie Dupont", "ma0412", "MA3212"])
def test_evaluation_formation__participant_code_like_a_name__rejected(catalogue, code) -> None:
    evaluation = catalogue["evaluation_formation"]
    answers = {**_base(evaluation), "code_participant": code}
    assert _check(evaluation, answers) == {"code_participant": ["A007"]}


def test_evaluation_formation__before_and_after__linked_by_code(catalogue) -> None:
    evaluation = catalogue["evaluation_formation"]
    before = _base(evaluation, code_participant="MA0412", phase="avant")
    after = _base(evaluation, 2, code_participant="MA0412", phase="apres")
    assert "experience_annees" in before
    assert "satisfaction" not in before
    assert "satisfaction" in after
    assert "experience_annees" not in after
    for answers in (before, after):
        items = ("cap_cadre", "cap_reformuler", "cap_rencontre", "cap_desc", "cap_orienter")
        assert answers["score_auto"] == sum(int(answers[i]) for i in items)


def test_reunion_concertation__nobody_but_mediators__rejected(catalogue) -> None:
    meeting = catalogue["reunion_concertation"]
    answers = _base(meeting)
    answers.update(nb_habitants=0, nb_institutions=0, nb_associations=0, nb_bailleurs=0)
    assert _check(meeting, answers) == {"nb_bailleurs": ["A007"]}
    assert _check(meeting, {**answers, "nb_habitants": 3}) == {}


def test_reunion_concertation__one_entry_per_proposal_and_feedback_not_before(catalogue) -> None:
    meeting = catalogue["reunion_concertation"]
    answers = _base(meeting, nb_propositions=2, retour_prevu="oui", date_reunion="2026-05-12")
    assert len(answers["propositions"]) == 2
    assert answers["nb_participants"] == sum(
        answers[k] for k in ("nb_habitants", "nb_institutions", "nb_associations", "nb_bailleurs")
    )
    assert _check(meeting, {**answers, "date_retour": "2026-05-11"}) == {"date_retour": ["A007"]}


def test_projet_collectif__milestone_before_start__rejected(catalogue) -> None:
    project = catalogue["projet_collectif"]
    answers = _base(project, nb_jalons=1, date_debut="2026-04-01")
    answers["jalons"][0]["date_jalon"] = "2026-03-31"
    assert _check(project, answers) == {"jalons[0].date_jalon": ["A007"]}


def test_projet_collectif__participants_counted_only_once_carried_out(catalogue) -> None:
    project = catalogue["projet_collectif"]
    ongoing = validate_answers(project, _base(project, statut="en_cours"), today=TODAY).answers
    assert not {"participants_reels", "date_fin"} & set(ongoing)
    done = _base(project, statut="realise")
    assert done["participants_reels"] >= 0
    assert "date_fin" in done
