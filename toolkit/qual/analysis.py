"""Findings from coded segments, as tidy DataFrames (same conventions as :mod:`toolkit.analysis`).

- :func:`coding_matrix`: segment × code or case × code 0/1 matrix with the attributes, the
  bridge to mixed methods (:func:`join_closed_answers` adds the closed answers);
- :func:`code_frequencies`: how many segments or respondents mention each code, overall or
  by attribute, with design-based CIs (segments are clustered within respondents) and
  small-cell suppression;
- :func:`cooccurrence` and :func:`plot_cooccurrence`: codes found together;
- :func:`quotes`: representative, pseudonymised, length-capped quotes per code.

Examples
--------
>>> import pandas as pd
>>> segments = pd.DataFrame({"segment_id": [1, 2, 3], "case_id": ["a", "b", "b"],
...     "pseudonym": ["BH-0001", "BH-0002", "BH-0002"], "response_id": [None] * 3,
...     "text": ["Le bruit la nuit.", "Mon dossier CAF.", "Et le bruit."],
...     "sector": ["gare", "gare", "centre"]})
>>> codings = pd.DataFrame({"segment_id": [1, 2, 3], "coder": "Awa",
...     "code": ["tranquillite", "acces_droits", "tranquillite"], "span": False, "start": 0, "end": 0})
>>> matrix = coding_matrix(segments, codings, unit="case")
>>> matrix[["pseudonym", "tranquillite", "acces_droits"]]
  pseudonym  tranquillite  acces_droits
0   BH-0001          True         False
1   BH-0002          True          True

Two segments carry ``tranquillite``, one ``acces_droits``, and no segment both:

>>> cooccurrence(segments, codings)
         code_a        code_b  n  jaccard
0  acces_droits  acces_droits  1      1.0
1  acces_droits  tranquillite  0      0.0
2  tranquillite  acces_droits  0      0.0
3  tranquillite  tranquillite  2      1.0
>>> ax = plot_cooccurrence(cooccurrence(segments, codings))
>>> [label.get_text() for label in ax.get_yticklabels()]
['acces_droits', 'tranquillite']

One quote per respondent and code, the shorter first when as many coders agree:

>>> quotes(segments, codings)[["code", "rank", "pseudonym", "quote"]]
           code  rank pseudonym              quote
0  acces_droits     1   BH-0002   Mon dossier CAF.
1  tranquillite     1   BH-0002       Et le bruit.
2  tranquillite     2   BH-0001  Le bruit la nuit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.qual.codebook import Codebook
from toolkit.qual.errors import qual_error

__all__ = [
    "code_frequencies",
    "coding_matrix",
    "cooccurrence",
    "join_closed_answers",
    "plot_cooccurrence",
    "quotes",
]

UNITS = ("segment", "case")
RULES = ("any", "majority")
_SEGMENT_COLUMNS = (
    "segment_id",
    "document_id",
    "document",
    "kind",
    "instrument_id",
    "question",
    "speaker",
    "position",
    "start",
    "end",
    "text",
)


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise qual_error("Q056", field=", ".join(missing), known=", ".join(map(str, frame.columns)))


def _applied(codings: pd.DataFrame, rule: str, coders: Sequence[str] | None) -> pd.DataFrame:
    """(segment_id, code) pairs that count as coded under ``rule``."""
    if rule not in RULES:
        raise qual_error("Q051", field="rule", got=rule, allowed=", ".join(RULES))
    if coders is not None:
        codings = codings[codings["coder"].isin(list(coders))]
    pairs = codings[["segment_id", "coder", "code"]].drop_duplicates()
    if rule == "any" or pairs.empty:
        return pairs[["segment_id", "code"]].drop_duplicates()
    n_coders = (
        pairs.groupby("segment_id")["coder"].transform("nunique") if coders is None else len(coders)
    )
    counts = pairs.groupby(["segment_id", "code"]).size().rename("k").reset_index()
    total = pairs.groupby("segment_id")["coder"].nunique().rename("m") if coders is None else None
    counts = counts.join(total, on="segment_id") if total is not None else counts.assign(m=n_coders)
    return counts.loc[counts["k"] * 2 > counts["m"], ["segment_id", "code"]]


def coding_matrix(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    unit: str = "segment",
    codes: Sequence[str] | None = None,
    rule: str = "any",
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """0/1 matrix of units × codes, with the units' attributes.

    Parameters
    ----------
    segments
        :meth:`QualProject.segments` (``segment_id``, ``case_id``, ``pseudonym``,
        attributes…).
    codings
        :meth:`QualProject.codings` (``segment_id``, ``coder``, ``code``…).
    unit
        ``segment`` (one row per segment) or ``case`` (one row per respondent or
        interviewee: a code is present if it is present in any of their segments).
    codes
        Code columns, in this order (default: the codes found, sorted).
    rule
        With several coders: ``any`` (one coder applied it) or ``majority`` (more than half
        of the coders who coded the segment did).
    coders
        Keep only these coders' codings.

    Returns
    -------
    pandas.DataFrame
        The unit's columns (segment columns, or ``case_id``, ``pseudonym``, ``response_id``,
        ``n_segments``), the attributes, then one boolean column per code.
    """
    if unit not in UNITS:
        raise qual_error("Q051", field="unit", got=unit, allowed=", ".join(UNITS))
    _require(segments, ("segment_id", "case_id", "pseudonym"))
    _require(codings, ("segment_id", "coder", "code"))
    pairs = _applied(codings, rule, coders)
    names = list(codes) if codes is not None else sorted(pairs["code"].unique())
    flags = pd.crosstab(pairs["segment_id"], pairs["code"]).reindex(columns=names, fill_value=0) > 0
    base = segments.reset_index(drop=True)
    coded = flags.reindex(base["segment_id"]).fillna(False).astype(bool).reset_index(drop=True)
    if unit == "segment":
        return pd.concat([base, coded], axis=1)
    attributes = [
        c
        for c in base.columns
        if c not in _SEGMENT_COLUMNS and c not in ("case_id", "pseudonym", "response_id")
    ]
    grouped = pd.concat([base[["case_id"]], coded], axis=1).groupby("case_id", sort=False)
    cases = grouped.any().reset_index()
    first = base.drop_duplicates("case_id").set_index("case_id")
    head = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "pseudonym": first.loc[cases["case_id"], "pseudonym"].to_numpy(),
            "response_id": first.loc[cases["case_id"], "response_id"].to_numpy()
            if "response_id" in first
            else None,
            "n_segments": base.groupby("case_id", sort=False)
            .size()
            .loc[cases["case_id"]]
            .to_numpy(),
        }
    )
    attrs = first.loc[cases["case_id"], attributes].reset_index(drop=True)
    return pd.concat([head, attrs, cases[names].astype(bool)], axis=1)


def code_frequencies(
    matrix: pd.DataFrame,
    *,
    codes: Sequence[str],
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    codebook: Codebook | None = None,
    threshold: int = 5,
    ci_method: str = "logit",
    level: float = 0.95,
    lang: str | None = None,
) -> pd.DataFrame:
    """Share of units (segments or respondents) that carry each code, with CIs.

    The estimates come from :func:`toolkit.analysis.proportions`: with ``weight``, the
    survey weight of the response; on a segment matrix the segments of one respondent form
    a cluster (``psu = case_id``), so that a talkative respondent does not narrow the
    interval. Cells with fewer than ``threshold`` units are suppressed
    (:func:`toolkit.analysis.suppress`, code by code, with secondary suppression across the
    ``by`` domains).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``code``, ``label``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``n`` (units with the code), ``n_valid`` (units), ``suppressed``,
        ``suppression``; one row per code (and domain), in the order of ``codes``.

    Examples
    --------
    Ten respondents (a case × code matrix, as ``coding_matrix(..., unit="case")`` gives):
    six spoke of noise, five of their CAF file:

    >>> import pandas as pd
    >>> matrix = pd.DataFrame({"case_id": [f"c{i}" for i in range(10)],
    ...     "bruit": [True] * 6 + [False] * 4, "caf": [True, False] * 5})
    >>> table = code_frequencies(matrix, codes=["bruit", "caf"])
    >>> table[["code", "estimate", "ci_low", "ci_high", "n", "n_valid"]].round(3)
        code  estimate  ci_low  ci_high  n  n_valid
    0  bruit       0.6   0.243    0.875  6       10
    1    caf       0.5   0.181    0.819  5       10

    Fewer than ``threshold`` respondents with the code: the cell is hidden.

    >>> code_frequencies(matrix, codes=["caf"], threshold=6)[["estimate", "suppressed"]]
       estimate  suppressed
    0       NaN        True
    """
    from toolkit.analysis import Design, proportions, suppress

    codes = list(codes)
    _require(matrix, [*codes, "case_id"] + ([weight] if weight else []))
    segment_level = "segment_id" in matrix.columns
    design = Design(weight=weight, psu="case_id" if segment_level else None)
    tables = []
    for code in codes:
        data = matrix.assign(**{code: matrix[code].astype(bool)})
        table = proportions(data, code, design=design, by=by, ci_method=ci_method, level=level)
        table = table[table["level"].astype(str) == "True"].drop(columns=["level"])
        tables.append(table)
    out = pd.concat(tables, ignore_index=True).rename(columns={"variable": "code"})
    out.insert(
        out.columns.get_loc("code") + 1, "label", [_label(codebook, c, lang) for c in out["code"]]
    )
    # Each code is a table of its own (a respondent may carry several codes, so codes do not
    # add up): small cells are hidden, with secondary suppression across the domains only.
    dims = [by] if isinstance(by, str) else list(by or [])
    parts = [
        suppress(part, threshold=threshold, dimensions=dims)
        for _, part in out.groupby("code", sort=False)
    ]
    return pd.concat(parts).loc[out.index]


def _label(codebook: Codebook | None, code: str, lang: str | None) -> str:
    if codebook is None or code not in codebook:
        return code
    return codebook.path(code, lang)


def join_closed_answers(case_matrix: pd.DataFrame, store, instrument_id: str) -> pd.DataFrame:
    """The case × code matrix joined to the respondents' closed answers (``Store.frame``).

    Rows are the cases of ``instrument_id``'s responses; ``pii`` fields stay out.

    Examples
    --------
    A round's two open answers, coded, joined back to their responses; the phone number
    (a ``pii`` field) stays out:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.instruments import loads
    >>> from toolkit.qual import QualProject, load_codebook
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre}]},"
    ...     " {name: besoin, type: text}, {name: telephone, type: text, pii: true}]}"
    ... ))
    >>> _ = store.submit_many("tournee", [
    ...     {"answers": {"secteur": "gare", "besoin": "Le bruit la nuit dans le hall.",
    ...                  "telephone": "0600000000"}},
    ...     {"answers": {"secteur": "centre", "besoin": "Mon dossier CAF est bloqué.",
    ...                  "telephone": "0611111111"}},
    ... ])
    >>> project = QualProject(store)
    >>> project.sync().added
    {'tournee': 2}
    >>> _ = project.save_codebook(
    ...     load_codebook("surveys/codebooks/besoins_habitants.yaml"), by="Awa")
    >>> segments = project.segments()
    >>> code_of = {"gare": "tranquillite", "centre": "acces_droits"}
    >>> for segment, sector in zip(segments["segment_id"], segments["secteur"]):
    ...     _ = project.code(int(segment), code_of[sector], "Awa")
    >>> cases = coding_matrix(project.segments(), project.codings(), unit="case")
    >>> joined = join_closed_answers(cases, store, "tournee")
    >>> print(joined.sort_values("secteur")[["secteur", "besoin", "tranquillite"]].to_string(index=False))
    secteur                         besoin  tranquillite
     centre    Mon dossier CAF est bloqué.         False
       gare Le bruit la nuit dans le hall.          True
    >>> "telephone" in joined.columns, "submitted_at" in joined.columns
    (False, True)
    """
    _require(case_matrix, ("response_id",))
    frame = store.frame(instrument_id)
    answers = frame.drop(
        columns=[c for c in frame.columns if c in case_matrix.columns and c != "response_id"]
    )
    left = case_matrix[case_matrix["response_id"].notna()].astype({"response_id": "string"})
    return left.merge(answers, on="response_id", how="inner")


def cooccurrence(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    codes: Sequence[str] | None = None,
    mode: str = "segment",
    coders: Sequence[str] | None = None,
    threshold: int = 0,
) -> pd.DataFrame:
    """How often two codes are found together.

    Parameters
    ----------
    mode
        ``segment``: both codes on the same segment (by any of the coders kept);
        ``overlap``: two codings by the same coder whose ranges overlap (a whole-segment
        coding covers the whole segment).
    threshold
        Counts from 1 to ``threshold - 1`` are suppressed (NaN) for publication.

    Returns
    -------
    pandas.DataFrame
        ``code_a``, ``code_b`` (every ordered pair, the diagonal holding each code's own
        count), ``n``, ``jaccard`` (``n`` over segments with either code).
    """
    if mode not in ("segment", "overlap"):
        raise qual_error("Q051", field="mode", got=mode, allowed="segment, overlap")
    if coders is not None:
        codings = codings[codings["coder"].isin(list(coders))]
    active = set(segments["segment_id"])
    codings = codings[codings["segment_id"].isin(active)]
    names = list(codes) if codes is not None else sorted(codings["code"].unique())
    index = {c: i for i, c in enumerate(names)}
    together = np.zeros((len(names), len(names)), dtype=int)
    lengths = dict(zip(segments["segment_id"], segments["text"].str.len(), strict=True))
    per_segment: dict[int, set[str]] = {}
    for seg, code in zip(codings["segment_id"], codings["code"], strict=True):
        if code in index:
            per_segment.setdefault(int(seg), set()).add(code)
    if mode == "segment":
        for found in per_segment.values():
            for a in found:
                for b in found:
                    together[index[a], index[b]] += 1
    else:
        for (seg, _coder), group in codings.groupby(["segment_id", "coder"]):
            ranges = [
                (c, (s, e) if span else (0, lengths.get(seg, 0)))
                for c, span, s, e in zip(
                    group["code"], group["span"], group["start"], group["end"], strict=True
                )
                if c in index
            ]
            pairs = set()
            for a, (s1, e1) in ranges:
                for b, (s2, e2) in ranges:
                    if s1 < e2 and s2 < e1:
                        pairs.add((a, b))
            for a, b in pairs:
                together[index[a], index[b]] += 1
    rows = []
    for a in names:
        for b in names:
            n = int(together[index[a], index[b]])
            either = together[index[a], index[a]] + together[index[b], index[b]] - n
            rows.append((a, b, n, n / either if either else np.nan))
    out = pd.DataFrame(rows, columns=["code_a", "code_b", "n", "jaccard"])
    if threshold > 0:
        small = (out["n"] > 0) & (out["n"] < threshold)
        out["n"] = out["n"].astype("Float64").mask(small)
        out["jaccard"] = out["jaccard"].mask(small)
    return out


def plot_cooccurrence(
    table: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    value: str = "n",
    ax=None,
    lang: str | None = None,
):
    """Heatmap of :func:`cooccurrence`; returns the Matplotlib ``Axes``."""
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(table["code_a"]))
    grid = table.pivot(index="code_a", columns="code_b", values=value).reindex(
        index=names, columns=names
    )
    values = grid.astype(float).to_numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.6 * len(names), 0.8 + 0.5 * len(names)))
    image = ax.imshow(values, cmap="Blues")
    labels = [_label(codebook, n, lang) if codebook else n for n in names]
    ax.set_xticks(range(len(names)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), labels)
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            text = f"{v:.2f}" if value == "jaccard" else f"{int(v)}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                color="white" if v > top / 2 else "black",
                fontsize=8,
            )
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def quotes(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    codes: Sequence[str] | None = None,
    per_code: int = 3,
    max_chars: int = 280,
    attributes: Sequence[str] = ("sector",),
    rule: str = "any",
) -> pd.DataFrame:
    """Representative quotes per code, for reports.

    A quote is the coded span (or the whole segment), capped at ``max_chars`` at a word
    boundary. Per code, segments on which the most coders agree come first, then the
    shorter ones; at most one quote per respondent and code. Respondents are named by
    pseudonym only.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``rank``, ``pseudonym``, the ``attributes`` present, ``quote``,
        ``n_coders`` (coders who applied the code there), ``segment_id``.
    """
    pairs = _applied(codings, rule, None)
    keep = set(zip(pairs["segment_id"], pairs["code"], strict=True))
    seg = segments.set_index("segment_id")
    attrs = [a for a in attributes if a in seg.columns]
    names = list(codes) if codes is not None else sorted(pairs["code"].unique())
    rows = []
    for code in names:
        mine = codings[(codings["code"] == code) & codings["segment_id"].isin(seg.index)]
        mine = mine[[(s, code) in keep for s in mine["segment_id"]]]
        if mine.empty:
            continue
        support = mine.groupby("segment_id")["coder"].nunique()
        candidates = []
        for segment_id, group in mine.groupby("segment_id"):
            text = str(seg.at[segment_id, "text"])
            spans = group[group["span"].astype(bool)]
            quote = (
                text[int(spans["start"].iloc[0]) : int(spans["end"].iloc[0])]
                if not spans.empty
                else text
            )
            candidates.append((-int(support[segment_id]), len(quote), segment_id, quote))
        seen: set[str] = set()
        rank = 0
        for neg_support, _, segment_id, quote in sorted(candidates):
            case = str(seg.at[segment_id, "case_id"])
            if case in seen:
                continue
            seen.add(case)
            rank += 1
            row = {"code": code, "rank": rank, "pseudonym": seg.at[segment_id, "pseudonym"]}
            row.update({a: seg.at[segment_id, a] for a in attrs})
            row.update(
                {
                    "quote": _cut(quote, max_chars),
                    "n_coders": -neg_support,
                    "segment_id": int(segment_id),
                }
            )
            rows.append(row)
            if rank >= per_code:
                break
    columns = ["code", "rank", "pseudonym", *attrs, "quote", "n_coders", "segment_id"]
    return pd.DataFrame(rows, columns=columns)
