"""Calibrated, multistage and zero-weight designs compared with R's survey package.

R outputs: tests/golden/survey_results.csv (cases ``*_post_*``, ``*_raked_*``, ``clus2_*``,
``mu284_*``, ``zero_*``), written by tests/golden/survey_golden.R. Tolerance 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import (
    Calibration,
    Design,
    barometer,
    compare_sectors,
    means,
    poststratify,
    proportions,
    rake,
    totals,
)
from toolkit.errors import AnalysisError

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
RTOL = 1e-6
POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
POP_AWARDS = {"No": 2200, "Yes": 3994}
STATS = ("estimate", "se", "ci_low", "ci_high", "deff")


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    table = pd.read_csv(GOLDEN / "survey_results.csv", keep_default_na=False, dtype=str)
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    return table


def r_value(golden, case, stat, domain="", level=None):
    rows = golden[
        (golden["case"] == case) & (golden["stat"] == stat) & (golden["domain"] == domain)
    ]
    if level is not None:
        rows = rows[rows["level"] == level]
    assert len(rows), (case, stat, domain, level)
    return rows["value"].to_numpy()


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "data" / name)


def _calibrated(prefix: str) -> tuple[pd.DataFrame, Design]:
    """The four calibrated designs of the R script, weights computed here."""
    if prefix.startswith("clus"):
        frame, base = _read("apiclus1.csv"), Design(weight="w", psu="dnum", fpc="fpc")
        post_on, post_pop = "stype", POP_TYPES
        rake_on = {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}
    else:
        frame, base = _read("apistrat.csv"), Design(weight="w", strata="stype", fpc="fpc")
        post_on, post_pop = "awards", POP_AWARDS
        rake_on = {"sch.wide": POP_SCHWIDE, "awards": POP_AWARDS}
    if prefix.endswith("post"):
        w = poststratify(frame, post_on, post_pop, weight="pw")
        calibration = Calibration.poststratify(post_on)
    else:
        w = rake(frame, rake_on, weight="pw", tolerance=1e-13, max_iter=500)
        calibration = Calibration.rake(rake_on)
    return frame.assign(w=w), base.replace(calibration=calibration)


CALIBRATED = ["clus_post", "clus_raked", "strat_post", "strat_raked"]


def _check(golden, case, row, domain="", level=None, stats=STATS):
    for stat in stats:
        np.testing.assert_allclose(
            row[stat],
            r_value(golden, case, stat, domain, level),
            rtol=RTOL,
            atol=1e-9,
            err_msg=stat,
        )


@pytest.mark.parametrize("prefix", ["strat_post", "strat_raked"])
def test_calibrated_weights__stratified__match_r(golden, prefix):
    frame, _ = _calibrated(prefix)
    np.testing.assert_allclose(
        frame["w"], r_value(golden, f"{prefix}_weights", "weight"), rtol=RTOL
    )


@pytest.mark.parametrize("prefix", CALIBRATED)
def test_calibrated_design__mean_and_total__match_r_calibration_residuals(golden, prefix):
    frame, design = _calibrated(prefix)
    _check(golden, f"{prefix}_mean_api00", means(frame, "api00", design=design).iloc[0])
    _check(golden, f"{prefix}_total_enroll", totals(frame, "enroll", design=design).iloc[0])


@pytest.mark.parametrize("prefix", CALIBRATED)
def test_calibrated_design__shares_and_counts__match_r(golden, prefix):
    frame, design = _calibrated(prefix)
    shares = proportions(frame, "awards", design=design, ci_method="mean")
    counts = totals(frame, "awards", design=design)
    for _, row in shares.iterrows():
        _check(golden, f"{prefix}_prop_awards", row, level=row["level"])
    for _, row in counts.iterrows():
        _check(golden, f"{prefix}_count_awards", row, level=row["level"], stats=("estimate", "se"))


@pytest.mark.parametrize("prefix", CALIBRATED)
def test_calibrated_design__by_domain_and_logit_ci__match_r(golden, prefix):
    frame, design = _calibrated(prefix)
    by = "sch.wide" if prefix.startswith("clus") else "stype"
    table = means(frame, "api00", design=design, by=by)
    for _, row in table.iterrows():
        _check(golden, f"{prefix}_by_mean_api00", row, domain=str(row[by]))
    share = proportions(frame, "sch.wide", design=design)
    yes = share[share["level"] == "Yes"].iloc[0]
    _check(golden, f"{prefix}_ciprop_logit", yes, stats=("ci_low", "ci_high"))


def test_calibrated_design__fixed_weights__differ_and_totals_much_larger(golden):
    frame, design = _calibrated("clus_raked")
    fixed = design.replace(
        calibration=design.calibration.__class__(design.calibration.margins, fixed_weights=True)
    )
    calibrated = totals(frame, "enroll", design=design)["se"].iloc[0]
    as_fixed = totals(frame, "enroll", design=fixed)["se"].iloc[0]
    plain = totals(frame, "enroll", design=design.replace(calibration=None))["se"].iloc[0]
    assert as_fixed == pytest.approx(plain, rel=1e-12)
    assert as_fixed > 2 * calibrated
    np.testing.assert_allclose(
        calibrated, r_value(golden, "clus_raked_total_enroll", "se"), rtol=RTOL
    )


def test_calibrated_design__barometer_pass__same_as_proportions():
    frame, design = _calibrated("strat_raked")
    result = barometer(frame, ["awards", "sch.wide"], by="stype", design=design)
    for item in ("awards", "sch.wide"):
        direct = proportions(frame, item, design=design, by="stype")
        mine = result.by_domain[result.by_domain["variable"] == item].reset_index(drop=True)
        np.testing.assert_allclose(mine["se"], direct["se"], rtol=1e-9)
        overall = proportions(frame, item, design=design)
        np.testing.assert_allclose(
            result.overall[result.overall["variable"] == item]["se"], overall["se"], rtol=1e-9
        )


TWO_STAGE = Design(weight="pw", psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])


def test_two_stage__mean_total_share__match_r_multistage(golden):
    frame = _read("apiclus2.csv")
    _check(golden, "clus2_mean_api00", means(frame, "api00", design=TWO_STAGE).iloc[0])
    _check(
        golden,
        "clus2_total_enroll",
        totals(frame, "enroll", design=TWO_STAGE).iloc[0],
        stats=("estimate", "se", "ci_low", "ci_high"),
    )
    for _, row in proportions(frame, "awards", design=TWO_STAGE, ci_method="mean").iterrows():
        _check(golden, "clus2_prop_awards", row, level=row["level"], stats=("estimate", "se"))


def test_two_stage__by_domain__matches_r_subsets(golden):
    frame = _read("apiclus2.csv")
    for _, row in means(frame, "api00", design=TWO_STAGE, by="stype").iterrows():
        _check(golden, "clus2_by_mean_api00", row, domain=row["stype"])


def test_two_stage__first_stage_only__smaller_se_than_both_stages(golden):
    frame = _read("apiclus2.csv")
    first = means(frame, "api00", design=Design(weight="pw", psu="dnum", fpc="fpc1")).iloc[0]
    both = means(frame, "api00", design=TWO_STAGE).iloc[0]
    np.testing.assert_allclose(
        first["se"], r_value(golden, "clus2_firststage_mean_api00", "se"), rtol=RTOL
    )
    assert first["se"] < both["se"]


def test_two_stage__mu284__matches_r(golden):
    frame = _read("mu284.csv").assign(w=lambda f: r_value(golden, "mu284_weights", "weight"))
    design = Design(weight="w", psu=["id1", "id2"], fpc=["n1", "n2"])
    _check(
        golden, "mu284_mean_y1", means(frame, "y1", design=design).iloc[0], stats=("estimate", "se")
    )
    _check(
        golden,
        "mu284_total_y1",
        totals(frame, "y1", design=design).iloc[0],
        stats=("estimate", "se"),
    )


def test_two_stage__fpc_of_first_stage_only__refused_n020():
    with pytest.raises(AnalysisError) as excinfo:
        Design(weight="pw", psu=["dnum", "snum"], fpc=["fpc1"])
    assert excinfo.value.codes == ["N020"]


def test_two_stage__without_fpc__ultimate_cluster_as_r():
    frame = _read("apiclus2.csv")
    two = means(frame, "api00", design=Design(weight="pw", psu=["dnum", "snum"])).iloc[0]
    one = means(frame, "api00", design=Design(weight="pw", psu="dnum")).iloc[0]
    assert two["se"] == pytest.approx(one["se"], rel=1e-12)


def test_two_stage__lonely_unit_at_stage_two__n004_names_the_stage():
    frame = _read("apiclus2.csv")
    # A district where one school was sampled out of several: lonely at stage 2.
    single = frame.groupby("dnum")["snum"].transform("nunique") == 1
    frame.loc[single, "fpc2"] = 4
    with pytest.raises(AnalysisError) as excinfo:
        means(frame, "api00", design=TWO_STAGE)
    assert excinfo.value.codes == ["N004"]
    assert excinfo.value.problems[0].params["stage"] == 2
    assert means(frame, "api00", design=TWO_STAGE.replace(lonely_psu="certainty"))["se"].iloc[0] > 0


def test_zero_weights__mean_total_share__match_r(golden):
    frame = _read("apistrat_zero.csv")
    design = Design(weight="pw", strata="stype", fpc="fpc")
    _check(golden, "zero_mean_api00", means(frame, "api00", design=design).iloc[0])
    _check(golden, "zero_total_enroll", totals(frame, "enroll", design=design).iloc[0])
    shares = proportions(frame, "awards", design=design, ci_method="mean")
    for _, row in shares.iterrows():
        _check(golden, "zero_prop_awards", row, level=row["level"])
    assert shares["df"].iloc[0] == r_value(golden, "zero_degf", "df")[0]
    assert shares["n_valid"].iloc[0] == (frame["pw"] > 0).sum()


def test_zero_weights__by_domain__match_r(golden):
    frame = _read("apistrat_zero.csv")
    design = Design(weight="pw", strata="stype", fpc="fpc")
    for _, row in means(frame, "api00", design=design, by="awards").iterrows():
        _check(golden, "zero_by_mean_api00", row, domain=row["awards"])


def test_compare_sectors__one_respondent_sector__not_called_significant():
    frame = _read("apistrat.csv")
    frame.loc[frame.index[0], "stype"] = "X"  # a sector of one school
    pairs = compare_sectors(frame, "api00", sector="stype", design=Design(weight="pw"), min_n=30)
    lonely = pairs[(pairs["stype_a"] == "X") | (pairs["stype_b"] == "X")]
    assert lonely["too_small"].all()
    assert not lonely["significant"].any()
    assert lonely["p_value"].isna().all()
    assert pairs.loc[~pairs["too_small"], "p_adjusted"].notna().all()
