"""The findings of a qualitative project in one call, as tidy tables (for reports).

A report module can plug a « qualitatif » kind on :func:`findings`: every table is a tidy
DataFrame, with small cells suppressed and respondents named by pseudonym only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.qual.analysis import code_frequencies, coding_matrix, quotes
from toolkit.qual.reliability import agreement, disagreements

__all__ = ["findings"]


def findings(
    project,
    *,
    instrument_id: str | None = None,
    by: str | None = None,
    codes: Sequence[str] | None = None,
    rule: str = "any",
    per_code: int = 3,
    max_chars: int = 280,
    n_boot: int = 1000,
    threshold: int = 5,
    lang: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Frequencies, quotes, agreement and disagreements of ``project``.

    Parameters
    ----------
    project
        A :class:`toolkit.qual.QualProject`.
    instrument_id
        Keep the segments of this instrument's responses (default: the whole corpus).
    by
        An attribute for the frequencies (``sector``, ``wave``…).
    codes
        Codes to report (default: every active code).

    Returns
    -------
    dict of pandas.DataFrame
        ``frequencies`` (respondents per code, :func:`code_frequencies`), ``quotes``
        (:func:`quotes`), ``agreement`` (:func:`agreement`; empty with fewer than two
        coders) and ``disagreements``.

    Examples
    --------
    >>> from toolkit.demo.qual import fill_qual_demo
    >>> from toolkit.qual import QualProject
    >>> from toolkit.store import connect
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.store.keyfile import create_key
    >>> key = create_key(Path(tempfile.mkdtemp()) / "pii.key")[0]
    >>> store = connect("sqlite://", key_file=key)
    >>> _ = fill_qual_demo(store)
    >>> tables = findings(QualProject(store), instrument_id="besoins_habitants", n_boot=0)
    >>> sorted(tables)
    ['agreement', 'disagreements', 'frequencies', 'quotes']
    >>> tables["frequencies"][["code", "n", "n_valid"]].head(2)
               code    n  n_valid
    0  acces_droits  9.0       40
    1     numerique  7.0       40
    """
    book = project.codebook()
    names = list(codes) if codes is not None else [c.id for c in book.active()]
    segments = project.segments()
    if instrument_id is not None:
        segments = segments[segments["instrument_id"] == instrument_id]
    codings = project.codings()
    codings = codings[codings["segment_id"].isin(set(segments["segment_id"]))]
    cases = coding_matrix(segments, codings, unit="case", codes=names, rule=rule)
    frequencies = code_frequencies(
        cases, codes=names, by=by, codebook=book, threshold=threshold, lang=lang
    )
    decisions = project.decisions(segments=segments["segment_id"])
    decisions = decisions[decisions["code"].isin(names)]
    two_coders = decisions["coder"].nunique() >= 2
    return {
        "frequencies": frequencies,
        "quotes": quotes(
            segments, codings, codes=names, per_code=per_code, max_chars=max_chars, rule=rule
        ),
        "agreement": agreement(decisions, n_boot=n_boot) if two_coders else pd.DataFrame(),
        "disagreements": disagreements(decisions) if two_coders else pd.DataFrame(),
    }
