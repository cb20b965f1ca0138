"""A store with two residents' responses to an instrument with pii, and a workshop pseudonym."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.instruments import loads

VISIT = """
id: visite
version: "1"
title: Visite à domicile
privacy:
  retention_days: 30
  purpose: Proposer une visite aux habitants qui la demandent
  legal_basis: consentement
  recipients: [équipe de médiation]
questions:
  - name: motif
    type: single_choice
    choices:
      - {value: bruit, label: Bruit de voisinage}
      - {value: autre, label: Autre}
  - {name: telephone, type: text, pii: true}
  - {name: remarque, type: long_text}
  - {name: nb, type: integer}
  - name: personnes
    type: repeat
    repeat_count: ${nb}
    questions:
      - {name: prenom, type: text, pii: true}
"""


@pytest.fixture
def visit():
    return loads(VISIT)


@pytest.fixture
def residents(store, visit):
    """(store, id of Inès's response, id of Yanis's, id of an old response of Inès)."""
    store.register(visit)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=45)
    ines = store.submit(
        "visite",
        {
            "motif": "bruit",
            "telephone": "06 12 34 56 78",
            "remarque": "Le soir <b>surtout</b>",
            "nb": 1,
            "personnes": [{"prenom": "Inès"}],
        },
        collector="Samia",
        sector="gare",
    )
    yanis = store.submit("visite", {"motif": "autre", "telephone": "0700000000", "nb": 0})
    older = store.submit_many(
        "visite",
        [{"answers": {"motif": "autre", "telephone": "0612345678", "nb": 0}, "submitted_at": old}],
    )[0]
    return store, ines, yanis, older
