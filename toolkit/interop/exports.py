"""Export the responses of an instrument to CSV, XLSX, SPSS (.sav) or Parquet.

Fields marked ``pii`` are left out unless ``include_pii=True``; the report names them so that
the command can say so. Text cells that a spreadsheet would run as a formula are neutralised
in CSV and XLSX (:mod:`toolkit.interop.formulas`).

Whatever an answer holds, the files stay well formed: CSV rows end in CRLF (RFC 4180), so that
a text with a bare carriage return is quoted instead of splitting its row (and the ``=1+1``
after it cannot start a cell of its own); the control characters that XML cannot hold are
replaced in XLSX, vertical tab and form feed (Word's line and page breaks) by a line break,
the others by U+FFFD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.errors import DataImportError, Problem
from toolkit.i18n import get_language, t
from toolkit.instruments import Instrument, Question
from toolkit.interop.formulas import is_formula_like, neutralise_frame

FORMATS = ("csv", "xlsx", "sav", "parquet")
#: What XML 1.0 (so XLSX) cannot hold; openpyxl refuses a cell that contains one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text: str) -> str:
    r"""``text`` with the characters XML cannot hold replaced (see the module's docstring).

    Carriage returns become line breaks here rather than in the XML reader:
    whether ``\r`` survives a round trip depends on which XML library openpyxl
    happens to write with (lxml escapes it, the standard library does not).

    >>> xml_text("ligne 1\x0bligne 2\x01")
    'ligne 1\nligne 2\ufffd'
    >>> xml_text("a\r\nb\rc")
    'a\nb\nc'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "\ufffd", text)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    path: Path
    format: str
    rows: int
    columns: int
    pii_left_out: tuple[str, ...]
    sheets: tuple[str, ...] = ()


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "feuille"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f"_{number}"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _naive_utc(frame: pd.DataFrame) -> pd.DataFrame:
    """Spreadsheets and SPSS have no time zones: timestamps become naive UTC."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def codebook(instrument: Instrument, *, include_pii: bool, lang: str | None = None) -> pd.DataFrame:
    """One row per field: name, type, label, choices (``code = label`` pairs), pii, repeat.

    Returns
    -------
    pandas.DataFrame
        ``variable``, ``type``, ``label``, ``choices``, ``missing_codes``, ``repeat`` (its
        repeats, outermost first: ``menages/membres``), ``pii``.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> instrument = loads(
    ...     "{id: tournee, version: '1', title: {fr: Tournée, en: Patrol}, languages: [fr, en],"
    ...     " questions: [{name: secteur, type: select_one, label: {fr: Secteur, en: Area},"
    ...     " choices: [{value: gare, label: {fr: Gare, en: Station}},"
    ...     " {value: nsp, label: {fr: Ne sait pas, en: Does not know}, missing: true}]},"
    ...     " {name: personnes, type: integer, label: {fr: Personnes rencontrées, en: People met}},"
    ...     " {name: telephone, type: text, label: {fr: Téléphone, en: Phone}, pii: true}]}"
    ... )
    >>> table = codebook(instrument, include_pii=False, lang="fr")
    >>> print(table[["variable", "type", "label"]].to_string(index=False))
     variable          type                 label
      secteur single_choice               Secteur
    personnes       integer Personnes rencontrées
    >>> table.loc[0, "choices"], table.loc[0, "missing_codes"]
    ('gare = Gare; nsp = Ne sait pas', 'nsp')
    >>> codebook(instrument, include_pii=True, lang="en")[["variable", "label", "pii"]].tail(1)
        variable  label   pii
    2  telephone  Phone  True
    """
    lang = lang or get_language()
    rows = []
    for question in instrument.fields():
        if question.pii and not include_pii:
            continue
        choice_list = instrument.choices_of(question.name)
        rows.append(
            {
                "variable": question.name,
                "type": question.type,
                "label": field_label(instrument, question, lang),
                "choices": "; ".join(
                    f"{c.value} = {c.label.get(lang)}" for c in choice_list.choices
                )
                if choice_list
                else "",
                "missing_codes": " ".join(c.value for c in choice_list.non_substantive())
                if choice_list
                else "",
                "repeat": "/".join(instrument.repeat_path(question.name)),
                "pii": question.pii,
            }
        )
    columns = ["variable", "type", "label", "choices", "missing_codes", "repeat", "pii"]
    return pd.DataFrame(rows, columns=columns)


def field_label(instrument: Instrument, question: Question, lang: str) -> str:
    """The label of a field in a codebook: the « Précisez » of an « Autre » says of what."""
    if question.specify_for is not None:
        base = instrument.question(question.specify_for)
        return f"{base.text(lang)} : {question.text(lang)}"
    # In a loop, %(label)s stands for each choice in turn.
    return question.text(lang).replace("%(label)s", "…").replace("%(name)s", "…")


def _write_sheet(workbook: object, title: str, frame: pd.DataFrame) -> None:
    sheet = workbook.create_sheet(title)  # type: ignore[attr-defined]
    sheet.append([xml_text(str(c)) for c in frame.columns])
    for row_number, values in enumerate(frame.itertuples(index=False), start=2):
        for col_number, value in enumerate(values, start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            cell = sheet.cell(row_number, col_number)
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif hasattr(value, "item") and not isinstance(value, str):
                value = value.item()
            if isinstance(value, str):
                value = xml_text(value)
            cell.value = value
            if is_formula_like(value):
                cell.data_type = "s"  # text, never a formula (see toolkit.interop.formulas)
    sheet.freeze_panes = "A2"


def _spss_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.@#$]", "_", name)
    if not re.match(r"[A-Za-z@#$]", base):
        base = f"v_{base}"
    base = base.rstrip(".")[:64]
    candidate, number = base, 2
    while candidate.lower() in taken:
        candidate, number = f"{base[:60]}_{number}", number + 1
    taken.add(candidate.lower())
    return candidate


def _spss(
    frame: pd.DataFrame, instrument: Instrument, lang: str
) -> tuple[pd.DataFrame, dict, dict]:
    """Frame, variable labels and value labels ready for :func:`pyreadstat.write_sav`."""
    out = pd.DataFrame(index=frame.index)
    labels: dict[str, str] = {}
    value_labels: dict[str, dict] = {}
    taken: set[str] = set()
    yes_no = {0: t("export.no", lang), 1: t("export.yes", lang)}
    for column in frame.columns:
        name = _spss_name(str(column), taken)
        series = frame[column]
        base, _, rest = str(column).partition("/")
        field = base.removesuffix("__missing")
        for suffix in ("_latitude", "_longitude", "_altitude", "_accuracy"):
            if field.endswith(suffix) and field.removesuffix(suffix) in _names(instrument):
                field = field.removesuffix(suffix)
        question = instrument.question(field) if field in _names(instrument) else None
        choice_list = instrument.choices_of(field) if question is not None else None
        label = field_label(instrument, question, lang) if question is not None else str(column)
        if rest and choice_list is not None:
            choice = choice_list.get(rest)
            label = f"{label} : {choice.label.get(lang) if choice else rest}"
        labels[name] = label
        if isinstance(series.dtype, pd.CategoricalDtype):
            values = series.astype("object")
            numeric = all(isinstance(v, int | float) or _is_int(v) for v in values.dropna())
            out[name] = (
                pd.to_numeric(values, errors="coerce")
                if numeric
                else values.astype("object").where(values.notna(), "")
            )
            if choice_list is not None:
                value_labels[name] = {
                    (float(c.value) if numeric else c.value): c.label.get(lang)
                    for c in choice_list.choices
                    if not numeric or _is_int(c.value)
                }
        elif pd.api.types.is_bool_dtype(series.dtype):
            out[name] = series.astype("Float64").astype("float64")
            value_labels[name] = yes_no
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            out[name] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif pd.api.types.is_numeric_dtype(series.dtype):
            out[name] = series.astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[name] = series
        else:
            out[name] = series.astype("object").where(series.notna(), "").astype(str)
    return out, labels, value_labels


def _names(instrument: Instrument) -> set[str]:
    return {q.name for q in instrument.fields()}


def _is_int(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None


def export_responses(
    store: object,
    instrument_id: str,
    path: str | Path,
    *,
    format: str,
    include_pii: bool = False,
    bom: bool = False,
    sep: str = ",",
    wave: str | None = None,
) -> ExportReport:
    """Write the submitted responses of ``instrument_id`` to ``path``.

    Parameters
    ----------
    format
        ``csv`` (UTF-8; ``bom=True`` for Excel; ``sep=";"`` for French Excel), ``xlsx`` (a
        sheet of codes, a sheet of labels, one sheet per repeat group, a codebook), ``sav``
        (SPSS, with variable and value labels) or ``parquet``.
    include_pii
        Keep the fields marked ``pii`` (left out by default).

    Raises
    ------
    DataImportError
        ``X040`` unknown format, ``X044`` file cannot be written.

    Examples
    --------
    The phone number stays out of the file, and a remark written as a formula is kept as
    text:

    >>> import tempfile
    >>> import pandas as pd
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]},"
    ...     " {name: remarque, type: text, label: Remarque},"
    ...     " {name: telephone, type: text, label: Téléphone, pii: true}]}"
    ... ))
    >>> _ = store.submit_many("tournee", [
    ...     {"answers": {"secteur": "gare", "remarque": "=1+1", "telephone": "0600000000"}},
    ...     {"answers": {"secteur": "centre", "remarque": "Calme"}},
    ... ])
    >>> report = export_responses(store, "tournee", folder / "tournee.csv", format="csv", sep=";")
    >>> report.rows, report.pii_left_out
    (2, ('telephone',))
    >>> written = pd.read_csv(folder / "tournee.csv", sep=";").sort_values("secteur")
    >>> "telephone" in written.columns, written["remarque"].tolist()
    (False, ['Calme', "'=1+1"])

    In SPSS, each answer code keeps its label:

    >>> import pyreadstat
    >>> _ = export_responses(store, "tournee", folder / "tournee.sav", format="sav")
    >>> pyreadstat.read_sav(str(folder / "tournee.sav"))[1].variable_value_labels["secteur"]
    {'gare': 'Gare', 'centre': 'Centre-ville'}
    """
    if format not in FORMATS:
        raise DataImportError(
            problems=[Problem("X040", {"format": format, "formats": ", ".join(FORMATS)})]
        )
    path = Path(path)
    instrument = store.instrument(instrument_id)  # type: ignore[attr-defined]
    lang = get_language()
    pii = tuple(q.name for q in instrument.fields() if q.pii) if not include_pii else ()
    frame = store.frame(instrument_id, wave=wave, include_pii=include_pii)  # type: ignore[attr-defined]
    sheets: tuple[str, ...] = ()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if format == "csv":
            neutralise_frame(frame).to_csv(
                path,
                sep=sep,
                index=False,
                encoding="utf-8-sig" if bom else "utf-8",
                lineterminator="\r\n",
            )
        elif format == "parquet":
            frame.to_parquet(path, index=False)
        elif format == "sav":
            import pyreadstat

            data, labels, value_labels = _spss(frame, instrument, lang)
            pyreadstat.write_sav(
                data, str(path), column_labels=labels, variable_value_labels=value_labels
            )
        else:
            sheets = _write_xlsx(
                store, instrument, frame, path, include_pii=include_pii, wave=wave, lang=lang
            )
    except OSError as exc:
        raise DataImportError(
            problems=[Problem("X044", {"error": str(exc)}, file=str(path))]
        ) from None
    return ExportReport(path, format, len(frame), len(frame.columns), pii, sheets)


def _write_xlsx(
    store: object,
    instrument: Instrument,
    frame: pd.DataFrame,
    path: Path,
    *,
    include_pii: bool,
    wave: str | None,
    lang: str,
) -> tuple[str, ...]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    names = []
    labelled = store.frame(instrument.id, wave=wave, include_pii=include_pii, labels=True)  # type: ignore[attr-defined]
    for title, table in (
        (t("export.sheet_codes", lang), frame),
        (t("export.sheet_labels", lang), labelled),
    ):
        name = _sheet_name(title, taken)
        _write_sheet(workbook, name, _naive_utc(table))
        names.append(name)
    for repeat in instrument.repeats():
        table = store.repeat_frame(instrument.id, repeat.name, wave=wave, include_pii=include_pii)  # type: ignore[attr-defined]
        name = _sheet_name(repeat.name, taken)
        _write_sheet(workbook, name, _naive_utc(table))
        names.append(name)
    name = _sheet_name(t("export.sheet_codebook", lang), taken)
    _write_sheet(workbook, name, codebook(instrument, include_pii=include_pii, lang=lang))
    names.append(name)
    workbook.save(path)
    return tuple(names)
