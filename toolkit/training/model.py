"""Frozen model of a training module and its exercises.

A module (``kind: training_module`` in YAML) has objectives, a duration, trainer's notes,
exercises of six types and a pre/post test. Every object is immutable; the loader
(:mod:`toolkit.training.loader`) builds them after every check has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.i18n import Text

__all__ = [
    "EXERCISE_TYPES",
    "ROLE_KINDS",
    "Branching",
    "Choice",
    "Dimension",
    "Ending",
    "Exercise",
    "GridItem",
    "Judgement",
    "Module",
    "Objective",
    "Option",
    "Question",
    "Quiz",
    "Response",
    "RewritePrompt",
    "Rewriting",
    "Role",
    "RolePlay",
    "Scale",
    "ScaleItem",
    "Scene",
]

#: Exercise types accepted in ``exercises[].type``.
EXERCISE_TYPES = ("quiz", "judgement", "branching", "role_play", "rewriting", "scale")
#: Roles a role play must brief (``roles[].kind``).
ROLE_KINDS = ("mediator", "party_a", "party_b", "observer")


@dataclass(frozen=True)
class Objective:
    """A learning objective; pre/post questions point to it (Qualiopi indicator 11)."""

    id: str
    text: Text


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """Fields every exercise has."""

    id: str
    type: str
    title: Text
    instructions: Text | None = None
    duration: int | None = None
    objectives: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Option:
    """One option of a quiz question, with the feedback shown when it is picked."""

    id: str
    text: Text
    correct: bool = False
    feedback: Text | None = None


@dataclass(frozen=True)
class Question:
    """A single- or multiple-choice question (quizzes and the pre/post test)."""

    id: str
    kind: str
    prompt: Text
    options: tuple[Option, ...]
    explanation: Text | None = None
    objective: str | None = None

    @property
    def correct(self) -> frozenset[str]:
        """Ids of the correct options."""
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)


@dataclass(frozen=True, kw_only=True)
class Quiz(Exercise):
    """Questions with feedback per option and an explanation."""

    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Response:
    """One possible response in a situational-judgement exercise."""

    id: str
    text: Text
    comment: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Judgement(Exercise):
    """A situation, 4–6 responses, and the trainer's key: the best and the worst response."""

    situation: Text
    responses: tuple[Response, ...]
    best: str
    worst: str
    explanation: Text | None = None


@dataclass(frozen=True)
class Choice:
    """What the mediator can answer in a scene, where it leads and what it causes."""

    text: Text
    goto: str
    consequence: Text | None = None
    line: int | None = None


@dataclass(frozen=True)
class Scene:
    """A node of a branching scenario: what happens or what the resident says."""

    id: str
    text: Text
    choices: tuple[Choice, ...]
    speaker: Text | None = None
    line: int | None = None


@dataclass(frozen=True)
class Ending:
    """A scored end screen of a branching scenario."""

    id: str
    text: Text
    score: int
    feedback: Text | None = None
    line: int | None = None


@dataclass(frozen=True, kw_only=True)
class Branching(Exercise):
    """A graph of scenes with scored endings (checked at load: see :mod:`.graph`)."""

    start: str
    scenes: tuple[Scene, ...]
    endings: tuple[Ending, ...]
    debrief: tuple[Text, ...] = ()

    def scene(self, scene_id: str) -> Scene | None:
        return next((s for s in self.scenes if s.id == scene_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        return next((e for e in self.endings if e.id == ending_id), None)

    @property
    def max_score(self) -> int:
        return max(e.score for e in self.endings)


@dataclass(frozen=True)
class Role:
    """One role of a role play and its brief (only that role reads it)."""

    id: str
    kind: str
    name: Text
    brief: Text


@dataclass(frozen=True)
class GridItem:
    """One line of the observer's grid (did the mediator reformulate...)."""

    id: str
    text: Text


@dataclass(frozen=True, kw_only=True)
class RolePlay(Exercise):
    """Briefs for the mediator, both parties and an observer, plus the observer's grid."""

    situation: Text
    roles: tuple[Role, ...]
    grid: tuple[GridItem, ...]
    debrief: tuple[Text, ...] = ()

    def role(self, kind: str) -> Role:
        return next(r for r in self.roles if r.kind == kind)


@dataclass(frozen=True)
class RewritePrompt:
    """A statement to rewrite (an accusation, a complaint) and model answers."""

    id: str
    statement: Text
    model_answers: tuple[Text, ...]


@dataclass(frozen=True, kw_only=True)
class Rewriting(Exercise):
    """Free-text rewriting (reformulation, DESC, I-message, CNV) with a self-check list.

    No automatic grading: the participant compares with the model answers, ticks the
    checklist, and the group discusses the answers the trainer chooses to show.
    """

    variant: str
    prompts: tuple[RewritePrompt, ...]
    checklist: tuple[GridItem, ...]


@dataclass(frozen=True)
class Dimension:
    """A dimension of a self-assessment scale (the profile has one bar per dimension)."""

    id: str
    label: Text


@dataclass(frozen=True)
class ScaleItem:
    """A self-assessment statement; ``reverse`` items are scored ``min + max - answer``."""

    id: str
    text: Text
    dimension: str
    reverse: bool = False


@dataclass(frozen=True, kw_only=True)
class Scale(Exercise):
    """A self-assessment scale answered before and after the module."""

    minimum: int
    maximum: int
    anchors: tuple[Text, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[ScaleItem, ...]


@dataclass(frozen=True)
class Module:
    """A training module: objectives, exercises and a pre/post test."""

    id: str
    version: str
    title: Text
    duration: int
    objectives: tuple[Objective, ...]
    trainer_notes: Text
    exercises: tuple[Exercise, ...]
    assessment: Quiz
    audience: Text | None = None
    mastery: float = 0.7
    source: str | None = None

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise (or the pre/post test, id ``assessment``) with this id."""
        if exercise_id == self.assessment.id:
            return self.assessment
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def objective(self, objective_id: str) -> Objective:
        return next(o for o in self.objectives if o.id == objective_id)
