"""Read transcripts and notes (``.txt``, ``.docx``, ``.odt``) and cut them into segments.

A transcript whose lines start with a speaker (``Enquêteur :``, ``Personne :``, ``E :``…)
is cut into speaker turns; any other text into paragraphs. Offsets are counted in Unicode
code points of the NFC-normalised text, the unit REFI-QDA positions use too.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from toolkit.qual.errors import qual_error

__all__ = ["FORMATS", "Piece", "normalise_text", "read_document", "split_text"]

FORMATS = (".txt", ".md", ".docx", ".odt")
#: Largest file read (a two-hour transcript is well under 1 MB of text).
MAX_BYTES = 20_000_000
_SPEAKER = re.compile(r"^\s*(?P<speaker>[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’. -]{0,40}?)\s*[:：]\s+(?P<rest>\S.*)$")
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


@dataclass(frozen=True)
class Piece:
    """One segment cut from a text: ``text == document[start:end]``."""

    start: int
    end: int
    text: str
    speaker: str | None = None


def normalise_text(text: str) -> str:
    """NFC, Unix line ends, no trailing spaces, no BOM: what offsets are counted on."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def read_document(path: str | Path) -> str:
    """The plain text of a ``.txt``/``.md`` (UTF-8, else Windows-1252), ``.docx`` or ``.odt``.

    Raises
    ------
    QualError
        ``Q020`` unreadable or damaged file, ``Q021`` unsupported format, ``Q022`` no text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise qual_error("Q021", file=str(path), suffix=suffix or "-", allowed=", ".join(FORMATS))
    try:
        if path.stat().st_size > MAX_BYTES:
            raise qual_error("Q020", file=str(path), detail=f"> {MAX_BYTES // 1_000_000} Mo")
        if suffix in (".txt", ".md"):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
        elif suffix == ".docx":
            text = _docx(path)
        else:
            text = _odt(path)
    except (
        OSError,
        UnicodeDecodeError,
        zipfile.BadZipFile,
        KeyError,
        ElementTree.ParseError,
        ValueError,
    ) as exc:
        raise qual_error("Q020", file=str(path), detail=f"{type(exc).__name__}: {exc}") from None
    text = normalise_text(text)
    if not text.strip():
        raise qual_error("Q022", file=str(path))
    return text


def _docx(path: Path) -> str:
    from docx import Document  # python-docx: reads Word files without Word
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except PackageNotFoundError as exc:
        raise ValueError(str(exc)) from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def _odt(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - expat refuses entity bombs; no external entities
    paragraphs = []
    for element in root.iter():
        if element.tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            text = _odf_text(element)
            if text.strip():
                paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _odf_text(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{_ODF_TEXT}}}c", "1")))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag not in ("p", "h"):
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def split_text(text: str) -> list[Piece]:
    """Cut ``text`` (normalised) into speaker turns when most blocks start with a speaker,
    else into paragraphs (blocks separated by blank lines; single lines when there are none).

    Examples
    --------
    >>> [p.speaker for p in split_text("Enquêteur : Bonjour.\\nPersonne : Ça va.")]
    ['Enquêteur', 'Personne']
    >>> [p.text for p in split_text("Un.\\n\\nDeux.")]
    ['Un.', 'Deux.']
    """
    lines = text.split("\n")
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    content = [i for i, line in enumerate(lines) if line.strip()]
    speakers = {i: m for i in content if (m := _SPEAKER.match(lines[i])) is not None}
    if content and len(speakers) >= 2 and len(speakers) * 2 >= len(content):
        return _turns(text, lines, starts, speakers)
    return _paragraphs(text, lines, starts)


def _turns(
    text: str, lines: list[str], starts: list[int], speakers: dict[int, re.Match]
) -> list[Piece]:
    pieces = []
    bounds = [*speakers, len(lines)]
    first = bounds[0]
    if any(line.strip() for line in lines[:first]):
        pieces.extend(
            _paragraphs(text[: starts[first]].rstrip("\n"), lines[:first], starts[:first])
        )
    for turn, nxt in itertools.pairwise(bounds):
        match = speakers[turn]
        start = starts[turn] + match.start("rest")
        last = max(i for i in range(turn, nxt) if lines[i].strip())
        end = starts[last] + len(lines[last])
        pieces.append(Piece(start, end, text[start:end], match.group("speaker").strip()))
    return pieces


def _paragraphs(text: str, lines: list[str], starts: list[int]) -> list[Piece]:
    blocks: list[tuple[int, int]] = []
    current: list[int] = []
    for index, line in enumerate(lines):
        if line.strip():
            current.append(index)
        elif current:
            blocks.append((current[0], current[-1]))
            current = []
    if current:
        blocks.append((current[0], current[-1]))
    pieces = []
    for first, last in blocks:
        start = starts[first] + (len(lines[first]) - len(lines[first].lstrip()))
        end = starts[last] + len(lines[last])
        pieces.append(Piece(start, end, text[start:end]))
    return pieces
