"""Bad input gets a coded AnalysisError naming the argument (codes N0xx)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import (
    Design,
    compare_waves,
    cronbach_alpha,
    crosstab,
    example_frame,
    means,
    poststratify,
    proportions,
    rake,
    suppress,
    top_box,
)
from toolkit.errors import AnalysisError
from toolkit.i18n import use_language


@pytest.fixture
def frame() -> pd.DataFrame:
    return example_frame(120, seed=7)


def codes(excinfo: pytest.ExceptionInfo[AnalysisError]) -> list[str]:
    return excinfo.value.codes


def test_proportions__unknown_column__n001_lists_columns(frame):
    with pytest.raises(AnalysisError) as excinfo:
        proportions(frame, "securiter")
    assert codes(excinfo) == ["N001"]
    with use_language("fr"):
        assert "securiter" in str(excinfo.value)
        assert "secteur" in str(excinfo.value)
    with use_language("en"):
        assert "unknown column" in str(excinfo.value)


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_design__negative_or_missing_weight__n003(frame, bad):
    data = frame.assign(poids=frame["poids"].where(frame.index != 3, bad))
    with pytest.raises(AnalysisError) as excinfo:
        proportions(data, "securite", design=Design(weight="poids"))
    assert codes(excinfo) == ["N003"]
    assert excinfo.value.problems[0].field == "design.weight"


def test_design__all_weights_zero__n003(frame):
    with pytest.raises(AnalysisError) as excinfo:
        proportions(frame.assign(poids=0.0), "securite", design=Design(weight="poids"))
    assert codes(excinfo) == ["N003"]


def test_design__text_weight__n002(frame):
    with pytest.raises(AnalysisError) as excinfo:
        means(frame, "securite", design=Design(weight="secteur"))
    assert codes(excinfo) == ["N002"]


def test_design__stratum_with_one_psu__n004_under_fail(frame):
    data = frame.assign(strate=np.where(frame.index == 0, "seule", "autres"))
    with pytest.raises(AnalysisError) as excinfo:
        means(data, "securite", design=Design(weight="poids", strata="strate"))
    assert codes(excinfo) == ["N004"]


def test_design__unknown_lonely_rule__n006():
    with pytest.raises(AnalysisError) as excinfo:
        Design(lonely_psu="ignore")
    assert codes(excinfo) == ["N006"]


def test_design__fpc_varying_within_stratum__n007(frame):
    data = frame.assign(fpc=np.arange(len(frame)) + 1000)
    with pytest.raises(AnalysisError) as excinfo:
        means(data, "securite", design=Design(strata="secteur", fpc="fpc"))
    assert codes(excinfo) == ["N007"]


def test_proportions__no_usable_answer__n005(frame):
    data = frame.assign(
        securite=pd.Categorical([None] * len(frame), categories=[1, 2, 3, 4], ordered=True)
    )
    with pytest.raises(AnalysisError) as excinfo:
        proportions(data, "securite")
    assert codes(excinfo) == ["N005"]


def test_proportions__empty_domain__nan_estimate_and_zero_n(frame):
    data = frame.copy()
    data.loc[data["secteur"] == "Gare", "securite"] = np.nan
    table = proportions(data, "securite", by="secteur")
    gare = table[table["secteur"] == "Gare"]
    assert gare["estimate"].isna().all()
    assert (gare["n_valid"] == 0).all()


def test_proportions__unknown_ci_method__n006(frame):
    with pytest.raises(AnalysisError) as excinfo:
        proportions(frame, "securite", ci_method="agresti")
    assert codes(excinfo) == ["N006"]


@pytest.mark.parametrize("level", [0, 1, 95, "0.95"])
def test_proportions__bad_level__n016(frame, level):
    with pytest.raises(AnalysisError) as excinfo:
        proportions(frame, "securite", level=level)
    assert codes(excinfo) == ["N016"]


def test_proportions__empty_frame__n019(frame):
    with pytest.raises(AnalysisError) as excinfo:
        proportions(frame.iloc[:0], "securite")
    assert codes(excinfo) == ["N019"]


def test_means__text_column__n002(frame):
    with pytest.raises(AnalysisError) as excinfo:
        means(frame, "response_id")
    assert codes(excinfo) == ["N002"]


def test_top_box__unordered_column__n017(frame):
    with pytest.raises(AnalysisError) as excinfo:
        top_box(frame, "secteur")
    assert codes(excinfo) == ["N017"]


def test_crosstab__single_level__n014(frame):
    data = frame.assign(constante="a")
    with pytest.raises(AnalysisError) as excinfo:
        crosstab(data, "securite", "constante")
    assert codes(excinfo) == ["N014"]


def test_poststratify__cell_without_population__n009(frame):
    with pytest.raises(AnalysisError) as excinfo:
        poststratify(frame, "sexe", {"Femme": 100})
    assert codes(excinfo) == ["N009"]


def test_rake__negative_population__n011(frame):
    with pytest.raises(AnalysisError) as excinfo:
        rake(frame, {"sexe": {"Femme": 100, "Homme": -5}})
    assert codes(excinfo) == ["N011"]


def test_rake__incompatible_margins__n010(frame):
    margins = {
        "sexe": {"Femme": 100, "Homme": 100},
        "secteur": dict.fromkeys(["Centre", "Gare", "Les Hauts", "Rive Sud"], 10),
    }
    with pytest.raises(AnalysisError) as excinfo:
        rake(frame, margins, max_iter=20)
    assert codes(excinfo) == ["N010"]


def test_cronbach_alpha__one_item__n012(frame):
    with pytest.raises(AnalysisError) as excinfo:
        cronbach_alpha(frame, ["securite"])
    assert codes(excinfo) == ["N012"]


def test_compare_waves__single_wave__n014(frame):
    data = frame[frame["wave"] == "2024-1"]
    with pytest.raises(AnalysisError) as excinfo:
        compare_waves(data, "securite", wave="wave")
    assert codes(excinfo) == ["N014"]


def test_compare_waves__unknown_category__n018(frame):
    with pytest.raises(AnalysisError) as excinfo:
        compare_waves(frame, "securite", wave="wave", category=7)
    assert codes(excinfo) == ["N018"]


def test_suppress__no_count_column__n015():
    with pytest.raises(AnalysisError) as excinfo:
        suppress(pd.DataFrame({"estimate": [0.5]}))
    assert codes(excinfo) == ["N015"]


def test_every_code__has_french_and_english_text():
    from toolkit.i18n import catalogue

    for code in [f"N{i:03d}" for i in range(1, 20)]:
        assert set(catalogue()[code]) == {"fr", "en"}
