"""What each activity indicator is: its level, its social-utility register, its unit.

The *Guide d'évaluation de l'utilité sociale de la médiation sociale* (France Médiation,
2008) splits each indicator into **réalisations** (what was done), **résultats** (direct
results) and **impacts**, across five registers. Activity records feed three of them here:
*cohésion sociale*, *tranquillité publique* and *reconnaissance*; *innovation /
apprentissage* and *contribution économique* need other sources (training evaluations, cost
studies) and have no indicator in this table.

Labels (the indicator, its numerator, its denominator) are in the message catalogue under
``followup.ind.<code>``, ``followup.ind.<code>.num`` and ``followup.ind.<code>.den``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit.i18n import get_language, t

__all__ = ["INDICATORS", "LEVELS", "REGISTERS", "Indicator", "definitions"]

#: The three levels, in report order.
LEVELS = ("realisation", "resultat", "impact")
#: The five registers of the social-utility evaluation.
REGISTERS = (
    "cohesion_sociale",
    "tranquillite_publique",
    "innovation",
    "contribution_economique",
    "reconnaissance",
)


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    ``unit``: ``share`` (numerator / denominator), ``count`` (the numerator; no denominator)
    or ``days`` (a median delay over the numerator's cases). ``breakdown``: the indicator
    has one row per category (a distribution). ``residents``: it counts residents or their
    situations, so small cells are suppressed (counts of meetings, projects or walk
    observations are published whole).
    """

    code: str
    level: str
    register: str
    unit: str
    source: str
    breakdown: bool = False
    residents: bool = True


#: Every indicator, in report order within its level.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("interventions_by_conflict_type", "realisation", "tranquillite_publique", "share", "intervention_mediation", breakdown=True),
    Indicator("interventions_by_mode", "realisation", "tranquillite_publique", "share", "intervention_mediation", breakdown=True),
    Indicator("referrals_by_partner_domain", "realisation", "cohesion_sociale", "share", "orientation_partenaire", breakdown=True),
    Indicator("technical_by_category", "realisation", "tranquillite_publique", "share", "diagnostic_marchant", breakdown=True, residents=False),
    Indicator("meetings_held", "realisation", "reconnaissance", "count", "reunion_concertation", residents=False),
    Indicator("meeting_attendance", "realisation", "reconnaissance", "share", "reunion_concertation", breakdown=True, residents=False),
    Indicator("projects_run", "realisation", "cohesion_sociale", "count", "projet_collectif", residents=False),
    Indicator("interventions_by_outcome", "resultat", "tranquillite_publique", "share", "intervention_mediation", breakdown=True),
    Indicator("deferred_agreement", "resultat", "tranquillite_publique", "share", "intervention_mediation"),
    Indicator("referrals_taken_up", "resultat", "cohesion_sociale", "share", "orientation_partenaire"),
    Indicator("technical_ack_delay", "resultat", "tranquillite_publique", "days", "diagnostic_marchant", residents=False),
    Indicator("technical_resolution_delay", "resultat", "tranquillite_publique", "days", "diagnostic_marchant", residents=False),
    Indicator("technical_informed", "resultat", "reconnaissance", "share", "diagnostic_marchant", residents=False),
    Indicator("proposals_answered", "resultat", "reconnaissance", "share", "reunion_concertation", residents=False),
    Indicator("proposals_done", "resultat", "reconnaissance", "share", "reunion_concertation", residents=False),
    Indicator("proposals_told", "resultat", "reconnaissance", "share", "reunion_concertation", residents=False),
    Indicator("projects_by_outcome", "resultat", "cohesion_sociale", "share", "projet_collectif", breakdown=True, residents=False),
    Indicator("milestones_reached", "resultat", "cohesion_sociale", "share", "projet_collectif", residents=False),
    Indicator("agreements_kept_30", "impact", "tranquillite_publique", "share", "intervention_mediation"),
    Indicator("agreements_kept_90", "impact", "tranquillite_publique", "share", "intervention_mediation"),
    Indicator("residents_told_barometer", "impact", "reconnaissance", "share", "barometre_ambiance"),
    Indicator("residents_know_mediators", "impact", "reconnaissance", "share", "barometre_ambiance"),
)  # fmt: skip


def definitions(lang: str | None = None) -> pd.DataFrame:
    """One row per indicator: ``indicator``, ``level``, ``register``, ``unit``, ``source``,
    ``label``, ``numerator_label``, ``denominator_label`` (in ``lang``)."""
    lang = lang or get_language()
    rows = [
        {
            "indicator": ind.code,
            "level": ind.level,
            "register": ind.register,
            "unit": ind.unit,
            "source": ind.source,
            "label": t(f"followup.ind.{ind.code}", lang),
            "numerator_label": t(f"followup.ind.{ind.code}.num", lang),
            "denominator_label": t(f"followup.ind.{ind.code}.den", lang),
        }
        for ind in INDICATORS
    ]
    return pd.DataFrame(rows)
