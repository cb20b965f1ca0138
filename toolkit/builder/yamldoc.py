"""Instrument YAML read and written in ruamel.yaml's round-trip mode.

The document keeps comments, key order, quoting, flow or block style and folded texts, so
that a file opened and written again without an edit comes back byte for byte. What the
round-trip mode cannot guess from the document is read from the text: the indentation of
mappings and sequences, the line endings, a byte-order mark.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from toolkit.errors import InstrumentError, Problem

__all__ = ["Style", "dump_document", "flow_map", "flow_seq", "load_document"]

#: No line is ever folded again on output: a long label stays on the line it was written on.
WIDTH = 4096
_MAPPING_CHILD = re.compile(r"^(?P<indent> +)(?!- )(?!#)\S")


@dataclass(frozen=True)
class Style:
    """How a file is laid out, so that it is written back the same way."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True


def _yaml(style: Style) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.width = WIDTH
    yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
    return yaml


def _mapping_indent(text: str) -> int:
    """Indentation of the first nested block mapping (``title:`` then ``  fr: …``)."""
    lines = text.splitlines()
    for number, line in enumerate(lines[:-1]):
        stripped = line.rstrip()
        if not stripped or stripped.lstrip().startswith("#") or not stripped.endswith(":"):
            continue
        if line.startswith((" ", "-")):
            continue
        following = next(
            (x for x in lines[number + 1 :] if x.strip() and not x.lstrip().startswith("#")), ""
        )
        match = _MAPPING_CHILD.match(following)
        if match:
            return len(match.group("indent"))
    return 2


def _style(text: str) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.replace("\r\n", "\n")
    try:
        _, sequence, offset = load_yaml_guess_indent(body)
    except YAMLError:
        sequence, offset = 4, 2
    sequence = sequence if isinstance(sequence, int) and sequence > 0 else 4
    offset = offset if isinstance(offset, int) and 0 <= offset < sequence else 2
    return Style(
        mapping=_mapping_indent(body),
        sequence=sequence,
        offset=offset,
        newline=newline,
        final_newline=body.endswith("\n") or not body,
    )


def load_document(text: str, *, source: str | None = None) -> tuple[CommentedMap, Style]:
    """Parse instrument YAML into a round-trip document and the layout to write it back.

    Raises
    ------
    InstrumentError
        ``I002`` when the text is not YAML, ``I003`` when it is not a mapping.
    """
    bom = text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    style = _style(body)
    style = Style(**{**style.__dict__, "bom": bom})
    try:
        document = _yaml(style).load(body.replace("\r\n", "\n"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        error = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InstrumentError(
            problems=[Problem("I002", {"error": error}, file=source, line=line)]
        ) from None
    except YAMLError as exc:
        raise InstrumentError(
            problems=[Problem("I002", {"error": str(exc)}, file=source)]
        ) from None
    if document is None:
        document = CommentedMap()
    if not isinstance(document, CommentedMap):
        raise InstrumentError(
            problems=[Problem("I003", {"got": type(document).__name__}, file=source, line=1)]
        )
    return document, style


def dump_document(document: CommentedMap, style: Style) -> str:
    """The document as text, laid out as it was read."""
    buffer = io.StringIO()
    _yaml(style).dump(document, buffer)
    text = buffer.getvalue()
    if not style.final_newline:
        text = text.removesuffix("\n")
    if style.newline != "\n":
        text = text.replace("\n", style.newline)
    return ("\ufeff" if style.bom else "") + text


def flow_map(values: dict) -> CommentedMap:
    """A mapping written on one line, ``{fr: …, en: …}``, as the catalogue writes labels."""
    node = CommentedMap(values)
    node.fa.set_flow_style()
    return node


def flow_seq(values: list) -> CommentedSeq:
    """A list written on one line, ``[fr, en]``."""
    node = CommentedSeq(values)
    node.fa.set_flow_style()
    return node
