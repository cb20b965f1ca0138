"""Fixtures of the training tests: a small valid module as YAML text, and live sessions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.store import Store, connect
from toolkit.training.sessions import LiveSessions

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO_ROOT / "training_modules"

#: A small module using every exercise type; tests edit it with str.replace.
MINIMAL = """\
kind: training_module
id: mini
version: "1"
title: {fr: "Mini", en: "Mini"}
duration: 60
objectives:
  - id: o1
    text: {fr: "Objectif un", en: "Objective one"}
  - id: o2
    text: "Objectif deux"
trainer_notes: "Notes"
exercises:
  - id: quiz1
    type: quiz
    title: "Quiz"
    objectives: [o1]
    questions:
      - id: q1
        prompt: "Une seule"
        options:
          - {id: a, text: "A", correct: true, feedback: "bien"}
          - {id: b, text: "B", feedback: "non"}
      - id: q2
        kind: multiple
        prompt: "Plusieurs"
        options:
          - {id: a, text: "A", correct: true}
          - {id: b, text: "B", correct: true}
          - {id: c, text: "C"}
  - id: sjt
    type: judgement
    title: "Jugement"
    situation: "Une situation"
    responses:
      - {id: a, text: "A"}
      - {id: b, text: "B"}
      - {id: c, text: "C"}
      - {id: d, text: "D"}
    best: a
    worst: d
  - id: scen
    type: branching
    title: "Scénario"
    start: s1
    scenes:
      - id: s1
        text: "Début"
        choices:
          - {text: "Bien", goto: s2, consequence: "Il sourit"}
          - {text: "Mal", goto: fin_mal}
      - id: s2
        text: "Suite"
        choices:
          - {text: "Encore", goto: s1}
          - {text: "Conclure", goto: fin_bien}
    endings:
      - {id: fin_bien, text: "Accord", score: 2}
      - {id: fin_mal, text: "Échec", score: 0}
  - id: jeu
    type: role_play
    title: "Jeu"
    situation: "Situation"
    roles:
      - {kind: mediator, name: "Médiateur", brief: "Brief M"}
      - {kind: party_a, name: "A", brief: "Brief A <b>"}
      - {kind: party_b, name: "B", brief: "Brief B"}
      - {kind: observer, name: "Obs", brief: "Brief O"}
    grid:
      - {id: reformule, text: "A reformulé"}
      - {id: neutre, text: "Neutre"}
  - id: desc
    type: rewriting
    variant: desc
    title: "DESC"
    prompts:
      - id: p1
        statement: "Vous êtes nuls"
        model_answers: ["Quand…"]
    checklist:
      - {id: d, text: "Décrire"}
  - id: echelle
    type: scale
    title: "Échelle"
    minimum: 1
    maximum: 4
    anchors: ["jamais", "parfois", "souvent", "toujours"]
    dimensions:
      - {id: dim, label: "Dimension"}
    items:
      - {id: i1, text: "Direct", dimension: dim}
      - {id: i2, text: "Inversé", dimension: dim, reverse: true}
assessment:
  questions:
    - id: t1
      objective: o1
      prompt: "Test 1"
      options:
        - {id: a, text: "A", correct: true}
        - {id: b, text: "B"}
    - id: t2
      objective: o2
      prompt: "Test 2"
      options:
        - {id: a, text: "A"}
        - {id: b, text: "B", correct: true}
"""


@pytest.fixture
def module_file(tmp_path: Path):
    """Write MINIMAL (optionally edited) to a file and return its path."""

    def write(text: str = MINIMAL, name: str = "mini.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def training_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated store (SQLite file) holding the training tables of migration 0002."""
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    yield store
    store.close()


@pytest.fixture
def live(store: Store) -> LiveSessions:
    """Live sessions with seeded room codes, on SQLite then PostgreSQL (root ``store`` fixture)."""
    return LiveSessions(store.engine, rng=random.Random(7))
