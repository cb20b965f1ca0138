"""The presentation layer: labels not codes, French numbers, small cells never as numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.analysis import (
    Design,
    compare_sectors,
    compare_waves,
    example_frame,
    means,
    present,
    proportions,
    show,
    top_box,
    wave_label,
)
from toolkit.analysis.formats import format_margin, format_points, format_share


@pytest.fixture(scope="module")
def frame(barometre_frame):
    return barometre_frame


@pytest.fixture(scope="module")
def barometre_frame(barometre):
    import numpy as np

    from toolkit.demo.barometre import barometre_rows
    from toolkit.store import connect

    store = connect("sqlite://")
    store.register(barometre)
    store.submit_many(
        "barometre_ambiance", barometre_rows(barometre, np.random.default_rng(3), per_wave=120)
    )
    return store.frame("barometre_ambiance")


def _text(shown: pd.DataFrame) -> str:
    return " ".join(map(str, shown.columns)) + " " + " ".join(shown.astype(str).to_numpy().ravel())


def test_present__shares_by_sector__labels_not_codes(frame, barometre):
    shown = present(proportions(frame, "quartier_agreable", by="secteur"), barometre)
    text = _text(shown)
    assert "Mon quartier est agréable à vivre" in text
    assert "Les Bords de l'Eau" in text
    assert "Plutôt d'accord" in text
    for code in ("bords_eau", "quartier_agreable", "estimate", "ci_low", "nan", "tilleuls"):
        assert code not in text


def test_present__share_cell__french_percent_and_points(frame, barometre):
    shown = present(top_box(frame, "quartier_agreable"), barometre)
    cell = shown["Part (marge d’erreur)"].iloc[0]
    assert "\u00a0%" in cell
    assert "±\u00a0" in cell
    assert cell.endswith("points)")


def test_present__small_cells__written_too_few_never_a_number(frame, barometre):
    table = proportions(frame, "quartier_agreable", by=["secteur", "sexe"])
    shown = present(table, barometre, threshold=30)
    small = table["n_valid"] < 30
    assert small.any()
    cells = shown["Part (marge d’erreur)"][small.to_numpy()]
    assert (cells == "effectif trop faible").all()


def test_present__english__labels_and_numbers_in_english(frame, barometre):
    shown = present(top_box(frame, "quartier_agreable", by="secteur"), barometre, lang="en")
    assert "Share (margin of error)" in shown.columns
    assert "Town centre" in _text(shown)
    assert "%" in shown.iloc[0, 3]
    assert "\u00a0%" not in shown.iloc[0, 3]


def test_present__wide__one_column_per_sector_and_respondents_row(frame, barometre):
    shown = present(proportions(frame, "quartier_agreable", by="secteur"), barometre, wide=True)
    assert "Centre-ville" in shown.columns
    assert shown.iloc[-1, 0] == "Répondants"


def test_present__wave_change__significant_only_when_tested(barometre):
    data = example_frame()
    change = compare_waves(
        data, "securite", wave="wave", design=Design(weight="poids"), category=[3, 4]
    )
    shown = present(change, barometre)
    assert shown["Lecture"].iloc[0] in (
        "en hausse, significatif",
        "en baisse, significatif",
        "pas d’évolution significative",
    )
    tiny = compare_waves(data, "securite", wave="wave", by="secteur", category=[3, 4], min_n=200)
    assert (present(tiny, barometre)["Lecture"] == "effectif trop faible pour conclure").all()


def test_present__sector_pairs__reading(barometre):
    pairs = compare_sectors(example_frame(), "securite", sector="secteur", category=[3, 4])
    shown = present(pairs, barometre)
    assert set(shown["Lecture"]) <= {
        "B plus élevé, significatif",
        "B plus bas, significatif",
        "pas d’écart significatif",
    }


def test_present__mean__decimal_comma(barometre):
    shown = present(means(example_frame(), "securite"), barometre)
    assert "," in shown.iloc[0, 1]


def test_show__html__no_index_and_escaped():
    html = show(pd.DataFrame({"A": ["<b>x</b>"]}))._repr_html_()
    assert "&lt;b&gt;" in html
    assert "<th></th>" not in html


def test_formats__points_plural_and_sign():
    assert format_points(0.07, signed=True) == "+7\u00a0points"
    assert format_margin(0.008) == "±\u00a00,8\u00a0point"
    assert format_share(0.0) == "0\u00a0%"
    assert wave_label("2025-automne") == "Automne 2025"


def test_present__unknown_kind__n006_coded_error():
    from toolkit.analysis import Design, example_frame, present, top_box
    from toolkit.errors import AnalysisError

    table = top_box(example_frame(), "securite", design=Design(weight="poids"))
    with pytest.raises(AnalysisError) as excinfo:
        present(table, kind="camembert")
    assert excinfo.value.codes == ["N006"]


def test_present__share_near_zero__interval_shown_not_a_symmetric_margin():
    answers = pd.Categorical(["a"] * 40 + ["b"] * 10, categories=["a", "b", "c"])
    table = proportions(pd.DataFrame({"q": answers}), "q")
    cells = present(table, lang="fr")["Part (marge d’erreur)"].tolist()
    assert cells[0] == "80\u00a0% (±\u00a012\u00a0points)"
    low, high = table["ci_low"].iloc[2], table["ci_high"].iloc[2]
    assert (low, round(high, 3)) == (0.0, 0.071)
    assert cells[2] == "0\u00a0% (0\u00a0% à 7\u00a0%)"  # not « ± 4 points » around 0 %
    english = present(table, lang="en")
    assert english.iloc[2, 2] == "0% (0% to 7%)"
