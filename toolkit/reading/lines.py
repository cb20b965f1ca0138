"""Where a YAML value came from, and "did you mean" hints, for the loaders' coded problems.

The instrument, training-module and codebook loaders all walk documents parsed by ruamel.yaml
(which keeps each node's line) and all suggest the closest allowed word for a misspelt key or
reference; these are the helpers they share.

Examples
--------
>>> from ruamel.yaml import YAML
>>> node = YAML().load("id: visite\\nquestions:\\n  - name: rue\\n")
>>> line_of(node), line_of(node, "questions"), line_of(node["questions"], 0)
(1, 2, 3)
>>> line_of(node, "absent") is None
True
>>> closest("questons", ["id", "questions", "title"])
'questions'
>>> suggestion("questons", ["id", "questions"]).render("en")
" (did you mean 'questions'?)"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedSeq

from toolkit.i18n import Msg, t

__all__ = ["closest", "line_of", "suggestion"]


def line_of(node: object, key: object = None) -> int | None:
    """1-based line of ``node``, or of its ``key`` (mapping) or item ``key`` (sequence).

    ``None`` when the parser kept no position for it (a plain dict, an absent key).
    """
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(node, CommentedSeq):
            return int(lc.item(key)[0]) + 1
        return int(lc.key(key)[0]) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def closest(word: str, candidates: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (difflib's ratio at least ``cutoff``), else ``None``."""
    names = [str(c) for c in candidates]
    found = difflib.get_close_matches(str(word), names, n=1, cutoff=cutoff)
    return found[0] if found else None


@dataclass(frozen=True, eq=False)
class _Suggestion(Msg):
    """A "did you mean" hint, looked for among the candidates only when the message is shown."""

    word: str = ""
    candidates: Iterable[object] = ()

    def render(self, lang: str | None = None) -> str:
        close = closest(self.word, self.candidates)
        return t(self.key, lang, name=close) if close else ""


def suggestion(word: str, candidates: Iterable[object], *, ref: bool = False) -> Msg:
    """A "did you mean" hint for ``word`` among ``candidates`` (empty when none is close).

    ``candidates`` is kept as given, not copied: pass a collection that no longer changes.
    ``ref=True`` words the hint for a reference in an expression (``${name}``).
    """
    key = "hint.did_you_mean_ref" if ref else "hint.did_you_mean"
    return _Suggestion(key, (), str(word), candidates)
