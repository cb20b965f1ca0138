"""The day's work: open items sorted overdue first, with every code turned into its label.

:func:`agenda` is what the « Suivi » app, the coordinator's digest and the calendar export
read. A due date is compared with today's date in Europe/Paris.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from toolkit.errors import StoreError
from toolkit.followup.calendar import today as paris_today
from toolkit.followup.labels import label
from toolkit.followup.model import Item
from toolkit.followup.parents import PARENTS, ParentSpec
from toolkit.i18n import get_language

__all__ = ["AGENDA_COLUMNS", "BUCKETS", "Describer", "agenda", "bucket"]

#: Where an open item stands against today, in the order the app shows them.
BUCKETS = ("overdue", "today", "week", "later")

#: Columns of :func:`agenda`, in order.
AGENDA_COLUMNS = (
    "item_id",
    "version",
    "kind",
    "state",
    "bucket",
    "due_date",
    "days_late",
    "collector",
    "team",
    "sector",
    "category",
    "parent_date",
    "summary",
    "kind_label",
    "task_label",
    "state_label",
    "category_label",
    "sector_label",
)


def bucket(due: dt.date, today: dt.date, *, horizon: int = 7) -> str:
    """``overdue``, ``today``, ``week`` (within ``horizon`` days) or ``later``.

    >>> import datetime as dt
    >>> bucket(dt.date(2026, 3, 1), dt.date(2026, 3, 2)), bucket(dt.date(2026, 3, 9), dt.date(2026, 3, 2))
    ('overdue', 'week')
    """
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "week" if (due - today).days <= horizon else "later"


class Describer:
    """Labels of the parents' codes (taxonomy categories, sectors, structures) in a language.

    Codes are looked up in the parent instrument's own choice lists, so the labels are the
    ones the mediator saw in the form.
    """

    def __init__(self, store: object, parents: tuple[ParentSpec, ...] = PARENTS) -> None:
        self.store = store
        self.specs = {spec.instrument_id: spec for spec in parents}
        self._instruments: dict[str, object] = {}

    def _instrument(self, instrument_id: str) -> object | None:
        if instrument_id not in self._instruments:
            try:
                self._instruments[instrument_id] = self.store.instrument(instrument_id)  # type: ignore[attr-defined]
            except StoreError:
                self._instruments[instrument_id] = None
        return self._instruments[instrument_id]

    def choice(self, instrument_id: str, question: str, code: object, lang: str) -> str:
        """The label of ``code`` in the list of ``question`` (the code itself if unknown)."""
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            return ""
        instrument = self._instrument(instrument_id)
        choices = instrument.choices_of(question) if instrument is not None else None  # type: ignore[attr-defined]
        found = choices.get(str(code)) if choices is not None else None
        return found.label.get(lang) if found is not None else str(code)

    def category(self, item: Item, lang: str) -> str:
        spec = self.specs.get(item.parent_instrument)
        if spec is None or spec.category is None:
            return item.category or ""
        return self.choice(item.parent_instrument, spec.category, item.category, lang)

    def sector(self, instrument_id: str, code: object, lang: str) -> str:
        instrument = self._instrument(instrument_id)
        question = instrument.analysis.sector if instrument is not None else None  # type: ignore[attr-defined]
        if not question:
            return "" if code is None else str(code)
        return self.choice(instrument_id, question, code, lang)


def _labels(
    item: Item, describer: Describer, lang: str, cache: dict[tuple, dict[str, str]]
) -> dict[str, str]:
    key = (item.kind, item.state, item.parent_instrument, item.category, item.sector)
    if key not in cache:
        cache[key] = {
            "kind_label": label("kind", item.kind, lang),
            "task_label": label("task", item.state, lang, kind=item.kind),
            "state_label": label("state", item.state, lang, kind=item.kind),
            "category_label": describer.category(item, lang),
            "sector_label": describer.sector(item.parent_instrument, item.sector, lang),
        }
    return cache[key]


def agenda(
    items: Iterable[Item],
    describer: Describer,
    *,
    today: dt.date | None = None,
    horizon: int = 7,
    buckets: Iterable[str] = BUCKETS,
    lang: str | None = None,
) -> pd.DataFrame:
    """Open items with a due date, labelled, overdue first (the most overdue at the top).

    Parameters
    ----------
    items
        Items of a :class:`~toolkit.followup.Register` (already filtered by team, sector…).
    describer
        Turns the parents' codes into labels.
    today
        Default: today in Europe/Paris.
    horizon
        Days ahead counted as ``week``.
    buckets
        Which of :data:`BUCKETS` to keep.

    Returns
    -------
    pandas.DataFrame
        :data:`AGENDA_COLUMNS`; ``days_late`` is positive when overdue, 0 today, negative
        ahead.
    """
    lang = lang or get_language()
    day = today or paris_today()
    wanted = set(buckets)
    rows = []
    # A few hundred distinct codes for thousands of items: each label is looked up once.
    labels: dict[tuple, dict[str, str]] = {}
    for item in items:
        if item.closed_at is not None or item.due_date is None:
            continue
        where = bucket(item.due_date, day, horizon=horizon)
        if where not in wanted:
            continue
        rows.append(
            {
                "item_id": item.item_id,
                "version": item.version,
                "kind": item.kind,
                "state": item.state,
                "bucket": where,
                "due_date": item.due_date,
                "days_late": (day - item.due_date).days,
                "collector": item.collector,
                "team": item.team,
                "sector": item.sector,
                "category": item.category,
                "parent_date": item.parent_date,
                "summary": item.summary,
                **_labels(item, describer, lang, labels),
            }
        )
    frame = pd.DataFrame(rows, columns=list(AGENDA_COLUMNS))
    if frame.empty:
        return frame
    frame["_order"] = frame["bucket"].map({b: i for i, b in enumerate(BUCKETS)})
    frame = frame.sort_values(["_order", "due_date", "kind", "item_id"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)
