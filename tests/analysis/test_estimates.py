"""Behaviour of the estimators on frames shaped like Store.frame()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analysis import (
    LIKERT_ITEMS,
    Design,
    barometer,
    compare_sectors,
    crosstab,
    example_frame,
    means,
    proportions,
    top_box,
    totals,
)

DESIGN = Design(weight="poids", strata="secteur", psu="ilot")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return example_frame(600, seed=11)


def test_proportions__frame__input_left_unchanged(frame):
    before = frame.copy(deep=True)
    proportions(frame, "securite", design=DESIGN, by=["secteur", "wave"])
    pd.testing.assert_frame_equal(frame, before)


def test_proportions__nonsubstantive_codes__excluded_and_counted(frame):
    table = proportions(frame, "securite", design=DESIGN)
    n_missing = int(frame["securite__missing"].notna().sum())
    assert (table["n_nonsubstantive"] == n_missing).all()
    assert table["n_valid"].iloc[0] == int(frame["securite"].notna().sum())
    assert table["estimate"].sum() == pytest.approx(1.0)
    assert set(table["level"]) == {1, 2, 3, 4}


def test_proportions__include_missing__codes_become_levels(frame):
    table = proportions(frame, "securite", design=DESIGN, include_missing=True)
    assert list(table["level"]) == [1, 2, 3, 4, "nsp", "refus"]
    assert table["n_valid"].iloc[0] == len(frame)
    assert table["estimate"].sum() == pytest.approx(1.0)


def test_proportions__multiple_choice__one_row_per_option(frame):
    table = proportions(frame, "problemes", design=DESIGN, by="secteur")
    assert set(table["level"]) == {"bruit", "deal", "degradations", "rassemblements"}
    assert len(table) == 16
    centre = frame[frame["secteur"] == "Centre"]
    answered = centre["problemes/bruit"].notna()
    w = centre["poids"][answered]
    expected = (w * centre["problemes/bruit"][answered].astype(float)).sum() / w.sum()
    row = table[(table["secteur"] == "Centre") & (table["level"] == "bruit")].iloc[0]
    assert row["estimate"] == pytest.approx(expected)


def test_proportions__plain_string_column__sorted_levels():
    data = pd.DataFrame(
        {"avis": ["oui", "non", "oui", None, "oui"], "w": [1.0, 2.0, 1.0, 1.0, 1.0]}
    )
    table = proportions(data, "avis", design=Design(weight="w"))
    assert list(table["level"]) == ["non", "oui"]
    assert table["estimate"].tolist() == pytest.approx([0.4, 0.6])


def test_top_box__likert__share_of_two_highest_codes(frame):
    row = top_box(frame, "securite", design=DESIGN).iloc[0]
    shares = proportions(frame, "securite", design=DESIGN).set_index("level")["estimate"]
    assert row["estimate"] == pytest.approx(shares[3] + shares[4])
    assert row["n_nonsubstantive"] == int(frame["securite__missing"].notna().sum())


def test_means__likert_codes__exclude_nonsubstantive(frame):
    row = means(frame, "securite", design=Design(weight="poids")).iloc[0]
    valid = frame["securite"].notna()
    values = frame.loc[valid, "securite"].astype(int)
    assert row["estimate"] == pytest.approx(np.average(values, weights=frame.loc[valid, "poids"]))


def test_totals__category__sum_to_weight_total(frame):
    table = totals(frame, "sexe", design=DESIGN)
    assert table["estimate"].sum() == pytest.approx(frame["poids"].sum())


def test_barometer__same_numbers_as_proportions_and_crosstab(frame):
    items = list(LIKERT_ITEMS)
    result = barometer(frame, items, by="secteur", design=DESIGN, ci_method="beta")
    for item in items:
        single = proportions(frame, item, design=DESIGN, ci_method="beta")
        mine = result.overall[result.overall["variable"] == item].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, single, check_dtype=False)
        by = proportions(frame, item, design=DESIGN, by="secteur", ci_method="beta")
        mine = result.by_domain[result.by_domain["variable"] == item].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, by, check_dtype=False)
        test = crosstab(frame, item, "secteur", design=DESIGN).test.iloc[0]
        row = result.tests.set_index("variable").loc[item]
        assert row["value"] == pytest.approx(test["value"], rel=1e-9)
        assert row["p_value"] == pytest.approx(test["p_value"], rel=1e-9)


def test_barometer__element_design__same_test_as_crosstab(frame):
    design = Design(weight="poids", strata="secteur")
    result = barometer(frame, ["agrement"], by="wave", design=design)
    test = crosstab(frame, "agrement", "wave", design=design).test.iloc[0]
    assert result.tests["value"].iloc[0] == pytest.approx(test["value"], rel=1e-9)


def test_crosstab__without_design__pearson_and_fisher_for_2x2(frame):
    result = crosstab(frame, "sexe", "wave")
    assert list(result.test["statistic"]) == ["pearson", "fisher"]
    assert result.table["row_pct"].groupby(result.table["sexe"]).sum().tolist() == pytest.approx(
        [100, 100]
    )


def test_compare_sectors__holm__adjusted_not_below_raw(frame):
    pairs = compare_sectors(frame, "securite", sector="secteur", design=DESIGN, category=[3, 4])
    assert len(pairs) == 6
    assert (pairs["p_adjusted"] >= pairs["p_value"] - 1e-15).all()


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.01, 1000), seed=st.integers(0, 10_000))
def test_proportions__weights_rescaled__same_shares_and_se(scale, seed):
    data = example_frame(80, seed=seed)
    base = proportions(data, "agrement", design=DESIGN)
    scaled = proportions(data.assign(poids=data["poids"] * scale), "agrement", design=DESIGN)
    np.testing.assert_allclose(scaled["estimate"], base["estimate"], rtol=1e-9)
    np.testing.assert_allclose(scaled["se"], base["se"], rtol=1e-7, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000), method=st.sampled_from(["logit", "wilson", "beta", "asin", "mean"])
)
def test_proportions__any_method__interval_contains_estimate(seed, method):
    table = proportions(
        example_frame(60, seed=seed), "proprete", design=DESIGN, by="wave", ci_method=method
    )
    ok = table["estimate"].notna()
    assert (table.loc[ok, "ci_low"] <= table.loc[ok, "estimate"] + 1e-12).all()
    assert (table.loc[ok, "ci_high"] >= table.loc[ok, "estimate"] - 1e-12).all()
