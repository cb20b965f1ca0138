from __future__ import annotations

import pytest

from toolkit.cli import main
from toolkit.collect import instrument_files
from toolkit.instruments import catalogue_paths
from toolkit.qual import QualError, loads_codebook

from .conftest import CODEBOOK, REPO

GOOD = """kind: codebook
id: mini
title: Mini
codes:
  - id: a
    label: {fr: A, en: A}
    children:
      - id: b
        label: B
  - id: c
    label: C
"""


def test_loads_codebook__nested__parents_first():
    book = loads_codebook(GOOD)
    assert book.ids() == ("a", "b", "c")
    assert book.path("b") == "A › B"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (GOOD.replace("    label: C", "    lable: C"), "Q005", 11),
        (GOOD.replace("id: c", "id: a"), "Q006", 10),
        (GOOD.replace("id: c", "id: c c"), "Q007", 10),
        (GOOD.replace("label: B", "label: B\n        color: bleu"), "Q009", 10),
        (GOOD.replace("kind: codebook", "kind: survey"), "Q002", 1),
        (GOOD.replace("title: Mini", "title: [oops"), "Q001", None),
    ],
)
def test_loads_codebook__bad_file__coded_problem_with_line(text, code, line):
    with pytest.raises(QualError) as caught:
        loads_codebook(text, source="x.yaml")
    problem = caught.value.problems[0]
    assert problem.code == code
    if line is not None:
        assert problem.line == line
    assert problem.file == "x.yaml"


def test_codebook__rename_move_merge_retire__keep_ids():
    book = loads_codebook(GOOD).rename("a", "Alpha").move("c", "a").merge("b", "c").retire("c")
    assert book.get("a").label.get() == "Alpha"
    assert book.get("c").parent == "a"
    assert book.resolve("b") == "c"
    assert not book.get("c").active


def test_codebook__move_under_own_child__q014():
    with pytest.raises(QualError) as caught:
        loads_codebook(GOOD).move("a", "b")
    assert caught.value.codes == ["Q014"]


def test_codebooks_subfolder__not_taken_for_instruments():
    surveys = REPO / "surveys"
    assert CODEBOOK not in instrument_files(surveys)
    assert CODEBOOK not in catalogue_paths(surveys)


def test_validate__codebook_file__checked_as_codebook(tmp_path, capsys):
    assert main(["validate", str(CODEBOOK)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("label: C", "label: ''"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert "Q008" in capsys.readouterr().err
