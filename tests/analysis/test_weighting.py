"""Weight diagnostics and weighting helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import example_frame, poststratify, rake, trim_weights, weight_summary


def test_weight_summary__kish__matches_definition():
    data = pd.DataFrame({"w": [1.0, 2.0, 3.0, 4.0]})
    row = weight_summary(data, "w").iloc[0]
    assert row["n_effective"] == pytest.approx(10.0**2 / 30.0)
    assert row["deff_weighting"] == pytest.approx(4 * 30.0 / 100.0)
    assert row["deff_weighting"] == pytest.approx(1 + row["cv"] ** 2)
    assert row["ratio"] == pytest.approx(4.0)


def test_weight_summary__by_sector__one_row_per_sector():
    frame = example_frame(200, seed=3)
    table = weight_summary(frame, "poids", by="secteur")
    assert list(table["secteur"]) == ["Centre", "Gare", "Les Hauts", "Rive Sud"]
    assert table["n"].sum() == 200


def test_rake__joint_margin_dataframe__cells_met():
    frame = example_frame(400, seed=5)
    cells = frame.groupby(["sexe", "tranche_age"], observed=True).size().reset_index()
    cells["total"] = 100.0 + np.arange(len(cells))
    w = rake(
        frame,
        {
            ("sexe", "tranche_age"): cells,
            "secteur": dict.fromkeys(
                ["Centre", "Gare", "Les Hauts", "Rive Sud"], cells["total"].sum() / 4
            ),
        },
    )
    got = w.groupby([frame["sexe"], frame["tranche_age"]], observed=True).sum().to_numpy()
    np.testing.assert_allclose(got, cells["total"].to_numpy(), rtol=1e-8)


def test_poststratify__frame__input_left_unchanged():
    frame = example_frame(100, seed=1)
    before = frame.copy(deep=True)
    poststratify(frame, "sexe", {"Femme": 50, "Homme": 50}, weight="poids")
    pd.testing.assert_frame_equal(frame, before)


def test_trim_weights__not_strict__one_pass_like_r():
    data = pd.DataFrame({"w": [1.0, 1.0, 1.0, 10.0]})
    w = trim_weights(data, "w", upper=4.0, strict=False)
    assert w.tolist() == pytest.approx([3.0, 3.0, 3.0, 4.0])
    assert w.sum() == pytest.approx(13.0)
