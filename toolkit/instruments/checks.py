"""Cross-reference checks run on a built instrument: names, lists, expressions, cycles."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.errors import Problem
from toolkit.i18n import Msg
from toolkit.instruments.expr import (
    FUNCTIONS,
    BinOp,
    Call,
    EvaluationError,
    ExpressionSyntaxError,
    ExpressionTooComplex,
    Name,
    Node,
    Parent,
    Ref,
    Str,
    UnsupportedRegexError,
    last_saved_references,
    parse,
    references,
    walk,
)
from toolkit.instruments.expr.evaluate import compile_regex
from toolkit.instruments.model import CHOICE_TYPES, NUMERIC_TYPES, Instrument, Question
from toolkit.reading.lines import suggestion

#: The expression fields of a question, in the order they are checked.
EXPRESSION_KEYS = (
    "relevant",
    "constraint",
    "calculation",
    "required_if",
    "choice_filter",
    "repeat_count",
    "default",
)
_COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
_ARITHMETIC = {"+", "-", "*", "div", "mod"}


def parse_expressions(
    question: Question,
) -> Iterator[tuple[str, str, Node | ExpressionSyntaxError]]:
    """Each expression of ``question`` as ``(key, text, tree or syntax error)``.

    ``default`` is only an expression when it contains ``${`` or a function call; a
    plain default (``oui``, ``3``) is a literal value.
    """
    for key in EXPRESSION_KEYS:
        text = getattr(question, key.replace("required_if", "required_if"))
        if not text:
            continue
        if key == "default" and "${" not in text and "(" not in text:
            continue
        try:
            yield key, text, parse(text)
        except ExpressionSyntaxError as exc:
            yield key, text, exc


def check_instrument(instrument: Instrument) -> list[Problem]:
    """Every cross-reference problem of ``instrument`` (empty when it is sound)."""
    checker = _Checker(instrument)
    checker.run()
    return checker.problems


def instrument_warnings(instrument: Instrument) -> list[Problem]:
    """What is suspicious but not wrong: ``I032``, a comparison with a value outside the list
    (the condition is never true, as in KoboToolbox and ODK).

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> text = chr(10).join([
    ...     "id: mini", "version: '1'", "title: Mini",
    ...     "choice_lists: {on: [{value: oui, label: Oui}, {value: non, label: Non}]}",
    ...     "sections:", "- name: s", "  label: S", "  questions:",
    ...     "  - {name: bruit, type: single_choice, choices: on, label: Bruit ?}",
    ...     "  - name: detail", "    type: text", "    label: Lequel ?",
    ...     "    relevant: ${bruit} = 'peut'",
    ... ])
    >>> [p.code for p in instrument_warnings(loads(text))]
    ['I032']
    """
    checker = _Checker(instrument)
    checker.run()
    return checker.warnings


class _Checker:
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.source = instrument.source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.by_name: dict[str, Question] = {}

    def problem(self, code: str, question: Question | None, **params: object) -> None:
        self.problems.append(self.located(code, question, params))

    def warn(self, code: str, question: Question | None, **params: object) -> None:
        self.warnings.append(self.located(code, question, params))

    def located(self, code: str, question: Question | None, params: dict[str, object]) -> Problem:
        key = params.get("key")
        line = None
        if question is not None:
            line = question.line_of(key) if isinstance(key, str) else question.line
        field = question.name if question is not None else None
        return Problem(code, params, file=self.source, line=line, field=field)

    def run(self) -> None:
        for question in self.instrument.questions():
            if not question.name:
                continue
            first = self.by_name.get(question.name)
            if first is not None:
                self.problem(
                    "I008",
                    question,
                    subject=Msg.of("subject.question", name=question.name),
                    name=question.name,
                    other_line=first.line or "?",
                )
            else:
                self.by_name[question.name] = question
        for question in self.instrument.questions():
            self.check_question(question)
        self.check_nesting(self.instrument.items, inside_repeat=False)
        self.check_cycles()
        self.check_analysis()

    # ------------------------------------------------------------------ per question

    def check_question(self, question: Question) -> None:
        subject = Msg.of("subject.question", name=question.name)
        lists = self.instrument.choice_lists
        if question.choices and question.choices not in lists:
            self.problem(
                "I010",
                question,
                subject=subject,
                name=question.choices,
                suggestion=suggestion(question.choices, lists),
            )
        elif question.type in ("likert", "likert_matrix") and question.choices:
            for choice in lists[question.choices].substantive():
                if not choice.value.lstrip("-").isdigit():
                    self.problem(
                        "I017", question, subject=subject, name=question.choices, value=choice.value
                    )
                    break
        if question.loop_over and question.loop_over not in lists:
            self.problem(
                "I010",
                question,
                subject=subject,
                key="loop_over",
                name=question.loop_over,
                suggestion=suggestion(question.loop_over, lists),
            )
        if question.choices_from:
            self.check_choices_from(question, subject)
        for key, text, tree in parse_expressions(question):
            if isinstance(tree, ExpressionTooComplex):
                self.problem("I031", question, subject=subject, key=key)
                continue
            if isinstance(tree, ExpressionSyntaxError):
                self.problem(
                    "I013", question, subject=subject, key=key, column=tree.column, expression=text
                )
                continue
            self.check_tree(question, subject, key, tree)

    def check_choices_from(self, question: Question, subject: Msg) -> None:
        """``choices: ${name}`` names a question inside a repeat."""
        name = question.choices_from or ""
        if name not in self.by_name:
            self.problem(
                "I012",
                question,
                subject=subject,
                ref=name,
                key="choices",
                suggestion=suggestion(name, self.by_name, ref=True),
            )
        elif self.instrument.repeat_of(name) is None:
            detail = Msg.of("detail.choices_not_in_repeat", ref=name)
            self.problem("I027", question, subject=subject, key="choices", detail=detail)

    def check_tree(self, question: Question, subject: Msg, key: str, tree: Node) -> None:
        for name in [*references(tree), *last_saved_references(tree)]:
            if name not in self.by_name:
                self.problem(
                    "I012",
                    question,
                    subject=subject,
                    ref=name,
                    key=key,
                    suggestion=suggestion(name, self.by_name, ref=True),
                )
        positions = sum(
            1
            for node in walk(tree)
            if isinstance(node, Call) and node.name == "position" and node.args == (Parent(),)
        )
        if sum(1 for node in walk(tree) if isinstance(node, Parent)) > positions:
            detail = Msg.of("detail.parent_outside_position", key=key)
            self.problem("I027", question, subject=subject, key=key, detail=detail)
        for node in walk(tree):
            if isinstance(node, Name):
                self.check_bare_name(question, subject, key, node)
            elif isinstance(node, Call):
                self.check_call(question, subject, key, node)
            elif isinstance(node, BinOp):
                self.check_operands(question, subject, key, node)

    def check_bare_name(self, question: Question, subject: Msg, key: str, node: Name) -> None:
        if key != "choice_filter":
            self.problem("I030", question, subject=subject, name=node.name, key=key)
            return
        choice_list = self.instrument.choice_lists.get(question.choices or "")
        if choice_list is None:
            return
        if node.name not in (*choice_list.filter_keys(), "name", "value"):
            self.problem("I024", question, subject=subject, name=node.name, list=choice_list.name)

    def check_call(self, question: Question, subject: Msg, key: str, node: Call) -> None:
        function = FUNCTIONS.get(node.name)
        if function is None:
            self.problem(
                "I014",
                question,
                subject=subject,
                name=node.name,
                key=key,
                suggestion=suggestion(node.name, FUNCTIONS),
            )
            return
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            expected = (
                str(function.min_args)
                if function.min_args == function.max_args
                else f"{function.min_args}–{function.max_args if function.max_args is not None else '…'}"
            )
            self.problem(
                "I028",
                question,
                subject=subject,
                name=node.name,
                expected=expected,
                got=count,
                key=key,
            )
            return
        if node.name in ("selected", "count-selected", "selected-at") and isinstance(
            node.args[0], Ref
        ):
            target = self.by_name.get(node.args[0].name)
            if target is not None and target.type not in CHOICE_TYPES:
                detail = Msg.of("mismatch.not_choice", function=node.name, ref=target.name)
                self.problem("I016", question, subject=subject, key=key, detail=detail)
            elif target is not None and node.name == "selected" and isinstance(node.args[1], Str):
                self.check_value_in_list(question, subject, key, target, node.args[1].value)
        if node.name == "regex" and isinstance(node.args[1], Str):
            try:
                compile_regex(node.args[1].value)
            except UnsupportedRegexError:
                self.problem("L010", question, subject=subject, key=key)
            except EvaluationError as exc:
                self.problem(
                    "I029", question, subject=subject, key=key, error=str(exc.__cause__ or exc)
                )

    def check_value_in_list(
        self, question: Question, subject: Msg, key: str, target: Question, value: str
    ) -> None:
        choice_list = self.instrument.choice_lists.get(target.choices or "")
        if choice_list is not None and value.strip() and value.strip() not in choice_list.values():
            self.warn("I032", question, subject=subject, key=key, value=value, ref=target.name)

    def check_operands(self, question: Question, subject: Msg, key: str, node: BinOp) -> None:
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if not isinstance(side, Ref):
                continue
            target = self.by_name.get(side.name)
            if target is None:
                continue
            if node.op in _ARITHMETIC and target.type in (
                "text",
                "long_text",
                "hidden",
                "multiple_choice",
                "geopoint",
            ):
                detail = Msg.of("mismatch.text_arithmetic", ref=target.name)
                self.problem("I016", question, subject=subject, key=key, detail=detail)
            if node.op in _COMPARISONS and isinstance(other, Str) and other.value.strip():
                if target.type in NUMERIC_TYPES and _not_number(other.value):
                    detail = Msg.of("mismatch.number_vs_text", ref=target.name, value=other.value)
                    self.problem("I016", question, subject=subject, key=key, detail=detail)
                elif target.type in ("single_choice", "likert") and node.op in ("=", "!="):
                    self.check_value_in_list(question, subject, key, target, other.value)

    # ------------------------------------------------------------------ structure

    def check_nesting(self, items: tuple[Question, ...], *, inside_repeat: bool) -> None:
        for item in items:
            if item.type == "consent" and inside_repeat:
                self.problem(
                    "I027",
                    item,
                    subject=Msg.of("subject.question", name=item.name),
                    detail=Msg.of("detail.consent_in_repeat"),
                )
            self.check_nesting(item.children, inside_repeat=inside_repeat or item.type == "repeat")

    def check_cycles(self) -> None:
        graph: dict[str, list[str]] = {}
        for question in self.instrument.questions():
            if question.type == "calculate" and question.calculation:
                try:
                    tree = parse(question.calculation)
                except ExpressionSyntaxError:
                    continue
                graph[question.name] = [r for r in references(tree) if r in self.by_name]
        for question in self.instrument.questions():
            if question.relevant:
                try:
                    if question.name in references(parse(question.relevant)):
                        cycle = f"{question.name} → {question.name}"
                        self.problem(
                            "I015",
                            question,
                            subject=Msg.of("subject.question", name=question.name),
                            cycle=cycle,
                        )
                except ExpressionSyntaxError:
                    continue
        reported: set[frozenset[str]] = set()
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        # Depth-first search with an explicit stack: a chain of a thousand calculations
        # must not exhaust Python's recursion limit.
        for root in graph:
            if state.get(root) is not None:
                continue
            path, pending = [root], [iter(graph[root])]
            state[root] = 1
            while pending:
                nxt = next(pending[-1], None)
                if nxt is None:
                    pending.pop()
                    state[path.pop()] = 2
                elif nxt in graph and state.get(nxt) == 1:
                    loop = [*path[path.index(nxt) :], nxt]
                    key = frozenset(loop)
                    if key not in reported:
                        reported.add(key)
                        question = self.by_name[loop[0]]
                        self.problem(
                            "I015",
                            question,
                            subject=Msg.of("subject.question", name=question.name),
                            cycle=" → ".join(loop),
                        )
                elif nxt in graph and state.get(nxt) is None:
                    state[nxt] = 1
                    path.append(nxt)
                    pending.append(iter(graph[nxt]))

    def check_analysis(self) -> None:
        meta = self.instrument.analysis
        subject = Msg.of("subject.analysis")
        named = [("sector", meta.sector), ("wave", meta.wave)]
        named += [("weighting", w) for w in meta.weighting]
        if meta.quotas is not None:
            named += [
                ("quotas", b)
                for b in meta.quotas.by
                if b not in ("sector", "wave", "team", "collector")
            ]
        for key, name in named:
            if name and name not in self.by_name:
                self.problems.append(
                    Problem(
                        "I023",
                        {
                            "subject": subject,
                            "key": key,
                            "name": name,
                            "suggestion": suggestion(name, self.by_name),
                        },
                        file=self.source,
                        field=name,
                    )
                )


def _not_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False
