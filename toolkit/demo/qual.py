"""Demo material for the qualitative analysis: open answers to the needs survey, two interview
transcripts, and two coders' codings with realistic disagreements.

Each demo text carries the codes an experienced coder would give it. Two coders then code
every demo segment: each misses a code now and then, adds a neighbouring code by mistake
(online procedures for access to rights, neighbours for peace and quiet…) and codes part of
the segments with a span instead of the whole, with error rates of their own and a seeded
generator, so agreement is high but not perfect, as it is in real double coding.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np

from toolkit.demo.synthetic import synthetic_answers

__all__ = ["CODERS", "IDEES", "PREOCCUPATIONS", "TRANSCRIPTS", "fill_qual_demo"]

CODERS = ("Awa", "Bérénice")
SAMPLE_NAME = "Échantillon de fiabilité"
#: The date the demo answers are drawn for (the same demo whatever the day).
DEMO_TODAY = dt.date(2026, 6, 15)
#: (answer to « preoccupation », codes)
PREOCCUPATIONS = (
    (
        "Mon dossier CAF est bloqué depuis trois mois et personne ne me répond au téléphone.",
        ("acces_droits",),
    ),
    (
        "Tout se fait sur Internet maintenant, moi je n'ai pas d'ordinateur et je ne sais pas faire.",
        ("acces_droits", "numerique"),
    ),
    (
        "Le soir les jeunes dans le hall font du bruit jusqu'à deux heures du matin, on ne dort pas.",
        ("tranquillite",),
    ),
    ("J'ai peur de rentrer le soir à cause du trafic devant l'immeuble.", ("tranquillite",)),
    (
        "Depuis que mon mari est décédé je ne vois plus personne, mes enfants sont loin.",
        ("isolement",),
    ),
    ("L'ascenseur est en panne une semaine sur deux et j'habite au huitième.", ("cadre_vie",)),
    ("Les encombrants restent des semaines sur le trottoir, il y a des rats.", ("cadre_vie",)),
    (
        "Il n'y a rien pour les ados, ils traînent dehors toute la journée pendant les vacances.",
        ("jeunesse", "tranquillite"),
    ),
    ("Je cherche du travail depuis un an, à Pôle emploi on me dit d'attendre.", ("emploi",)),
    (
        "Ma voisine du dessus fait du bruit la nuit et on ne se parle plus depuis le dégât des eaux.",
        ("voisinage",),
    ),
    (
        "Pour renouveler mon titre de séjour il faut prendre rendez-vous sur le site de la préfecture, c'est impossible.",
        ("acces_droits", "numerique"),
    ),
    ("Je ne sors plus beaucoup, avec mes jambes c'est difficile et je suis seule.", ("isolement",)),
    ("La propreté du quartier, les poubelles débordent tout le temps.", ("cadre_vie",)),
    ("Les enfants n'ont pas d'endroit pour faire leurs devoirs au calme.", ("jeunesse",)),
    ("Mes papiers pour la retraite, je ne comprends rien aux courriers.", ("acces_droits",)),
    (
        "Les voisins sont gentils, on s'entraide, mais l'immeuble est mal entretenu.",
        ("voisinage", "cadre_vie"),
    ),
    ("Les rodéos de motos le week-end, c'est dangereux pour les petits.", ("tranquillite",)),
    (
        "Je n'ai pas Internet chez moi, pour les démarches je vais à la médiathèque mais c'est souvent fermé.",
        ("numerique", "acces_droits"),
    ),
    ("Personne ne vient me voir, je parle surtout à la télé.", ("isolement",)),
    ("Le parc est sale et mal éclairé, on n'y va plus.", ("cadre_vie", "tranquillite")),
    ("Mon fils a arrêté l'école et ne trouve pas de formation.", ("emploi", "jeunesse")),
    ("Il y a des disputes entre voisins pour les places de parking.", ("voisinage",)),
    ("Mon allocation logement a été coupée sans explication.", ("acces_droits",)),
    ("Des regroupements dans la cage d'escalier, on doit passer au milieu.", ("tranquillite",)),
    ("Rien de particulier, le quartier est plutôt calme.", ()),
    ("Les loyers augmentent et les charges aussi, on n'y arrive plus.", ()),
    ("Mes enfants n'ont pas de place en centre de loisirs cet été.", ("jeunesse",)),
    (
        "Je ne connais personne depuis que je suis arrivée, c'est dur d'être seule ici.",
        ("isolement", "voisinage"),
    ),
)
#: (answer to « idee », codes)
IDEES = (
    (
        "On pourrait organiser un repas de quartier au printemps pour se rencontrer.",
        ("participation", "voisinage"),
    ),
    ("Un local pour les jeunes avec un animateur le soir.", ("jeunesse", "participation")),
    (
        "Une permanence pour aider aux démarches en ligne, avec quelqu'un de patient.",
        ("numerique", "participation"),
    ),
    (
        "Un jardin partagé au pied des immeubles, je veux bien m'en occuper.",
        ("participation", "cadre_vie"),
    ),
    ("Plus de passages des médiateurs le soir dans les halls.", ("tranquillite",)),
    ("Des visites aux personnes âgées qui sont seules.", ("isolement", "participation")),
    ("Réparer l'éclairage du parc et mettre des bancs.", ("cadre_vie",)),
    (
        "Des réunions entre le bailleur et les locataires, pour qu'on nous écoute.",
        ("participation",),
    ),
    ("Aider les jeunes à trouver des stages et des petits boulots.", ("emploi", "jeunesse")),
    ("Une fête des voisins dans la cour, chacun apporte un plat.", ("participation", "voisinage")),
    (
        "Des ateliers d'informatique pour les seniors à la maison de quartier.",
        ("numerique", "isolement"),
    ),
    ("Je n'ai pas d'idée pour le moment.", ()),
)
#: Two anonymised interview transcripts (guide « vivre dans le quartier »), with each turn's codes.
TRANSCRIPTS = (
    (
        "entretien_ENT-101.txt",
        "ENT-101",
        {"profil": "commercant", "sector": "gare"},
        (
            ("Enquêteur", "Pouvez-vous me raconter comment vous êtes arrivé ici ?", ()),
            (
                "Personne",
                "J'ai repris la boulangerie il y a huit ans. Au début c'était calme, maintenant le soir il y a du trafic devant la vitrine et des clientes âgées n'osent plus venir après dix-huit heures.",
                ("tranquillite", "isolement"),
            ),
            ("Enquêteur", "Et les relations avec les voisins, les autres commerçants ?", ()),
            (
                "Personne",
                "On s'entend bien entre commerçants, on se prévient quand il y a un problème. Avec certains locataires au-dessus c'est plus tendu à cause des livraisons tôt le matin.",
                ("voisinage",),
            ),
            ("Enquêteur", "Connaissez-vous les médiateurs ?", ()),
            (
                "Personne",
                "Oui, ils passent souvent. Une fois ils ont réglé une dispute entre deux familles devant la boutique, sans appeler la police. Ce qui manque, c'est quelque chose pour les jeunes, ils n'ont nulle part où aller.",
                ("voisinage", "jeunesse"),
            ),
            ("Enquêteur", "Si vous pouviez changer une seule chose ?", ()),
            (
                "Personne",
                "Un local pour les ados avec un éducateur, et qu'on répare l'éclairage de la place, la nuit c'est tout noir.",
                ("jeunesse", "cadre_vie", "participation"),
            ),
        ),
    ),
    (
        "entretien_ENT-102.txt",
        "ENT-102",
        {"profil": "habitant", "sector": "tilleuls"},
        (
            (
                "Enquêteur",
                "Comment se passe une journée ordinaire pour vous dans le quartier ?",
                (),
            ),
            (
                "Personne",
                "Je vis seule depuis mon veuvage. Je descends faire mes courses le matin et après je reste chez moi, je ne parle à personne de la journée.",
                ("isolement",),
            ),
            ("Enquêteur", "Qu'est-ce qui est difficile au quotidien ?", ()),
            (
                "Personne",
                "Les papiers. La caisse de retraite m'a demandé de tout faire sur Internet, je n'ai pas d'ordinateur et ma fille habite à Lyon. Mon dossier est en attente depuis l'été.",
                ("acces_droits", "numerique"),
            ),
            ("Enquêteur", "Et l'immeuble, l'entretien ?", ()),
            (
                "Personne",
                "L'ascenseur tombe en panne et les poubelles débordent. J'ai appelé le bailleur trois fois, rien ne bouge.",
                ("cadre_vie",),
            ),
            ("Enquêteur", "Avez-vous déjà eu affaire aux médiateurs ?", ()),
            (
                "Personne",
                "Une médiatrice est venue m'aider à remplir le dossier. Si elle pouvait repasser de temps en temps, ça me ferait de la compagnie. Je veux bien aider aussi, pour un repas entre voisins par exemple.",
                ("isolement", "acces_droits", "participation"),
            ),
        ),
    ),
)
#: Codes confused with each other by a coder in a hurry.
_NEIGHBOURS = {
    "numerique": "acces_droits",
    "acces_droits": "numerique",
    "tranquillite": "voisinage",
    "voisinage": "tranquillite",
    "isolement": "voisinage",
    "cadre_vie": "tranquillite",
    "jeunesse": "participation",
    "participation": "voisinage",
    "emploi": "jeunesse",
}
#: (share of codes missed, share of segments given a neighbouring code too) per coder.
_ERRORS = {"Awa": (0.06, 0.05), "Bérénice": (0.12, 0.08)}


def transcript_text(turns: tuple) -> str:
    """A transcript as written by an interviewer: one ``Speaker : words`` line per turn."""
    return "\n".join(f"{speaker} : {words}" for speaker, words, _ in turns)


def fill_qual_demo(store, *, seed: int = 20261201, n_responses: int = 40) -> dict[str, int]:
    """Add the qualitative demo (idempotent): needs-survey answers with realistic open
    answers, two transcripts, the codebook, and two coders' codings.

    Returns
    -------
    dict
        ``responses``, ``documents``, ``codings`` added (empty when already there).
    """
    from toolkit.instruments import builtin_instruments
    from toolkit.qual import QualProject, load_codebook
    from toolkit.qual.loader import default_codebook_path

    project = QualProject(store)
    if project.codebook_ids():
        return {}
    rng = np.random.default_rng(seed)
    instrument = builtin_instruments()["besoins_habitants"]
    store.register(instrument)
    truth: dict[str, tuple[str, ...]] = {}
    rows = []
    for index in range(n_responses):
        worry, worry_codes = PREOCCUPATIONS[index % len(PREOCCUPATIONS)]
        overrides: dict[str, object] = {"preoccupation": worry}
        truth[worry] = worry_codes
        if index % 3 != 2:
            idea, idea_codes = IDEES[index % len(IDEES)]
            overrides["idee"] = idea
            truth[idea] = idea_codes
        answers = synthetic_answers(instrument, rng, overrides=overrides, today=DEMO_TODAY)
        # Fixed ids: the same seed gives the same pseudonyms, segments and codings.
        response_id = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"mediation-toolkit/demo-qual/{seed}/{index}")
        )
        rows.append({"answers": answers, "source": "demo", "response_id": response_id})
    response_ids = set(store.submit_many("besoins_habitants", rows))
    project.save_codebook(
        load_codebook(default_codebook_path()), by=CODERS[0], note="démonstration"
    )
    project.sync(["besoins_habitants"])
    for name, pseudonym, attributes, turns in TRANSCRIPTS:
        project.import_text(
            transcript_text(turns), name=name, pseudonym=pseudonym, attributes=attributes
        )
        for _, words, codes in turns:
            truth[words] = codes
    segments = project.segments()
    demo = segments[segments["response_id"].isin(response_ids) | (segments["kind"] == "file")]
    codings = 0
    for coder in CODERS:
        missed, confused = _ERRORS[coder]
        for row in demo.itertuples(index=False):
            true_codes = truth.get(row.text, ())
            project.mark_reviewed(int(row.segment_id), coder)
            for code in true_codes:
                if rng.random() < missed:
                    continue
                if rng.random() < 0.25 and len(row.text) > 40:
                    start = int(rng.integers(0, len(row.text) // 3))
                    end = min(len(row.text), start + int(rng.integers(25, 60)))
                    project.code(int(row.segment_id), code, coder, start=start, end=end)
                else:
                    project.code(int(row.segment_id), code, coder)
                codings += 1
            if true_codes and rng.random() < confused:
                extra = _NEIGHBOURS.get(true_codes[0])
                if extra and extra not in true_codes:
                    project.code(int(row.segment_id), extra, coder)
                    codings += 1
    project.draw_sample(SAMPLE_NAME, 12, seed=seed, segments=demo["segment_id"], by=CODERS[0])
    return {"responses": len(response_ids), "documents": len(TRANSCRIPTS), "codings": codings}
