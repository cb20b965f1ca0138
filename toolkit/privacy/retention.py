"""Retention periods (GDPR art. 5.1.e): responses older than their instrument allows are erased."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, func, select

from toolkit.qual.erasure import documents_of, erase_documents
from toolkit.store import Store, writes
from toolkit.store.schema import instrument_versions, responses

__all__ = ["purge"]


def _expired(store: Store, instrument_id: str, cutoff: dt.datetime) -> list[str]:
    when = func.coalesce(responses.c.submitted_at, responses.c.updated_at)
    query = (
        select(responses.c.response_id)
        .where(
            responses.c.instrument_id == instrument_id,
            when < cutoff,
            responses.c.answers != "{}",
        )
        .order_by(when)
    )
    with store.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def _erase_their_documents(store: Store, response_ids: list[str]) -> None:
    """The qualitative documents made from expired responses go with them."""

    def work(conn: Connection) -> int:
        return erase_documents(conn, documents_of(conn, response_ids))

    writes.run(store.engine, work)


def purge(
    store: Store, *, by: str, now: dt.datetime | None = None, dry_run: bool = False
) -> pd.DataFrame:
    """Erase the responses kept longer than their instrument's ``privacy.retention_days``.

    A response's age counts from its submission (a draft's or a voided response's from its
    last change). Instruments without a retention period are listed and left alone. Each
    instrument purged leaves one line in the privacy log (``purge``, by whom, when, how many).

    Parameters
    ----------
    by
        Who runs the purge (recorded in the privacy log).
    now
        The moment the periods are counted back from (default: now, UTC).
    dry_run
        Count what would be erased and erase nothing.

    Returns
    -------
    pandas.DataFrame
        One row per registered instrument, sorted by id: ``instrument_id``,
        ``retention_days`` (NA when none is set), ``cutoff`` (UTC, NaT without a period),
        ``n_expired`` (responses past the period), ``n_erased`` (0 in a dry run).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: visite, version: '1', title: Visite à domicile, privacy: {retention_days: 30},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... ))
    >>> import datetime as dt
    >>> _ = store.submit("visite", {"telephone": "06 12 34 56 78", "nb": 2})
    >>> later = dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
    >>> columns = ["instrument_id", "retention_days", "n_expired", "n_erased"]
    >>> purge(store, by="coordination", now=later, dry_run=True)[columns]
      instrument_id  retention_days  n_expired  n_erased
    0        visite              30          1         0
    >>> purge(store, by="coordination", now=later)[columns]
      instrument_id  retention_days  n_expired  n_erased
    0        visite              30          1         1
    >>> purge(store, by="coordination", now=later)[columns]
      instrument_id  retention_days  n_expired  n_erased
    0        visite              30          0         0
    """
    now = now or dt.datetime.now(dt.UTC)
    with store.engine.connect() as conn:
        ids = sorted(set(conn.execute(select(instrument_versions.c.instrument_id)).scalars()))
    rows: list[tuple[str, int | None, dt.datetime | None, int, int]] = []
    for instrument_id in ids:
        days = store.instrument(instrument_id).privacy.retention_days
        if days is None:
            rows.append((instrument_id, None, None, 0, 0))
            continue
        cutoff = now - dt.timedelta(days=days)
        expired = _expired(store, instrument_id, cutoff)
        erased = 0
        if expired and not dry_run:
            erased = store.erase(expired, by=by, reason=f"retention_days={days}", action="purge")
            _erase_their_documents(store, expired)
        rows.append((instrument_id, days, cutoff, len(expired), erased))
    table = pd.DataFrame(
        rows, columns=["instrument_id", "retention_days", "cutoff", "n_expired", "n_erased"]
    )
    table["cutoff"] = pd.to_datetime(table["cutoff"], utc=True)
    return table.astype(
        {
            "instrument_id": "string",
            "retention_days": "Int64",
            "n_expired": "int64",
            "n_erased": "int64",
        }
    )
