"""Each activity indicator on a small register computed by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from toolkit.followup import FollowupError, Register
from toolkit.followup.definitions import INDICATORS, LEVELS, REGISTERS
from toolkit.followup.indicators import INDICATOR_COLUMNS, indicators
from toolkit.store import connect

from .conftest import Parents

START, END = "2026-03-01", "2026-03-31"


def _step(register, item, event, date, **fields):
    return register.apply(
        item.item_id,
        event,
        by="Amina B.",
        expected_version=register.item(item.item_id).version,
        date=date,
        **fields,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory, instruments):
    """The hand-computed register (comments give each record's part in the figures)."""
    opened = connect(f"sqlite:///{tmp_path_factory.mktemp('ind') / 'toolkit.sqlite'}")
    p = Parents(opened, instruments)
    # Interventions: 6 in March (one in « centre »), one in April (outside the period).
    a1 = p.intervention("2026-03-02", mode="M-TRD", outcome="R-ACC", conflict="CF-BRUIT")
    a2 = p.intervention("2026-03-03", mode="M-NAV", outcome="R-ACCP", conflict="CF-BRUIT")
    p.intervention("2026-03-04", mode="M-NAV", outcome="R-REFUS", conflict="CF-REGR")
    p.intervention("2026-03-05", mode="M-TR", outcome="R-APAIS", conflict="CF-REGR")
    a3 = p.intervention(
        "2026-03-06", mode="M-TRD", outcome="R-ACC", conflict="CF-STAT", sector="centre"
    )
    a4 = p.intervention("2026-03-09", mode="M-TR", outcome="R-ACC", conflict="CF-BRUIT")
    p.intervention("2026-04-15", mode="M-NAV", outcome="R-ACC", conflict="CF-ANIM")
    # Referrals: four with consent (one withdrawn), one without.
    r1 = p.referral("2026-03-02", domain="P-SANTE", structure="cpam")
    r2 = p.referral("2026-03-03", domain="P-SANTE", structure="pmi")
    r3 = p.referral("2026-03-04", domain="P-CAF", structure="caf")
    p.referral("2026-03-05", domain="P-LOGT", structure="adil")
    opened.submit("orientation_partenaire", {"consentement": False})
    r5 = p.referral("2026-03-06", domain="P-SANTE", structure="cpam")
    # One walk, three observations.
    walk = p.walk("2026-03-02", [("T-ECL", "voirie"), ("T-ECL", "voirie"), ("T-ASC", "bailleur")])
    # Two meetings, three proposals (the first already has its owner).
    m1 = p.meeting(
        "2026-03-10",
        [
            {"proposition": "Des bancs", "theme": "cadre_vie", "porteur": "ville"},
            {"proposition": "Une fête", "theme": "voisinage"},
        ],
        attendance=(10, 2, 1, 1),
    )
    m2 = p.meeting(
        "2026-03-17",
        [{"proposition": "Un gymnase ouvert", "theme": "jeunesse"}],
        attendance=(6, 1, 0, 1),
    )
    # One project, two milestones.
    project = p.project("2026-03-02", [("Salle", "2026-03-16"), ("Repas", "2026-03-30")])
    # Barometer: four interviews in March, one in February.
    march = dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC)
    for signalled, told, knows in (
        ("oui", "oui", "contact"),
        ("oui", "non", "vus"),
        ("oui", "nsp", "non"),
        ("non", None, None),
    ):
        answers = {"a_signale": signalled, "secteur": "gare"}
        if told:
            answers["informe_suite"] = told
        if knows:
            answers["connait_mediateurs"] = knows
        bar = p.submit("barometre_ambiance", started_at=march, **answers)
        if knows is None:
            record = dict(opened.get(bar).answers)
            record.pop("connait_mediateurs", None)
            record.pop("satisfaction_mediateurs", None)
            opened.correct(bar, record, by="t", reason="sans réponse")
    p.submit(
        "barometre_ambiance",
        started_at=dt.datetime(2026, 2, 12, 10, tzinfo=dt.UTC),
        a_signale="oui",
        informe_suite="oui",
    )

    register = Register(opened)
    register.sync()
    items = {(i.parent_id, i.parent_index): i for i in register.items()}
    # Agreements: A1 kept, kept; A2 partly, broken; A3 broken at 30; A4 unreachable at 30.
    _step(register, items[(a1, 0)], "kept", "2026-04-01")
    _step(register, items[(a1, 0)], "kept", "2026-06-01")
    _step(register, items[(a2, 0)], "partly_kept", "2026-04-02")
    _step(register, items[(a2, 0)], "broken", "2026-06-02")
    _step(register, items[(a3, 0)], "broken", "2026-04-06")
    _step(register, items[(a4, 0)], "unreachable", "2026-04-09")
    # Referrals: R1 taken up, R2 not taken up, R3 withdrawn, R4 waiting, R5 accepted.
    _step(register, items[(r1, 0)], "accept", "2026-03-05")
    _step(register, items[(r1, 0)], "confirm", "2026-03-20", partner="CPAM", confirmed_by="person")
    _step(register, items[(r2, 0)], "not_taken_up", "2026-03-10", reason="partner_no_capacity")
    _step(register, items[(r3, 0)], "withdraw", "2026-03-09")
    _step(register, items[(r5, 0)], "accept", "2026-03-10")
    # Technical: obs 0 acknowledged day 2, fixed day 10, resident told; obs 1 acknowledged
    # day 4 then turned down; obs 2 still reported.
    _step(register, items[(walk, 0)], "acknowledge", "2026-03-04")
    _step(register, items[(walk, 0)], "resolve", "2026-03-12")
    _step(register, items[(walk, 0)], "inform", "2026-03-13", how="in_person")
    _step(register, items[(walk, 1)], "acknowledge", "2026-03-06")
    _step(register, items[(walk, 1)], "reject", "2026-03-09", reason="Hors compétence")
    # Proposals: P1 accepted, done, residents told; P2 raised; P3 owner named then refused.
    _step(register, items[(m1, 0)], "accept", "2026-03-12", answer_due="2026-03-25")
    _step(register, items[(m1, 0)], "complete", "2026-03-24")
    _step(register, items[(m1, 0)], "tell", "2026-03-26", how="notice")
    _step(register, items[(m2, 0)], "name_owner", "2026-03-18", owner="Ville")
    _step(register, items[(m2, 0)], "refuse", "2026-03-20", reason="Pas de budget")
    # Milestones: the first reached, the second missed.
    _step(register, items[(project, 0)], "reached", "2026-03-16")
    _step(register, items[(project, 1)], "missed", "2026-03-30")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def table(store):
    return indicators(store, start=START, end=END, threshold=1).set_index(["indicator", "category"])


def _figure(table, indicator, category=""):
    row = table.loc[(indicator, category)]
    return row["numerator"], row["denominator"], row["value"]


@pytest.mark.parametrize(
    ("indicator", "category", "expected"),
    [
        ("interventions_by_conflict_type", "CF-BRUIT", (3, 6, 0.5)),
        ("interventions_by_conflict_type", "CF-REGR", (2, 6, 2 / 6)),
        ("interventions_by_conflict_type", "CF-STAT", (1, 6, 1 / 6)),
        ("interventions_by_conflict_type", "CF-ANIM", (0, 6, 0.0)),  # April: outside the period
        ("interventions_by_mode", "M-TRD", (2, 6, 2 / 6)),
        ("interventions_by_mode", "M-NAV", (2, 6, 2 / 6)),
        ("interventions_by_mode", "M-TR", (2, 6, 2 / 6)),
        ("interventions_by_outcome", "R-ACC", (3, 6, 0.5)),
        ("interventions_by_outcome", "R-ACCP", (1, 6, 1 / 6)),
        ("deferred_agreement", "", (3, 4, 0.75)),
        ("agreements_kept_30", "", (1, 3, 1 / 3)),  # A1 kept; A1, A2, A3 checked (A4 unreachable)
        ("agreements_kept_90", "", (1, 3, 1 / 3)),  # A1 kept; A1, A2 checked, A3 broken at 30
        ("referrals_by_partner_domain", "P-SANTE", (3, 5, 0.6)),
        ("referrals_by_partner_domain", "P-CAF", (1, 5, 0.2)),
        (
            "referrals_taken_up",
            "",
            (1, 4, 0.25),
        ),  # R3 withdrew consent; no-consent record not counted
        ("technical_by_category", "T-ECL", (2, 3, 2 / 3)),
        ("technical_by_category", "T-ASC", (1, 3, 1 / 3)),
        ("technical_ack_delay", "", (2, 3, 3.0)),  # median of 2 and 4 days
        ("technical_resolution_delay", "", (1, 3, 10.0)),
        ("technical_informed", "", (1, 2, 0.5)),
        ("meetings_held", "", (2, np.nan, 2.0)),
        ("meeting_attendance", "nb_habitants", (16, 22, 16 / 22)),
        ("meeting_attendance", "nb_bailleurs", (2, 22, 2 / 22)),
        ("proposals_answered", "", (2, 3, 2 / 3)),
        ("proposals_done", "", (1, 1, 1.0)),
        ("proposals_told", "", (1, 2, 0.5)),
        ("projects_run", "", (1, np.nan, 1.0)),
        ("projects_by_outcome", "en_cours", (1, 1, 1.0)),
        ("milestones_reached", "", (1, 2, 0.5)),
        ("residents_told_barometer", "", (1, 2, 0.5)),  # « ne sait pas » and February left out
        ("residents_know_mediators", "", (2, 3, 2 / 3)),
    ],
)
def test_indicators__hand_computed_register__each_figure(table, indicator, category, expected):
    np.testing.assert_allclose(_figure(table, indicator, category), expected)


def test_indicators__every_indicator__present_with_levels_registers_and_labels(store):
    found = indicators(store, start=START, end=END)
    assert list(found.columns) == [*INDICATOR_COLUMNS, "suppressed"]
    assert set(found["indicator"]) == {i.code for i in INDICATORS}
    assert set(found["level"]) == set(LEVELS)
    assert set(found["register"]) <= set(REGISTERS)
    assert list(dict.fromkeys(found["level"])) == list(LEVELS)
    assert not found["label"].str.contains(r"followup\.").any()
    assert not found["numerator_label"].eq("").any()
    labelled = found[found["category"] != ""]
    assert "Nuisances sonores" in set(labelled["category_label"])
    assert not labelled["category_label"].str.match(r"^(CF|M|R|P|T)-").any()


def test_indicators__small_cells__suppressed_for_residents_not_for_meetings(store):
    found = indicators(store, start=START, end=END, threshold=5).set_index(
        ["indicator", "category"]
    )
    kept = found.loc[("agreements_kept_30", "")]
    assert kept["suppressed"]
    assert np.isnan(kept["value"])
    assert np.isnan(kept["numerator"])
    assert np.isnan(kept["denominator"])  # 3 agreements: itself a small number
    noise = found.loc[("interventions_by_conflict_type", "CF-BRUIT")]
    assert noise["suppressed"]
    assert found.loc[("interventions_by_conflict_type", "CF-ANIM"), "suppressed"] == False  # noqa: E712  (an empty cell discloses nothing)
    meetings = found.loc[("meeting_attendance", "nb_habitants")]
    assert not meetings["suppressed"]
    assert meetings["numerator"] == 16


def test_indicators__by_sector__rows_per_sector_with_labels(store):
    found = indicators(store, start=START, end=END, by="sector", threshold=1)
    rows = found[found["indicator"] == "deferred_agreement"].set_index("sector")
    assert rows.loc["gare", ["numerator", "denominator"]].tolist() == [2, 3]
    assert rows.loc["centre", ["numerator", "denominator"]].tolist() == [1, 1]
    assert rows.loc["centre", "sector_label"] == "Centre-ville"


def test_indicators__by_team__a_figure_per_team(store):
    found = indicators(store, start=START, end=END, by=["team"], threshold=1)
    rows = found[found["indicator"] == "agreements_kept_30"]
    assert rows["team_label"].tolist() == ["Équipe Centre"]


def test_indicators__period_without_records__zero_denominators_no_crash(store):
    found = indicators(store, start="2025-01-01", end="2025-01-31", threshold=1)
    shares = found[found["unit"] == "share"]
    assert shares["denominator"].fillna(0).eq(0).all()
    assert shares["value"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"start": "mars"}, "start"),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "end"),
        ({"by": "collector"}, "by"),
        ({"threshold": 0}, "threshold"),
    ],
)
def test_indicators__bad_arguments__f010(store, kwargs, argument):
    with pytest.raises(FollowupError) as caught:
        indicators(store, **kwargs)
    assert caught.value.codes == ["F010"]
    assert caught.value.problems[0].params["argument"] == argument


def test_indicators__empty_store__single_figures_without_crash(memory_store):
    found = indicators(memory_store, threshold=1)
    # Distributions need the instruments' categories (nothing is registered here), except
    # attendance, whose categories are the meeting form's four counts.
    expected = {i.code for i in INDICATORS if not i.breakdown} | {"meeting_attendance"}
    assert set(found["indicator"]) == expected
    assert found[found["unit"] == "share"]["value"].isna().all()
