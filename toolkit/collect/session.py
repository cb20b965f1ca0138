"""Sending responses: to the database when it answers, to the local journal when it does not.

:class:`CollectSession` is what the field app talks to. It never loses a response: a
submit that cannot reach the database is journaled (``fsync``'d) and the form is marked
``failed`` so that the screen says so; the journal is replayed as soon as the database
answers again (at the next submit, on demand, or with ``toolkit sync``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, TypeVar

from toolkit.collect.catalogue import database_url, find_instrument
from toolkit.collect.form import Form, FormState, current_wave
from toolkit.collect.journal import Entry, Journal
from toolkit.collect.sync import SyncReport, replay
from toolkit.errors import AnswerError, ConflictError, Problem, StoreError, StoreUnavailableError
from toolkit.instruments import Instrument
from toolkit.instruments.model import DRAFT_DAYS as DEFAULT_DRAFT_DAYS
from toolkit.store.pii import split

if TYPE_CHECKING:
    from toolkit.store import Store

_T = TypeVar("_T")

__all__ = ["DRAFT_DAYS", "CollectSession", "SubmitOutcome"]

#: Days after which an untouched draft is deleted (said on the drafts screen).
DRAFT_DAYS = DEFAULT_DRAFT_DAYS


@dataclass(frozen=True)
class SubmitOutcome:
    """What happened to a submit.

    Attributes
    ----------
    state
        ``SUBMITTED`` (in the database), ``FAILED`` (kept in the journal) or ``DRAFT``
        (refused: :attr:`problems` says why; nothing was sent).
    journaled
        The response is safe in the local journal, waiting for the database.
    problems
        Why it was refused.
    """

    state: FormState
    journaled: bool = False
    problems: tuple[Problem, ...] = field(default=())


class CollectSession:
    """The link between forms, the store and the journal, for one instrument.

    Parameters
    ----------
    instrument
        The instrument collected.
    url
        The database URL (default ``TOOLKIT_DATABASE_URL``, see :func:`toolkit.store.connect`).
    journal
        The local journal (default :func:`toolkit.collect.journal.default_journal_path`).
    connect
        Opens the store (injected by tests).
    source
        Recorded with each response (``"collect"``).
    draft_days
        Drafts untouched for longer are deleted (default: the instrument's ``draft_days``,
        :data:`DRAFT_DAYS` unless its YAML says otherwise).
    """

    def __init__(
        self,
        instrument: Instrument,
        *,
        url: str | None = None,
        journal: Journal | None = None,
        connect: Callable[[str | None], Store] | None = None,
        source: str = "collect",
        draft_days: int | None = None,
    ) -> None:
        self.instrument = instrument
        self.draft_days = instrument.draft_days if draft_days is None else draft_days
        self.url = url or database_url()
        self.journal = journal or Journal()
        self.source = source
        self._connect = connect
        self._store: Store | None = None
        self.last_error: StoreError | None = None

    # ------------------------------------------------------------------ the database

    def store(self) -> Store | None:
        """The store, connected (and the instrument registered) on first use; ``None`` while
        the database cannot be reached."""
        if self._store is not None:
            return self._store
        try:
            if self._connect is not None:
                opened = self._connect(self.url)
            else:
                from toolkit.store import connect

                opened = connect(self.url)
            opened.register(self.instrument)
        except StoreUnavailableError as error:
            self.last_error = error
            return None
        self._store = opened
        self.last_error = None
        return opened

    def check(self) -> bool:
        """Ask the database whether it answers (updates :attr:`online`)."""
        try:
            self._call(lambda s: s.instrument(self.instrument.id))
        except StoreUnavailableError:
            return False
        return True

    def latest_wave(self) -> str:
        """The wave fieldwork is on: the latest with submitted responses, else this quarter.

        The start screen proposes it; offline, the calendar quarter stands in.
        """
        try:
            waves = self._call(lambda s: s.waves(self.instrument.id))
        except StoreUnavailableError:
            return current_wave()
        return waves[-1] if waves else current_wave()

    @property
    def online(self) -> bool:
        """Whether the last contact with the database succeeded."""
        return self.last_error is None and self._store is not None

    def _call(self, work: Callable[[Store], _T]) -> _T:
        store = self.store()
        if store is None:
            raise self.last_error or StoreUnavailableError()
        try:
            result = work(store)
        except StoreUnavailableError as error:
            self.last_error = error
            raise
        self.last_error = None
        return result

    # ------------------------------------------------------------------ responses

    def _send(self, kind: str, form: Form) -> bool:
        """Send ``form`` to the database as ``kind`` (``"submit"`` or ``"draft"``), or keep it
        in the journal when the database cannot be reached: ``True`` when stored.

        The one place where a response goes either to the store or to the journal; any other
        refusal (invalid answers, a conflict) is raised to the caller.
        """
        payload = form.payload()
        meta = _meta(payload, self.source)
        page = form.progress[0]
        answers = payload["answers"]

        def write(store: Store) -> str:
            if kind == "submit":
                return store.submit(
                    self.instrument.id, answers, response_id=form.response_id, **meta
                )
            return store.save_draft(
                self.instrument.id, answers, response_id=form.response_id, page=page, **meta
            )

        try:
            self._call(write)
        except StoreUnavailableError:
            clear, secret = split(self.instrument, answers)
            kept = {**meta, "page": page} if kind == "draft" else dict(meta)
            self.journal.keep(
                kind, self.instrument.id, form.response_id, clear, kept, secret=secret
            )
            form.saved_at = dt.datetime.now(dt.UTC)
            return False
        form.saved_at = dt.datetime.now(dt.UTC)
        return True

    def save_draft(self, form: Form) -> bool:
        """Keep the form's answers as a draft; ``True`` in the database, ``False`` journaled.

        A refused consent keeps nothing.
        """
        if form.state not in (FormState.DRAFT, FormState.VALID) or form.consent_refused:
            return False
        if not self._send("draft", form):
            return False
        self._supersede_drafts(form.response_id)
        return True

    def _supersede_drafts(self, response_id: str, kind: str = "superseded") -> None:
        """Close the journaled drafts of a response whose newer state reached the database
        (or that was given up: ``kind="discarded"``), so that a later replay cannot bring it
        back to an older state."""
        if not self.journal.path.exists():
            return
        for entry in self.journal.pending(self.instrument.id):
            if entry.response_id == response_id and entry.kind == "draft":
                self.journal.acknowledge(entry, kind=kind)

    def submit(self, form: Form) -> SubmitOutcome:
        """Submit the form once: idempotent, journaled when the database is unreachable."""
        if form.state is FormState.SUBMITTED:
            return SubmitOutcome(FormState.SUBMITTED)
        if form.state is FormState.FAILED:
            return SubmitOutcome(FormState.FAILED, journaled=True)
        if not form.ready():
            return SubmitOutcome(FormState.DRAFT, problems=form.result.problems)
        try:
            stored = self._send("submit", form)
        except (AnswerError, ConflictError) as error:
            return SubmitOutcome(FormState.DRAFT, problems=error.problems)
        if not stored:
            form.mark(FormState.FAILED)
            return SubmitOutcome(FormState.FAILED, journaled=True)
        form.mark(FormState.SUBMITTED)
        self.sync()
        return SubmitOutcome(FormState.SUBMITTED)

    def discard(self, response_id: str) -> bool:
        """Give a draft up: deleted from the database and closed in the journal.

        ``True`` when nothing of it is left; ``False`` when the database could not be reached
        (the journal's copies are closed all the same; the database's copy expires later).
        """
        self._supersede_drafts(response_id, kind="discarded")
        try:
            self._call(lambda s: s.discard_draft(response_id))
        except StoreUnavailableError:
            return False
        return True

    def pending(self) -> list[Entry]:
        """This instrument's responses still waiting in the journal."""
        return [e for e in self.journal.pending(self.instrument.id) if e.kind == "submit"]

    def sync(self) -> SyncReport:
        """Replay this instrument's journal entries if the database answers."""
        if not self.journal.path.exists():
            return SyncReport()
        waiting = self.journal.pending(self.instrument.id)
        if not waiting:
            return SyncReport()
        store = self.store()
        if store is None:
            return SyncReport(remaining=len(waiting))
        report = replay(
            self.journal, store, instrument_id=self.instrument.id, find_instrument=find_instrument
        )
        if report.remaining:
            self.last_error = StoreUnavailableError()
        else:
            self.last_error = None
        return report

    def drafts(self, *, now: dt.datetime | None = None) -> list[Form]:
        """Resumable drafts: the database's (newest first), then those only in the journal.

        The journal is replayed first when the database answers, so that a draft is never
        listed in an older state than the journal's, nor once its response was submitted.
        Drafts left untouched for more than :attr:`draft_days` days are deleted here.
        """
        self.sync()
        now = now or dt.datetime.now(dt.UTC)
        limit = now - dt.timedelta(days=self.draft_days)
        forms: list[Form] = []
        seen: set[str] = set()
        try:
            stored = self._call(lambda s: s.drafts(self.instrument.id, include_pii=True))
        except StoreUnavailableError:
            stored = []
        for response in stored:
            seen.add(response.response_id)
            if response.updated_at is not None and response.updated_at < limit:
                self.discard(response.response_id)
                continue
            forms.append(Form.resume(self.instrument, response))
        for entry in reversed(self.journal.pending(self.instrument.id)):
            if entry.kind == "draft" and entry.response_id not in seen:
                seen.add(entry.response_id)
                form = _form_of(self.instrument, entry)
                if form.saved_at is not None and form.saved_at < limit:
                    self.journal.acknowledge(entry, kind="discarded")
                    continue
                forms.append(form)
        return forms

    def draft(self, response_id: str) -> Form | None:
        """The resumable draft with this id (a page reloaded on it), or ``None``."""
        return next((f for f in self.drafts() if f.response_id == response_id), None)

    def recent(self, limit: int = 20) -> list[dict]:
        """The latest submitted responses (for correction and voiding), newest first."""
        frame = self._call(lambda s: s.frame(self.instrument.id))
        frame = frame.sort_values("submitted_at", ascending=False).head(limit)
        columns = ["response_id", "collector", "sector", "wave", "started_at", "submitted_at"]
        return frame[[c for c in columns if c in frame.columns]].to_dict("records")

    def load(self, response_id: str) -> Form:
        """A form holding a stored response (to correct it)."""
        response = self._call(lambda s: s.get(response_id, include_pii=True))
        return Form.resume(self.instrument, response)

    def correct(self, form: Form, *, by: str, reason: str | None = None) -> SubmitOutcome:
        """Replace a submitted response's answers; the audit trail keeps the old ones."""
        if not form.ready():
            return SubmitOutcome(FormState.DRAFT, problems=form.result.problems)
        try:
            self._call(lambda s: s.correct(form.response_id, form.answers, by=by, reason=reason))
        except AnswerError as error:
            return SubmitOutcome(FormState.DRAFT, problems=error.problems)
        form.mark(FormState.SUBMITTED)
        return SubmitOutcome(FormState.SUBMITTED)

    def void(self, response_id: str, *, reason: str, by: str) -> None:
        """Withdraw a response from every table, with a reason (kept in the audit trail)."""
        self._call(lambda s: s.void(response_id, reason=reason, by=by))


class _Meta(TypedDict, total=False):
    """The keyword arguments a response is sent with, beside its answers."""

    collector: str | None
    team: str | None
    sector: str | None
    wave: str | None
    started_at: dt.datetime
    source: str


def _meta(payload: dict, source: str) -> _Meta:
    return _Meta(
        collector=payload.get("collector"),
        team=payload.get("team"),
        sector=payload.get("sector"),
        wave=payload.get("wave"),
        started_at=payload.get("started_at") or dt.datetime.now(dt.UTC),
        source=source,
    )


def _form_of(instrument: Instrument, entry: Entry) -> Form:
    kwargs = entry.submit_kwargs()
    from toolkit.collect.form import Metadata

    meta = Metadata(
        collector=kwargs.get("collector"),  # type: ignore[arg-type]
        team=kwargs.get("team"),  # type: ignore[arg-type]
        sector=kwargs.get("sector"),  # type: ignore[arg-type]
        wave=kwargs.get("wave"),  # type: ignore[arg-type]
        started_at=kwargs.get("started_at"),  # type: ignore[arg-type]
    )
    saved = dt.datetime.fromisoformat(entry.at) if entry.at else None
    page = kwargs.get("page")
    return Form(
        instrument,
        response_id=entry.response_id,
        answers=dict(entry.answers),
        metadata=meta,
        saved_at=saved,
        left_on=page if isinstance(page, int) else None,
    )
