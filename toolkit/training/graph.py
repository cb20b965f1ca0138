"""Load-time checks of a branching scenario's graph.

A scenario is valid when the start scene exists, every link leads to a scene or an
ending, every scene and ending can be reached from the start, every scene offers a
choice, and from every scene some ending can still be reached (a loop is allowed, as in
"try again", but never a loop without an exit).
"""

from __future__ import annotations

from collections import deque

from toolkit.errors import Problem
from toolkit.training.model import Branching, Ending, Scene

__all__ = ["graph_problems", "reachable"]


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Nodes reachable from ``start`` (``start`` included) following ``edges``."""
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def graph_problems(exercise: Branching, file: str | None = None) -> list[Problem]:
    """Every problem of the scenario's graph (codes T013–T017), in file order.

    Examples
    --------
    >>> from toolkit.i18n import Text
    >>> from toolkit.training.model import Branching, Choice, Ending, Scene
    >>> t = Text.of("x")
    >>> ex = Branching(id="b", type="branching", title=t, start="s1",
    ...     scenes=(Scene("s1", t, (Choice(t, "s2"),)), Scene("s2", t, (Choice(t, "s1"),))),
    ...     endings=(Ending("fin", t, 1),))
    >>> sorted(p.code for p in graph_problems(ex))
    ['T015', 'T016', 'T016']
    """
    where = exercise.id
    problems: list[Problem] = []
    scenes = {s.id: s for s in exercise.scenes}
    endings = {e.id: e for e in exercise.endings}
    nodes = set(scenes) | set(endings)
    if exercise.start not in scenes:
        problems.append(
            Problem("T013", {"start": exercise.start}, file, exercise.line, f"{where}.start")
        )
    edges: dict[str, set[str]] = {}
    for scene in exercise.scenes:
        field = f"{where}.{scene.id}"
        if not scene.choices:
            problems.append(Problem("T017", {}, file, scene.line, field))
        for choice in scene.choices:
            if choice.goto in nodes:
                edges.setdefault(scene.id, set()).add(choice.goto)
            else:
                problems.append(
                    Problem("T014", {"goto": choice.goto}, file, choice.line or scene.line, field)
                )
    if exercise.start in scenes:
        seen = reachable(edges, exercise.start)
        every: list[Scene | Ending] = [*exercise.scenes, *exercise.endings]
        for node in every:
            if node.id not in seen:
                problems.append(
                    Problem("T015", {"id": node.id}, file, node.line, f"{where}.{node.id}")
                )
    # Scenes from which no ending can be reached: walk the reversed graph from the endings.
    backward: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            backward.setdefault(target, set()).add(source)
    can_end: set[str] = set()
    for ending in endings:
        can_end |= reachable(backward, ending)
    for scene in exercise.scenes:
        if scene.choices and scene.id not in can_end:
            problems.append(Problem("T016", {}, file, scene.line, f"{where}.{scene.id}"))
    return problems
