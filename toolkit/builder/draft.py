"""The :class:`Draft` and the ways to start one: a file, a blank instrument, a copy of a
catalogue instrument, an XLSForm."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.choices import ChoiceEdits
from toolkit.builder.errors import refuse
from toolkit.builder.report import Missing, Untouched, missing_translations, untouched
from toolkit.builder.yamldoc import Style, dump_document, flow_map, flow_seq
from toolkit.errors import InstrumentError, Problem
from toolkit.i18n import t
from toolkit.instruments import Instrument, instrument_to_dict
from toolkit.instruments.loader import NAME_RE

__all__ = [
    "Draft",
    "copy_draft",
    "draft_from_instrument",
    "draft_from_xlsform",
    "new_draft",
    "open_draft",
]


class Draft(ChoiceEdits):
    """An instrument being edited, over ruamel.yaml's round-trip document of its file.

    Opening a file and saving it without an edit writes it back byte for byte. An edit
    changes the lines of what it edits and nothing else: comments, blank lines, key order,
    quoting and every key the builder has no control for (:meth:`untouched`) stay as they
    were. Questions are named by their name, or by their path ``"section/name"`` when
    the name is not unique.

    Every edit either happens whole or raises :class:`~toolkit.builder.BuilderError` (a
    coded refusal: unknown question, name taken, question still used…) and changes nothing.
    :attr:`problems` lists what the loader would refuse (the same checks as
    :func:`toolkit.instruments.load`), :meth:`save` writes, :meth:`export_xlsform` exports,
    :meth:`undo` takes the last edit back, :attr:`renames` records renamed questions and
    codes so that versions line up.

    Examples
    --------
    >>> from toolkit.builder import open_draft
    >>> draft = open_draft("surveys/barometre_ambiance.yaml")
    >>> draft.text() == open("surveys/barometre_ambiance.yaml", encoding="utf-8").read()
    True
    >>> draft.set_label("sexe", "Genre")
    >>> draft.texts("sexe", "label")
    {'fr': 'Genre', 'en': 'Sex'}
    >>> [m.lang for m in draft.missing_translations()]
    []
    """

    def untouched(self) -> list[Untouched]:
        """What the builder keeps as it is, having no control for it (« non modifiable ici »)."""
        return untouched(self._document)

    def missing_translations(self) -> list[Missing]:
        """Texts written in some declared languages and missing in others."""
        return missing_translations(self._document, self.languages)


def open_draft(path: str | Path) -> Draft:
    """Open an instrument file for editing.

    The file need not be valid: a draft of a broken file lists its problems and can still
    be edited (only the YAML itself must parse).

    Raises
    ------
    InstrumentError
        ``I001`` unreadable file, ``I002`` not YAML, ``I003`` not a mapping.
    """
    source = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(
            problems=[Problem("I001", {"error": str(exc)}, file=source)]
        ) from None
    return Draft(text, path=path)


def _new(document: CommentedMap) -> Draft:
    draft = Draft(dump_document(document, Style()))
    for question in draft.questions():
        draft.renames.created.add(question.name)
    draft.original = None
    return draft


def new_draft(
    instrument_id: str, title: str, *, lang: str = "fr", languages: tuple[str, ...] = ("fr", "en")
) -> Draft:
    """A blank instrument: one section holding one question to edit.

    Examples
    --------
    >>> draft = new_draft("voisinage", "Enquête de voisinage")
    >>> [q.ref for q in draft.questions()]
    ['section_1', 'section_1/question_1']
    >>> draft.valid
    True
    """
    if not NAME_RE.match(instrument_id or ""):
        raise refuse("B004", name=instrument_id)
    main = lang if lang in languages else languages[0]
    ordered = (main, *[x for x in languages if x != main])
    document = CommentedMap()
    document["id"] = instrument_id
    document["version"] = _quoted("1")
    document["title"] = flow_map({main: title.strip() or t("builder.new.title", main)})
    document["languages"] = flow_seq(list(ordered))
    question = CommentedMap()
    question["name"] = "question_1"
    question["type"] = "text"
    question["label"] = flow_map({main: t("builder.new.question", main)})
    section = CommentedMap()
    section["name"] = "section_1"
    section["label"] = flow_map({main: t("builder.new.section", main)})
    section["questions"] = CommentedSeq([question])
    document["sections"] = CommentedSeq([section])
    return _new(document)


def copy_draft(
    path: str | Path, instrument_id: str, *, title: Mapping[str, str] | None = None
) -> Draft:
    """A new instrument starting as a copy of the file at ``path`` (its comments kept).

    The copy gets the id ``instrument_id``, version ``1`` and, when given, the ``title``
    (by language); it has no responses and no history of its own.

    Examples
    --------
    >>> copy = copy_draft(
    ...     "surveys/barometre_ambiance.yaml", "baro_nord", title={"fr": "Baromètre Nord"}
    ... )
    >>> copy.instrument_id, copy.version, copy.texts(None, "title")["fr"]
    ('baro_nord', '1', 'Baromètre Nord')
    """
    source = open_draft(path)
    draft = Draft(source.text())
    draft.set_id(instrument_id)
    draft.set_version("1")
    for lang, text in (title or {}).items():
        draft.set_title(text, lang)
    draft._undo.clear()
    draft._opened = list(draft._lines)
    draft._saved = []
    draft.original = None
    draft.renames.created.update(q.name for q in draft.questions())
    return draft


def draft_from_instrument(instrument: Instrument) -> Draft:
    """A draft of an instrument read elsewhere (an XLSForm), laid out as the catalogue is.

    Examples
    --------
    >>> from toolkit.instruments import load
    >>> draft = draft_from_instrument(load("surveys/barometre_tournee.yaml"))
    >>> draft.instrument().id, draft.valid
    ('barometre_tournee', True)
    """
    return _new(_mapping(instrument_to_dict(instrument), instrument.languages))


def draft_from_xlsform(
    path: str | Path, *, language: str = "fr", skip_unsupported: bool = False
) -> tuple[Draft, tuple[Problem, ...]]:
    """A draft of the XLSForm at ``path`` (``.xlsx``, ``.xls``, ``.csv``, ``.md``) and the
    warnings of the import (what the form has that the toolkit leaves out, named by sheet,
    row and column). With ``skip_unsupported``, questions using a feature the toolkit does
    not have are left out with a warning instead of refusing the form.

    Raises
    ------
    InstrumentError
        The form cannot be read as an instrument (every problem named).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> form = pathlib.Path(tempfile.mkdtemp()) / "form.md"
    >>> _ = form.write_text(
    ...     "| survey |         |      |           |\\n"
    ...     "|        | type    | name | label     |\\n"
    ...     "|        | integer | age  | Votre âge |\\n",
    ...     encoding="utf-8",
    ... )
    >>> draft, warnings = draft_from_xlsform(form)
    >>> [q.name for q in draft.questions()], warnings
    (['age'], ())
    """
    from toolkit.interop import read_xlsform

    imported = read_xlsform(path, language=language, skip_unsupported=skip_unsupported)
    return draft_from_instrument(imported.instrument), imported.warnings


def _mapping(data: Mapping, languages: tuple[str, ...], key: str = "") -> CommentedMap:
    """A mapping as a round-trip node: a text or a choice on one line, the rest in blocks."""
    if (
        data
        and all(str(k) in languages for k in data)
        and all(isinstance(v, str) for v in data.values())
    ):
        return flow_map(dict(data))
    node = CommentedMap()
    for k, v in data.items():
        node[k] = _document(v, languages, str(k))
    if key == "choice" or ("value" in data and "label" in data):
        node.fa.set_flow_style()
    return node


def _document(data: object, languages: tuple[str, ...], key: str = "") -> object:
    """Plain data as a round-trip document: texts and choices on one line, the rest in blocks."""
    if isinstance(data, Mapping):
        return _mapping(data, languages, key)
    if isinstance(data, list):
        if key in ("languages", "weighting", "by") or all(isinstance(v, str) for v in data):
            return flow_seq(list(data))
        return CommentedSeq([_document(v, languages, key) for v in data])
    if key == "version" and isinstance(data, str):
        return _quoted(data)
    if key == "value" and isinstance(data, str):
        from toolkit.builder.nodes import code_value

        return code_value(data)
    return data


def _quoted(text: str) -> object:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)
