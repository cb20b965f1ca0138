"""Don't-know codes stored as answers, all-missing domains, and the weights of raking by wave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import (
    Calibration,
    Design,
    compare_waves,
    example_frame,
    means,
    proportions,
    rake,
    recode_missing,
    top_box,
)
from toolkit.errors import AnalysisError


def _raw() -> pd.DataFrame:
    """A file from elsewhere: a 4-point scale with 8 = don't know and 9 = refusal."""
    return pd.DataFrame(
        {
            "q": [1, 2, 2, 8, 9, 4, 3, 8, 4, 4],
            "g": ["a", "a", "a", "a", "b", "b", "b", "b", "b", "b"],
        }
    )


def test_proportions__missing_codes__code_8_is_no_fifth_answer():
    table = proportions(_raw(), "q", missing_codes=[8, 9])
    assert table["level"].tolist() == [1, 2, 3, 4]
    assert table["n_valid"].iloc[0] == 7
    assert table["n_nonsubstantive"].iloc[0] == 3
    assert table["estimate"].sum() == pytest.approx(1.0)


def test_proportions__without_missing_codes__code_8_counted_as_answer():
    assert 8 in proportions(_raw(), "q")["level"].tolist()


def test_means__missing_codes_mapping__excluded_from_mean():
    assert means(_raw(), "q", missing_codes={"q": [8, 9]})["estimate"].iloc[0] == pytest.approx(
        20 / 7
    )


def test_top_box__missing_codes__base_excludes_them():
    frame = _raw().assign(
        q=lambda f: pd.Categorical(f["q"], categories=[1, 2, 3, 4, 8, 9], ordered=True)
    )
    row = top_box(frame, "q", missing_codes=[8, 9]).iloc[0]
    assert row["n_valid"] == 7
    assert row["estimate"] == pytest.approx(4 / 7)


def test_recode_missing__sequence_without_columns__n016():
    with pytest.raises(AnalysisError) as excinfo:
        recode_missing(_raw(), [8, 9])
    assert excinfo.value.codes == ["N016"]


def test_recode_missing__text_codes_in_categorical__categories_dropped():
    frame = pd.DataFrame({"q": pd.Categorical(["oui", "non", "nsp", "oui"])})
    clean = recode_missing(frame, ["nsp"], columns=["q"])
    assert list(clean["q"].cat.categories) == ["non", "oui"]
    assert clean["q__missing"].notna().sum() == 1
    assert "q__missing" not in frame.columns


def test_proportions__domain_without_answer__nan_se_not_zero():
    frame = _raw().assign(q=lambda f: f["q"].where(f["g"] == "b"))
    table = proportions(frame, "q", by="g")
    a = table[table["g"] == "a"]
    assert a["estimate"].isna().all()
    assert a["se"].isna().all()
    assert table.loc[table["g"] == "b", "se"].notna().all()


def test_means__domain_without_answer__nan_se():
    frame = _raw().assign(q=lambda f: f["q"].where(f["g"] == "b").astype(float))
    table = means(frame, "q", by="g")
    assert np.isnan(table.loc[table["g"] == "a", "se"].iloc[0])


def test_rake__by_wave__calibration_design_uses_wave_cells():
    frame = example_frame()
    margins = {"sexe": {"Femme": 5200, "Homme": 4800}}
    frame["w"] = rake(frame, margins, weight="poids", by="wave")
    design = Design(weight="w", calibration=Calibration.rake(margins, by="wave"))
    assert design.calibration.margins == (("wave", "sexe"),)
    sums = frame.groupby(["wave", "sexe"], observed=True)["w"].sum()
    assert sums.to_numpy() == pytest.approx([5200, 4800, 5200, 4800])
    change = compare_waves(frame, "securite", wave="wave", design=design, category=[3, 4])
    assert change["se"].iloc[0] > 0
    assert "significant" in change.columns


def test_compare_waves__small_domains__not_tested():
    frame = example_frame()
    change = compare_waves(frame, "securite", wave="wave", by="secteur", category=[3, 4], min_n=100)
    assert change["too_small"].all()
    assert not change["significant"].any()


def test_compare_waves__min_n_below_two__n022():
    with pytest.raises(AnalysisError) as excinfo:
        compare_waves(example_frame(), "securite", wave="wave", min_n=1)
    assert excinfo.value.codes == ["N022"]
