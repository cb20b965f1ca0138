"""The draft's state: the file's lines, their parsed document, undo, checks and saving."""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from toolkit.builder.errors import BuilderError, refuse
from toolkit.builder.splice import Splice, Splicer, apply_splices
from toolkit.builder.yamldoc import Style, load_document
from toolkit.errors import InstrumentError, Problem
from toolkit.instruments import Instrument
from toolkit.instruments.loader import from_mapping

__all__ = ["DraftBase", "Renames"]

#: Steps that :meth:`DraftBase.undo` can take back.
UNDO_DEPTH = 50


@dataclass
class Renames:
    """What was renamed since the file was opened, for lining up answers across versions.

    ``questions`` maps an original question name to its name now; ``codes`` maps an original
    question name to ``{original code: code now}``; ``created`` holds the names of questions
    added in this draft and ``dropped_codes`` the codes deleted from a question's list.
    """

    questions: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    dropped_codes: dict[str, set[str]] = field(default_factory=dict)

    def original_of(self, name: str) -> str | None:
        """The original name of the question called ``name`` now (``None``: added here)."""
        if name in self.created:
            return None
        for original, current in self.questions.items():
            if current == name:
                return original
        if name in self.questions:  # renamed away: the name now belongs to nobody original
            return None
        return name


class DraftBase:
    """A round-trip document being edited; see :class:`toolkit.builder.Draft`."""

    def __init__(self, text: str, *, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        source = str(path) if path is not None else None
        document, style = load_document(text, source=source)
        self.style: Style = style
        self._lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
        self._document: CommentedMap = document
        self._opened = list(self._lines)
        self._saved = list(self._lines)
        self._undo: list[tuple[list[str], Renames]] = []
        self._checked: tuple[Instrument | None, tuple[Problem, ...]] | None = None
        self.renames = Renames()
        try:
            self.original: Instrument | None = from_mapping(document, source=source)
        except InstrumentError:
            self.original = None

    # ------------------------------------------------------------------ text and state

    @property
    def document(self) -> CommentedMap:
        """The parsed document (read it; edit through the draft's methods)."""
        return self._document

    def text(self) -> str:
        """The file as it would be saved now."""
        body = "\n".join(self._lines)
        if self.style.newline != "\n":
            body = body.replace("\n", self.style.newline)
        return ("\ufeff" if self.style.bom else "") + body

    @property
    def changed(self) -> bool:
        """Whether the draft differs from the file as it was opened."""
        return self._lines != self._opened

    @property
    def unsaved(self) -> bool:
        """Whether the draft differs from what was last saved (or opened)."""
        return self._lines != self._saved

    def _source(self) -> str:
        return str(self.path) if self.path is not None else "<brouillon>"

    # ------------------------------------------------------------------ checks

    def check(self) -> tuple[Instrument | None, tuple[Problem, ...]]:
        """The instrument the draft describes and the loader's problems (none when valid)."""
        if self._checked is None:
            try:
                self._checked = (from_mapping(self._document, source=self._source()), ())
            except InstrumentError as error:
                self._checked = (None, error.problems)
        return self._checked

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.check()[1]

    @property
    def valid(self) -> bool:
        return not self.problems

    def instrument(self) -> Instrument:
        """The instrument described now; raises :class:`InstrumentError` when it does not load."""
        instrument, problems = self.check()
        if instrument is None:
            raise InstrumentError(problems=problems)
        return instrument

    # ------------------------------------------------------------------ saving

    def save(self, path: str | Path | None = None, *, check: bool = True) -> Path:
        """Write the draft to ``path`` (default: where it was opened).

        With ``check`` (the default) a draft that does not load is refused with the loader's
        :class:`InstrumentError`, and nothing is written. The file is replaced atomically.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise refuse("B015")
        if check:
            self.instrument()
        write_atomically(target, self.text())
        self.path = target
        self._saved = list(self._lines)
        return target

    def export_xlsform(self, path: str | Path) -> Path:
        """Write the draft as an XLSForm workbook (KoboToolbox, ODK Collect, Enketo)."""
        from toolkit.interop import write_xlsform

        return write_xlsform(self.instrument(), path)

    def rebase(self, instrument: Instrument) -> None:
        """Take the draft as it is now as its new starting point (after a save): changes
        and renames are counted from here on, and :meth:`undo` starts afresh."""
        self.original = instrument
        self.renames = Renames()
        self._opened = list(self._lines)
        self._saved = list(self._lines)
        self._undo.clear()

    # ------------------------------------------------------------------ editing

    def _splicer(self) -> Splicer:
        return Splicer(self._document, self._lines, self.style)

    def _apply(self, splices: Sequence[Splice]) -> None:
        if not splices:
            return
        lines = apply_splices(self._lines, splices)
        document, _ = load_document("\n".join(lines), source=self._source())
        self._lines, self._document, self._checked = lines, document, None

    @contextlib.contextmanager
    def _editing(self, *, keep_valid: bool = False) -> Iterator[None]:
        """One user action: taken back whole by :meth:`undo`, or not at all on an error.

        With ``keep_valid``, an action that would turn a valid draft into one the loader
        refuses is refused (``B019``) and nothing changes: structural edits never break an
        instrument, whereas a text or an expression being typed may be wrong for a while.
        """
        before = (list(self._lines), copy.deepcopy(self.renames))
        was_valid = keep_valid and self.valid
        try:
            yield
            if was_valid and not self.valid:
                first = self.problems[0]
                raise BuilderError(
                    problems=[Problem("B019", {"detail": first.message()}, field=first.field)]
                )
        except BaseException:
            if self._lines != before[0]:
                self._restore(*before)
            self.renames = before[1]
            raise
        if self._lines != before[0] or self.renames != before[1]:
            self._undo.append(before)
            del self._undo[:-UNDO_DEPTH]

    def _restore(self, lines: list[str], renames: Renames) -> None:
        document, _ = load_document("\n".join(lines), source=self._source())
        self._lines, self._document, self._checked = lines, document, None
        self.renames = renames

    def undo(self) -> bool:
        """Take back the last edit; ``False`` when there is none left."""
        if not self._undo:
            return False
        self._restore(*self._undo.pop())
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
