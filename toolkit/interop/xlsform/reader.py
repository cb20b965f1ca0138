"""Read an XLSForm (xlsx, xls, csv or md) into an instrument, through pyxform's own readers.

pyxform reads the workbook (``get_xlsform``: every file type, case-insensitive sheet and
column names), resolves its aliases and groups (``workbook_to_json``) and builds the XForm
(what it refuses is refused here too, ``X008``); the modules of this package map its JSON to
the YAML shape of our model, which the usual loader then checks. Every problem names the
sheet, the row and the column, in the manner of pyxform's ``[row : 3] On the 'survey'
sheet...`` messages.

Mapped: ``or_other`` (``other: true``), ``begin loop over`` (a ``loop_over`` repeat),
repeats inside repeats, ``select_one_from_file`` (the file's choices kept as a list),
``select_one ${q}``, ``hidden``, ``flat`` groups, ``username``/``start``/``end``/``today``
(``metadata`` the toolkit records), ``range`` (bounds and a step constraint),
``select_one_external``/``select_multiple_external`` (lists of the ``external_choices``
sheet), relative paths (``${x}``), ``${last-saved#x}``.

Left out with a warning (the form imports): ``X016`` metadata the toolkit does not record,
``X017`` media and device capture, ``X011`` the ``entities`` sheet, ``X009`` presentation or
deployment columns, ``X019`` a text showing a left-out question (``[name]``), ``X062`` an
empty group (its label becomes a note), ``X065`` the geometries of a GeoJSON choice file,
``X072`` a ``read_only`` condition. Kept with a warning: ``X060`` a name already taken in
another group (renamed), ``X061`` a device property an expression uses (a hidden pii field).

Errors: ``X018`` an expression of a kept question uses a left-out one, ``X004``/``X005``
outside the subset (``rank``, ``pulldata()``, ``search()``...), ``X063``/``X064`` a choice
file missing or unreadable, ``X066`` a problem of the converted instrument, ``X067``-``X070``
a file that is not a form. With ``skip_unsupported=True`` the questions behind ``X004``,
``X005`` and ``X063`` are left out with a warning instead (``X010``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json

from toolkit.errors import InstrumentError, Problem
from toolkit.i18n import Msg
from toolkit.instruments import Instrument, instrument_warnings
from toolkit.instruments.loader import from_mapping
from toolkit.interop.xlsform.choices import ChoiceLists
from toolkit.interop.xlsform.left_out import LeftOut, all_questions
from toolkit.interop.xlsform.locate import Findings
from toolkit.interop.xlsform.questions import MULTIPLE_EXTERNAL, QuestionMapper
from toolkit.interop.xlsform.sheets import SheetIndex, check_columns
from toolkit.interop.xlsform.subset import EXPRESSION_COLUMNS
from toolkit.interop.xlsform.translations import FormLanguages
from toolkit.interop.xlsform.values import safe_id
from toolkit.interop.xlsform.workbook import open_workbook

__all__ = ["XLSFormImport", "read_xlsform"]

_REFERENCE = re.compile(r"\$\{\s*([^}\s]+)\s*\}")


@dataclass(frozen=True)
class XLSFormImport:
    """The instrument read from an XLSForm and the warnings about what was left out."""

    instrument: Instrument
    warnings: tuple[Problem, ...] = ()


class _Form:
    """One form being read: the parts of the work and what they share."""

    def __init__(
        self,
        index: SheetIndex,
        findings: Findings,
        language: str,
        skip_unsupported: bool,
        media: Path,
    ) -> None:
        self.index = index
        self.findings = findings
        self.skip = skip_unsupported
        self.media = media
        self.languages = FormLanguages(language)
        self.left_out = LeftOut(index, findings)
        self.choices = ChoiceLists(index, self.languages, findings)

    def instrument_dict(self, form: Mapping) -> dict:
        """The instrument in YAML shape, from pyxform's JSON of the form."""
        self.choices.read_files(form, self.media, self.left_out, skip=self.skip)
        self.languages.setup(
            form,
            (raw for rows in self.index.external.values() for _, raw in rows),
            self.choices.file_label_names(),
        )
        questions = QuestionMapper(
            self.index,
            self.languages,
            self.choices,
            self.left_out,
            self.findings,
            skip_unsupported=self.skip,
            referenced=_expression_references(form.get("children", [])),
        )
        default = self.languages.default_code
        items = questions.children(form.get("children", []), False, set())
        lists = self.choices.build(form, items)
        self.left_out.check(items, lists)
        _inline_lists(items, lists, set(str(form.get("mediation_inline") or "").split()))
        form_id = str(form.get("id_string") or form.get("name") or "form")
        out: dict = {
            "id": safe_id(form_id),
            "version": str(form.get("version") or "1"),
            "title": self.settings_json(form, "mediation_title")
            or {default: str(form.get("title") or form_id)},
            "languages": self.languages.codes,
        }
        description = self.settings_json(form, "mediation_description")
        if description:
            out["description"] = description
        analysis = self.settings_json(form, "mediation_analysis")
        if analysis:
            out["analysis"] = analysis
        privacy = self.settings_json(form, "mediation_privacy")
        if privacy:
            out["privacy"] = privacy
        draft_days = form.get("mediation_draft_days")
        if draft_days not in (None, ""):
            try:
                out["draft_days"] = json.loads(str(draft_days))
            except ValueError:
                self.findings.error("X015", "settings", 2, "mediation_draft_days")
        if lists:
            out["choice_lists"] = lists
        layout = form.get("mediation_layout")
        if layout not in ("sections", "questions"):
            layout = (
                "sections"
                if items and all(q["type"] in ("group", "repeat") for q in items)
                else "questions"
            )
        out[str(layout)] = items
        return out

    def settings_json(self, form: Mapping, key: str) -> dict | None:
        raw = form.get(key)
        if raw in (None, ""):
            return None
        try:
            value = json.loads(str(raw))
        except ValueError:
            value = None
        if not isinstance(value, dict):
            self.findings.error("X015", "settings", 2, key)
            return None
        return value

    def relocate(self, problem: Problem) -> Problem:
        """A problem of the loader (``I012``...) as ``X066`` at the sheet, row and column."""
        name = problem.field or ""
        key = str(problem.params.get("key", ""))
        specified = name.removesuffix("_other")
        if name not in self.index.rows and specified in self.index.rows:
            name, key = specified, "type"  # the « Précisez » question of an or_other select
        if name in self.index.rows:
            sheet, row = "survey", self.index.rows[name][0]
            column = self.index.column_of(name, _COLUMNS_OF_KEY.get(key, (key,)), key or "name")
        elif name in self.index.choice_rows:
            sheet, row = "choices", self.index.choice_rows[name]
            column = "label" if key == "label" else "name"
        elif name in self.choices.file_names.values():
            sheet = next(f for f, n in self.choices.file_names.items() if n == name)
            row, column = 1, key or "name"
        else:
            sheet, row = "settings", 2
            column = _SETTINGS_OF_KEY.get(key, key or "form_id")
        return self.findings.located(
            "X066",
            sheet,
            row,
            column,
            cause=problem.code,
            reason=Msg.of(problem.code, **{**dict(problem.params), "field": problem.field or ""}),
        )


#: The survey columns a loader key is read from.
_COLUMNS_OF_KEY = {
    **EXPRESSION_COLUMNS,
    "required_if": ("required",),
    "choices": ("type",),
    "loop_over": ("type",),
    "metadata": ("type",),
    "type": ("type",),
    "label": ("label",),
    "hint": ("hint",),
    "required_message": ("required_message", "requiredmsg"),
    "constraint_message": ("constraint_message", "constraintmsg"),
    "minimum": ("mediation_minimum", "parameters"),
    "maximum": ("mediation_maximum", "parameters"),
}
#: The settings columns an instrument-level key is read from.
_SETTINGS_OF_KEY = {
    "id": "form_id",
    "title": "form_title",
    "version": "version",
    "languages": "default_language",
    "sector": "mediation_analysis",
    "wave": "mediation_analysis",
    "weighting": "mediation_analysis",
    "quotas": "mediation_analysis",
}


def _build_xform(json_form: dict, findings: Findings) -> None:
    """Let pyxform build the XForm too: what it refuses only then (a repeat in a loop, a
    ``${x}`` naming several questions) is refused here as well (``X008``)."""
    from pyxform.builder import create_survey_element_from_dict

    _as_text(json_form.get("children", []))
    try:
        create_survey_element_from_dict(json_form).to_xml(validate=False, warnings=[])
    except PyXFormError as exc:
        raise InstrumentError(problems=[*findings.errors, _refused(str(exc), findings)]) from None
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise InstrumentError(problems=[*findings.errors, _refused(error, findings)]) from None


def _as_text(children: list) -> None:
    """``select_multiple_external``, which pyxform's reader passes through but its builder
    does not know (the importer reads it from external_choices), is built as a text."""
    for child in children:
        if isinstance(child, dict):
            if MULTIPLE_EXTERNAL.match(str(child.get("type", ""))):
                child["type"] = "text"
            _as_text(child.get("children") or [])


_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_PYXFORM_SHEET = re.compile(r"[Oo]n the '([^']+)' sheet")
_PYXFORM_COLUMN = re.compile(r"the '([^']+)' (?:value|column)|column '([^']+)'")


def _refused(message: str, findings: Findings) -> Problem:
    """``X008``: pyxform refuses the form; its message's row, sheet and column are kept."""
    row = _PYXFORM_ROW.search(message)
    sheet = _PYXFORM_SHEET.search(message)
    column = _PYXFORM_COLUMN.search(message)
    where = sheet.group(1) if sheet else "survey" if row else None
    problem = findings.located(
        "X008",
        where or "?",
        int(row.group(1)) if row else None,
        (column.group(1) or column.group(2)) if column else None,
        error=message,
    )
    return problem if where else replace(problem, file=findings.source)


def _expression_references(children: list) -> frozenset[str]:
    """Names written ``${name}`` in the expressions (not the texts) of pyxform's JSON."""
    names: set[str] = set()
    for child in children:
        if not isinstance(child, Mapping):
            continue
        for holder, keys in (
            (child.get("bind") or {}, ("relevant", "constraint", "calculate", "required")),
            (child.get("control") or {}, ("jr:count",)),
            (child, ("choice_filter", "default")),
        ):
            for key in keys:
                if isinstance(holder, Mapping) and holder.get(key):
                    names.update(_REFERENCE.findall(str(holder[key])))
        names |= _expression_references(child.get("children") or [])
    return frozenset(names)


def _inline_lists(items: list[dict], lists: dict, inline: set[str]) -> None:
    """Lists the exporter marked ``mediation_inline`` go back inside their question."""
    for question in all_questions(items):
        name = question.get("choices")
        if isinstance(name, str) and name in inline and name == question["name"] and name in lists:
            question["choices"] = lists.pop(name)


def read_xlsform(
    path: str | Path,
    *,
    language: str = "fr",
    skip_unsupported: bool = False,
    media: str | Path | None = None,
) -> XLSFormImport:
    """Read an XLSForm file (``.xlsx``, ``.xls``, ``.csv`` or ``.md``) into an instrument.

    Parameters
    ----------
    path
        The form.
    language
        Language code of the labels written without a language (``label`` alone) when the
        form declares no ``default_language``.
    skip_unsupported
        Also leave out (with a ``X010`` warning) the questions whose feature is otherwise an
        error (``pulldata()``, ``rank``, a missing choice file...). Metadata the toolkit does
        not record and media questions are left out with a warning in any case.
    media
        The folder of the files the form refers to (``select_one_from_file rues.csv``);
        default: the form's own folder.

    Returns
    -------
    XLSFormImport
        The instrument and the warnings (:class:`~toolkit.errors.Problem`, each naming the
        sheet, row and column): metadata (``X016``) and media (``X017``) questions left out,
        entities ignored (``X011``), columns ignored (``X009``), references in texts to
        left-out questions (``X019``), renamed questions (``X060``)...

    Raises
    ------
    InstrumentError
        Every problem of the form, each naming the sheet, the row and the column: ``X001``
        unreadable, ``X002`` duplicate column, ``X004``-``X005`` outside the subset, ``X008``
        refused by pyxform, ``X018`` an expression using a left-out question, ``X063``-``X064``
        a choice file missing or unreadable, ``X066`` a problem of the converted instrument
        (its ``cause`` the instrument code: ``I012``...).

    Examples
    --------
    A small form as KoboToolbox users write it, with a photo the field app cannot take:

    >>> import tempfile
    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> survey = book.active
    >>> survey.title = "survey"
    >>> for row in [("type", "name", "label", "constraint"),
    ...             ("start", "debut", "", ""),
    ...             ("select_one secteurs", "secteur", "Secteur de la tournée", ""),
    ...             ("integer", "personnes", "Personnes rencontrées", ". <= 50"),
    ...             ("image", "photo", "Photo du lieu", "")]:
    ...     survey.append(row)
    >>> choices = book.create_sheet("choices")
    >>> for row in [("list_name", "name", "label"),
    ...             ("secteurs", "gare", "Gare"), ("secteurs", "centre", "Centre-ville")]:
    ...     choices.append(row)
    >>> settings = book.create_sheet("settings")
    >>> settings.append(("form_id", "form_title"))
    >>> settings.append(("tournee", "Tournée de quartier"))
    >>> path = Path(tempfile.mkdtemp()) / "tournee.xlsx"
    >>> book.save(path)
    >>> form = read_xlsform(path)
    >>> form.instrument.id, form.instrument.title.get("fr")
    ('tournee', 'Tournée de quartier')
    >>> [(q.name, q.type) for q in form.instrument.questions()]
    [('debut', 'metadata'), ('secteur', 'single_choice'), ('personnes', 'integer')]
    >>> [c.label.get("fr") for c in form.instrument.choices_of("secteur").choices]
    ['Gare', 'Centre-ville']
    >>> print(form.warnings[0].message())
    [ligne 5] feuille « survey », colonne « type » : question « photo » (image) laissée de côté ...

    A form that refers to a question it does not have is refused, its sheet and row named:

    >>> survey.append(("text", "remarque", "Remarque", "${personne} > 0"))
    >>> book.save(path)
    >>> read_xlsform(path)
    Traceback (most recent call last):
    ...
    toolkit.errors.InstrumentError: ...[survey]:6: X008 pyxform refuse le formulaire : ...'personne'.
    """
    path = Path(path)
    source = str(path)
    workbook = open_workbook(path)
    findings = Findings(source)
    index = SheetIndex(workbook)
    check_columns(workbook, findings)
    form = _Form(
        index,
        findings,
        language,
        skip_unsupported,
        Path(media) if media is not None else path.parent,
    )
    try:
        json_form = workbook_to_json(
            workbook_dict=workbook,
            fallback_form_name=workbook.fallback_form_name,
            warnings=[],
        )
    except PyXFormError as exc:
        raise InstrumentError(problems=[*findings.errors, _refused(str(exc), findings)]) from None
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        # pyxform's converter on cells it does not expect (its own checks raise PyXFormError)
        error = f"{type(exc).__name__}: {exc}"
        raise InstrumentError(problems=[*findings.errors, _refused(error, findings)]) from None
    _build_xform(copy.deepcopy(json_form), findings)
    data = form.instrument_dict(json_form)
    if not findings.errors and not any(data.get(key) for key in ("sections", "questions")):
        findings.error("X070", "survey", 2, "type")
    if findings.errors:
        raise InstrumentError(problems=findings.errors)
    try:
        instrument = from_mapping(data, source=source)
    except InstrumentError as exc:
        raise InstrumentError(problems=[form.relocate(p) for p in exc.problems]) from None
    findings.warnings.extend(form.relocate(p) for p in instrument_warnings(instrument))
    return XLSFormImport(instrument, findings.sorted_warnings())
