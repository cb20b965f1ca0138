"""Disclosure control and plots."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import (
    LIKERT_ITEMS,
    Design,
    crosstab,
    example_frame,
    plot_likert,
    plot_proportions,
    plot_trend,
    proportions,
    suppress,
    top_box,
)

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_suppress__crosstab__no_line_with_a_single_hidden_cell():
    frame = example_frame(150, seed=2)
    table = suppress(crosstab(frame, "securite", "secteur").table, threshold=10)
    assert table["suppressed"].any()
    for column in ("securite", "secteur"):
        hidden = table.groupby(column, observed=True)["suppressed"].sum()
        assert not (hidden == 1).any()
    assert table.loc[table["suppressed"], "share"].isna().all()
    small = crosstab(frame, "securite", "secteur").table["n"].between(1, 9)
    assert (table.loc[small.to_numpy(), "suppression"] == "primary").all()


def test_suppress__table__input_left_unchanged():
    table = proportions(example_frame(60, seed=4), "securite", by="secteur")
    before = table.copy(deep=True)
    suppress(table)
    pd.testing.assert_frame_equal(table, before)


def test_suppress__zero_cells__not_hidden():
    table = pd.DataFrame({"level": ["a", "b", "c"], "n": [0, 20, 30], "estimate": [0.0, 0.4, 0.6]})
    assert not suppress(table)["suppressed"].any()


def test_plot_likert__by_sector__one_bar_per_item_and_sector():
    frame = example_frame(200, seed=8)
    table = pd.concat([proportions(frame, item, by="secteur") for item in LIKERT_ITEMS[:2]])
    _, ax = plt.subplots()
    out = plot_likert(table, ax=ax, title="Baromètre")
    assert out is ax
    assert len(ax.get_yticklabels()) == 8
    assert ax.get_xlabel() == "Part des réponses (%)"


def test_plot_proportions__suppressed_cell__marked():
    frame = example_frame(200, seed=8)
    table = suppress(
        top_box(frame, "securite", design=Design(weight="poids"), by="secteur"), threshold=60
    )
    ax = plot_proportions(table)
    assert any(text.get_text() == "s" for text in ax.texts)


def test_plot_trend__means__band_per_line():
    frame = example_frame(300, seed=9)
    from toolkit.analysis import means

    table = means(frame, "securite", design=Design(weight="poids"), by=["secteur", "wave"])
    ax = plot_trend(table)
    assert len(ax.get_lines()) == 4
    assert len(ax.collections) == 4
    assert ax.get_xlabel() == "Vague"
    assert np.isfinite(ax.get_lines()[0].get_ydata()).all()
