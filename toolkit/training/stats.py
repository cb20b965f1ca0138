"""Evaluation of a training: learning gain (Kirkpatrick 2), satisfaction (level 1), objectives.

All functions take a long frame (one row per participant × phase × item) and return a tidy
frame; they never modify their input.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from toolkit.errors import Problem, TrainingError
from toolkit.training.model import Module

__all__ = ["evaluation", "export_csv", "objectives_met", "prepost", "satisfaction"]

PREPOST_COLUMNS = [
    "item",
    "n",
    "mean_pre",
    "mean_post",
    "gain",
    "statistic",
    "p_value",
    "effect_size",
    "n_ties",
]


def _check_columns(data: pd.DataFrame, **columns: str | None) -> None:
    problems = [
        Problem("T111", {"column": col, "role": role}, None, None, role)
        for role, col in columns.items()
        if col is not None and col not in data.columns
    ]
    if problems:
        raise TrainingError(problems=problems)


def _paired(pre: pd.Series, post: pd.Series) -> dict[str, float]:
    """Paired statistics on two aligned series (participants as index)."""
    both = pd.concat({"pre": pre, "post": post}, axis=1).dropna()
    diff = (both["post"] - both["pre"]).to_numpy(dtype=float)
    nonzero = diff[diff != 0]
    out = {
        "n": len(both),
        "mean_pre": both["pre"].mean() if len(both) else np.nan,
        "mean_post": both["post"].mean() if len(both) else np.nan,
        "gain": diff.mean() if len(diff) else np.nan,
        "statistic": np.nan,
        "p_value": np.nan,
        "effect_size": np.nan,
        "n_ties": int((diff == 0).sum()),
    }
    if len(nonzero):
        test = sps.wilcoxon(nonzero, zero_method="wilcox", alternative="two-sided")
        ranks = sps.rankdata(np.abs(nonzero))
        plus, minus = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
        out |= {
            "statistic": float(test.statistic),
            "p_value": float(test.pvalue),
            "effect_size": float((plus - minus) / (plus + minus)),
        }
    return out


def prepost(
    data: pd.DataFrame,
    *,
    participant: str,
    phase: str,
    score: str,
    item: str | None = None,
    pre: str = "pre",
    post: str = "post",
) -> pd.DataFrame:
    """Paired before/after statistics, overall and (when ``item`` is given) per item.

    A participant's overall score in a phase is the mean of their item scores (the
    proportion of correct answers for 0/1 items); only participants seen in both phases
    count. The test is Wilcoxon's signed-rank test on post - pre, zero differences
    dropped (``zero_method="wilcox"``), two-sided, exact for small samples without ties.

    Parameters
    ----------
    data : DataFrame
        Long frame, one row per participant × phase (× item).
    participant, phase, score : str
        Columns: pseudonymous participant code, phase label, numeric score.
    item : str, optional
        Column naming the item; adds one row per item.
    pre, post : str
        Labels of the two phases in ``phase``.

    Returns
    -------
    DataFrame
        One row per item (``item`` is missing (NA) on the first, overall row) with columns
        ``n`` (pairs), ``mean_pre``, ``mean_post``, ``gain`` (mean of post - pre),
        ``statistic`` (Wilcoxon T = the smaller signed-rank sum), ``p_value``,
        ``effect_size`` (matched-pairs rank-biserial correlation, -1 … 1, positive when
        scores rose) and ``n_ties`` (pairs with no change, left out of the test).

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. *Comprehensive Psychology*, 3, 11.IT.3.1.

    Examples
    --------
    >>> df = pd.DataFrame({"who": ["a", "a", "b", "b", "c", "c"],
    ...                    "when": ["pre", "post"] * 3, "pts": [2, 4, 3, 4, 4, 4]})
    >>> prepost(df, participant="who", phase="when", score="pts")[["n", "gain", "n_ties"]]
       n  gain  n_ties
    0  3   1.0       1
    """
    _check_columns(data, participant=participant, phase=phase, score=score, item=item)
    frame = data[data[phase].isin([pre, post])]
    keys = [participant, phase] + ([item] if item else [])
    duplicated = frame.duplicated(keys)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise TrainingError(
            problems=[Problem("T110", {"key": ", ".join(map(str, first[keys]))}, None, None, None)]
        )
    scores = pd.to_numeric(frame[score], errors="raise").astype(float)
    frame = frame.assign(**{score: scores})
    per_person = frame.groupby([participant, phase], observed=True)[score].mean().unstack(phase)
    per_person = per_person.reindex(columns=[pre, post])
    rows = [{"item": None, **_paired(per_person[pre], per_person[post])}]
    if item:
        for name, group in frame.groupby(item, sort=False, observed=True):
            wide = group.set_index([participant, phase])[score].unstack(phase)
            wide = wide.reindex(columns=[pre, post])
            rows.append({"item": name, **_paired(wide[pre], wide[post])})
    return pd.DataFrame(rows, columns=PREPOST_COLUMNS)


def satisfaction(
    data: pd.DataFrame,
    *,
    item: str,
    score: str,
    satisfied_from: int = 4,
) -> pd.DataFrame:
    """Reaction to the training (Kirkpatrick level 1), per item and overall.

    Returns
    -------
    DataFrame
        ``item`` (NA on the first, overall row), ``n``, ``mean``, ``sd`` and
        ``share_satisfied`` (share of answers >= ``satisfied_from``).

    Examples
    --------
    Three participants rate, from 1 to 5, how useful the training was and its pace:

    >>> import pandas as pd
    >>> ratings = pd.DataFrame({"participant": ["P01", "P02", "P03"] * 2,
    ...                         "item": ["useful"] * 3 + ["pace"] * 3,
    ...                         "score": [5, 4, 5, 2, 3, 4]})
    >>> satisfaction(ratings, item="item", score="score").round(2)
         item  n  mean    sd  share_satisfied
    0     NaN  6  3.83  1.17             0.67
    1  useful  3  4.67  0.58             1.00
    2    pace  3  3.00  1.00             0.33
    """
    _check_columns(data, item=item, score=score)
    values = pd.to_numeric(data[score], errors="raise").astype(float)
    frame = data.assign(**{score: values}).dropna(subset=[score])

    def summary(name: object, series: pd.Series) -> dict[str, object]:
        return {
            "item": name,
            "n": int(series.size),
            "mean": series.mean(),
            "sd": series.std(ddof=1) if series.size > 1 else np.nan,
            "share_satisfied": (series >= satisfied_from).mean() if series.size else np.nan,
        }

    rows = [summary(None, frame[score])]
    rows += [summary(name, g[score]) for name, g in frame.groupby(item, sort=False)]
    return pd.DataFrame(rows)


def objectives_met(
    module: Module,
    data: pd.DataFrame,
    *,
    participant: str,
    phase: str,
    item: str,
    score: str,
    mastery: float | None = None,
    target: float = 0.75,
    pre: str = "pre",
    post: str = "post",
) -> pd.DataFrame:
    """Whether each objective of ``module`` was met (Qualiopi indicator 11).

    A participant masters an objective in a phase when the mean of their scores on the
    pre/post questions linked to it reaches ``mastery`` (default: the module's
    ``mastery``). The objective is met when the share of participants mastering it at the
    post test reaches ``target``. The pre-test shares position learners at entry
    (Qualiopi indicator 8).

    Returns
    -------
    DataFrame
        ``objective``, ``label``, ``n_items``, ``n_pre``, ``share_pre``, ``n_post``,
        ``share_post``, ``met`` (bool; NA when nobody took the post test).

    Examples
    --------
    Module 1's pre/post test has two questions per objective; each string below is a
    participant's marks on ``p1`` … ``p6`` (1 = right):

    >>> import pandas as pd
    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "01_cadre_posture.yaml")
    >>> answers = {("P01", "pre"): "100101", ("P01", "post"): "111111",
    ...            ("P02", "pre"): "001010", ("P02", "post"): "101111",
    ...            ("P03", "pre"): "110001", ("P03", "post"): "111011"}
    >>> assessment = pd.DataFrame(
    ...     [(who, phase, f"p{i}", int(mark))
    ...      for (who, phase), marks in answers.items() for i, mark in enumerate(marks, 1)],
    ...     columns=["participant", "phase", "item", "score"])
    >>> table = objectives_met(module, assessment, participant="participant",
    ...                        phase="phase", item="item", score="score")
    >>> table[["objective", "share_pre", "share_post", "met"]].round(2)
             objective  share_pre  share_post    met
    0      deontologie       0.33        0.67  False
    1  confidentialite       0.00        0.67  False
    2          posture       0.00        1.00   True

    With a target of two participants in three, every objective is met:

    >>> objectives_met(module, assessment, participant="participant", phase="phase",
    ...                item="item", score="score", target=2 / 3)["met"].tolist()
    [True, True, True]
    """
    _check_columns(data, participant=participant, phase=phase, item=item, score=score)
    threshold = module.mastery if mastery is None else mastery
    links = {q.id: q.objective for q in module.assessment.questions}
    frame = data.assign(
        _objective=data[item].map(links), _score=pd.to_numeric(data[score]).astype(float)
    ).dropna(subset=["_objective"])
    rows = []
    for objective in module.objectives:
        part = frame[frame["_objective"] == objective.id]
        row: dict[str, object] = {
            "objective": objective.id,
            "label": objective.text.get(),
            "n_items": sum(1 for v in links.values() if v == objective.id),
        }
        sizes: dict[str, int] = {}
        shares: dict[str, float] = {}
        for name, label in (("pre", pre), ("post", post)):
            means = part[part[phase] == label].groupby(participant)["_score"].mean()
            sizes[name] = row[f"n_{name}"] = int(means.size)
            shares[name] = row[f"share_{name}"] = (
                (means >= threshold).mean() if means.size else np.nan
            )
        row["met"] = pd.NA if sizes["post"] == 0 else bool(shares["post"] >= target)
        rows.append(row)
    return pd.DataFrame(rows)


def evaluation(
    module: Module,
    assessment: pd.DataFrame,
    satisfaction_answers: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables of a training's evaluation from the live-session frames.

    ``assessment`` has columns ``participant``, ``phase``, ``item``, ``score`` (as returned
    by :meth:`toolkit.training.sessions.LiveSessions.assessment_frame`);
    ``satisfaction_answers`` has ``participant``, ``item``, ``score``.

    Examples
    --------
    Three participants of module 1; each string is their marks on ``p1`` … ``p6``
    (1 = right) before and after the training:

    >>> import pandas as pd
    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "01_cadre_posture.yaml")
    >>> answers = {("P01", "pre"): "100101", ("P01", "post"): "111111",
    ...            ("P02", "pre"): "001010", ("P02", "post"): "101111",
    ...            ("P03", "pre"): "110001", ("P03", "post"): "111011"}
    >>> assessment = pd.DataFrame(
    ...     [(who, phase, f"p{i}", int(mark))
    ...      for (who, phase), marks in answers.items() for i, mark in enumerate(marks, 1)],
    ...     columns=["participant", "phase", "item", "score"])
    >>> tables = evaluation(module, assessment)
    >>> list(tables)
    ['prepost', 'objectives']
    >>> tables["prepost"].loc[0, ["n", "mean_pre", "mean_post", "gain"]].astype(float).round(2)
    n            3.00
    mean_pre     0.44
    mean_post    0.89
    gain         0.44
    Name: 0, dtype: float64
    >>> tables["objectives"].set_index("objective")["met"].to_dict()
    {'deontologie': False, 'confidentialite': False, 'posture': True}

    The satisfaction ratings, when given, add their table:

    >>> ratings = pd.DataFrame({"participant": ["P01", "P02", "P03"],
    ...                         "item": "useful", "score": [5, 4, 5]})
    >>> list(evaluation(module, assessment, ratings))
    ['prepost', 'objectives', 'satisfaction']
    """
    tables = {
        "prepost": prepost(
            assessment, participant="participant", phase="phase", score="score", item="item"
        ),
        "objectives": objectives_met(
            module, assessment, participant="participant", phase="phase", score="score", item="item"
        ),
    }
    if satisfaction_answers is not None:
        tables["satisfaction"] = satisfaction(satisfaction_answers, item="item", score="score")
    return tables


def export_csv(tables: Mapping[str, pd.DataFrame], directory: str | Path) -> list[Path]:
    """Write each table to ``directory/<name>.csv`` (UTF-8, comma, no index); return the paths.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> tables = {"satisfaction": pd.DataFrame({"item": ["useful", "pace"], "mean": [4.5, 3.0]}),
    ...           "objectives": pd.DataFrame({"objective": ["posture"], "met": [True]})}
    >>> folder = Path(tempfile.mkdtemp()) / "evaluation"
    >>> paths = export_csv(tables, folder)
    >>> [path.name for path in paths]
    ['satisfaction.csv', 'objectives.csv']
    >>> print(paths[0].read_text(encoding="utf-8"), end="")
    item,mean
    useful,4.5
    pace,3.0
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths
