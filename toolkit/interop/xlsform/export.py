"""Write an instrument as an XLSForm workbook (survey, choices and settings sheets).

The form is meant to be deployed as it is on KoboToolbox, ODK Central or Enketo, and to come
back without loss through :func:`toolkit.interop.xlsform.read_xlsform`. What XLSForm
cannot say is kept in extra columns that pyxform, KoboToolbox and ODK leave alone (see
:data:`MARKERS`); in the deployed XForm they are simply absent.

Mapping (model -> XLSForm)
--------------------------
single_choice ``select_one L``; multiple_choice ``select_multiple L``; likert ``select_one L``
marked ``mediation_type=likert``; likert_matrix ``begin_group`` with appearance ``table-list``
(its rows are ``select_one L``) marked ``likert_matrix``; long_text ``text`` with appearance
``multiline``; consent ``acknowledge``; datetime ``dateTime``; integer/decimal bounds become
a ``constraint`` (``. >= 1 and . <= 20``) and are also kept in ``mediation_minimum`` /
``mediation_maximum``; non-substantive choices are flagged in ``mediation_missing``; ``pii``
in ``mediation_pii``; the analysis metadata, translated title and description in settings
columns ``mediation_*`` (JSON).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from toolkit.errors import InstrumentError, Problem
from toolkit.i18n import Msg, Text
from toolkit.instruments import Instrument, Question
from toolkit.instruments.checks import parse_expressions
from toolkit.instruments.expr import ExpressionSyntaxError, references, references_to_paths
from toolkit.instruments.model import DRAFT_DAYS
from toolkit.instruments.writer import instrument_to_dict, written_list
from toolkit.interop.xlsform.languages import column_name
from toolkit.interop.xlsform.subset import METADATA_TYPES

#: Extra columns written by the exporter; pyxform copies them to its JSON and ignores them.
MARKERS = {
    "survey": (
        "mediation_type",
        "mediation_pii",
        "mediation_minimum",
        "mediation_maximum",
        "mediation_nolabel",
        "mediation_metadata",
    ),
    "choices": ("mediation_missing",),
    "settings": (
        "mediation_languages",
        "mediation_title",
        "mediation_description",
        "mediation_analysis",
        "mediation_privacy",
        "mediation_layout",
        "mediation_inline",
        "mediation_draft_days",
    ),
}
#: Column names a choice filter key may not take (they mean something else in XLSForm).
RESERVED_CHOICE_COLUMNS = frozenset({"list_name", "name", "label", "image", "media", "audio"})

_EXPRESSION_KEYS = frozenset(
    {"relevant", "constraint", "calculation", "required", "choice_filter", "default"}
)
#: ``${name}`` shown in a text.
_SHOWN = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}")
#: A ``%`` that pyxform would take for the start of ``%(label)s`` inside a loop.
_LOOP_PERCENT = re.compile(r"%(?!\((?:label|name)\)s)")

_XLS_TYPES = {
    "integer": "integer",
    "decimal": "decimal",
    "text": "text",
    "long_text": "text",
    "date": "date",
    "time": "time",
    "datetime": "dateTime",
    "geopoint": "geopoint",
    "note": "note",
    "consent": "acknowledge",
    "calculate": "calculate",
    "hidden": "hidden",
}
#: Question types that need a label in XLSForm (pyxform refuses them without one).
_LABEL_NEEDED = frozenset(_XLS_TYPES) - {"calculate", "hidden"} | {
    "single_choice",
    "multiple_choice",
    "likert",
}


def natural_type(xls_type: str, appearance: str | None) -> str:
    """The model type an XLSForm question comes back as, before any ``mediation_type``.

    ``xls_type`` is the first word of the XLSForm type in canonical spelling
    (``select_one``, ``text``, ``begin_group``...).
    """
    tokens = (appearance or "").split()
    if xls_type == "text" and "multiline" in tokens:
        return "long_text"
    return {
        "select_one": "single_choice",
        "select_multiple": "multiple_choice",
        "begin_group": "group",
        "begin_repeat": "repeat",
        "begin_loop": "repeat",
        "dateTime": "datetime",
        "acknowledge": "consent",
    }.get(xls_type, xls_type)


def xpath_number(value: float | int) -> str:
    """A number as XPath writes it (no exponent): ``1e-05`` -> ``0.00001``."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def bounds_constraint(minimum: float | None, maximum: float | None) -> str | None:
    """The XForm constraint that enforces ``minimum``/``maximum`` (``None`` when unbounded).

    >>> bounds_constraint(0, 20), bounds_constraint(None, 1e-05), bounds_constraint(None, None)
    ('. >= 0 and . <= 20', '. <= 0.00001', None)
    """
    parts = []
    if minimum is not None:
        parts.append(f". >= {xpath_number(minimum)}")
    if maximum is not None:
        parts.append(f". <= {xpath_number(maximum)}")
    return " and ".join(parts) or None


def combined_constraint(question: Question) -> str | None:
    """Bounds and the author's constraint in one expression, as the XForm needs it."""
    bounds = bounds_constraint(question.minimum, question.maximum)
    if bounds and question.constraint:
        return f"{bounds} and ({question.constraint})"
    return bounds or question.constraint


class _Sheets:
    """Rows of the three sheets, each a dict keyed by (column, language or None)."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.languages = instrument.languages
        self.survey: list[dict[str, str]] = []
        self.choices: list[dict[str, str]] = []
        self.problems: list[Problem] = []

    def translated(self, row: dict[str, str], column: str, text: Text | None) -> None:
        if text is None:
            return
        for lang, value in text.translations:
            row[f"{column}::{column_name(lang)}"] = value

    def question_row(
        self, question: Question, xls_type: str, *, in_matrix: bool = False
    ) -> dict[str, str]:
        row: dict[str, str] = {"type": xls_type, "name": question.name}
        self.translated(row, "label", question.label)
        if question.label is None and question.type in _LABEL_NEEDED:
            # pyxform needs a label: show the name, and remember there was none.
            row[f"label::{column_name(self.languages[0])}"] = question.name
            row["mediation_nolabel"] = "yes"
        self.translated(row, "hint", question.hint)
        if question.required_if:
            row["required"] = question.required_if
        elif question.required:
            row["required"] = "yes"
        self.translated(row, "required_message", question.required_message)
        if question.relevant:
            row["relevant"] = question.relevant
        constraint = combined_constraint(question)
        if constraint:
            row["constraint"] = constraint
        self.translated(row, "constraint_message", question.constraint_message)
        for key in ("calculation", "default", "choice_filter", "repeat_count"):
            value = getattr(question, key)
            if value is not None:
                row[key] = value
        if question.read_only:
            row["read_only"] = "yes"
        if question.pii:
            row["mediation_pii"] = "yes"
        for key in ("minimum", "maximum"):
            value = getattr(question, key)
            if value is not None:
                row[f"mediation_{key}"] = repr(value)
        appearance = question.appearance
        if question.type == "long_text":
            appearance = " ".join(["multiline", *(appearance or "").split()])
        elif question.type == "likert_matrix":
            appearance = " ".join(["table-list", *(appearance or "").split()])
        if appearance:
            row["appearance"] = appearance
        natural = natural_type(xls_type.split()[0], appearance)
        if natural != question.type and not in_matrix:
            row["mediation_type"] = question.type
        return row

    def question(self, question: Question, loop: frozenset[str] = frozenset()) -> None:
        """The rows of ``question``; ``loop`` names the siblings of a loop it sits in."""
        qtype = question.type
        if question.derived:
            return  # the « Précisez » of or_other: pyxform makes it again
        if qtype in ("group", "repeat", "likert_matrix"):
            self.container(question, loop)
            return
        if qtype in ("single_choice", "likert", "multiple_choice"):
            select = "select_multiple" if qtype == "multiple_choice" else "select_one"
            source = (
                f"${{{question.choices_from}}}"
                if question.choices_from
                else written_list(self.instrument, question.choices or "")
            )
            xls_type = f"{select} {source}" + (" or_other" if question.other else "")
        elif qtype == "metadata":
            xls_type = METADATA_TYPES.get(question.metadata or "", "calculate")
        else:
            xls_type = _XLS_TYPES[qtype]
        row = self.question_row(question, xls_type)
        if qtype == "metadata":
            row["mediation_type"] = "metadata"
            row["mediation_metadata"] = question.metadata or ""
            if xls_type == "calculate":
                row["calculation"] = "''"  # no XLSForm metadata for it: empty outside the toolkit
        if loop:
            row = _in_loop(row, loop)
        self.survey.append(row)

    def container(self, question: Question, loop: frozenset[str]) -> None:
        qtype = question.type
        if question.loop_over:
            begin, end = f"begin_loop over {question.loop_over}", "end_loop"
            loop = frozenset(q.name for q in _own_questions(question))
        else:
            kind = "repeat" if qtype == "repeat" else "group"
            begin, end = f"begin_{kind}", f"end_{kind}"
        row = self.question_row(question, begin)
        if question.flat:
            row["flat"] = "yes"
        self.survey.append(row)
        for child in question.children:
            if qtype == "likert_matrix":
                row = self.question_row(child, f"select_one {question.choices}", in_matrix=True)
                self.survey.append(_in_loop(row, loop) if loop else row)
            else:
                self.question(child, loop)
        self.survey.append({"type": end, "name": question.name})

    def choice_lists(self) -> None:
        for choice_list in self.instrument.choice_lists.values():
            if choice_list.base is not None:
                continue  # extended with « Autre » for or_other, which pyxform does itself
            for choice in choice_list.choices:
                row: dict[str, str] = {"list_name": choice_list.name, "name": choice.value}
                self.translated(row, "label", choice.label)
                if choice.missing:
                    row["mediation_missing"] = "yes"
                for key, value in choice.filters:
                    if key in RESERVED_CHOICE_COLUMNS or key.startswith("label::"):
                        self.problems.append(
                            Problem("X003", {"list": choice_list.name, "key": key})
                        )
                    row[key] = value
                self.choices.append(row)

    def settings(self) -> dict[str, str]:
        instrument = self.instrument
        row = {
            "form_id": instrument.id,
            "form_title": instrument.title.get(instrument.default_language),
            "version": instrument.version,
            "default_language": column_name(instrument.default_language),
            # Keep texts exactly as written (pyxform collapses repeated spaces by default).
            "clean_text_values": "no",
            "mediation_languages": " ".join(instrument.languages),
            "mediation_layout": instrument.layout,
        }
        if len(instrument.title.translations) > 1:
            row["mediation_title"] = _json(instrument.title.to_plain())
        if instrument.description is not None:
            row["mediation_description"] = _json(instrument.description.to_plain())
        analysis = instrument_to_dict(instrument).get("analysis")
        if analysis:
            row["mediation_analysis"] = _json(analysis)
        privacy = instrument_to_dict(instrument).get("privacy")
        if privacy:
            row["mediation_privacy"] = _json(privacy)
        inline = [
            name for name, cl in instrument.choice_lists.items() if cl.inline and cl.base is None
        ]
        if inline:
            row["mediation_inline"] = " ".join(inline)
        if instrument.draft_days != DRAFT_DAYS:
            row["mediation_draft_days"] = str(instrument.draft_days)
        return row


def loop_problems(instrument: Instrument) -> list[Problem]:
    """What pyxform refuses in a loop: it copies the loop's questions once per choice, in a
    group named after the choice's value (which must then be an XML name), so a repeat inside
    it would be named twice and ``${x}`` from outside would name several."""
    problems = []
    inside: dict[str, str] = {}
    for loop in (q for q in instrument.repeats() if q.loop_over):
        values = instrument.choice_lists[loop.loop_over or ""].choices
        for value in (c.value for c in values if not _XML_NAME.fullmatch(c.value)):
            detail = Msg.of("detail.export.loop_value", loop=loop.name, value=value)
            problems.append(Problem("X071", {"detail": detail}, field=loop.name))
        for question in _own_questions(loop):
            inside[question.name] = loop.name
            if question.type == "repeat":
                detail = Msg.of("detail.export.repeat_in_loop", name=question.name, loop=loop.name)
                problems.append(Problem("X071", {"detail": detail}, field=question.name))
            if question.required_message or question.constraint_message:
                # pyxform's loop fills in %(label)s only in plain texts: a message by language
                # in its bind makes it raise TypeError.
                detail = Msg.of("detail.export.message_in_loop", name=question.name, loop=loop.name)
                problems.append(Problem("X071", {"detail": detail}, field=question.name))
    for question in instrument.questions():
        texts = [question.label, question.hint, question.required_message]
        texts.append(question.constraint_message)
        shown = {
            m for text in texts if text for _, v in text.translations for m in _SHOWN.findall(v)
        }
        for ref in sorted(shown):
            if inside.get(question.name) is not None and inside.get(ref) == inside[question.name]:
                detail = Msg.of("detail.export.text_in_loop", name=question.name, ref=ref)
                problems.append(Problem("X071", {"detail": detail}, field=question.name))
        for *_, tree in parse_expressions(question):
            if isinstance(tree, ExpressionSyntaxError):
                continue
            for ref in references(tree):
                if ref in inside and inside.get(question.name) != inside[ref]:
                    detail = Msg.of(
                        "detail.export.ref_into_loop", name=question.name, ref=ref, loop=inside[ref]
                    )
                    problems.append(Problem("X071", {"detail": detail}, field=question.name))
    return problems


# An XML element name as pyxform checks it (letter or underscore first).
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def _own_questions(question: Question) -> list[Question]:
    out = []
    for child in question.children:
        out.append(child)
        out.extend(_own_questions(child))
    return out


def _in_loop(row: dict[str, str], siblings: frozenset[str]) -> dict[str, str]:
    """A row inside a loop: pyxform reaches siblings by ``../x`` only, and fills in
    ``%(label)s`` and ``%(name)s`` with the choice, so any other ``%`` is doubled."""
    out = {}
    for key, value in row.items():
        if key in _EXPRESSION_KEYS:
            value = references_to_paths(value, siblings)
        if key not in ("type", "name"):
            value = _LOOP_PERCENT.sub("%%", value)
        out[key] = value
    return out


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _columns(rows: list[dict[str, str]], first: tuple[str, ...]) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(first)
    for row in rows:
        for key in row:
            seen.setdefault(key)
    return list(seen)


def xlsform_sheets(instrument: Instrument) -> dict[str, list[dict[str, str]]]:
    """The three sheets of the XLSForm as lists of rows (column -> text).

    Raises
    ------
    InstrumentError
        ``X003`` when a choice filter column would clash with an XLSForm column, ``X071``
        what XLSForm cannot say of a loop (a repeat inside it, a reference into it).

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> sheets = xlsform_sheets(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]},"
    ...     " {name: personnes, type: integer, label: Personnes rencontrées, maximum: 50},"
    ...     " {name: remarque, type: text, label: Remarque, relevant: '${personnes} > 0'}]}"
    ... ))
    >>> [(row["type"], row["name"]) for row in sheets["survey"]]
    [('select_one secteur', 'secteur'), ('integer', 'personnes'), ('text', 'remarque')]
    >>> sheets["survey"][1]["constraint"], sheets["survey"][2]["relevant"]
    ('. <= 50', '${personnes} > 0')
    >>> [(row["name"], row["label::Français (fr)"]) for row in sheets["choices"]]
    [('gare', 'Gare'), ('centre', 'Centre-ville')]
    >>> {key: sheets["settings"][0][key] for key in ("form_id", "default_language")}
    {'form_id': 'tournee', 'default_language': 'Français (fr)'}
    """
    sheets = _Sheets(instrument)
    sheets.problems += loop_problems(instrument)
    for item in instrument.items:
        sheets.question(item)
    sheets.choice_lists()
    if sheets.problems:
        raise InstrumentError(problems=sheets.problems)
    return {"survey": sheets.survey, "choices": sheets.choices, "settings": [sheets.settings()]}


def write_xlsform(instrument: Instrument, path: str | Path) -> Path:
    """Write ``instrument`` as an XLSForm ``.xlsx`` file and return its path.

    Examples
    --------
    pyxform (what KoboToolbox and ODK Central run) turns the file into a form:

    >>> import tempfile, pathlib
    >>> from pyxform.xls2xform import convert
    >>> from toolkit.instruments import loads
    >>> instrument = loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur de la tournée,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]}]}"
    ... )
    >>> out = write_xlsform(instrument, pathlib.Path(tempfile.mkdtemp()) / "tournee.xlsx")
    >>> out.name
    'tournee.xlsx'
    >>> xform = convert(xlsform=str(out)).xform
    >>> "<select1" in xform, "Secteur de la tournée" in xform, "Centre-ville" in xform
    (True, True, True)
    """
    path = Path(path)
    sheets = xlsform_sheets(instrument)
    workbook = Workbook()
    workbook.remove(workbook.active)
    first_columns = {
        "survey": ("type", "name", *(f"label::{column_name(x)}" for x in instrument.languages)),
        "choices": (
            "list_name",
            "name",
            *(f"label::{column_name(x)}" for x in instrument.languages),
        ),
        "settings": ("form_id", "form_title", "version", "default_language"),
    }
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        columns = _columns(rows, first_columns[title])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            for index, column in enumerate(columns, start=1):
                value = row.get(column)
                if value is not None:
                    # Always a text cell: an expression starting with "=" is not a formula.
                    cell = sheet.cell(number, index)
                    cell.value = value
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
