"""Profile chart of a self-assessment scale (one bar per dimension, before and after)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from toolkit.i18n import t
from toolkit.training.model import Scale

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = ["plot_profile"]


def plot_profile(
    scale: Scale,
    scores: Mapping[str, float] | Mapping[str, Mapping[str, float]],
    *,
    ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """Horizontal bars of the dimension scores of ``scale``.

    Parameters
    ----------
    scale : Scale
        The scale (its dimensions give the bars and their labels).
    scores : mapping
        Either ``{dimension: score}`` (one profile), or ``{series: {dimension: score}}``
        (e.g. ``{"avant": ..., "après": ...}``), one bar per series and dimension.
    ax : Axes, optional
        Where to draw; a new figure is made when ``None``.

    Returns
    -------
    Axes

    Examples
    --------
    A participant's listening habits before and after the module, on its 1-4 scale:

    >>> import matplotlib.pyplot as plt
    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "02_communication_ecoute.yaml")
    >>> scale = module.exercise("echelle_ecoute")
    >>> ax = plot_profile(scale, {"Avant": {"accueil": 2.0, "retenue": 1.5},
    ...                           "Après": {"accueil": 3.5, "retenue": 3.0}}, lang="fr")
    >>> ax.get_title(), len(ax.patches), [float(x) for x in ax.get_xlim()]
    ("Mes habitudes d'écoute", 4, [1.0, 4.0])
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['Accueil de la parole', 'Retenue (ne pas couper, ne pas conseiller trop vite)']
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['Avant', 'Après']
    >>> plt.close(ax.figure)
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 0.6 + 0.55 * len(scale.dimensions)))
    series = scores if _is_series(scores) else {t("training.profile", lang): scores}
    positions = np.arange(len(scale.dimensions))
    height = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        widths = [values.get(d.id, np.nan) for d in scale.dimensions]
        ax.barh(positions + index * height, widths, height=height, label=str(name))
    ax.set_yticks(positions + height * (len(series) - 1) / 2)
    ax.set_yticklabels([d.label.get(lang) for d in scale.dimensions])
    ax.invert_yaxis()
    ax.set_xlim(scale.minimum, scale.maximum)
    ax.set_xlabel(t("training.profile.axis", lang))
    ax.set_title(scale.title.get(lang))
    if len(series) > 1:
        ax.legend(loc="lower right")
    return ax


def _is_series(
    scores: Mapping[str, float] | Mapping[str, Mapping[str, float]],
) -> TypeIs[Mapping[str, Mapping[str, float]]]:
    """Whether ``scores`` holds one profile per series (told by its first value)."""
    return isinstance(next(iter(scores.values()), None), Mapping)
