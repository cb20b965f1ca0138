"""The state of one questionnaire being filled in, independent of any widget.

:class:`Form` keeps the raw answers as the mediator types them, re-validates them on every
change (``Instrument.validate_answers``), knows which questions are shown, which page is
current and which problems block *Next* or *Submit*. Its :attr:`Form.state` follows
``draft → valid → submitted`` (or ``failed`` when the database could not take it; the
response is then in the local journal).
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from toolkit.collect.pages import Page, consent_question, pages
from toolkit.collect.scope import allowed_choices, visibility
from toolkit.instruments import Instrument, Question, ValidationResult
from toolkit.instruments.answers import validate_answers
from toolkit.store.response import Response

__all__ = ["Form", "FormState", "Metadata", "current_wave"]

#: Questions the field app never shows: values the toolkit records or computes itself.
_NOT_SHOWN = ("metadata", "hidden")


class FormState(enum.Enum):
    """Where a response stands."""

    DRAFT = "draft"
    """Some answer is missing or invalid."""
    VALID = "valid"
    """Every rule holds: it can be submitted."""
    SUBMITTED = "submitted"
    """Stored in the database."""
    FAILED = "failed"
    """The database could not take it; it is kept in the local journal for ``toolkit sync``."""


def current_wave(today: dt.date | None = None) -> str:
    """The default wave label: the calendar quarter, e.g. ``"2026-T4"``.

    Examples
    --------
    >>> current_wave(dt.date(2026, 11, 5))
    '2026-T4'
    >>> current_wave(dt.date(2027, 1, 1))
    '2027-T1'
    """
    today = today or dt.date.today()
    return f"{today.year}-T{(today.month - 1) // 3 + 1}"


@dataclass
class Metadata:
    """Who collected the response, where and when (the start screen)."""

    collector: str | None = None
    team: str | None = None
    sector: str | None = None
    wave: str | None = None
    started_at: dt.datetime | None = None

    def as_kwargs(self) -> dict[str, object]:
        return {
            "collector": self.collector or None,
            "team": self.team or None,
            "sector": self.sector or None,
            "wave": self.wave or None,
            "started_at": self.started_at,
        }


@dataclass
class Form:
    """One response in progress.

    Parameters
    ----------
    instrument
        The instrument being answered.
    response_id
        The client-side UUID that makes submitting idempotent (new one by default).
    answers
        Raw answers to start from (a resumed draft).
    metadata
        Collector, team, sector, wave, start time.
    """

    instrument: Instrument
    response_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    answers: dict = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)
    today: dt.date | None = None
    state: FormState = FormState.DRAFT
    page_index: int = 0
    touched: set[str] = field(default_factory=set)
    attempted: set[int] = field(default_factory=set)
    saved_at: dt.datetime | None = None
    """When the draft was last kept (database or journal); ``None`` for a new form."""
    left_on: int | None = None
    """The page a resumed draft was left on (1-based among the pages shown), if known."""

    def __post_init__(self) -> None:
        self.answers = copy.deepcopy(dict(self.answers))
        self.consent = consent_question(self.instrument)
        excluded = (self.consent.name,) if self.consent else ()
        self.pages: tuple[Page, ...] = pages(self.instrument, exclude=excluded)
        self._result: ValidationResult | None = None
        self._shown: dict[str, bool] | None = None
        self._refresh()

    # ------------------------------------------------------------------ answers

    def _refresh(self) -> None:
        meta = {**self.metadata.as_kwargs(), "response_id": self.response_id}
        self._result = validate_answers(self.instrument, self.answers, today=self.today, meta=meta)
        self._shown = visibility(self.instrument, self._result.answers, today=self.today)
        if self.state in (FormState.DRAFT, FormState.VALID):
            self.state = FormState.VALID if self._result.ok else FormState.DRAFT

    @property
    def result(self) -> ValidationResult:
        """The latest validation of the answers (cleaned answers and problems)."""
        if self._result is None:
            self._refresh()
        return self._result  # type: ignore[return-value]

    def _entries(self, repeat: str, *, cleaned: bool = False, create: bool = False) -> list:
        """The entries of ``repeat``: a name, or a path inside other entries
        (``menages[0].membres``) for a repeat inside a repeat."""
        container: object = self.result.answers if cleaned else self.answers
        *outer, name = repeat.split(".")
        for step in outer:
            head, _, rest = step.partition("[")
            entries = container.get(head) if isinstance(container, dict) else None
            position = int(rest.rstrip("]") or 0)
            if not isinstance(entries, list) or position >= len(entries):
                return []
            container = entries[position]
        if not isinstance(container, dict):
            return []
        if create and not isinstance(container.get(name), list):
            container[name] = []
        found = container.get(name)
        return found if isinstance(found, list) else []

    def get(self, name: str, *, repeat: str | None = None, index: int | None = None) -> object:
        """The raw answer to ``name`` (inside entry ``index`` of ``repeat`` when given)."""
        if repeat is None:
            return self.answers.get(name)
        entries = self._entries(repeat)
        if index is None or index >= len(entries):
            return None
        return entries[index].get(name)

    def set(
        self, name: str, value: object, *, repeat: str | None = None, index: int | None = None
    ) -> None:
        """Record an answer (``None`` or an empty value clears it) and re-validate."""
        self._check_open()
        empty = value is None or value == "" or value == [] or value == ()
        path = name
        if repeat is None:
            if empty:
                self.answers.pop(name, None)
            else:
                self.answers[name] = value
        else:
            entries = self._entries(repeat)
            if index is None or not 0 <= index < len(entries):
                raise IndexError(f"{repeat!r} has no entry {index!r}")
            if empty:
                entries[index].pop(name, None)
            else:
                entries[index][name] = value
            path = f"{repeat}[{index}].{name}"
        self.touched.add(path)
        self._refresh()

    def entries(self, repeat: str) -> int:
        """Number of entries of a repeat group (``repeat`` may be a path, see ``_entries``)."""
        return len(self._entries(repeat))

    def add_entry(self, repeat: str) -> int:
        """Append an empty entry to ``repeat``; return its index."""
        self._check_open()
        self.instrument.question(repeat.rsplit(".", 1)[-1])
        entries = self._entries(repeat, create=True)
        entries.append({})
        self._refresh()
        return len(entries) - 1

    def remove_entry(self, repeat: str, index: int) -> None:
        """Remove entry ``index`` of ``repeat`` (later entries move up)."""
        self._check_open()
        entries = self._entries(repeat)
        if not 0 <= index < len(entries):
            raise IndexError(f"{repeat!r} has no entry {index!r}")
        del entries[index]
        if not entries and "." not in repeat:
            self.answers.pop(repeat, None)
        prefix = f"{repeat}["
        self.touched = {p for p in self.touched if not p.startswith(prefix)}
        self._refresh()

    def set_consent(self, given: bool) -> None:
        """Record the answer to the start-screen consent question."""
        if self.consent is not None:
            self.set(self.consent.name, bool(given))

    @property
    def consent_refused(self) -> bool:
        return self.consent is not None and self.answers.get(self.consent.name) is False

    def _check_open(self) -> None:
        if self.state in (FormState.SUBMITTED, FormState.FAILED):
            raise ValueError("this response was already sent; start a new one")

    # ------------------------------------------------------------------ skip logic

    def shown(self, name: str, *, repeat: str | None = None, index: int | None = None) -> bool:
        """Whether the question is shown now (its relevance and its containers' hold)."""
        path = name if repeat is None else f"{repeat}[{index}].{name}"
        return bool((self._shown or {}).get(path, repeat is not None))

    def choices(
        self, question: Question, *, repeat: str | None = None, index: int | None = None
    ) -> tuple[str, ...]:
        """The choice values offered now (after the question's ``choice_filter``)."""
        entry = None
        outer: list[tuple[str, dict]] = []
        if repeat is not None and index is not None:
            entries = self._entries(repeat, cleaned=True)
            entry = entries[index] if index < len(entries) else {}
            steps = repeat.split(".")[:-1]
            for depth, step in enumerate(steps):
                head, _, rest = step.partition("[")
                found = self._entries(".".join([*steps[:depth], head]), cleaned=True)
                position = int(rest.rstrip("]") or 0)
                outer.append((head, found[position] if position < len(found) else {}))
        return allowed_choices(
            self.instrument,
            question,
            self.result.answers,
            entry=entry,
            repeat=None if repeat is None else repeat.rsplit(".", 1)[-1],
            today=self.today,
            outer=tuple(outer),
        )

    def value(self, name: str, *, repeat: str | None = None, index: int | None = None) -> object:
        """The cleaned value (calculations computed, irrelevant answers gone)."""
        if repeat is None:
            return self.result.answers.get(name)
        entries = self._entries(repeat, cleaned=True)
        return entries[index].get(name) if index is not None and index < len(entries) else None

    # ------------------------------------------------------------------ pages

    @property
    def page(self) -> Page:
        return self.pages[self.page_index]

    def page_shown(self, index: int) -> bool:
        """A page is shown when its section is relevant and it has a shown question."""
        page = self.pages[index]
        if page.group is not None and not self.shown(page.group.name):
            return False
        return any(self.shown(q.name) for q in page.items if q.type not in _NOT_SHOWN)

    def problems(self, *, page: int | None = None, lang: str | None = None) -> dict[str, list[str]]:
        """Problems by field path, all of them or only those of page ``page``."""
        found = self.result.by_field(lang)
        if page is None:
            return found
        owner = self.pages[page]
        return {path: msgs for path, msgs in found.items() if owner.owns(path)}

    def visible_problems(self, *, lang: str | None = None) -> dict[str, list[str]]:
        """Problems of the current page worth showing: touched fields, or all after a try."""
        found = self.problems(page=self.page_index, lang=lang)
        if self.page_index in self.attempted:
            return found
        return {path: msgs for path, msgs in found.items() if path in self.touched}

    def can_leave_page(self) -> bool:
        return not self.problems(page=self.page_index)

    def next_page_index(self) -> int | None:
        """Index of the page *Next* would open with the answers as they are (``None`` on the
        last page)."""
        return self._step(+1)

    @property
    def is_last_page(self) -> bool:
        return self._step(+1) is None

    @property
    def is_first_page(self) -> bool:
        return self._step(-1) is None

    def _step(self, direction: int) -> int | None:
        index = self.page_index + direction
        while 0 <= index < len(self.pages):
            if self.page_shown(index):
                return index
            index += direction
        return None

    def next(self) -> bool:
        """Go to the next shown page; refused (``False``) while this page has problems."""
        self.attempted.add(self.page_index)
        if not self.can_leave_page():
            return False
        target = self._step(+1)
        if target is None:
            return False
        self.page_index = target
        return True

    def previous(self) -> bool:
        """Go back to the previous shown page (always allowed)."""
        target = self._step(-1)
        if target is None:
            return False
        self.page_index = target
        return True

    def first_page(self) -> None:
        """Move to the first shown page."""
        self.page_index = 0
        if not self.page_shown(0):
            self.page_index = self._step(+1) or 0

    def shown_pages(self) -> list[int]:
        """Indexes of the pages shown with the answers as they are."""
        return [i for i in range(len(self.pages)) if self.page_shown(i)]

    def position_index(self, position: int) -> int:
        """Index of the ``position``-th shown page (1-based, clamped to the shown pages)."""
        shown = self.shown_pages()
        if not shown:
            return 0
        return shown[max(0, min(position, len(shown)) - 1)]

    def furthest_page(self) -> int:
        """Index of the page a resumed draft reopens on: the one it was left on when known,
        else the last shown page holding an answer."""
        if self.left_on is not None:
            return self.position_index(self.left_on)
        answered = {path.split("[", 1)[0] for path in self.answers}
        reached = 0
        for index, page in enumerate(self.pages):
            if self.page_shown(index) and answered & set(page.names()):
                reached = index
        return reached

    @property
    def progress(self) -> tuple[int, int]:
        """(position of the current page, number of shown pages), 1-based."""
        shown = [i for i in range(len(self.pages)) if self.page_shown(i)]
        position = sum(1 for i in shown if i <= self.page_index)
        return max(position, 1), max(len(shown), 1)

    # ------------------------------------------------------------------ sending

    def ready(self) -> bool:
        """Whether the response can be submitted (every rule holds, consent not refused)."""
        self.attempted.add(self.page_index)
        return self.result.ok and not self.consent_refused

    def mark(self, state: FormState) -> None:
        """Record the outcome of a submission (``SUBMITTED`` or ``FAILED``)."""
        self.state = state

    def first_problem_page(self) -> int | None:
        """Index of the first shown page that holds a problem."""
        for index in range(len(self.pages)):
            if self.page_shown(index) and self.problems(page=index):
                return index
        return None

    def payload(self) -> dict:
        """What is sent to the store: raw answers, metadata and the response id."""
        return {
            "response_id": self.response_id,
            "answers": copy.deepcopy(self.answers),
            **self.metadata.as_kwargs(),
        }

    @classmethod
    def resume(cls, instrument: Instrument, response: Response) -> Form:
        """Rebuild a form from a stored draft (:class:`toolkit.store.Response`) or a correction."""
        meta = Metadata(
            collector=getattr(response, "collector", None),
            team=getattr(response, "team", None),
            sector=getattr(response, "sector", None),
            wave=getattr(response, "wave", None),
            started_at=getattr(response, "started_at", None),
        )
        answers = getattr(response, "answers", {})
        return cls(
            instrument,
            response_id=str(response.response_id),
            answers=dict(answers) if isinstance(answers, Mapping) else {},
            metadata=meta,
            saved_at=getattr(response, "updated_at", None),
            left_on=getattr(response, "draft_page", None),
        )
