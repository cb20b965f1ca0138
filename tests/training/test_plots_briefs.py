"""Profile chart of a scale, and printable role-play briefs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from toolkit.training import briefs_html, briefs_markdown, load_module, plot_profile


def test_plot_profile__before_after__two_bars_per_dimension(module_file):
    scale = load_module(module_file()).exercise("echelle")
    ax = plot_profile(scale, {"avant": {"dim": 2.0}, "après": {"dim": 3.5}})
    assert isinstance(ax, Axes)
    assert [round(p.get_width(), 2) for p in ax.patches] == [2.0, 3.5]
    assert ax.get_xlim() == (1.0, 4.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["avant", "après"]
    plt.close(ax.figure)


def test_plot_profile__given_axes__draws_there(module_file):
    scale = load_module(module_file()).exercise("echelle")
    _, ax = plt.subplots()
    assert plot_profile(scale, {"dim": 3.0}, ax=ax, lang="en") is ax
    assert ax.get_legend() is None
    plt.close(ax.figure)


def test_briefs__one_section_per_role_and_escaped(module_file):
    exercise = load_module(module_file()).exercise("jeu")
    page = briefs_html(exercise)
    assert page.count('class="role"') + page.count("class='role'") == 4
    assert "Brief A &lt;b&gt;" in page
    assert "A reformulé" in page
    text = briefs_markdown(exercise, lang="en")
    assert "- [ ] A reformulé" in text
    assert text.index("## Obs") < text.index("- [ ] A reformulé")
