"""Scoring rules of the exercises, and playing a branching scenario.

Rules (stated here once, shown to trainers in the README):

- **Quiz / pre-post question**: 1 when the set of options picked equals the set of correct
  options, else 0 (no partial credit, so that a "tick everything" answer scores 0).
- **Situational judgement**: ``+1`` when the best response picked is the key's best, ``+1``
  when the worst picked is the key's worst, ``-1`` for each inversion (the key's worst
  picked as best, the key's best picked as worst). Range -2 … 2.
- **Branching scenario**: the score of the ending reached (the path is kept for replay).
- **Self-assessment scale**: reverse-keyed answers become ``minimum + maximum - answer``;
  a dimension's score is the mean of its answered items.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from toolkit.errors import Problem, TrainingError
from toolkit.training.model import Branching, Choice, Ending, Judgement, Question, Scale, Scene

__all__ = [
    "Play",
    "Step",
    "replay",
    "scale_scores",
    "score_judgement",
    "score_question",
    "scored_item",
]


def _invalid(field: str, got: object) -> TrainingError:
    return TrainingError(problems=[Problem("T107", {"got": got}, None, None, field)])


def score_question(question: Question, selected: str | Collection[str]) -> int:
    """1 when ``selected`` is exactly the set of correct options, else 0.

    Examples
    --------
    >>> from toolkit.i18n import Text
    >>> from toolkit.training.model import Option, Question
    >>> q = Question("q", "multiple", Text.of("?"), (Option("a", Text.of("A"), True),
    ...     Option("b", Text.of("B"), True), Option("c", Text.of("C"))))
    >>> score_question(q, ["a", "b"]), score_question(q, ["a"]), score_question(q, ["a", "b", "c"])
    (1, 0, 0)
    """
    picked = frozenset([selected] if isinstance(selected, str) else selected)
    known = {o.id for o in question.options}
    unknown = picked - known
    if unknown or (question.kind == "single" and len(picked) != 1):
        raise _invalid(question.id, sorted(picked))
    return int(picked == question.correct)


def score_judgement(exercise: Judgement, best: str, worst: str) -> int:
    """Score a best/worst pick against the trainer's key (range -2 … 2, see module doc).

    Examples
    --------
    A teenager confides that her stepfather hits her and asks for secrecy; the key's best
    response is ``b`` (explain that the secret cannot be kept, and why), its worst ``c``
    (go and question the stepfather):

    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "01_cadre_posture.yaml")
    >>> sjt = module.exercise("sjt_confidentialite")
    >>> sjt.best, sjt.worst
    ('b', 'c')
    >>> score_judgement(sjt, best="b", worst="c")  # both as the key
    2
    >>> score_judgement(sjt, best="b", worst="a")  # best right, worst another one
    1
    >>> score_judgement(sjt, best="c", worst="b")  # key inverted
    -2
    """
    ids = {r.id for r in exercise.responses}
    if best not in ids or worst not in ids or best == worst:
        raise _invalid(exercise.id, [best, worst])
    return (
        (best == exercise.best)
        + (worst == exercise.worst)
        - (best == exercise.worst)
        - (worst == exercise.best)
    )


@dataclass(frozen=True)
class Step:
    """One move of a played scenario: the scene, the choice taken and its consequence."""

    scene: Scene
    choice: Choice


@dataclass(frozen=True)
class Play:
    """State of a branching scenario being played; :meth:`choose` returns the next state."""

    exercise: Branching
    position: str
    steps: tuple[Step, ...] = ()

    @classmethod
    def start(cls, exercise: Branching) -> Play:
        return cls(exercise, exercise.start)

    @property
    def scene(self) -> Scene | None:
        """The current scene, ``None`` once an ending is reached."""
        return self.exercise.scene(self.position)

    @property
    def ending(self) -> Ending | None:
        return self.exercise.ending(self.position)

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def score(self) -> int | None:
        """The ending's score; ``None`` while the scenario is not finished."""
        ending = self.ending
        return None if ending is None else ending.score

    @property
    def path(self) -> list[list[object]]:
        """The path as JSON-friendly ``[scene_id, choice_index]`` pairs (for storage)."""
        return [[s.scene.id, s.scene.choices.index(s.choice)] for s in self.steps]

    def choose(self, index: int) -> Play:
        scene = self.scene
        if scene is None or not 0 <= index < len(scene.choices):
            raise _invalid(self.exercise.id, index)
        choice = scene.choices[index]
        return Play(self.exercise, choice.goto, (*self.steps, Step(scene, choice)))


def replay(exercise: Branching, path: Sequence[Sequence[object]]) -> Play:
    """Rebuild a play from a stored path (``[[scene_id, choice_index], ...]``).

    Raises :class:`TrainingError` (T107) when the path does not follow the graph.

    Examples
    --------
    A resident asks who complained about his washing machine; the mediator keeps the name
    to herself, reformulates, then looks for a solution with him:

    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "01_cadre_posture.yaml")
    >>> scenario = module.exercise("scenario_plainte")
    >>> play = replay(scenario, [["accueil", 1], ["ecoute", 0], ["besoin", 0]])
    >>> play.finished, play.ending.id, play.score
    (True, 'fin_accord', 3)
    >>> play.ending.text.get("fr")
    'M. Diallo accepte une rencontre ; il propose lui-même de lancer la machine le soir...'

    A path that does not start at the first scene is refused:

    >>> from toolkit.errors import TrainingError
    >>> try:
    ...     replay(scenario, [["ecoute", 0]])
    ... except TrainingError as error:
    ...     error.codes
    ['T107']
    """
    play = Play.start(exercise)
    for scene_id, index in path:
        if play.position != scene_id or not isinstance(index, int):
            raise _invalid(exercise.id, path)
        play = play.choose(index)
    return play


def scored_item(scale: Scale, item_id: str, answer: int) -> int:
    """The answer to one scale item after reverse keying."""
    item = next((i for i in scale.items if i.id == item_id), None)
    if item is None or not scale.minimum <= answer <= scale.maximum:
        raise _invalid(f"{scale.id}.{item_id}", answer)
    return scale.minimum + scale.maximum - answer if item.reverse else answer


def scale_scores(scale: Scale, answers: Mapping[str, int]) -> dict[str, float]:
    """Mean score per dimension (reverse keys applied); NaN for a dimension left blank.

    Examples
    --------
    >>> from toolkit.i18n import Text
    >>> from toolkit.training.model import Dimension, Scale, ScaleItem
    >>> t = Text.of("x")
    >>> s = Scale(id="s", type="scale", title=t, minimum=1, maximum=4, anchors=(t,) * 4,
    ...     dimensions=(Dimension("d", t),),
    ...     items=(ScaleItem("i1", t, "d"), ScaleItem("i2", t, "d", reverse=True)))
    >>> scale_scores(s, {"i1": 4, "i2": 2})
    {'d': 3.5}
    """
    totals: dict[str, list[int]] = {d.id: [] for d in scale.dimensions}
    for item in scale.items:
        if item.id in answers and answers[item.id] is not None:
            totals[item.dimension].append(scored_item(scale, item.id, int(answers[item.id])))
    return {d: (sum(v) / len(v) if v else float("nan")) for d, v in totals.items()}
