"""Agreement coefficients against published worked examples (tests/golden/agreement_examples.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.qual import QualError, cohen_kappa, fleiss_kappa, krippendorff_alpha
from toolkit.qual.agreement import _counts, _kripp_features, _matrix
from toolkit.qual.reliability import agreement, disagreements

NAN = np.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# Fleiss (1971): 30 patients, 6 psychiatrists, diagnoses 1-5 (R irr's `diagnoses`).
DIAGNOSES = np.array(
    [[4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
     [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
     [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
     [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
     [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
     [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
     [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
     [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]]
)  # fmt: skip
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip
# R irr's `anxiety` (20 subjects x 3 raters), column by column.
ANXIETY = np.array(
    [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3,
     3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4,
     2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
).reshape(20, 3, order="F")  # fmt: skip


def _expand(table):
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_cohen_kappa__wikipedia_example__is_0_4():
    a = ["oui"] * 25 + ["non"] * 25
    b = ["oui"] * 20 + ["non"] * 5 + ["oui"] * 10 + ["non"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize(("weights", "published"), [(None, 0.4842), ("linear", 0.4701)])
def test_cohen_kappa__sas_example__matches_printout(weights, published):
    a, b = _expand([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert cohen_kappa(a, b, weights, categories=[0, 1, 2]) == pytest.approx(published, abs=5e-5)


@pytest.mark.parametrize(
    ("weights", "published"),
    [(None, -0.006289308), ("linear", 0.1459075), ("quadratic", 0.2520325)],
)
def test_cohen_kappa__irr_anxiety__matches_r(weights, published):
    assert cohen_kappa(ANXIETY[:, 1], ANXIETY[:, 2], weights) == pytest.approx(published, abs=1e-6)


def test_fleiss_kappa__fleiss_1971__matches_paper_and_irr():
    table = [[(row == c).sum() for c in range(1, 6)] for row in DIAGNOSES]
    value = fleiss_kappa(table)
    assert value == pytest.approx(0.4302445, abs=1e-6)
    assert round(value, 3) == 0.430


def test_fleiss_kappa__wikipedia_example__0_210():
    assert fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa__unequal_raters__q055():
    with pytest.raises(QualError) as caught:
        fleiss_kappa([[2, 0], [1, 2]])
    assert caught.value.codes == ["Q055"]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha__2011_reliability_data__matches_paper(level, published):
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(published, abs=5e-4)


def test_krippendorff_alpha__2011_coincidences__match_published_fractions():
    counts, _ = _counts(_matrix(KRIPPENDORFF_2011))
    o = _kripp_features(counts).sum(axis=0).reshape(5, 5)
    published = [
        [7, 4 / 3, 1 / 3, 1 / 3, 0],
        [4 / 3, 10, 4 / 3, 1 / 3, 0],
        [1 / 3, 4 / 3, 8, 1 / 3, 0],
    ]
    assert np.allclose(o[:3], published, atol=1e-9)
    assert o.sum(axis=1)[:3].tolist() == pytest.approx([9, 13, 10])
    assert o.sum() == pytest.approx(40)
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(1 - 39 * 8 / 1216, abs=1e-9)


def test_krippendorff_alpha__dataframe_and_text_values__same_as_numbers():
    frame = pd.DataFrame(KRIPPENDORFF_2011).map(lambda v: None if pd.isna(v) else f"c{int(v)}")
    assert krippendorff_alpha(frame) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011))


def test_krippendorff_alpha__unknown_level__q051():
    with pytest.raises(QualError) as caught:
        krippendorff_alpha(KRIPPENDORFF_2011, "metric")
    assert caught.value.codes == ["Q051"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=3, max_size=40))
def test_two_coders_no_missing__alpha_is_scott_pi_corrected(pairs):
    """Krippendorff (2011): with two coders and no missing value, α = 1 − (2n − 1)/(2n) ·
    (1 − π) where π is Scott's pi, i.e. Fleiss' kappa with two raters."""
    a, b = zip(*pairs, strict=True)
    table = [[(x == c) + (y == c) for c in range(3)] for x, y in pairs]
    if len({*a, *b}) < 2:
        return
    pi = fleiss_kappa(table)
    n = len(pairs)
    alpha = krippendorff_alpha([list(a), list(b)])
    assert alpha == pytest.approx(1 - (2 * n - 1) / (2 * n) * (1 - pi), abs=1e-9)


def _decisions(values: dict[str, list[int]]) -> pd.DataFrame:
    rows = [
        (unit, coder, "x", v)
        for coder, codes in values.items()
        for unit, v in enumerate(codes)
        if v is not None
    ]
    return pd.DataFrame(rows, columns=["segment_id", "coder", "code", "present"])


def test_agreement__report__matches_the_public_functions():
    values = {"a": [1, 0, 1, 1, 0, 0, 1, 0], "b": [1, 0, 0, 1, 0, 1, 1, 0]}
    table = agreement(_decisions(values), n_boot=300).set_index("statistic")
    assert table.loc["cohen_kappa", "estimate"] == pytest.approx(
        cohen_kappa(values["a"], values["b"])
    )
    assert table.loc["krippendorff_alpha", "estimate"] == pytest.approx(
        krippendorff_alpha([values["a"], values["b"]])
    )
    assert table.loc["percent_agreement", "estimate"] == pytest.approx(6 / 8)
    assert (
        table.loc["cohen_kappa", "ci_low"]
        <= table.loc["cohen_kappa", "estimate"]
        <= table.loc["cohen_kappa", "ci_high"]
    )


def test_agreement__same_seed__same_intervals():
    values = {
        "a": [1, 0, 1, 1, 0, 0, 1, 0, 1],
        "b": [1, 0, 0, 1, 0, 1, 1, 0, 1],
        "c": [1, 1, 0, 1, 0, 1, 1, 0, None],
    }
    first = agreement(_decisions(values), n_boot=200, seed=3)
    second = agreement(_decisions(values), n_boot=200, seed=3)
    pd.testing.assert_frame_equal(first, second)
    assert "cohen_kappa" not in set(first["statistic"])


def test_agreement__one_coder__q057():
    with pytest.raises(QualError) as caught:
        agreement(_decisions({"a": [1, 0]}))
    assert caught.value.codes == ["Q057"]


def test_disagreements__lists_who_applied_and_who_did_not():
    table = disagreements(_decisions({"a": [1, 0, 1], "b": [1, 1, 0]}))
    assert table.to_dict("records") == [
        {"segment_id": 1, "code": "x", "applied_by": "b", "not_applied_by": "a"},
        {"segment_id": 2, "code": "x", "applied_by": "a", "not_applied_by": "b"},
    ]
