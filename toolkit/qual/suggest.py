"""Suggested codes for uncoded segments, from each code's keywords, label and example,
compared on French word stems (Snowball). A suggestion is only ever shown to a coder to
accept or reject; :func:`suggestion_accuracy` says how often suggestions matched what
people coded.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from toolkit.qual.codebook import Codebook

__all__ = ["stems", "suggest", "suggestion_accuracy"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
#: French words too common to point at any code.
STOP_WORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "même",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "à",
        "m",
        "n",
        "s",
        "t",
        "y",
        "été",
        "être",
        "avoir",
        "fait",
        "faire",
        "plus",
        "très",
        "tout",
        "tous",
        "toute",
        "toutes",
        "rien",
        "ça",
        "cela",
        "ici",
        "là",
        "est",
        "sont",
        "ont",
        "suis",
        "ai",
        "a",
    ]
)


@functools.cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("french")


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def stems(text: str) -> set[str]:
    """Stems of the words of ``text`` (lower case, accents folded, stop words dropped).

    Examples
    --------
    >>> sorted(stems("Les démarches administratives, la démarche"))
    ['administr', 'demarch']
    """
    words = []
    for raw in _WORD.findall(text.lower()):
        for word in re.split(r"['’]", raw):
            if len(word) > 1 and word not in STOP_WORDS:
                words.append(word)
    return {_fold(s) for s in _stemmer().stemWords(words)}


@functools.lru_cache(maxsize=16)
def _profiles(codebook: Codebook) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per active code: (keyword stems, stems of label and example)."""
    out = {}
    for code in codebook.active():
        keywords = frozenset(s for k in code.keywords for s in stems(k))
        others = set(stems(code.label.get("fr")))
        if code.example is not None:
            others |= stems(code.example.get("fr"))
        out[code.id] = (keywords, frozenset(others - keywords))
    return out


def suggest(
    text: str, codebook: Codebook, *, limit: int = 3, threshold: float = 1.0
) -> pd.DataFrame:
    """Codes whose keywords (weight 1) or label and example words (weight 0.5) appear in ``text``.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``score``, ``matched`` (the stems found), best first, at most ``limit``
        rows with ``score >= threshold``.

    Examples
    --------
    >>> from toolkit.qual import load_codebook
    >>> book = load_codebook("surveys/codebooks/besoins_habitants.yaml")
    >>> suggest("Le bruit dans le hall la nuit, j'ai peur.", book)["code"].tolist()
    ['tranquillite']
    """
    words = stems(text)
    rows = []
    for code_id, (keywords, others) in _profiles(codebook).items():
        hits = sorted(words & keywords)
        soft = sorted(words & others)
        score = len(hits) + 0.5 * len(soft)
        if score >= threshold:
            rows.append((code_id, score, ", ".join(hits + soft)))
    frame = pd.DataFrame(rows, columns=["code", "score", "matched"])
    return (
        frame.sort_values(["score", "code"], ascending=[False, True], kind="stable")
        .head(limit)
        .reset_index(drop=True)
    )


def suggestion_accuracy(
    segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook, **options: object
) -> pd.DataFrame:
    """How often suggestions match human coding, on segments people coded.

    For each segment that at least one coder looked at, the codes suggested from its text
    are compared with the codes applied by anyone.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_segments``, ``n_suggested``, ``precision`` (share of suggestions a coder
        applied), ``recall`` (share of applied codes that were suggested).

    Examples
    --------
    Every code Awa applied was suggested, but two of the five suggestions (noise and youth
    on the third segment, where she coded only employment) were not taken:

    >>> import pandas as pd
    >>> from toolkit.qual import load_codebook
    >>> book = load_codebook("surveys/codebooks/besoins_habitants.yaml")
    >>> segments = pd.DataFrame({"segment_id": [1, 2, 3], "text": [
    ...     "Le bruit dans le hall la nuit.", "Mon dossier CAF est bloqué.",
    ...     "Les jeunes font du bruit mais je veux surtout un travail."]})
    >>> codings = pd.DataFrame({"segment_id": [1, 2, 3], "coder": "Awa",
    ...                         "code": ["tranquillite", "acces_droits", "emploi"]})
    >>> suggestion_accuracy(segments, codings, book)
       n_segments  n_suggested  precision  recall
    0           3            5        0.6     1.0
    """
    applied: dict[int, set[str]] = {}
    for seg, code in zip(codings["segment_id"], codings["code"], strict=True):
        applied.setdefault(int(seg), set()).add(str(code))
    texts = dict(zip(segments["segment_id"].astype(int), segments["text"], strict=True))
    suggested_total = hit = applied_total = found = 0
    for seg, codes in applied.items():
        if seg not in texts:
            continue
        suggested = set(suggest(texts[seg], codebook, **options)["code"])  # type: ignore[arg-type]
        suggested_total += len(suggested)
        hit += len(suggested & codes)
        applied_total += len(codes)
        found += len(codes & suggested)
    return pd.DataFrame(
        [
            {
                "n_segments": len(applied),
                "n_suggested": suggested_total,
                "precision": hit / suggested_total if suggested_total else float("nan"),
                "recall": found / applied_total if applied_total else float("nan"),
            }
        ]
    )
