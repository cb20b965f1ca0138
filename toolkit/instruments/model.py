"""Frozen dataclasses describing an instrument (questionnaire, interview guide, register).

The model is built by :mod:`toolkit.instruments.loader` from YAML (or by the XLSForm
importer) and written back by :func:`toolkit.instruments.writer.instrument_to_dict` without
loss, so that a no-code editor can round-trip files. The classes hold data and navigation
only: reading, writing and validating answers are free functions of the modules that do them
(:func:`~toolkit.instruments.loader.from_mapping`,
:func:`~toolkit.instruments.writer.instrument_to_dict`,
:func:`~toolkit.instruments.writer.content_hash`,
:func:`~toolkit.instruments.answers.validate_answers`), so that this module imports none of
them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from toolkit.i18n import Text

#: Question types that hold an answer.
ANSWER_TYPES = frozenset(
    {
        "single_choice",
        "multiple_choice",
        "likert",
        "integer",
        "decimal",
        "text",
        "long_text",
        "date",
        "time",
        "datetime",
        "geopoint",
        "consent",
        "calculate",
        "hidden",
    }
)
#: Types that contain other questions.
CONTAINER_TYPES = frozenset({"group", "repeat", "likert_matrix"})
#: ``metadata``: a value the toolkit records with every response (the collector...), which
#: expressions may use; it is not an answer (see :data:`METADATA_SOURCES`).
QUESTION_TYPES = ANSWER_TYPES | CONTAINER_TYPES | {"note", "metadata"}
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice", "likert", "likert_matrix"})
NUMERIC_TYPES = frozenset({"integer", "decimal"})
#: Default number of days an untouched draft is kept (``draft_days`` of an instrument).
DRAFT_DAYS = 30
#: What a ``metadata`` question gives, among what the toolkit records with each response:
#: the collector's pseudonym, the team, the sector, the wave, the start time, the submission
#: time (or now, before it), today's date, the response id.
METADATA_SOURCES = frozenset(
    {
        "collector",
        "team",
        "sector",
        "wave",
        "started_at",
        "submitted_at",
        "today",
        "response_id",
    }
)
#: Value of the choice that ``other: true`` adds (``or_other`` in XLSForm).
OTHER_VALUE = "other"
#: Every key a question may have in an instrument file (canonical spellings, aliases aside),
#: in the order :func:`~toolkit.instruments.writer.question_to_dict` writes them.
QUESTION_KEYS = (
    "name",
    "type",
    "label",
    "hint",
    "choices",
    "other",
    "choice_filter",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "read_only",
    "pii",
    "minimum",
    "maximum",
    "appearance",
    "repeat_count",
    "loop_over",
    "metadata",
    "flat",
    "questions",
    "items",
)


@dataclass(frozen=True)
class Choice:
    """One answer option. ``missing`` marks non-substantive codes ("ne sait pas", "refus")."""

    value: str
    label: Text
    missing: bool = False
    filters: tuple[tuple[str, str], ...] = ()

    def filter_value(self, key: str) -> str | None:
        return dict(self.filters).get(key)


@dataclass(frozen=True)
class ChoiceList:
    """A named, ordered list of choices shared by questions (or inline in one question).

    ``base`` names the list this one extends with the « Autre » choice of a question marked
    ``other: true``; such a list is derived by the loader and never written out.
    """

    name: str
    choices: tuple[Choice, ...]
    inline: bool = False
    line: int | None = field(default=None, compare=False)
    base: str | None = None

    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def substantive(self) -> tuple[Choice, ...]:
        """Choices that carry an opinion; the ones that may enter a mean or a proportion."""
        return tuple(c for c in self.choices if not c.missing)

    def non_substantive(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if c.missing)

    def get(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def filter_keys(self) -> tuple[str, ...]:
        keys: dict[str, None] = {}
        for choice in self.choices:
            for key, _ in choice.filters:
                keys.setdefault(key)
        return tuple(keys)


@dataclass(frozen=True)
class Question:
    """A question, a note or a container (group, repeat, Likert matrix)."""

    name: str
    type: str
    label: Text | None = None
    hint: Text | None = None
    choices: str | None = None
    choice_filter: str | None = None
    required: bool = False
    required_if: str | None = None
    required_message: Text | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Text | None = None
    calculation: str | None = None
    default: str | None = None
    read_only: bool = False
    pii: bool = False
    minimum: float | int | None = None
    maximum: float | int | None = None
    appearance: str | None = None
    repeat_count: str | None = None
    #: Choice questions: an « Autre » choice and its « Précisez » text question are added.
    other: bool = False
    #: The « Précisez » question of the choice question named here (derived, never written).
    specify_for: str | None = None
    #: Repeats: one entry per choice of this list, in its order (XLSForm ``begin loop over``).
    loop_over: str | None = None
    #: Groups: in exported data, the questions are not under the group's path (XLSForm ``flat``).
    flat: bool = False
    #: Choice questions: the choices are the answers given to this question of a repeat
    #: (XLSForm ``select_one ${name}``).
    choices_from: str | None = None
    #: ``metadata`` questions: what the toolkit records that they give (METADATA_SOURCES).
    metadata: str | None = None
    children: tuple[Question, ...] = ()
    line: int | None = field(default=None, compare=False)
    #: Source line of each key (``relevant``, ``constraint``...), for precise messages.
    key_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def line_of(self, key: str) -> int | None:
        """Line of ``key`` in the source file, else the line of the question."""
        return dict(self.key_lines).get(key, self.line)

    @property
    def is_container(self) -> bool:
        return self.type in CONTAINER_TYPES

    @property
    def holds_answer(self) -> bool:
        return self.type in ANSWER_TYPES

    @property
    def derived(self) -> bool:
        """Made by the loader from another question (``other: true``), never written out."""
        return self.specify_for is not None

    def text(self, lang: str | None = None) -> str:
        """The label in ``lang``, or the name when the question has none."""
        return self.label.get(lang) if self.label else self.name


@dataclass(frozen=True)
class Quotas:
    """Fieldwork targets per cell, e.g. sector × sex × age band."""

    by: tuple[str, ...]
    default_target: int | None = None
    targets: tuple[tuple[tuple[tuple[str, str], ...], int], ...] = ()

    def target(self, cell: Mapping[str, str]) -> int | None:
        key = tuple(sorted((k, str(v)) for k, v in cell.items()))
        for cell_key, target in self.targets:
            if tuple(sorted(cell_key)) == key:
                return target
        return self.default_target


@dataclass(frozen=True)
class AnalysisMeta:
    """Which questions play which role in analysis."""

    sector: str | None = None
    wave: str | None = None
    weighting: tuple[str, ...] = ()
    quotas: Quotas | None = None


#: Legal bases of a processing (GDPR art. 6.1), as written in an instrument's ``privacy`` block.
LEGAL_BASES = (
    "consentement",
    "contrat",
    "obligation_legale",
    "interets_vitaux",
    "mission_interet_public",
    "interet_legitime",
)


@dataclass(frozen=True)
class PrivacyMeta:
    """What the processing register needs and cannot be read from the questions.

    ``retention_days``: how long submitted responses are kept (``toolkit privacy purge``);
    ``purpose``, ``legal_basis`` (one of :data:`LEGAL_BASES`), ``recipients`` and extra data
    ``categories`` feed the register entry (``toolkit privacy registre``).
    """

    retention_days: int | None = None
    purpose: Text | None = None
    legal_basis: str | None = None
    recipients: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    """A validated, immutable instrument. Build it with :func:`toolkit.instruments.load`."""

    id: str
    version: str
    title: Text
    items: tuple[Question, ...]
    languages: tuple[str, ...] = ("fr", "en")
    description: Text | None = None
    choice_lists: Mapping[str, ChoiceList] = field(default_factory=dict)
    analysis: AnalysisMeta = field(default_factory=AnalysisMeta)
    #: Days an untouched draft of this instrument is kept before the field app deletes it.
    draft_days: int = DRAFT_DAYS
    layout: str = "sections"
    privacy: PrivacyMeta = field(default_factory=PrivacyMeta)
    source: str | None = field(default=None, compare=False)

    # ----------------------------------------------------------- navigation

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def questions(self) -> Iterator[Question]:
        """Every question depth-first, containers included."""

        def visit(items: tuple[Question, ...]) -> Iterator[Question]:
            for item in items:
                yield item
                yield from visit(item.children)

        return visit(self.items)

    def fields(self) -> tuple[Question, ...]:
        """Questions that hold an answer, in order (no containers, no notes)."""
        return tuple(q for q in self.questions() if q.holds_answer)

    def question(self, name: str) -> Question:
        found = self._index().get(name)
        if found is None:
            raise KeyError(name)
        return found[0]

    def repeats(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions() if q.type == "repeat")

    def repeat_of(self, name: str) -> str | None:
        """Name of the innermost repeat that encloses question ``name`` (``None`` at top level)."""
        found = self._index().get(name)
        if found is None:
            raise KeyError(name)
        return found[1]

    def repeat_path(self, name: str) -> tuple[str, ...]:
        """Names of the repeats that enclose question ``name``, outermost first."""
        path: list[str] = []
        repeat = self.repeat_of(name)
        while repeat is not None:
            path.insert(0, repeat)
            repeat = self.repeat_of(repeat)
        return tuple(path)

    def loop_items(self, repeat: str) -> tuple[Choice, ...]:
        """The choices a ``loop_over`` repeat has one entry for (``none`` is skipped, as pyxform does)."""
        question = self.question(repeat)
        choice_list = self.choice_lists.get(question.loop_over or "")
        if choice_list is None:
            return ()
        return tuple(c for c in choice_list.choices if c.value != "none")

    def choices_of(self, name: str) -> ChoiceList | None:
        question = self.question(name)
        return self.choice_lists.get(question.choices) if question.choices else None

    def _index(self) -> dict[str, tuple[Question, str | None]]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {}

            def visit(items: tuple[Question, ...], repeat: str | None) -> None:
                for item in items:
                    cached.setdefault(item.name, (item, repeat))
                    visit(item.children, item.name if item.type == "repeat" else repeat)

            visit(self.items, None)
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def replace(self, **changes: object) -> Instrument:
        return replace(self, **changes)  # type: ignore[arg-type]
