"""The running order of a workshop: what *next* and *previous* move through.

A module's agenda is the before-test, the module's exercises in file order, the after-test
and the satisfaction questionnaire. The trainer may still launch anything out of order; the
agenda only gives *next* and *previous* a meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.training.model import Module

__all__ = ["SATISFACTION", "Step", "agenda", "position"]

#: Launch id of the satisfaction questionnaire (not an exercise of the module).
SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class Step:
    """One launch of the agenda: an exercise id (or ``assessment`` / ``satisfaction``)
    and the phase of the before/after test."""

    exercise_id: str
    phase: str | None = None


def agenda(module: Module) -> tuple[Step, ...]:
    """The module's steps in running order.

    Examples
    --------
    >>> from toolkit.training import load_module, modules_dir
    >>> steps = agenda(load_module(modules_dir() / "01_cadre_posture.yaml"))
    >>> steps[0], steps[-2], steps[-1]
    (Step(exercise_id='assessment', phase='pre'), Step(exercise_id='assessment', phase='post'), Step(exercise_id='satisfaction', phase=None))
    """
    return (
        Step(module.assessment.id, "pre"),
        *(Step(e.id) for e in module.exercises),
        Step(module.assessment.id, "post"),
        Step(SATISFACTION),
    )


def position(steps: tuple[Step, ...], exercise_id: str, phase: str | None) -> int | None:
    """Index of a launch in ``steps``; a scale launched with a phase counts as its step."""
    for index, step in enumerate(steps):
        if step == Step(exercise_id, phase):
            return index
    for index, step in enumerate(steps):
        if step.exercise_id == exercise_id:
            return index
    return None
