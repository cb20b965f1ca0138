"""Demo follow-up registers: six months of records and of their follow-up, day by day.

Interventions, referrals, walks, meetings and projects are written over the 26 weeks before
``today`` by the six demo mediators of three teams (:mod:`toolkit.demo.barometre`). Their
follow-up is then played out in time: the register is synchronised at the end of each week
(as when someone opens « Suivi »), and each step is recorded on the day it happens, with the
delays and outcomes of the field (most agreements kept at 30 days, fewer at 90; partners
answering within a fortnight; services slower to fix than to acknowledge). Steps drawn for
after ``today`` are not played: those items stay open, and the ones already past their due
date are overdue, as in any real register. Records found already in the store without a
mediator (the generic demo records) are handed out by the coordinator first.

Examples
--------
>>> import datetime as dt
>>> from toolkit.store import connect
>>> from toolkit.followup import Register
>>> store = connect("sqlite://")
>>> summary = fill_followup_demo(store, today=dt.date(2026, 6, 30))
>>> summary["intervention_mediation"] > 100, summary["items"] > 100
(True, True)
>>> overdue = [i for i in Register(store).items(open_only=True) if i.due_date < dt.date(2026, 6, 30)]
>>> len(overdue) > 5
True
"""

from __future__ import annotations

import datetime as dt
import heapq
import uuid
from collections.abc import Mapping

import numpy as np

from toolkit.demo.barometre import SECTOR_SHARE, TEAMS
from toolkit.demo.synthetic import synthetic_answers
from toolkit.errors import StoreError
from toolkit.followup import FollowupConflict, FollowupError, Item, Register
from toolkit.followup.calendar import PARIS, WorkingCalendar
from toolkit.followup.calendar import today as paris_today
from toolkit.followup.parents import PARENTS
from toolkit.instruments import Instrument, load
from toolkit.instruments.catalogue import surveys_dir
from toolkit.store import Store

__all__ = ["COORDINATOR", "DEMO_WEEKS", "FOLLOWED", "MEDIATORS", "fill_followup_demo"]

#: Instruments whose demo records this module writes (``fill_demo(skip=FOLLOWED)``).
FOLLOWED = tuple(spec.instrument_id for spec in PARENTS)
#: Weeks of activity generated before ``today``.
DEMO_WEEKS = 26
#: Records are written, and the register synchronised, every this many weeks (as when
#: someone opens « Suivi » and the new records get their follow-up).
SYNC_WEEKS = 3
#: Who hands out the follow-ups nobody holds.
COORDINATOR = "Nadia F. (coordinatrice)"
#: The demo mediators of each team (names of :data:`toolkit.demo.barometre.COLLECTORS`).
MEDIATORS = {
    "Équipe Centre": ("Amina B.", "Yanis K."),
    "Équipe Nord": ("Claire D.", "Moussa T."),
    "Équipe Sud": ("Léa R.", "Karim S."),
}

_CONFLICTS = {
    "CF-BRUIT": 0.25, "CF-REGR": 0.16, "CF-USAGE": 0.11, "CF-INSUL": 0.08, "CF-STAT": 0.1,
    "CF-DEGR": 0.06, "CF-REGLE": 0.09, "CF-ANIM": 0.05, "CF-HYG": 0.04, "CF-INST": 0.06,
}  # fmt: skip
_REAL_TIME_MODES = {"M-TR": 0.55, "M-TOUR": 0.3, "M-PERM": 0.1, "M-TEL": 0.05}
_DEFERRED_MODES = {"M-NAV": 0.42, "M-TRD": 0.3, "M-SUIVI": 0.08, "M-DOM": 0.12, "M-TEL": 0.08}
_REAL_TIME_OUTCOMES = {
    "R-APAIS": 0.55, "R-ACC": 0.08, "R-REFUS": 0.08, "R-ORIENT": 0.09, "R-SIGNAL": 0.05,
    "R-ECHEC": 0.05, "R-SANSSUITE": 0.1,
}  # fmt: skip
_DEFERRED_OUTCOMES = {
    "R-ACC": 0.4, "R-ACCP": 0.2, "R-REFUS": 0.12, "R-ECHEC": 0.1, "R-ENCOURS": 0.1,
    "R-SANSSUITE": 0.08,
}  # fmt: skip
_AGREEMENTS = {
    "CF-BRUIT": "Pas de musique forte après 22 h en semaine ; prévenir les voisins avant une fête.",
    "CF-REGR": "Les jeunes se retrouvent au city-stade plutôt que dans le hall après 21 h.",
    "CF-USAGE": "Le local vélos est partagé : un créneau chacun le samedi matin.",
    "CF-INSUL": "Chacun s'engage à ne plus s'adresser à l'autre sur ce ton ; un point dans un mois.",
    "CF-STAT": "Le camion de livraison se gare sur l'emplacement prévu, pas devant le garage.",
    "CF-DEGR": "La famille repeint la porte de la cave ; le bailleur fournit la peinture.",
    "CF-REGLE": "Le règlement intérieur est affiché dans le hall et relu ensemble.",
    "CF-ANIM": "Le chien est tenu en laisse dans les parties communes.",
    "CF-HYG": "Les sacs sont descendus au local poubelles le soir même.",
    "CF-INST": "Un rendez-vous est pris avec le bailleur pour la régularisation des charges.",
}
_DOMAINS = {
    "P-SOCIAL": ("ccas", 0.16), "P-CAF": ("caf", 0.12), "P-SANTE": ("cpam", 0.12),
    "P-LOGT": ("bailleur", 0.14), "P-EMPLOI": ("france_travail", 0.1), "P-EDUC": ("pre", 0.06),
    "P-JUSTICE": ("pad", 0.08), "P-MAIRIE": ("mairie", 0.06), "P-ASSO": ("centre_social", 0.08),
    "P-NUM": ("france_services", 0.08),
}  # fmt: skip
_NEEDS = {
    "P-SOCIAL": "droits_sociaux", "P-CAF": "droits_sociaux", "P-SANTE": "sante",
    "P-LOGT": "logement", "P-EMPLOI": "emploi", "P-EDUC": "scolarite", "P-JUSTICE": "juridique",
    "P-MAIRIE": "droits_sociaux", "P-ASSO": "lien_social", "P-NUM": "numerique",
}  # fmt: skip
_OBSERVATIONS = (
    ("T-ECL", "bailleur", "Parking du bâtiment C", "Trois lampadaires éteints côté entrée."),
    ("T-ECL", "voirie", "Allée des Tilleuls", "Éclairage public en panne sur toute l'allée."),
    ("T-ASC", "bailleur", "Tour 4, hall A", "Ascenseur à l'arrêt depuis une semaine."),
    ("T-ACCES", "bailleur", "Hall du 12", "Porte d'entrée qui ne ferme plus, interphone muet."),
    ("T-PROP", "proprete", "Pied de la tour 2", "Dépôt sauvage d'encombrants (matelas, meubles)."),
    ("T-TAG", "proprete", "Mur du gymnase", "Tags injurieux sur le mur côté rue."),
    ("T-VOIRIE", "voirie", "Rue de la Gare", "Trottoir défoncé devant l'arrêt de bus."),
    ("T-MOB", "espaces_verts", "Aire de jeux du square", "Toboggan cassé, bord coupant."),
    ("T-VERT", "espaces_verts", "Square des Acacias", "Haie non taillée qui masque le passage."),
    ("T-NUIS", "hygiene", "Caves du bâtiment B", "Présence de rats signalée par les habitants."),
    ("T-EAU", "bailleur", "Cage d'escalier du 8", "Fuite d'eau au plafond du 2e étage."),
    ("T-EPAVE", "police_municipale", "Parking du marché", "Voiture sans plaques depuis un mois."),
)
_PROPOSALS = (
    ("cadre_vie", "Installer des bancs près de l'aire de jeux", "ville"),
    ("cadre_vie", "Repeindre le hall du 12", "bailleur"),
    ("tranquillite", "Une tournée des médiateurs le vendredi soir", "mediation"),
    ("voisinage", "Organiser une fête des voisins en juin", "habitants"),
    ("jeunesse", "Ouvrir le gymnase le samedi après-midi", "ville"),
    ("equipements", "Réparer le city-stade", "ville"),
    ("logement", "Une permanence du bailleur une fois par mois", "bailleur"),
    ("circulation", "Un passage piéton devant l'école", "ville"),
    ("services", "Une aide aux démarches en ligne au centre social", "centre_social"),
    ("tranquillite", "Mieux éclairer le passage sous la voie ferrée", ""),
)
_PROJECTS = (
    ("Repas de quartier de l'été", "repas", ("Salle réservée", "Affiches posées", "Repas")),
    ("Chantier jeunes : fresque du gymnase", "chantier_jeunes", ("Groupe constitué", "Maquette validée", "Fresque peinte")),
    ("Jardin partagé des Tilleuls", "jardin", ("Parcelle obtenue", "Bacs installés", "Première récolte")),
    ("Sortie familles à la mer", "sortie", ("Car réservé", "Inscriptions closes", "Sortie")),
    ("Tournoi de foot inter-quartiers", "sport", ("Équipes inscrites", "Arbitres trouvés", "Tournoi")),
)  # fmt: skip
_REJECTIONS = (
    "Hors de notre compétence : voir la copropriété.",
    "Travaux prévus au budget de l'an prochain.",
)
_REFUSALS = ("Pas de budget cette année.", "Le terrain n'appartient pas à la ville.")


def _pick(rng: np.random.Generator, shares: Mapping[str, float]) -> str:
    keys = list(shares)
    probs = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _moment(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(9 + int(rng.integers(0, 9)), int(rng.integers(0, 60))))
    return local.replace(tzinfo=PARIS).astimezone(dt.UTC)


class _Writer:
    """Writes the demo parent records, week by week."""

    def __init__(
        self,
        store: Store,
        rng: np.random.Generator,
        today: dt.date,
        instruments: Mapping[str, Instrument],
    ) -> None:
        self.store = store
        self.rng = rng
        self.today = today
        self.instruments = instruments
        self.counts: dict[str, int] = {}
        self.projects: list[tuple[str, str]] = []
        self.waiting: dict[str, list[dict]] = {}

    def flush(self) -> None:
        """Store the week's records, one transaction per instrument."""
        for instrument_id, rows in self.waiting.items():
            self.store.submit_many(instrument_id, rows)
        self.waiting = {}

    def who(self) -> tuple[str, str, str]:
        sector = _pick(self.rng, SECTOR_SHARE)
        team = TEAMS[sector]
        names = MEDIATORS[team]
        return sector, team, names[int(self.rng.integers(0, len(names)))]

    def submit(
        self,
        instrument_id: str,
        day: dt.date,
        overrides: dict,
        sector: str,
        team: str,
        collector: str,
    ) -> str:
        answers = synthetic_answers(
            self.instruments[instrument_id], self.rng, overrides=overrides, today=self.today
        )
        response_id = _uuid(self.rng)
        self.waiting.setdefault(instrument_id, []).append(
            {
                "answers": answers,
                "response_id": response_id,
                "collector": collector,
                "team": team,
                "sector": sector,
                "started_at": _moment(day, self.rng),
                "source": "demo",
            }
        )
        self.counts[instrument_id] = self.counts.get(instrument_id, 0) + 1
        return response_id

    def intervention(self, day: dt.date) -> None:
        sector, team, collector = self.who()
        deferred = self.rng.random() < 0.42
        mode = _pick(self.rng, _DEFERRED_MODES if deferred else _REAL_TIME_MODES)
        outcomes = _DEFERRED_OUTCOMES if mode in ("M-NAV", "M-TRD") else _REAL_TIME_OUTCOMES
        outcome = _pick(self.rng, outcomes)
        conflict = _pick(self.rng, _CONFLICTS)
        overrides: dict[str, object] = {
            "date_intervention": day.isoformat(),
            "secteur": sector,
            "temporalite": "differe" if deferred else "temps_reel",
            "mode": mode,
            "type_conflit": conflict,
            "resultat": outcome,
            "nb_parties": 2,
            "duree_minutes": int(self.rng.integers(10, 120)),
        }
        if outcome in ("R-ACC", "R-ACCP"):
            overrides["texte_accord"] = _AGREEMENTS[conflict]
        if deferred and outcome in ("R-ACC", "R-ACCP", "R-ENCOURS"):
            overrides["date_suivi"] = (day + dt.timedelta(days=30)).isoformat()
        self.submit("intervention_mediation", day, overrides, sector, team, collector)

    def referral(self, day: dt.date) -> None:
        sector, team, collector = self.who()
        domain = _pick(self.rng, {k: v[1] for k, v in _DOMAINS.items()})
        kind = _pick(
            self.rng,
            {
                "information": 0.2,
                "mise_en_relation": 0.35,
                "rendez_vous": 0.35,
                "accompagnement": 0.1,
            },
        )
        overrides: dict[str, object] = {
            "consentement": True,
            "date_orientation": day.isoformat(),
            "secteur": sector,
            "besoins": [_NEEDS[domain]],
            "domaine": domain,
            "structure": _DOMAINS[domain][0],
            "type_orientation": kind,
            "suivi_fait": "pas_encore",
        }
        if kind in ("rendez_vous", "accompagnement"):
            overrides["date_rdv"] = (
                day + dt.timedelta(days=int(self.rng.integers(3, 16)))
            ).isoformat()
        self.submit("orientation_partenaire", day, overrides, sector, team, collector)

    def walk(self, day: dt.date) -> None:
        sector, team, collector = self.who()
        count = int(self.rng.integers(4, 9))
        chosen = self.rng.choice(len(_OBSERVATIONS), size=count, replace=False)
        entries = []
        for index in chosen:
            category, service, place, seen = _OBSERVATIONS[int(index)]
            entries.append(
                {
                    "categorie": category,
                    "lieu": place,
                    "description": seen,
                    "gravite": str(int(self.rng.integers(1, 4))),
                    "service": service,
                }
            )
        overrides = {
            "date_marche": day.isoformat(),
            "secteur": sector,
            "participants": ["habitants", "mediateurs", "bailleur", "ville"],
            "nb_participants": int(self.rng.integers(6, 20)),
            "nb_points": count,
            "observations": entries,
        }
        self.submit("diagnostic_marchant", day, overrides, sector, team, collector)

    def meeting(self, day: dt.date) -> None:
        sector, team, collector = self.who()
        count = int(self.rng.integers(2, 5))
        chosen = self.rng.choice(len(_PROPOSALS), size=count, replace=False)
        entries = []
        for index in chosen:
            theme, text, owner = _PROPOSALS[int(index)]
            entry: dict[str, object] = {"proposition": text, "theme": theme}
            if owner and self.rng.random() < 0.5:
                entry["porteur"] = owner
            entries.append(entry)
        overrides = {
            "date_reunion": day.isoformat(),
            "secteur": sector,
            "lieu": "Salle du centre social",
            "type_reunion": _pick(
                self.rng, {"habitants": 0.5, "bailleur": 0.3, "conseil_citoyen": 0.2}
            ),
            "ordre_du_jour": "Cadre de vie, tranquillité, questions diverses.",
            "nb_habitants": int(self.rng.integers(8, 40)),
            "nb_institutions": int(self.rng.integers(1, 5)),
            "nb_associations": int(self.rng.integers(0, 4)),
            "nb_bailleurs": int(self.rng.integers(0, 3)),
            "themes": sorted({str(e["theme"]) for e in entries}),
            "expression_habitants": "Les habitants demandent surtout plus de calme le soir et des réponses plus rapides du bailleur.",
            "nb_propositions": count,
            "propositions": entries,
            "retour_prevu": "oui",
            "date_retour": (day + dt.timedelta(days=30)).isoformat(),
            "modes_retour": ["affichage", "tournee"],
        }
        self.submit("reunion_concertation", day, overrides, sector, team, collector)

    def project(self, day: dt.date, index: int) -> None:
        sector, team, collector = self.who()
        title, kind, steps = _PROJECTS[index % len(_PROJECTS)]
        milestones = [
            {"jalon": step, "date_jalon": (day + dt.timedelta(days=21 * (k + 1))).isoformat()}
            for k, step in enumerate(steps)
        ]
        overrides = {
            "intitule": title,
            "date_debut": day.isoformat(),
            "secteur": sector,
            "type_projet": kind,
            "objectifs": ["lien_social", "mixite"],
            "partenaires": ["centre_social", "bailleur", "habitants"],
            "publics": ["familles", "jeunes"],
            "nb_jalons": len(milestones),
            "jalons": milestones,
            "statut": "en_cours",
        }
        self.projects.append(
            (self.submit("projet_collectif", day, overrides, sector, team, collector), collector)
        )


class _Player:
    """Plays the follow-up steps of each item on the day they happen."""

    def __init__(self, register: Register, rng: np.random.Generator, today: dt.date) -> None:
        self.register = register
        self.rng = rng
        self.today = today
        self.queue: list[tuple[dt.date, int, str, str, dict]] = []
        self.counter = 0
        self.played = 0
        #: The items as the demo last wrote them (nobody else writes meanwhile).
        self.known: dict[str, Item] = {}

    def later(self, start: dt.date, low: int, high: int) -> dt.date:
        return start + dt.timedelta(days=int(self.rng.integers(low, high + 1)))

    def slow(self, start: dt.date, low: int, high: int) -> dt.date:
        """Usually within ``low``–``high`` days; one time in six, weeks later (forgotten)."""
        if self.rng.random() < 1 / 6:
            return self.later(start, high + 20, high + 80)
        return self.later(start, low, high)

    def plan(self, day: dt.date, item_id: str, event: str, **fields: object) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (day, self.counter, item_id, event, fields))

    def first_step(self, item: Item) -> None:
        """Draw the next step of a newly opened (or just moved) item."""
        self.known[item.item_id] = item
        rng, start = self.rng, item.due_date or item.parent_date
        entered = dt.date.fromisoformat(
            str(item.data.get("entered_on", item.parent_date.isoformat()))
        )
        if item.kind == "agreement":
            outcome = (
                _pick(rng, {"kept": 0.58, "partly_kept": 0.2, "broken": 0.13, "unreachable": 0.09})
                if item.state == "planned"
                else _pick(
                    rng, {"kept": 0.55, "partly_kept": 0.18, "broken": 0.17, "unreachable": 0.1}
                )
            )
            self.plan(self.slow(start, -3, 10), item.item_id, outcome)
        elif item.kind == "referral":
            if item.state == "proposed":
                if rng.random() < 0.08:
                    self.plan(
                        self.later(entered, 5, 20),
                        item.item_id,
                        "not_taken_up",
                        reason=_pick(
                            rng,
                            {
                                "partner_no_capacity": 0.5,
                                "resident_unreachable": 0.3,
                                "need_gone": 0.2,
                            },
                        ),
                    )
                elif rng.random() < 0.04:
                    self.plan(self.later(entered, 2, 15), item.item_id, "withdraw")
                else:
                    self.plan(self.later(entered, 2, 16), item.item_id, "accept")
            elif item.state == "accepted":
                if rng.random() < 0.8:
                    self.plan(
                        self.later(start, 0, 10),
                        item.item_id,
                        "confirm",
                        partner="",
                        confirmed_by=_pick(rng, {"person": 0.6, "partner": 0.3, "mediator": 0.1}),
                    )
                else:
                    self.plan(
                        self.later(start, 0, 10),
                        item.item_id,
                        "not_taken_up",
                        reason=_pick(
                            rng,
                            {
                                "resident_declined": 0.35,
                                "resident_unreachable": 0.3,
                                "partner_no_capacity": 0.2,
                                "need_gone": 0.15,
                            },
                        ),
                    )
        elif item.kind == "technical":
            if item.state == "reported":
                self.plan(self.later(entered, 1, 12), item.item_id, "acknowledge")
            elif item.state == "acknowledged":
                if rng.random() < 0.85:
                    self.plan(self.later(entered, 4, 45), item.item_id, "resolve")
                else:
                    self.plan(
                        self.later(entered, 3, 20),
                        item.item_id,
                        "reject",
                        reason=_REJECTIONS[int(rng.integers(0, len(_REJECTIONS)))],
                    )
            else:
                self.plan(
                    self.slow(entered, 1, 12),
                    item.item_id,
                    "inform",
                    how=_pick(rng, {"in_person": 0.5, "notice": 0.3, "phone": 0.2}),
                )
        elif item.kind == "proposal":
            if item.state == "raised":
                self.plan(
                    self.later(entered, 3, 20),
                    item.item_id,
                    "name_owner",
                    owner=_pick(
                        rng, {"Bailleur": 0.4, "Services de la ville": 0.4, "Centre social": 0.2}
                    ),
                )
            elif item.state == "owner_named":
                if rng.random() < 0.7:
                    due = self.later(entered, 30, 75)
                    self.plan(
                        self.later(entered, 5, 35),
                        item.item_id,
                        "accept",
                        answer_due=due.isoformat(),
                    )
                else:
                    self.plan(
                        self.later(entered, 5, 35),
                        item.item_id,
                        "refuse",
                        reason=_REFUSALS[int(rng.integers(0, len(_REFUSALS)))],
                    )
            elif item.state == "accepted":
                self.plan(self.slow(start, -10, 20), item.item_id, "complete")
            else:
                self.plan(
                    self.slow(entered, 3, 20),
                    item.item_id,
                    "tell",
                    how=_pick(rng, {"notice": 0.5, "meeting": 0.3, "in_person": 0.2}),
                )
        elif item.kind == "milestone":
            outcome = _pick(
                rng, {"reached": 0.66, "partly_reached": 0.18, "missed": 0.1, "postpone": 0.06}
            )
            if outcome == "postpone":
                self.plan(
                    self.later(start, 0, 4),
                    item.item_id,
                    "postpone",
                    postponed_to=self.later(start, 14, 28).isoformat(),
                )
            else:
                self.plan(self.later(start, 0, 7), item.item_id, outcome)

    def play_until(self, day: dt.date) -> None:
        """Record every step planned up to ``day`` (never after the demo's today)."""
        while self.queue and self.queue[0][0] <= min(day, self.today):
            when, _, item_id, event, fields = heapq.heappop(self.queue)
            item = self.known.get(item_id) or self.register.item(item_id)
            if item.closed_at is not None:
                continue
            when = max(
                when, dt.date.fromisoformat(str(item.data.get("entered_on"))), item.parent_date
            )
            if event == "confirm":
                fields = {**fields, "partner": _partner_name(item)}
            # A record found in the store long after its date is followed up from then on.
            moment = _moment(when, self.rng)
            updated = item.updated_at
            now = moment if updated is None else max(moment, updated + dt.timedelta(minutes=5))
            try:
                moved = self.register.apply(
                    item_id,
                    event,
                    by=item.collector or COORDINATOR,
                    expected_version=item.version,
                    date=when,
                    now=now,
                    **fields,
                )
            except (FollowupError, FollowupConflict):
                self.known.pop(item_id, None)
                continue
            self.played += 1
            self.known[item_id] = moved
            if moved.closed_at is None:
                self.first_step(moved)


def _partner_name(item: Item) -> str:
    parent = item.data.get("parent", {})
    return (
        str(parent.get("structure", "")).replace("_", " ").capitalize()
        if isinstance(parent, Mapping)
        else ""
    )


def fill_followup_demo(
    store: Store, *, seed: int = 20261201, today: dt.date | None = None, weeks: int = DEMO_WEEKS
) -> dict[str, int]:
    """Add six months of demo records and play their follow-up; return what was added.

    Returns
    -------
    dict
        Records added per instrument, then ``items`` (follow-up items opened) and ``steps``
        (steps recorded).
    """
    # A stream of its own: the same seed as the other demo data must not repeat their ids.
    rng = np.random.default_rng((seed, 13))
    today = today or paris_today()
    instruments = _instruments(store)
    register = Register(store)
    writer = _Writer(store, rng, today, instruments)
    player = _Player(register, rng, today)
    start = today - dt.timedelta(weeks=weeks)
    project_index = 0
    calendar = WorkingCalendar()
    # Records already in the store (the generic demo records) are taken in first.
    found = register.sync(now=_moment(today, rng)).created
    for item_id in found:
        item = register.item(item_id)
        if item.collector is None:
            item = _hand_out(register, item, today, rng)
        player.first_step(item)
    opened = len(found)
    for week in range(weeks + 1):
        monday = start + dt.timedelta(weeks=week)
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            if day > today or not calendar.is_working_day(day):
                continue
            for _ in range(int(rng.poisson(1.9))):
                writer.intervention(day)
            for _ in range(int(rng.poisson(0.75))):
                writer.referral(day)
            if rng.random() < 0.05:
                writer.walk(day)
            if rng.random() < 0.08:
                writer.meeting(day)
            if rng.random() < 0.035:
                writer.project(day, project_index)
                project_index += 1
        sunday = min(monday + dt.timedelta(days=6), today)
        if week % SYNC_WEEKS != SYNC_WEEKS - 1 and week != weeks:
            player.play_until(sunday)
            continue
        writer.flush()
        created = register.sync(now=_moment(sunday, rng)).created
        opened += len(created)
        for item_id in created:
            item = register.item(item_id)
            if item.collector is None:
                item = _hand_out(register, item, sunday, rng)
            player.first_step(item)
        player.play_until(sunday)
    _close_projects(store, writer.projects, today, rng)
    _correct_one_date(store, register, today, rng)
    register.sync(now=_moment(today, rng))
    return {**writer.counts, "items": opened, "steps": player.played}


def _hand_out(register: Register, item: Item, day: dt.date, rng: np.random.Generator) -> Item:
    """The coordinator gives an item that nobody holds to a mediator of its sector's team."""
    team = TEAMS.get(item.sector or "", "Équipe Centre")
    names = MEDIATORS[team]
    return register.assign(
        item.item_id,
        collector=names[int(rng.integers(0, len(names)))],
        team=team,
        by=COORDINATOR,
        expected_version=item.version,
        now=_moment(day, rng),
    )


def _correct_one_date(
    store: Store, register: Register, today: dt.date, rng: np.random.Generator
) -> None:
    """A mediator notices a wrong intervention date and corrects the record: the register
    recomputes the agreement's due date and says so in its history."""
    for item in register.items(kind="agreement", open_only=True):
        if item.state != "planned" or item.collector is None:
            continue
        record = store.get(item.parent_id, include_pii=True)
        answers = dict(record.answers)
        corrected = item.parent_date - dt.timedelta(days=7)
        answers["date_intervention"] = corrected.isoformat()
        follow_up = answers.get("date_suivi")
        if isinstance(follow_up, str) and follow_up and follow_up < corrected.isoformat():
            continue
        store.correct(
            item.parent_id,
            answers,
            by=item.collector,
            reason="Date saisie avec une semaine d'écart",
        )
        register.sync(now=_moment(today, rng))
        return


def _close_projects(
    store: Store, projects: list[tuple[str, str]], today: dt.date, rng: np.random.Generator
) -> None:
    """Projects whose last milestone is past get their outcome (a correction of the record)."""
    for response_id, collector in projects:
        answers = dict(store.get(response_id, include_pii=True).answers)
        milestones = answers["jalons"]
        if not isinstance(milestones, list):
            continue
        last = max(dt.date.fromisoformat(m["date_jalon"]) for m in milestones)
        if last + dt.timedelta(days=7) > today:
            continue
        status = _pick(rng, {"realise": 0.6, "partiel": 0.25, "abandonne": 0.1, "reporte": 0.05})
        answers["statut"] = status
        end = min(last + dt.timedelta(days=int(rng.integers(0, 7))), today)
        answers["date_fin"] = end.isoformat()
        answers["bilan_texte"] = (
            "Bonne participation des familles ; à refaire avec plus de partenaires."
        )
        if status in ("realise", "partiel"):
            answers["participants_reels"] = int(rng.integers(15, 120))
        store.correct(response_id, answers, by=collector, reason="Bilan du projet")


def _instruments(store: Store) -> dict[str, Instrument]:
    """The follow-up parent instruments: from the store when already registered (``toolkit
    demo`` has just done it), else read from ``surveys/`` and registered."""
    try:
        return {name: store.instrument(name) for name in FOLLOWED}
    except StoreError:
        # Only the five parent instruments: parsing the whole catalogue took most of the demo.
        found = {name: load(surveys_dir() / f"{name}.yaml") for name in FOLLOWED}
        for instrument in found.values():
            store.register(instrument)
        return found
