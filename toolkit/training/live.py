"""What the trainer's live chart shows for a run: counts (or means) per option."""

from __future__ import annotations

import pandas as pd

from toolkit.i18n import t
from toolkit.training.model import Branching, Exercise, Judgement, Quiz, RolePlay, Scale
from toolkit.training.sessions import SATISFACTION_ITEMS

__all__ = ["TALLY_COLUMNS", "letter", "tally"]

TALLY_COLUMNS = ["group", "group_label", "option", "label", "value", "correct", "kind"]


def letter(index: int) -> str:
    """``A``, ``B``… for the response at ``index`` (``AA`` after ``Z``): responses are shown
    by position, never by their ids.

    >>> letter(0), letter(4), letter(26)
    ('A', 'E', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def tally(
    exercise: Exercise | None, answers: pd.DataFrame, *, lang: str | None = None
) -> pd.DataFrame:
    """Chart data for one run.

    Parameters
    ----------
    exercise : Exercise or None
        The launched exercise (``None`` for the satisfaction questionnaire).
    answers : DataFrame
        :meth:`LiveSessions.answers` of the run.

    Returns
    -------
    DataFrame
        One row per bar: ``group`` / ``group_label`` (question, or best / worst...),
        ``option`` / ``label``, ``value`` (a count, or a mean for scales and satisfaction),
        ``correct`` (True / False against the key, NA when there is no key) and ``kind``
        (``"count"`` or ``"mean"``). Rewriting exercises have no chart (empty frame).
    """
    rows: list[tuple] = []
    values = answers.groupby("item")["value"].apply(list).to_dict() if len(answers) else {}

    def count(group, group_label, option, label, picks, correct=pd.NA):
        rows.append(
            (group, group_label, option, label, sum(option == p for p in picks), correct, "count")
        )

    if exercise is None:
        for item in SATISFACTION_ITEMS:
            got = values.get(item, [])
            mean = sum(got) / len(got) if got else float("nan")
            label = t(f"training.satisfaction.{item}", lang)
            rows.append((item, label, item, label, mean, pd.NA, "mean"))
    elif isinstance(exercise, Quiz):
        for q in exercise.questions:
            picks = [p for v in values.get(q.id, []) for p in ([v] if isinstance(v, str) else v)]
            for o in q.options:
                count(q.id, q.prompt.get(lang), o.id, o.text.get(lang), picks, o.correct)
    elif isinstance(exercise, Judgement):
        picks = values.get("pick", [])
        for which, key in (("best", exercise.best), ("worst", exercise.worst)):
            chosen = [p[which] for p in picks]
            label = t(f"training.{which}", lang)
            for i, r in enumerate(exercise.responses):
                count(which, label, r.id, f"{letter(i)}. {r.text.get(lang)}", chosen, r.id == key)
    elif isinstance(exercise, Branching):
        reached = [p["ending"] for p in values.get("path", [])]
        best = exercise.max_score
        for e in exercise.endings:
            label = f"{e.text.get(lang)} ({e.score})"
            count("ending", t("training.endings", lang), e.id, label, reached, e.score == best)
    elif isinstance(exercise, RolePlay):
        checked = [c for v in values.get("grid", []) for c in v["checked"]]
        for g in exercise.grid:
            count("grid", t("training.grid", lang), g.id, g.text.get(lang), checked)
    elif isinstance(exercise, Scale):
        scored = answers.groupby("item")["score"].apply(list).to_dict() if len(answers) else {}
        for d in exercise.dimensions:
            got = [s for i in exercise.items if i.dimension == d.id for s in scored.get(i.id, [])]
            mean = sum(got) / len(got) if got else float("nan")
            rows.append(
                ("profile", exercise.title.get(lang), d.id, d.label.get(lang), mean, pd.NA, "mean")
            )
    return pd.DataFrame(rows, columns=TALLY_COLUMNS)
