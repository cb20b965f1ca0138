"""Who a privacy request is about: one response, everyone whose ``pii`` answer matches, or a
pseudonym (of a workshop participant, or of an interview in the qualitative corpus)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from toolkit.errors import Problem, StoreError
from toolkit.qual.erasure import documents_of
from toolkit.store import Store
from toolkit.store.pii import read_pii
from toolkit.store.pii_tables import pii_answers
from toolkit.store.schema import responses
from toolkit.training import tables as training

__all__ = ["Subject", "find_subject", "normalise"]


@dataclass(frozen=True)
class Subject:
    """The records a request concerns: response ids, workshop participant ids and the ids of
    the qualitative documents about the person (see :mod:`toolkit.qual.erasure`)."""

    response_ids: tuple[str, ...] = ()
    participant_ids: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.response_ids and not self.participant_ids and not self.document_ids


def normalise(value: str) -> str:
    """A value as compared for a match: case, accents, spaces and ``.-/`` do not count.

    >>> normalise("06 12.34-56 78") == normalise("0612345678")
    True
    >>> normalise("Inès DURAND") == normalise("ines durand")
    True
    """
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    kept = (c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in kept if c not in " \t.-/_()")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def find_subject(
    store: Store,
    *,
    response_id: str | None = None,
    value: str | None = None,
    pseudonym: str | None = None,
) -> Subject:
    """The records about one person, found by any of the three keys given.

    Parameters
    ----------
    response_id
        One response (the id a respondent was given, or found in a list).
    value
        A ``pii`` answer such as a phone number or a name: every response whose ``pii``
        answers hold it (compared with :func:`normalise`; every token is decrypted).
    pseudonym
        A workshop pseudonym: every participation under it, whatever the session; or the
        pseudonym of an interview in the qualitative corpus: the documents filed under it.
        The documents made from the responses found come along whatever the key.

    Raises
    ------
    StoreError
        ``P020`` when no key is given, ``S004``/``S003`` for a bad or unknown response id.

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
    >>> ines = store.submit("visite", {"telephone": "06 12 34 56 78", "nb": 2})
    >>> find_subject(store, value="0612345678").response_ids == (ines,)
    True
    >>> find_subject(store, response_id=ines).response_ids == (ines,)
    True
    >>> find_subject(store, value="07 00 00 00 00").empty
    True
    """
    if response_id is None and not value and not pseudonym:
        raise StoreError(problems=[Problem("P020", {})])
    ids: set[str] = set()
    if response_id is not None:
        ids.add(store.get(response_id).response_id)
    participants: tuple[str, ...] = ()
    name = " ".join(pseudonym.split()) if pseudonym else None
    with store.engine.connect() as conn:
        if value:
            target = normalise(value)
            secrets = read_pii(conn, store.key, select(pii_answers.c.response_id))
            ids.update(
                rid
                for rid, secret in secrets.items()
                if any(normalise(s) == target for s in _strings(secret))
            )
        if name:
            found = conn.execute(
                select(training.participants.c.id).where(training.participants.c.pseudonym == name)
            ).scalars()
            participants = tuple(sorted(found))
        ordered = tuple(
            conn.execute(
                select(responses.c.response_id)
                .where(responses.c.response_id.in_(ids))
                .order_by(responses.c.instrument_id, responses.c.updated_at)
            ).scalars()
        )
        documents = documents_of(conn, ordered, name)
    return Subject(response_ids=ordered, participant_ids=participants, document_ids=documents)
