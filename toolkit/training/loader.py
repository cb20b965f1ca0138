"""Load and validate training-module files (YAML with ``kind: training_module``).

The file is read with ruamel.yaml (round-trip mode, so every key keeps its line), checked
field by field, every problem collected with a code ``T0xx``, the file, the line and the
field, and only then turned into a frozen :class:`~toolkit.training.model.Module`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TypeGuard

from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from toolkit.errors import Problem, TrainingError
from toolkit.i18n import LANGUAGES, Text, t
from toolkit.reading import ReadError, load_yaml, read_text
from toolkit.training.graph import graph_problems
from toolkit.training.model import (
    EXERCISE_TYPES,
    ROLE_KINDS,
    Branching,
    Choice,
    Dimension,
    Ending,
    Exercise,
    GridItem,
    Judgement,
    Module,
    Objective,
    Option,
    Question,
    Quiz,
    Response,
    RewritePrompt,
    Rewriting,
    Role,
    RolePlay,
    Scale,
    ScaleItem,
    Scene,
)
from toolkit.training.reader import Reader

__all__ = [
    "KIND",
    "is_module_document",
    "is_module_file",
    "load_module",
    "loads_module",
    "validate",
    "validate_text",
]

#: Value of the top-level ``kind`` key that marks a training-module file.
KIND = "training_module"

#: Spellings trainers write for the exercise types (alias -> canonical).
TYPE_ALIASES = {
    "qcm": "quiz",
    "questionnaire": "quiz",
    "jugement": "judgement",
    "jugement_situationnel": "judgement",
    "judgment": "judgement",
    "sjt": "judgement",
    "scenario": "branching",
    "scénario": "branching",
    "scenario_a_embranchements": "branching",
    "jeu_de_role": "role_play",
    "jeu_de_rôle": "role_play",
    "roleplay": "role_play",
    "reecriture": "rewriting",
    "réécriture": "rewriting",
    "echelle": "scale",
    "échelle": "scale",
    "auto_evaluation": "scale",
}
QUESTION_KINDS = ("single", "multiple")
REWRITING_VARIANTS = ("reformulation", "desc", "i_message", "cnv")
_COMMON = ("id", "type", "title", "instructions", "duration", "objectives")
_SPECIFIC = {
    "quiz": (("questions",), ()),
    "judgement": (("situation", "responses", "best", "worst"), ("explanation",)),
    "branching": (("start", "scenes", "endings"), ("debrief",)),
    "role_play": (("situation", "roles", "grid"), ("debrief",)),
    "rewriting": (("variant", "prompts", "checklist"), ()),
    "scale": (("minimum", "maximum", "anchors", "dimensions", "items"), ()),
}


def _parse(text: str, reader: Reader) -> object:
    try:
        return load_yaml(text, source=reader.file)
    except ReadError as exc:
        reader.problems.extend(exc.problems)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        reader.add("T006", line=mark.line + 1 if mark else None, field=None, id=str(exc.problem))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reader.add(
            "T001", line=mark.line + 1 if mark else None, field=None, detail=str(exc.problem)
        )
    except YAMLError as exc:
        reader.add("T001", line=None, field=None, detail=str(exc))
    return None


def is_module_document(data: object) -> TypeGuard[Mapping]:
    """Whether parsed YAML is a training module: a mapping with ``kind: training_module``.

    Examples
    --------
    A survey has no ``kind`` key; a module file names its kind on the top level:

    >>> is_module_document({"kind": "training_module", "id": "cadre_posture"})
    True
    >>> is_module_document({"id": "barometre_ambiance", "questions": []})
    False
    >>> is_module_document(["kind", "training_module"])
    False
    """
    return isinstance(data, Mapping) and data.get("kind") == KIND


def is_module_file(path: str | Path) -> bool:
    """Whether ``path`` is a YAML file whose top level has ``kind: training_module``.

    ``toolkit validate`` uses this to send module files to :func:`validate`; files that
    cannot be read or parsed are not recognised (the instrument validator reports them).

    Examples
    --------
    A bundled module is recognised; the barometer survey, a file that does not exist and a
    file that is not YAML are not:

    >>> from toolkit.training import modules_dir
    >>> is_module_file(modules_dir() / "01_cadre_posture.yaml")
    True
    >>> root = modules_dir().parent
    >>> is_module_file(root / "surveys" / "barometre_ambiance.yaml")
    False
    >>> is_module_file(root / "absent.yaml"), is_module_file(root / "README.md")
    (False, False)
    """
    path = Path(path)
    if path.suffix.lower() not in {".yaml", ".yml"}:
        return False
    try:
        data = load_yaml(read_text(path), source=str(path))
    except (OSError, UnicodeDecodeError, YAMLError, ReadError):
        return False
    return is_module_document(data)


def _build(text: str, source: str | None) -> tuple[Module | None, list[Problem]]:
    reader = Reader(source)
    data = _parse(text, reader)
    if reader.problems:
        return None, reader.problems
    if not is_module_document(data):
        reader.add("T002", line=1, field="kind", kind=KIND)
        return None, reader.problems
    module = _module(data, reader)
    if reader.problems:
        return None, reader.problems
    return module, []


def validate_text(text: str, *, source: str | None = None) -> list[Problem]:
    """Every problem of a module given as YAML text (empty list when valid).

    Examples
    --------
    A module begun but not finished: each missing field and the bad duration are reported
    with their line, in French:

    >>> text = "kind: training_module\\nid: essai\\nversion: 1\\ntitle: Essai\\nduration: 0\\n"
    >>> problems = validate_text(text, source="essai.yaml")
    >>> [(p.code, p.field) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    [('T003', 'objectives'), ('T003', 'trainer_notes'), ('T003', 'exercises'),
     ('T003', 'assessment'), ('T024', 'duration')]
    >>> problems[-1].format("fr")
    'essai.yaml:5: T024 « duration » : valeur 0 hors bornes (> 0)'

    A survey is not a module:

    >>> [p.code for p in validate_text("id: barometre_ambiance\\nquestions: []\\n")]
    ['T002']
    """
    return _build(text, source)[1]


def validate(path: str | Path) -> list[Problem]:
    """Every problem of the module file at ``path`` (empty list when the file is valid).

    Examples
    --------
    >>> from pathlib import Path
    >>> import toolkit
    >>> root = Path(toolkit.__file__).resolve().parents[1]
    >>> validate(root / "training_modules" / "01_cadre_posture.yaml")
    []
    """
    path = Path(path)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem("T022", {"detail": str(exc)}, str(path), None, None)]
    except ReadError as exc:
        return list(exc.problems)
    return validate_text(text, source=str(path))


@functools.lru_cache(maxsize=32)
def loads_module(text: str, *, source: str | None = None) -> Module:
    """Build a :class:`Module` from YAML text; raise :class:`TrainingError` listing every problem.

    Cached: the live-workshop apps re-read a session's module text at every refresh.
    """
    module, problems = _build(text, source)
    if module is None:
        raise TrainingError(problems=problems)
    return module


def load_module(path: str | Path) -> Module:
    """Load the module file at ``path``.

    Raises
    ------
    TrainingError
        With every problem found (``.problems``, ``.codes``), each with file and line.

    Examples
    --------
    >>> from toolkit.training import modules_dir
    >>> module = load_module(modules_dir() / "01_cadre_posture.yaml")
    >>> module.title.get("fr")
    'Module 1 — Le cadre et la posture du médiateur social'
    >>> len(module.exercises), [e.type for e in module.exercises]
    (4, ['quiz', 'judgement', 'judgement', 'branching'])
    >>> len(module.assessment.questions), [o.id for o in module.objectives]
    (6, ['deontologie', 'confidentialite', 'posture'])

    A file that cannot be read raises a coded error (an invalid one, every problem found):

    >>> from toolkit.errors import TrainingError
    >>> try:
    ...     load_module(modules_dir() / "absent.yaml")
    ... except TrainingError as error:
    ...     error.codes
    ['T022']
    """
    path = Path(path)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingError(
            problems=[Problem("T022", {"detail": str(exc)}, str(path), None, None)]
        ) from exc
    except ReadError as exc:
        raise TrainingError(problems=exc.problems) from None
    return loads_module(text, source=str(path))


# -- the walk ---------------------------------------------------------------------------------
def _module(data: Mapping, r: Reader) -> Module | None:
    r.check_keys(
        data,
        "",
        required=(
            "kind",
            "id",
            "version",
            "title",
            "duration",
            "objectives",
            "trainer_notes",
            "exercises",
            "assessment",
        ),
        optional=("audience", "mastery"),
    )
    module_id = r.identifier(data, "id", "")
    version = r.scalar(data, "version", "", (str, int, float))
    title = r.text(data, "title", "")
    duration = _positive(data, "duration", "", r)
    mastery = r.scalar(data, "mastery", "", (float, int), default=0.7)
    if mastery is not None and not 0 < float(mastery) <= 1:
        r.add(
            "T024", line=r.line_of(data, "mastery"), field="mastery", got=mastery, bounds="]0, 1]"
        )
    objectives = []
    for index, node in enumerate(r.sequence(data, "objectives", "", minimum=1) or ()):
        node = r.mapping(node, line=r.line_of(data["objectives"], index), field="objectives")
        if node is None:
            continue
        r.check_keys(node, "objectives", required=("id", "text"))
        oid = r.identifier(node, "id", "objectives")
        text = r.text(node, "text", f"objectives.{oid}")
        if oid and text:
            objectives.append(Objective(oid, text))
    if "objectives" in data and isinstance(data["objectives"], list):
        r.unique(
            ((_get_id(n), r.line_of(n)) for n in data["objectives"] if isinstance(n, Mapping)),
            "objectives",
        )
    objective_ids = {o.id for o in objectives}
    notes = r.text(data, "trainer_notes", "")
    audience = r.text(data, "audience", "")
    exercises: list[Exercise] = []
    items = r.sequence(data, "exercises", "", minimum=1) or ()
    for index, node in enumerate(items):
        node = r.mapping(node, line=r.line_of(items, index), field=f"exercises[{index}]")
        if node is not None:
            exercise = _exercise(node, r, objective_ids)
            if exercise is not None:
                exercises.append(exercise)
    r.unique(((_get_id(n), r.line_of(n)) for n in items if isinstance(n, Mapping)), "exercises")
    assessment = None
    if "assessment" in data:
        node = r.mapping(data["assessment"], line=r.line_of(data, "assessment"), field="assessment")
        if node is not None:
            assessment = _assessment(node, r, objective_ids)
    # A required value left None always has its problem recorded: naming them narrows types.
    if (
        r.problems
        or module_id is None
        or title is None
        or duration is None
        or notes is None
        or assessment is None
        or mastery is None
    ):
        return None
    return Module(
        id=module_id,
        version=str(version),
        title=title,
        duration=duration,
        objectives=tuple(objectives),
        trainer_notes=notes,
        exercises=tuple(exercises),
        assessment=assessment,
        audience=audience,
        mastery=float(mastery),
        source=r.file,
    )


def _get_id(node: Mapping) -> str | None:
    value = node.get("id")
    return None if value is None else str(value)


def _positive(node: Mapping, key: str, where: str, r: Reader) -> int | None:
    value = r.scalar(node, key, where, int)
    if value is not None and value <= 0:
        r.add(
            "T024",
            line=r.line_of(node, key),
            field=f"{where}.{key}".strip("."),
            got=value,
            bounds="> 0",
        )
        return None
    return value


def _enum(
    node: Mapping,
    key: str,
    where: str,
    allowed: tuple[str, ...],
    r: Reader,
    default: str | None = None,
) -> str | None:
    value = r.scalar(node, key, where, str, default=default)
    if value is not None and value not in allowed:
        r.add(
            "T019",
            line=r.line_of(node, key),
            field=f"{where}.{key}",
            got=value,
            allowed=", ".join(allowed),
        )
        return None
    return value


def _objective_refs(node: Mapping, where: str, r: Reader, known: set[str]) -> tuple[str, ...]:
    refs = []
    for index, value in enumerate(r.sequence(node, "objectives", where) or ()):
        if str(value) not in known:
            r.add(
                "T012",
                line=r.line_of(node["objectives"], index),
                field=f"{where}.objectives",
                id=value,
            )
        else:
            refs.append(str(value))
    return tuple(refs)


def _exercise(node: Mapping, r: Reader, objective_ids: set[str]) -> Exercise | None:
    eid = r.identifier(node, "id", "exercises") or "?"
    raw_type = r.scalar(node, "type", eid, str)
    if raw_type is None:
        if "type" not in node:
            r.add("T003", line=r.line_of(node), field=f"{eid}.type")
        return None
    kind = TYPE_ALIASES.get(raw_type.strip().lower(), raw_type.strip().lower())
    if kind not in EXERCISE_TYPES:
        r.add(
            "T007",
            line=r.line_of(node, "type"),
            field=f"{eid}.type",
            got=raw_type,
            allowed=", ".join(EXERCISE_TYPES),
        )
        return None
    required, optional = _SPECIFIC[kind]
    r.check_keys(
        node, eid, required=("id", "type", "title", *required), optional=(*(_COMMON), *optional)
    )
    common = {
        "id": eid,
        "type": kind,
        "title": r.text(node, "title", eid),
        "instructions": r.text(node, "instructions", eid),
        "duration": _positive(node, "duration", eid, r),
        "objectives": _objective_refs(node, eid, r, objective_ids),
        "line": r.line_of(node),
    }
    builder = {
        "quiz": _quiz,
        "judgement": _judgement,
        "branching": _branching,
        "role_play": _role_play,
        "rewriting": _rewriting,
        "scale": _scale,
    }[kind]
    before = len(r.problems)
    exercise = builder(node, r, common, objective_ids)
    return exercise if len(r.problems) == before else None


def _questions(
    node: Mapping, where: str, r: Reader, objective_ids: set[str], *, need_objective: bool
) -> tuple[Question, ...]:
    out = []
    items = r.sequence(node, "questions", where, minimum=1) or ()
    for q, qid, qwhere in r.entries(items, where, "questions"):
        r.check_keys(
            q,
            qwhere,
            required=("id", "prompt", "options"),
            optional=("kind", "explanation", "objective"),
        )
        kind = _enum(q, "kind", qwhere, QUESTION_KINDS, r, default="single")
        prompt = r.required_text(q, "prompt", qwhere)
        objective = r.scalar(q, "objective", qwhere, str)
        if objective is not None and objective not in objective_ids:
            r.add("T012", line=r.line_of(q, "objective"), field=f"{qwhere}.objective", id=objective)
        if need_objective and "objective" not in q:
            r.add("T025", line=r.line_of(q), field=qwhere)
        options = []
        opts = r.sequence(q, "options", qwhere, minimum=2) or ()
        for o, oid, _ in r.entries(opts, qwhere, "options"):
            owhere = f"{qwhere}.{oid}"
            r.check_keys(o, owhere, required=("id", "text"), optional=("correct", "feedback"))
            options.append(
                Option(
                    oid,
                    r.required_text(o, "text", owhere),
                    bool(r.scalar(o, "correct", owhere, bool, default=False)),
                    r.text(o, "feedback", owhere),
                )
            )
        r.unique(((o.id, r.line_of(opts)) for o in options), qwhere)
        n_correct = sum(o.correct for o in options)
        if options and ((kind == "single" and n_correct != 1) or n_correct == 0):
            r.add("T009", line=r.line_of(q), field=qwhere, kind=kind, got=n_correct)
        out.append(
            Question(
                qid,
                kind or "single",
                prompt,
                tuple(options),
                r.text(q, "explanation", qwhere),
                objective,
            )
        )
    r.unique(((q.id, r.line_of(items)) for q in out), where)
    return tuple(out)


def _quiz(node: Mapping, r: Reader, common: dict, objective_ids: set[str]) -> Quiz:
    return Quiz(
        **common, questions=_questions(node, common["id"], r, objective_ids, need_objective=False)
    )


def _assessment(node: Mapping, r: Reader, objective_ids: set[str]) -> Quiz:
    where = "assessment"
    r.check_keys(
        node, where, required=("questions",), optional=("title", "instructions", "duration")
    )
    return Quiz(
        id="assessment",
        type="quiz",
        title=r.text(node, "title", where)
        or Text.of({lang: t("training.type.assessment", lang) for lang in LANGUAGES}),
        instructions=r.text(node, "instructions", where),
        duration=_positive(node, "duration", where, r),
        objectives=tuple(sorted(objective_ids)),
        line=r.line_of(node),
        questions=_questions(node, where, r, objective_ids, need_objective=True),
    )


def _judgement(node: Mapping, r: Reader, common: dict, _objectives: set[str]) -> Judgement:
    eid = common["id"]
    responses = []
    items = r.sequence(node, "responses", eid, minimum=4) or ()
    if len(items) > 6:
        r.add(
            "T026",
            line=r.line_of(node, "responses"),
            field=f"{eid}.responses",
            maximum=6,
            got=len(items),
        )
    for n, rid, _ in r.entries(items, eid, "responses"):
        r.check_keys(n, f"{eid}.{rid}", required=("id", "text"), optional=("comment",))
        responses.append(
            Response(
                rid,
                r.required_text(n, "text", f"{eid}.{rid}"),
                r.text(n, "comment", f"{eid}.{rid}"),
            )
        )
    r.unique(((x.id, r.line_of(items)) for x in responses), eid)
    ids = {x.id for x in responses}
    best = r.scalar(node, "best", eid, (str, int))
    worst = r.scalar(node, "worst", eid, (str, int))
    for key, value in (("best", best), ("worst", worst)):
        if value is not None and str(value) not in ids:
            r.add("T011", line=r.line_of(node, key), field=f"{eid}.{key}", id=value)
    if best is not None and str(best) == str(worst):
        r.add("T027", line=r.line_of(node, "worst"), field=f"{eid}.worst")
    return Judgement(
        **common,
        situation=r.required_text(node, "situation", eid),
        responses=tuple(responses),
        best=str(best),
        worst=str(worst),
        explanation=r.text(node, "explanation", eid),
    )


def _branching(node: Mapping, r: Reader, common: dict, _objectives: set[str]) -> Branching:
    eid = common["id"]
    before = len(r.problems)
    scenes = []
    items = r.sequence(node, "scenes", eid, minimum=1) or ()
    for n, sid, swhere in r.entries(items, eid, "scenes"):
        r.check_keys(n, swhere, required=("id", "text", "choices"), optional=("speaker",))
        choices = []
        raw_choices = r.sequence(n, "choices", swhere) or ()
        for cindex, raw_choice in enumerate(raw_choices):
            c = r.mapping(
                raw_choice, line=r.line_of(raw_choices, cindex), field=f"{swhere}.choices"
            )
            if c is None:
                continue
            cwhere = f"{swhere}.choices[{cindex}]"
            r.check_keys(c, cwhere, required=("text", "goto"), optional=("consequence",))
            goto = r.identifier(c, "goto", cwhere)
            choices.append(
                Choice(
                    r.required_text(c, "text", cwhere),
                    goto or "",
                    r.text(c, "consequence", cwhere),
                    r.line_of(c),
                )
            )
        scenes.append(
            Scene(
                sid,
                r.required_text(n, "text", swhere),
                tuple(choices),
                r.text(n, "speaker", swhere),
                r.line_of(n),
            )
        )
    endings = []
    raw_endings = r.sequence(node, "endings", eid, minimum=1) or ()
    for n, xid, xwhere in r.entries(raw_endings, eid, "endings"):
        r.check_keys(n, xwhere, required=("id", "text", "score"), optional=("feedback",))
        score = r.scalar(n, "score", xwhere, int)
        endings.append(
            Ending(
                xid,
                r.required_text(n, "text", xwhere),
                score if score is not None else 0,
                r.text(n, "feedback", xwhere),
                r.line_of(n),
            )
        )
    nodes: list[Scene | Ending] = [*scenes, *endings]
    r.unique(((x.id, x.line) for x in nodes), eid)
    start = r.identifier(node, "start", eid)
    exercise = Branching(
        **common,
        start=start or "",
        scenes=tuple(scenes),
        endings=tuple(endings),
        debrief=r.texts(node, "debrief", eid),
    )
    if start is not None and len(r.problems) == before:
        r.problems.extend(graph_problems(exercise, r.file))
    return exercise


def _grid(node: Mapping, key: str, where: str, r: Reader) -> tuple[GridItem, ...]:
    out = []
    items = r.sequence(node, key, where, minimum=1) or ()
    for n, gid, _ in r.entries(items, where, key):
        r.check_keys(n, f"{where}.{gid}", required=("id", "text"))
        out.append(GridItem(gid, r.required_text(n, "text", f"{where}.{gid}")))
    r.unique(((g.id, r.line_of(items)) for g in out), f"{where}.{key}")
    return tuple(out)


def _role_play(node: Mapping, r: Reader, common: dict, _objectives: set[str]) -> RolePlay:
    eid = common["id"]
    roles = []
    items = r.sequence(node, "roles", eid, minimum=4) or ()
    for index, raw in enumerate(items):
        n = r.mapping(raw, line=r.line_of(items, index), field=f"{eid}.roles")
        if n is None:
            continue
        kind = _enum(n, "kind", f"{eid}.roles[{index}]", ROLE_KINDS, r)
        rwhere = f"{eid}.{kind or index}"
        r.check_keys(n, rwhere, required=("kind", "name", "brief"))
        roles.append(
            Role(
                kind or "",
                kind or "",
                r.required_text(n, "name", rwhere),
                r.required_text(n, "brief", rwhere),
            )
        )
    r.unique(((x.kind, r.line_of(items)) for x in roles), f"{eid}.roles")
    present = {x.kind for x in roles}
    for kind in ROLE_KINDS:
        if items and kind not in present:
            r.add("T018", line=r.line_of(node, "roles"), field=f"{eid}.roles", kind=kind)
    return RolePlay(
        **common,
        situation=r.required_text(node, "situation", eid),
        roles=tuple(roles),
        grid=_grid(node, "grid", eid, r),
        debrief=r.texts(node, "debrief", eid),
    )


def _rewriting(node: Mapping, r: Reader, common: dict, _objectives: set[str]) -> Rewriting:
    eid = common["id"]
    variant = _enum(node, "variant", eid, REWRITING_VARIANTS, r)
    prompts = []
    items = r.sequence(node, "prompts", eid, minimum=1) or ()
    for n, pid, pwhere in r.entries(items, eid, "prompts"):
        r.check_keys(n, pwhere, required=("id", "statement", "model_answers"))
        r.sequence(n, "model_answers", pwhere, minimum=1)
        prompts.append(
            RewritePrompt(
                pid, r.required_text(n, "statement", pwhere), r.texts(n, "model_answers", pwhere)
            )
        )
    r.unique(((p.id, r.line_of(items)) for p in prompts), eid)
    return Rewriting(
        **common,
        variant=variant or "",
        prompts=tuple(prompts),
        checklist=_grid(node, "checklist", eid, r),
    )


def _scale(node: Mapping, r: Reader, common: dict, _objectives: set[str]) -> Scale:
    eid = common["id"]
    minimum = r.scalar(node, "minimum", eid, int)
    maximum = r.scalar(node, "maximum", eid, int)
    anchors = r.texts(node, "anchors", eid)
    if minimum is not None and maximum is not None:
        if minimum >= maximum:
            r.add(
                "T020",
                line=r.line_of(node, "maximum"),
                field=f"{eid}.maximum",
                minimum=minimum,
                maximum=maximum,
            )
        elif "anchors" in node and len(anchors) != maximum - minimum + 1:
            r.add(
                "T028",
                line=r.line_of(node, "anchors"),
                field=f"{eid}.anchors",
                expected=maximum - minimum + 1,
                got=len(anchors),
            )
    dimensions = []
    raw_dims = r.sequence(node, "dimensions", eid, minimum=1) or ()
    for n, did, _ in r.entries(raw_dims, eid, "dimensions"):
        r.check_keys(n, f"{eid}.{did}", required=("id", "label"))
        dimensions.append(Dimension(did, r.required_text(n, "label", f"{eid}.{did}")))
    r.unique(((d.id, r.line_of(raw_dims)) for d in dimensions), f"{eid}.dimensions")
    known = {d.id for d in dimensions}
    scale_items = []
    raw_items = r.sequence(node, "items", eid, minimum=2) or ()
    for n, iid, iwhere in r.entries(raw_items, eid, "items"):
        r.check_keys(n, iwhere, required=("id", "text", "dimension"), optional=("reverse",))
        dimension = r.scalar(n, "dimension", iwhere, str)
        if dimension is not None and dimension not in known:
            r.add("T029", line=r.line_of(n, "dimension"), field=f"{iwhere}.dimension", id=dimension)
        scale_items.append(
            ScaleItem(
                iid,
                r.required_text(n, "text", iwhere),
                dimension or "",
                bool(r.scalar(n, "reverse", iwhere, bool, default=False)),
            )
        )
    r.unique(((i.id, r.line_of(raw_items)) for i in scale_items), eid)
    return Scale(
        **common,
        minimum=minimum or 0,
        maximum=maximum or 0,
        anchors=anchors,
        dimensions=tuple(dimensions),
        items=tuple(scale_items),
    )
