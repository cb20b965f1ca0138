"""Personal answers kept apart: split from the analysis answers, encrypted, merged back on demand.

A response's answers are written in two parts: the fields not marked ``pii`` in
``responses.answers`` (and in the audit trail), the ``pii`` fields as one encrypted token in
``pii_answers``. For a repeat group, the ``pii`` items of each entry are kept as a list in
entry order, so that merging puts each value back in its entry. Reading them back is always
an explicit call (``include_pii=True``); voiding, discarding or erasing a response deletes
its token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Select, delete, insert, select

from toolkit.instruments import Instrument
from toolkit.store.keyfile import PiiKey
from toolkit.store.pii_tables import pii_answers as pii_t

__all__ = ["delete_pii", "keep_absent", "merge", "pii_names", "read_pii", "split", "write_pii"]


def pii_names(instrument: Instrument) -> dict[str | None, set[str]]:
    """{enclosing repeat (``None`` at top level): names of its ``pii`` fields}."""
    names: dict[str | None, set[str]] = {}
    for question in instrument.fields():
        if question.pii:
            names.setdefault(instrument.repeat_of(question.name), set()).add(question.name)
    return names


def split(instrument: Instrument, answers: Mapping[str, object]) -> tuple[dict, dict]:
    """(answers without the ``pii`` fields, the ``pii`` answers alone).

    Works on unvalidated answers too (drafts): an entry of a repeat that is not a mapping is
    left where it is.
    """
    names = pii_names(instrument)
    clear = dict(answers)
    secret: dict = {}
    for name in names.get(None, ()):
        if name in clear:
            secret[name] = clear.pop(name)
    for repeat, fields in names.items():
        if repeat is None:
            continue
        entries = clear.get(repeat)
        if not isinstance(entries, list):
            continue
        kept, pieces = [], []
        for entry in entries:
            if isinstance(entry, Mapping):
                piece = {k: v for k, v in entry.items() if k in fields}
                kept.append({k: v for k, v in entry.items() if k not in fields})
            else:
                piece = {}
                kept.append(entry)
            pieces.append(piece)
        if any(pieces):
            clear[repeat] = kept
            secret[repeat] = pieces
    return clear, secret


def merge(clear: Mapping[str, object], secret: Mapping[str, object]) -> dict:
    """The whole answers again: :func:`split`'s two parts put back together."""
    whole = dict(clear)
    for name, value in secret.items():
        entries = whole.get(name)
        if isinstance(value, list) and isinstance(entries, list):
            whole[name] = [
                {**entry, **piece} if isinstance(entry, Mapping) and piece else entry
                for entry, piece in zip(entries, value + [{}] * len(entries), strict=False)
            ]
        else:
            whole[name] = value
    return whole


def keep_absent(answers: Mapping[str, object], stored: Mapping[str, object]) -> dict:
    """``answers`` with the stored ``pii`` answers they leave out put back.

    A correction built from a response read without its ``pii`` answers keeps them; a key
    given (even ``None``) replaces the stored value. In a repeat group, each entry gets back
    the ``pii`` items of the stored entry at the same position.
    """
    whole = dict(answers)
    for name, value in stored.items():
        entries = whole.get(name)
        if isinstance(value, list) and isinstance(entries, list):
            whole[name] = [
                {**{k: v for k, v in piece.items() if k not in entry}, **entry}
                if isinstance(entry, Mapping) and isinstance(piece, Mapping)
                else entry
                for entry, piece in zip(entries, value + [{}] * len(entries), strict=False)
            ]
        elif name not in whole:
            whole[name] = value
    return whole


def write_pii(
    conn: Connection, key: PiiKey, response_id: str, secret: Mapping[str, object], now: object
) -> None:
    """Replace the encrypted ``pii`` answers of a response (deleted when ``secret`` is empty)."""
    conn.execute(delete(pii_t).where(pii_t.c.response_id == response_id))
    if secret:
        conn.execute(
            insert(pii_t).values(
                response_id=response_id,
                key_id=key.key_id,
                token=key.encrypt(dict(secret)),
                updated_at=now,
            )
        )


def delete_pii(conn: Connection, response_ids: Iterable[str] | Select) -> None:
    """Delete the encrypted ``pii`` answers of these responses (ids or a query of ids)."""
    ids = response_ids if isinstance(response_ids, Select) else list(response_ids)
    conn.execute(delete(pii_t).where(pii_t.c.response_id.in_(ids)))


def read_pii(
    conn: Connection, key: PiiKey, response_ids: Iterable[str] | Select
) -> dict[str, dict]:
    """{response id: decrypted ``pii`` answers} for the responses that have any.

    The key file is read only when there is something to decrypt.
    """
    ids = response_ids if isinstance(response_ids, Select) else list(response_ids)
    rows = conn.execute(
        select(pii_t.c.response_id, pii_t.c.key_id, pii_t.c.token).where(
            pii_t.c.response_id.in_(ids)
        )
    ).all()
    return {row.response_id: key.decrypt(row.token, row.key_id) for row in rows}
