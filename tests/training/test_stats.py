"""Pre/post statistics compared with SciPy and with exact values computed by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from toolkit.errors import TrainingError
from toolkit.training import export_csv, load_module, objectives_met, prepost, satisfaction


def long_frame(pre: list[float], post: list[float]) -> pd.DataFrame:
    people = [f"p{i}" for i in range(len(pre))]
    return pd.DataFrame(
        {
            "who": people * 2,
            "when": ["pre"] * len(pre) + ["post"] * len(post),
            "pts": pre + post,
        }
    )


def exact_two_sided_p(differences: list[float]) -> float:
    """Exact signed-rank p-value by enumerating every sign assignment (no ties, no zeros)."""
    ranks = sps.rankdata(np.abs(differences))
    observed = ranks[np.asarray(differences) > 0].sum()
    total = ranks.sum()
    extreme = min(observed, total - observed)
    count = 0
    for signs in itertools.product([0, 1], repeat=len(ranks)):
        plus = sum(r for r, s in zip(ranks, signs, strict=True) if s)
        count += plus <= extreme or plus >= total - extreme
    return count / 2 ** len(ranks)


def test_prepost__hand_example__statistic_p_value_and_rank_biserial():
    pre = [2, 5, 6, 1, 0]
    post = [5, 6, 4, 5, 5]  # differences 3, 1, -2, 4, 5
    row = prepost(long_frame(pre, post), participant="who", phase="when", score="pts").iloc[0]
    assert row["n"] == 5
    assert row["mean_pre"] == pytest.approx(2.8)
    assert row["mean_post"] == pytest.approx(5.0)
    assert row["gain"] == pytest.approx(2.2)
    assert row["statistic"] == 2  # R- = 2, R+ = 13
    assert row["p_value"] == pytest.approx(6 / 32)
    assert row["effect_size"] == pytest.approx(11 / 15)


def test_prepost__random_data__matches_scipy_and_enumeration():
    rng = np.random.default_rng(20261129)
    pre = rng.normal(10, 2, 12).round(3)
    post = (pre + rng.normal(0.8, 1.5, 12)).round(3)
    row = prepost(
        long_frame(list(pre), list(post)), participant="who", phase="when", score="pts"
    ).iloc[0]
    reference = sps.wilcoxon(post, pre)
    assert row["statistic"] == pytest.approx(reference.statistic)
    assert row["p_value"] == pytest.approx(reference.pvalue)
    assert row["p_value"] == pytest.approx(exact_two_sided_p(list(post - pre)))


def test_prepost__ties_at_zero__dropped_like_scipy_wilcox():
    pre = [1, 2, 3, 4, 5, 6, 7, 8]
    post = [1, 4, 3, 7, 9, 5, 12, 8]
    row = prepost(long_frame(pre, post), participant="who", phase="when", score="pts").iloc[0]
    reference = sps.wilcoxon(np.array(post) - np.array(pre), zero_method="wilcox")
    assert row["n"] == 8
    assert row["n_ties"] == 3
    assert row["statistic"] == pytest.approx(reference.statistic)
    assert row["p_value"] == pytest.approx(reference.pvalue)


def test_prepost__unpaired_participants__left_out():
    frame = long_frame([1, 2, 3], [2, 4, 5])
    frame = pd.concat([frame, pd.DataFrame({"who": ["solo"], "when": ["pre"], "pts": [0]})])
    row = prepost(frame, participant="who", phase="when", score="pts").iloc[0]
    assert row["n"] == 3
    assert row["mean_pre"] == pytest.approx(2.0)


def test_prepost__no_change__no_test():
    row = prepost(long_frame([1, 2], [1, 2]), participant="who", phase="when", score="pts").iloc[0]
    assert row["n_ties"] == 2
    assert np.isnan(row["p_value"])
    assert np.isnan(row["effect_size"])


def test_prepost__per_item__overall_is_mean_of_items():
    frame = pd.DataFrame(
        {
            "who": ["a"] * 4 + ["b"] * 4,
            "when": ["pre", "pre", "post", "post"] * 2,
            "q": ["q1", "q2"] * 4,
            "pts": [0, 0, 1, 1, 1, 0, 1, 1],
        }
    )
    out = prepost(frame, participant="who", phase="when", score="pts", item="q")
    assert pd.isna(out["item"].iloc[0])
    assert list(out["item"].iloc[1:]) == ["q1", "q2"]
    overall = out.iloc[0]
    assert overall["mean_pre"] == pytest.approx(0.25)
    assert overall["mean_post"] == pytest.approx(1.0)
    q1 = out.set_index("item").loc["q1"]
    assert q1["n"] == 2
    assert q1["n_ties"] == 1
    assert q1["gain"] == pytest.approx(0.5)
    assert frame.shape == (8, 4)  # input untouched


def test_prepost__duplicate_rows__raise_t110():
    frame = pd.concat([long_frame([1], [2])] * 2)
    with pytest.raises(TrainingError) as info:
        prepost(frame, participant="who", phase="when", score="pts")
    assert info.value.codes == ["T110"]


def test_prepost__unknown_column__raises_t111():
    with pytest.raises(TrainingError) as info:
        prepost(long_frame([1], [2]), participant="who", phase="phase", score="pts")
    assert info.value.codes == ["T111"]


def test_satisfaction__share_and_mean():
    frame = pd.DataFrame({"item": ["u", "u", "u", "c"], "score": [5, 4, 2, 3]})
    out = satisfaction(frame, item="item", score="score").iloc[1:].set_index("item")
    u = out.loc["u"]
    assert u["n"] == 3
    assert u["mean"] == pytest.approx(11 / 3)
    assert u["share_satisfied"] == pytest.approx(2 / 3)
    assert satisfaction(frame, item="item", score="score").iloc[0]["n"] == 4


def test_objectives_met__mastery_and_target(module_file):
    module = load_module(module_file())
    rows = []
    for who, pre, post in [("a", (0, 0), (1, 1)), ("b", (1, 0), (1, 0)), ("c", (0, 0), (1, 1))]:
        for phase, scores in (("pre", pre), ("post", post)):
            rows += [(who, phase, "t1", scores[0]), (who, phase, "t2", scores[1])]
    frame = pd.DataFrame(rows, columns=["who", "when", "q", "pts"])
    out = objectives_met(
        module, frame, participant="who", phase="when", item="q", score="pts", target=0.75
    ).set_index("objective")
    assert out.loc["o1", "share_pre"] == pytest.approx(1 / 3)
    assert out.loc["o1", "share_post"] == pytest.approx(1.0)
    assert bool(out.loc["o1", "met"]) is True
    assert out.loc["o2", "share_post"] == pytest.approx(2 / 3)
    assert bool(out.loc["o2", "met"]) is False


def test_export_csv__round_trip(tmp_path):
    table = prepost(long_frame([1, 2, 3], [3, 3, 5]), participant="who", phase="when", score="pts")
    (path,) = export_csv({"prepost": table}, tmp_path / "out")
    back = pd.read_csv(path)
    assert list(back.columns) == list(table.columns)
    assert back["gain"].iloc[0] == pytest.approx(table["gain"].iloc[0])
