"""Branching-scenario graph checks at load time."""

from __future__ import annotations

from tests.training.conftest import MINIMAL
from toolkit.training import validate

FIN_BIEN = '      - {id: fin_bien, text: "Accord", score: 2}\n'


def problems(module_file, text):
    return [(p.code, p.field) for p in validate(module_file(text))]


def test_graph__cycle_with_exit__is_valid(module_file):
    assert validate(module_file()) == []


def test_graph__unknown_start__reports_t013(module_file):
    assert problems(module_file, MINIMAL.replace("start: s1", "start: s0")) == [
        ("T013", "scen.start")
    ]


def test_graph__dangling_link__reports_t014_with_line(module_file):
    text = MINIMAL.replace("goto: fin_bien}", "goto: fin_bein}")
    found = validate(module_file(text))
    assert [p.code for p in found if p.code == "T014"] == ["T014"]
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "fin_bein" in x)
    assert next(p for p in found if p.code == "T014").line == line


def test_graph__unreachable_scene__reports_t015(module_file):
    text = MINIMAL.replace(
        "    endings:\n",
        '      - id: orpheline\n        text: "Seule"\n        choices:\n'
        "          - {text: x, goto: fin_mal}\n    endings:\n",
    )
    assert problems(module_file, text) == [("T015", "scen.orpheline")]


def test_graph__cycle_without_exit__reports_t016(module_file):
    text = (
        MINIMAL.replace('          - {text: "Conclure", goto: fin_bien}\n', "")
        .replace("goto: fin_mal}", "goto: s2}")
        .replace(FIN_BIEN, "")
    )
    found = problems(module_file, text)
    assert ("T016", "scen.s1") in found
    assert ("T016", "scen.s2") in found
    assert ("T015", "scen.fin_mal") in found


def test_graph__scene_without_choices__reports_t017(module_file):
    text = MINIMAL.replace(
        '          - {text: "Encore", goto: s1}\n          - {text: "Conclure", goto: fin_bien}\n',
        "",
    ).replace(
        '        text: "Suite"\n        choices:\n', '        text: "Suite"\n        choices: []\n'
    )
    found = problems(module_file, text)
    assert ("T017", "scen.s2") in found
    assert ("T015", "scen.fin_bien") in found


def test_graph__ending_without_score__reports_t003(module_file):
    text = MINIMAL.replace(FIN_BIEN, '      - {id: fin_bien, text: "Accord"}\n')
    assert problems(module_file, text) == [("T003", "scen.fin_bien.score")]
