"""Estimates compared with R's survey and psych packages (tests/golden/survey_golden.R).

The R outputs are stored in tests/golden/survey_results.csv (long: case, domain, level, stat,
value); R is not needed to run these tests. Tolerance: 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from toolkit.analysis import (
    Design,
    compare_waves,
    cronbach_alpha,
    crosstab,
    item_rest,
    means,
    poststratify,
    proportions,
    rake,
    totals,
    trim_weights,
)
from toolkit.analysis.crosstab import rao_scott

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
RTOL = 1e-6


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "data" / name)


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    table = pd.read_csv(GOLDEN / "survey_results.csv", keep_default_na=False, dtype=str)
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    return table


def expected(
    golden: pd.DataFrame, case: str, stat: str, domain: str = "", level: str | None = None
) -> np.ndarray:
    rows = golden[
        (golden["case"] == case) & (golden["stat"] == stat) & (golden["domain"] == domain)
    ]
    if level is not None:
        rows = rows[rows["level"] == level]
    assert len(rows), (case, stat, domain, level)
    return rows["value"].to_numpy()


STRAT = Design(weight="pw", strata="stype", fpc="fpc")
CLUS = Design(weight="pw", psu="dnum", fpc="fpc")
NHANES = Design(weight="WTMEC2YR", strata="SDMVSTRA", psu="SDMVPSU")


def _check_row(
    golden, case, row, domain="", level=None, stats=("estimate", "se", "ci_low", "ci_high", "deff")
):
    for stat in stats:
        np.testing.assert_allclose(
            row[stat], expected(golden, case, stat, domain, level), rtol=RTOL, err_msg=stat
        )


@pytest.mark.parametrize(
    ("case", "data", "design", "function", "column"),
    [
        ("strat_mean_api00", "apistrat.csv", STRAT, means, "api00"),
        ("strat_total_enroll", "apistrat.csv", STRAT, totals, "enroll"),
        ("clus_mean_api00", "apiclus1.csv", CLUS, means, "api00"),
        ("clus_total_enroll", "apiclus1.csv", CLUS, totals, "enroll"),
        ("nhanes_mean_hichol", "nhanes.csv", NHANES, means, "HI_CHOL"),
        ("nhanes_total_hichol", "nhanes.csv", NHANES, totals, "HI_CHOL"),
    ],
)
def test_means_totals__overall__match_r(golden, case, data, design, function, column):
    row = function(_read(data), column, design=design).iloc[0]
    _check_row(golden, case, row)


@pytest.mark.parametrize(
    ("case", "data", "design", "function", "column", "by"),
    [
        ("strat_by_mean_api00", "apistrat.csv", STRAT, means, "api00", "awards"),
        ("strat_by_total_enroll", "apistrat.csv", STRAT, totals, "enroll", "awards"),
        ("clus_by_mean_api00", "apiclus1.csv", CLUS, means, "api00", "stype"),
        ("nhanes_by_mean_hichol", "nhanes.csv", NHANES, means, "HI_CHOL", "race"),
    ],
)
def test_means_totals__by_domain__match_svyby(golden, case, data, design, function, column, by):
    table = function(_read(data), column, design=design, by=by)
    assert len(table) == len(set(golden.loc[golden["case"] == case, "domain"]))
    for _, row in table.iterrows():
        _check_row(golden, case, row, domain=str(row[by]))


@pytest.mark.parametrize(
    ("case", "data", "design", "column", "function"),
    [
        ("strat_prop_awards", "apistrat.csv", STRAT, "awards", proportions),
        ("clus_prop_stype", "apiclus1.csv", CLUS, "stype", proportions),
        ("nhanes_prop_agecat", "nhanes.csv", NHANES, "agecat", proportions),
        ("strat_count_awards", "apistrat.csv", STRAT, "awards", totals),
    ],
)
def test_factor_shares__match_svymean_of_factor(golden, case, data, design, column, function):
    table = (
        function(_read(data), column, design=design, ci_method="mean")
        if function is proportions
        else None
    )
    if table is None:
        table = function(_read(data), column, design=design)
    for _, row in table.iterrows():
        _check_row(golden, case, row, level=str(row["level"]))


def test_proportions__by_domain__match_svyby_factor(golden):
    table = proportions(_read("apiclus1.csv"), "awards", design=CLUS, by="stype", ci_method="mean")
    for _, row in table.iterrows():
        for stat in ("estimate", "se", "ci_low", "ci_high", "deff"):
            want = expected(
                golden, "clus_by_prop_awards", stat, str(row["stype"]), "awards" + row["level"]
            )
            np.testing.assert_allclose(row[stat], want, rtol=RTOL)


@pytest.mark.parametrize("method", ["logit", "xlogit", "beta", "asin", "mean", "wilson"])
@pytest.mark.parametrize(
    ("prefix", "data", "design"), [("strat", "apistrat.csv", STRAT), ("clus", "apiclus1.csv", CLUS)]
)
def test_proportion_ci__overall__matches_svyciprop(golden, method, prefix, data, design):
    table = proportions(_read(data), "sch.wide", design=design, ci_method=method)
    row = table[table["level"] == "Yes"].iloc[0]
    case = f"{prefix}_ciprop_{method}"
    for stat in ("ci_low", "ci_high"):
        np.testing.assert_allclose(row[stat], expected(golden, case, stat), rtol=RTOL, err_msg=stat)


@pytest.mark.parametrize("method", ["logit", "beta", "asin", "mean", "wilson"])
@pytest.mark.parametrize(
    ("prefix", "data", "design", "by"),
    [("strat", "apistrat.csv", STRAT, "awards"), ("clus", "apiclus1.csv", CLUS, "stype")],
)
def test_proportion_ci__by_domain__matches_svyciprop_on_subsets(
    golden, method, prefix, data, design, by
):
    table = proportions(_read(data), "sch.wide", design=design, by=by, ci_method=method)
    for _, row in table[table["level"] == "Yes"].iterrows():
        case = f"{prefix}_by_ciprop_{method}"
        if row["estimate"] == 1.0:
            continue  # R has no interval there (NA); see the degenerate-domain test below
        for stat in ("ci_low", "ci_high"):
            want = expected(golden, case, stat, str(row[by]))
            np.testing.assert_allclose(row[stat], want, rtol=RTOL, err_msg=f"{row[by]} {stat}")


@pytest.mark.parametrize("method", ["logit", "beta", "asin", "wilson"])
def test_proportion_ci__estimate_one__falls_back_to_clopper_pearson(method):
    """Every school with awards has sch.wide == "Yes": R gives NA, we give the documented rule."""
    table = proportions(
        _read("apistrat.csv"), "sch.wide", design=STRAT, by="awards", ci_method=method
    )
    row = table[(table["awards"] == "Yes") & (table["level"] == "Yes")].iloc[0]
    assert row["estimate"] == 1.0
    assert row["ci_high"] == 1.0
    rows = int(row["n_valid"])
    np.testing.assert_allclose(row["ci_low"], scipy_stats.beta.ppf(0.025, rows, 1), rtol=RTOL)


@pytest.mark.parametrize(
    ("case", "data", "design", "row", "col"),
    [
        ("strat_chisq", "apistrat.csv", STRAT, "sch.wide", "comp.imp"),
        ("clus_chisq", "apiclus1.csv", CLUS, "sch.wide", "stype"),
        ("nhanes_chisq", "nhanes.csv", NHANES, "HI_CHOL", "race"),
    ],
)
def test_crosstab__rao_scott__matches_svychisq(golden, case, data, design, row, col):
    test = crosstab(_read(data), row, col, design=design).test.set_index("statistic")
    f = test.loc["rao_scott_f"]
    np.testing.assert_allclose(f["value"], expected(golden, f"{case}_F", "statistic"), rtol=RTOL)
    np.testing.assert_allclose(f["df1"], expected(golden, f"{case}_F", "df1"), rtol=RTOL)
    np.testing.assert_allclose(f["df2"], expected(golden, f"{case}_F", "df2"), rtol=RTOL)
    np.testing.assert_allclose(f["p_value"], expected(golden, f"{case}_F", "p_value"), rtol=RTOL)
    chisq = test.loc["rao_scott_chisq"]
    np.testing.assert_allclose(
        chisq["p_value"], expected(golden, f"{case}_Chisq", "p_value"), rtol=RTOL
    )
    np.testing.assert_allclose(chisq["df1"], expected(golden, f"{case}_Chisq", "df1"), rtol=RTOL)


def test_rao_scott__pearson_statistic__matches_svychisq_chisq(golden):
    """R reports the uncorrected Pearson X² (on the table scaled to N) as the Chisq statistic."""
    frame = _read("apiclus1.csv")
    result = crosstab(frame, "sch.wide", "stype", design=CLUS)
    table = result.table
    share = table.pivot(index="sch.wide", columns="stype", values="share").to_numpy()
    f_value = result.test.set_index("statistic").loc["rao_scott_f", "value"]
    pearson = expected(golden, "clus_chisq_Chisq", "statistic")[0]
    trace = pearson / f_value
    np.testing.assert_allclose(
        result.test.set_index("statistic").loc["rao_scott_chisq", "value"], pearson * 2 / trace
    )
    stats = rao_scott(share, np.eye(share.size) * 1e-4, len(frame), 14)
    np.testing.assert_allclose(stats.pearson, pearson, rtol=RTOL)


def test_compare_waves__mean_difference__matches_svycontrast(golden):
    out = compare_waves(_read("apistrat.csv"), "api00", wave="yr.rnd", design=STRAT).iloc[0]
    np.testing.assert_allclose(
        out["difference"], expected(golden, "strat_diff_api00_yr.rnd", "estimate"), rtol=RTOL
    )
    np.testing.assert_allclose(
        out["se"], expected(golden, "strat_diff_api00_yr.rnd", "se"), rtol=RTOL
    )


def test_compare_waves__proportion_difference__matches_svycontrast(golden):
    frame = _read("apiclus1.csv")
    out = compare_waves(frame, "sch.wide", wave="awards", design=CLUS, category="Yes").iloc[0]
    np.testing.assert_allclose(
        out["difference"], expected(golden, "clus_diff_schwide_awards", "estimate"), rtol=RTOL
    )
    np.testing.assert_allclose(
        out["se"], expected(golden, "clus_diff_schwide_awards", "se"), rtol=RTOL
    )


POP_TYPES = {"E": 4421, "H": 755, "M": 1018}


def test_rake__two_margins__matches_r_rake(golden):
    frame = _read("apiclus1.csv")
    w = rake(frame, {"stype": POP_TYPES, "sch.wide": {"No": 1072, "Yes": 5122}}, weight="pw")
    np.testing.assert_allclose(
        w.to_numpy(), expected(golden, "clus_rake_weights", "weight"), rtol=RTOL
    )


def test_poststratify__stype__matches_r_poststratify(golden):
    frame = _read("apiclus1.csv")
    w = poststratify(frame, "stype", POP_TYPES, weight="pw")
    np.testing.assert_allclose(
        w.to_numpy(), expected(golden, "clus_poststratify_weights", "weight"), rtol=RTOL
    )


def test_trim_weights__strict__matches_r_trimweights(golden):
    w = trim_weights(_read("apistrat.csv"), "pw", lower=16, upper=40)
    np.testing.assert_allclose(
        w.to_numpy(), expected(golden, "strat_trim_weights", "weight"), rtol=RTOL
    )


@pytest.mark.parametrize("rule", ["remove", "certainty", "adjust", "average"])
def test_lonely_psu__element_design__matches_r_option(golden, rule):
    frame = _read("apistrat_lonely.csv")
    design = Design(weight="pw", strata="stratum", lonely_psu=rule)
    _check_row(
        golden,
        f"lonely_el_mean_{rule}",
        means(frame, "api00", design=design).iloc[0],
        stats=("estimate", "se"),
    )
    _check_row(
        golden,
        f"lonely_el_total_{rule}",
        totals(frame, "enroll", design=design).iloc[0],
        stats=("estimate", "se"),
    )


@pytest.mark.parametrize("rule", ["remove", "certainty", "adjust", "average"])
def test_lonely_psu__clustered_design__matches_r_option(golden, rule):
    frame = _read("nhanes_lonely.csv")
    design = NHANES.replace(lonely_psu=rule)
    row = means(frame, "HI_CHOL", design=design).iloc[0]
    _check_row(golden, f"lonely_cl_mean_{rule}", row, stats=("estimate", "se"))


def test_cronbach_alpha__bfi__matches_psych(golden):
    frame = _read("bfi_agreeableness.csv")
    row = cronbach_alpha(frame, list(frame.columns)).iloc[0]
    for stat in ("alpha", "std_alpha", "average_r", "ci_low", "ci_high"):
        np.testing.assert_allclose(
            row[stat], expected(golden, "alpha_bfi", stat), rtol=RTOL, err_msg=stat
        )


def test_item_rest__bfi__matches_psych(golden):
    frame = _read("bfi_agreeableness.csv")
    table = item_rest(frame, list(frame.columns))
    for _, row in table.iterrows():
        for stat in ("r_drop", "alpha_if_dropped"):
            want = expected(golden, "alpha_bfi", stat, level=row["item"])
            np.testing.assert_allclose(row[stat], want, rtol=RTOL, err_msg=f"{row['item']} {stat}")
