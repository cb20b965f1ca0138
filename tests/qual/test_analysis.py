from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.demo.qual import fill_qual_demo
from toolkit.qual import QualProject
from toolkit.qual.analysis import (
    code_frequencies,
    coding_matrix,
    cooccurrence,
    join_closed_answers,
    plot_cooccurrence,
    quotes,
)
from toolkit.qual.reliability import agreement
from toolkit.qual.suggest import suggest, suggestion_accuracy
from toolkit.store import connect


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = connect(f"sqlite:///{tmp_path_factory.mktemp('qual') / 'demo.sqlite'}")
    added = fill_qual_demo(store)
    project = QualProject(store)
    yield project, added
    store.close()


def test_demo__two_coders_agree_well_but_not_perfectly(demo):
    project, added = demo
    assert added["documents"] == 2
    assert set(project.codings()["coder"]) == {"Awa", "Bérénice"}
    table = agreement(project.decisions(), n_boot=100)
    overall = table[(table["code"] == "__overall__") & (table["statistic"] == "krippendorff_alpha")]
    assert 0.6 < overall["estimate"].iloc[0] < 0.98
    assert fill_qual_demo(project.store) == {}


def test_code_frequencies__cases__shares_with_ci_and_suppression(demo):
    project, _ = demo
    segments = project.segments()
    cases = coding_matrix(
        segments[segments["instrument_id"] == "besoins_habitants"], project.codings(), unit="case"
    )
    book = project.codebook()
    table = code_frequencies(cases, codes=["acces_droits", "emploi"], codebook=book)
    row = table.set_index("code").loc["acces_droits"]
    assert row["n_valid"] == len(cases)
    assert row["estimate"] == pytest.approx(cases["acces_droits"].mean())
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert row["label"] == "Accès aux droits"
    by_sector = code_frequencies(cases, codes=["acces_droits"], by="sector")
    assert by_sector["suppressed"].any()
    assert by_sector.loc[by_sector["suppressed"], "estimate"].isna().all()


def test_code_frequencies__segments__clustered_by_respondent(demo):
    project, _ = demo
    segments = project.segments()
    matrix = coding_matrix(
        segments[segments["instrument_id"] == "besoins_habitants"], project.codings()
    )
    table = code_frequencies(matrix, codes=["participation"])
    assert table["n_valid"].iloc[0] == len(matrix)
    assert table["deff"].iloc[0] > 0


def test_join_closed_answers__adds_closed_answers_not_pii(demo):
    project, _ = demo
    segments = project.segments()
    cases = coding_matrix(
        segments[segments["instrument_id"] == "besoins_habitants"], project.codings(), unit="case"
    )
    joined = join_closed_answers(cases, project.store, "besoins_habitants")
    assert len(joined) == len(cases)
    assert "sentiment_seul" in joined.columns
    assert "telephone" not in joined.columns


def test_cooccurrence__segment_mode__symmetric_with_counts_on_diagonal(demo):
    project, _ = demo
    segments, codings = project.segments(), project.codings()
    table = cooccurrence(segments, codings)
    grid = table.pivot(index="code_a", columns="code_b", values="n")
    assert (grid.to_numpy() == grid.to_numpy().T).all()
    per_code = codings.groupby("code")["segment_id"].nunique()
    assert grid.loc["acces_droits", "acces_droits"] == per_code["acces_droits"]
    overlap = cooccurrence(segments, codings, mode="overlap")
    assert (
        overlap["n"]
        <= table.set_index(["code_a", "code_b"])
        .loc[list(zip(overlap["code_a"], overlap["code_b"], strict=True)), "n"]
        .to_numpy()
        * 2
    ).all()
    ax = plot_cooccurrence(table, codebook=project.codebook())
    assert len(ax.get_xticklabels()) == grid.shape[0]


def test_quotes__pseudonymised_capped_one_per_case(demo):
    project, _ = demo
    table = quotes(
        project.segments(), project.codings(), codes=["isolement"], per_code=3, max_chars=60
    )
    assert len(table) == 3
    assert table["quote"].str.len().max() <= 60
    assert table["pseudonym"].is_unique
    assert not table["quote"].str.contains("06 ").any()


def test_coding_matrix__majority__needs_more_than_half():
    segments = pd.DataFrame(
        {"segment_id": [1], "case_id": ["a"], "pseudonym": ["P"], "text": ["x"]}
    )
    codings = pd.DataFrame(
        {
            "segment_id": [1, 1, 1],
            "coder": ["a", "b", "c"],
            "code": ["k", "k", "j"],
            "span": False,
            "start": 0,
            "end": 0,
        }
    )
    matrix = coding_matrix(segments, codings, rule="majority", codes=["k", "j"])
    assert matrix[["k", "j"]].values.tolist() == [[True, False]]


def test_suggestions__accuracy_against_demo_coding(demo):
    project, _ = demo
    book = project.codebook()
    assert (
        suggest("Je suis seule depuis des années, personne ne vient.", book)["code"].iloc[0]
        == "isolement"
    )
    accuracy = suggestion_accuracy(project.segments(), project.codings(), book)
    assert 0 < accuracy["precision"].iloc[0] <= 1
    assert np.isfinite(accuracy["recall"].iloc[0])
