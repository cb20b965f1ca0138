"""Every question type is known to every layer that has to handle it.

A new type starts in :data:`toolkit.instruments.QUESTION_TYPES`; this file then fails until a
sample of it is written below and each layer (CONTRIBUTING.md, "Adding a question type")
handles it: YAML round trip, XLSForm round trip, demo answers, the store's frame, the field
app and the builder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest

from toolkit.apps.collect import FormRenderer
from toolkit.builder import BUILDER_TYPES
from toolkit.collect import Form
from toolkit.demo.synthetic import synthetic_answers
from toolkit.i18n import t
from toolkit.instruments import ANSWER_TYPES, QUESTION_TYPES, Instrument, dumps, loads
from toolkit.interop.xlsform import read_xlsform, write_xlsform
from toolkit.store import connect

_HEAD = (
    "id: types\nversion: '1'\ntitle: Types\nlanguages: [fr]\n"
    "choice_lists:\n"
    "  oui_non: [{value: oui, label: Oui}, {value: non, label: Non}]\n"
    "  accord: [{value: '1', label: Pas d'accord}, {value: '2', label: D'accord}]\n"
    "questions:\n"
    "  - {name: age, type: integer, label: Âge}\n"
)

#: One question of each type, as an instrument author writes it (after the ``age`` question
#: of :data:`_HEAD`, which calculations refer to).
SAMPLES = {
    "single_choice": "  - {name: q, type: single_choice, choices: oui_non, label: Question}\n",
    "multiple_choice": "  - {name: q, type: multiple_choice, choices: oui_non, label: Question}\n",
    "likert": "  - {name: q, type: likert, choices: accord, label: Question}\n",
    "likert_matrix": (
        "  - name: q\n    type: likert_matrix\n    choices: accord\n    label: Question\n"
        "    items:\n      - {name: q_a, label: Premier énoncé}\n"
        "      - {name: q_b, label: Second énoncé}\n"
    ),
    "integer": "  - {name: q, type: integer, label: Question}\n",
    "decimal": "  - {name: q, type: decimal, label: Question}\n",
    "text": "  - {name: q, type: text, label: Question}\n",
    "long_text": "  - {name: q, type: long_text, label: Question}\n",
    "date": "  - {name: q, type: date, label: Question}\n",
    "time": "  - {name: q, type: time, label: Question}\n",
    "datetime": "  - {name: q, type: datetime, label: Question}\n",
    "geopoint": "  - {name: q, type: geopoint, label: Question}\n",
    "consent": "  - {name: q, type: consent, label: Question}\n",
    "calculate": "  - {name: q, type: calculate, calculation: '${age} + 1'}\n",
    "hidden": "  - {name: q, type: hidden, default: v1}\n",
    "metadata": "  - {name: q, type: metadata, metadata: collector}\n",
    "note": "  - {name: q, type: note, label: Question}\n",
    "group": (
        "  - name: q\n    type: group\n    label: Question\n"
        "    questions:\n      - {name: q_dans, type: text, label: Dans le groupe}\n"
    ),
    "repeat": (
        "  - name: q\n    type: repeat\n    label: Question\n"
        "    questions:\n      - {name: q_dans, type: text, label: Dans la répétition}\n"
    ),
}
#: Types the builder does not offer, and why: both are XLSForm's, kept when a form is
#: imported; a mediator writing a questionnaire has no use for them.
NOT_IN_BUILDER = {
    "hidden": "a value written by the form, never asked",
    "metadata": "what the toolkit records with every response",
}
#: Types the form's pages show: not the values nobody types in (calculations, hidden values,
#: metadata) nor the consent question, which the field app asks on its start screen.
SHOWN = sorted(QUESTION_TYPES - {"calculate", "hidden", "metadata", "consent"})
TODAY = dt.date(2026, 12, 1)


def _sample(qtype: str) -> Instrument:
    return loads(_HEAD + SAMPLES[qtype], source=f"{qtype}.yaml")


def test_samples__question_types__one_for_each_type() -> None:
    assert set(SAMPLES) == set(QUESTION_TYPES)


@pytest.mark.parametrize("qtype", sorted(SAMPLES))
def test_sample__loaded__has_its_type(qtype: str) -> None:
    assert _sample(qtype).question("q").type == qtype


@pytest.mark.parametrize("qtype", sorted(SAMPLES))
def test_yaml__type__round_trips(qtype: str) -> None:
    instrument = _sample(qtype)
    assert loads(dumps(instrument), source="again.yaml") == instrument


@pytest.mark.parametrize("qtype", sorted(SAMPLES))
def test_xlsform__type__round_trips(qtype: str, tmp_path: Path) -> None:
    path = write_xlsform(_sample(qtype), tmp_path / "types.xlsx")
    back = read_xlsform(path).instrument
    assert back.question("q").type == qtype


@pytest.mark.parametrize("qtype", sorted(ANSWER_TYPES - {"hidden"}))
def test_demo_and_frame__answer_type__stored_in_a_column(qtype: str) -> None:
    instrument = _sample(qtype)
    answers = synthetic_answers(
        instrument, np.random.default_rng(7), overrides={"age": 30}, today=TODAY
    )
    assert answers.get("q") not in (None, "", [])
    store = connect("sqlite://")
    store.register(instrument)
    store.submit(instrument.id, answers)
    frame = store.frame(instrument.id)
    columns = [c for c in frame.columns if c == "q" or c[:2] in ("q_", "q/")]
    assert columns != []
    assert frame[columns].notna().any(axis=None)


@pytest.mark.parametrize("qtype", SHOWN)
def test_field_app__shown_type__label_on_its_page(qtype: str) -> None:
    renderer = FormRenderer(_sample(qtype), prefetch=False)
    texts: list[str] = []
    for index in range(len(renderer.form.pages)):
        renderer.go_to(index)
        texts += _texts(renderer.box)
    assert any("Question" in text for text in texts)


def test_field_app__consent__asked_on_the_start_screen() -> None:
    consent = Form(_sample("consent")).consent
    assert consent is not None
    assert consent.name == "q"


@pytest.mark.parametrize("qtype", sorted(QUESTION_TYPES))
def test_builder__type__offered_with_a_french_label_or_left_out_on_purpose(qtype: str) -> None:
    if qtype in NOT_IN_BUILDER:
        assert qtype not in BUILDER_TYPES
        return
    assert qtype in BUILDER_TYPES
    assert t(f"builder.type.{qtype}", "fr") != f"builder.type.{qtype}"
    assert t(f"builder.type.{qtype}", "en") != f"builder.type.{qtype}"


def _texts(widget: widgets.Widget) -> list[str]:
    out = []
    for name in ("value", "description", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            out.append(value)
    for child in getattr(widget, "children", ()):
        out += _texts(child)
    return out
