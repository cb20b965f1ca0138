"""Hostile or broken XLSForms: ``read_xlsform`` gives a coded error, never a traceback or a hang.

Forms are generated from the words real forms use (types, names, expressions), written as
``.md`` or ``.xlsx``, then broken the ways files arrive broken: a number or nothing as a
header cell, a sheet renamed, a cell replaced by anything, a sheet XML cut short, a ZIP
member corrupted or missing, a markdown table cut to two lines. The only outcomes allowed
are an :class:`~toolkit.interop.XLSFormImport` or an :class:`~toolkit.errors.InstrumentError`.

The suite runs a fixed, small number of cases; ``TOOLKIT_FUZZ_EXAMPLES=3000`` runs more
(figures in ``benchmarks/README.md``). Every crash found is kept below as a regression test.
"""

from __future__ import annotations

import functools
import os
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from toolkit.errors import InstrumentError
from toolkit.instruments import load
from toolkit.interop import XLSFormImport, read_xlsform, write_xlsform

#: A form using every feature of the importer (repeats in repeats, loop, or_other...).
FEATURES = Path(__file__).resolve().parents[1] / "interop" / "data" / "menages.yaml"

#: A form read for longer than this is a hang (a form is read in well under a second).
HANG_SECONDS = 60
EXAMPLES = int(os.environ.get("TOOLKIT_FUZZ_EXAMPLES", "40"))

_TYPES = [
    "text",
    "integer",
    "decimal",
    "select_one yn",
    "select_multiple yn",
    "select_one yn or_other",
    "select_one ${nom}",
    "select_one_from_file rues.csv",
    "note",
    "calculate",
    "hidden",
    "date",
    "time",
    "geopoint",
    "range",
    "image",
    "username",
    "deviceid",
    "start",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
    "begin loop over yn",
    "end loop",
    "acknowledge",
    "rank yn",
    "xyz",
]
_EXPRESSIONS = [
    "",
    ". > 0",
    "${nom} != ''",
    "selected(${choix}, 'y')",
    "../nom = 'a'",
    "current()/../nom",
    "${last-saved#nom}",
    "count(${nom})",
    "pulldata('a', 'b', 'c', 'd')",
    "sqrt(${age})",
    "((((",
    "${",
    "concat('a', ",
    "/data/g/nom",
    "instance('x')/root/item[name=1]",
]
_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
    max_size=12,
)
_CELLS = st.one_of(
    st.sampled_from(_TYPES),
    st.sampled_from(_EXPRESSIONS),
    _TEXTS,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
)
_SURVEY_HEADER = ["type", "name", "label", "relevant", "calculation", "choice_filter", "flat"]


@st.composite
def _forms(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    """Sheets as rows of cells: mostly plausible, sometimes anything."""
    names = ["nom", "age", "choix", "g", "r", "x", "nom"]
    survey: list[list[object]] = [list(_SURVEY_HEADER)]
    for _ in range(draw(st.integers(0, 8))):
        survey.append(
            [
                draw(st.sampled_from(_TYPES)),
                draw(st.sampled_from(names)),
                draw(_TEXTS),
                draw(st.sampled_from(_EXPRESSIONS)),
                draw(st.sampled_from(_EXPRESSIONS)),
                draw(st.sampled_from(_EXPRESSIONS)),
                draw(st.sampled_from(["", "yes"])),
            ]
        )
    choices = [["list_name", "name", "label"], ["yn", "y", "Oui"], ["yn", "n", "Non"]]
    if draw(st.booleans()):
        choices.append(["yn", draw(_TEXTS), draw(_TEXTS)])
    sheets = {"survey": survey, "choices": choices}
    if draw(st.booleans()):
        sheets["settings"] = [["form_id", "version", "default_language"], ["f", "1", "French"]]
    for _ in range(draw(st.integers(0, 3))):
        sheet = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[sheet]
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, max(len(rows[row]) - 1, 0)))
        if rows[row]:
            rows[row][column] = draw(_CELLS)
    if draw(st.integers(0, 9)) == 0:
        renamed = draw(st.sampled_from(["survey ", "SURVEY", "Survey1", "enquete"]))
        sheets[renamed] = sheets.pop("survey")
    return sheets


@functools.cache
def _exported_sheets() -> dict[str, list[list[object]]]:
    """The sheets of the features form as the exporter writes them."""
    path = Path(tempfile.mkdtemp(prefix="fuzz_base")) / "menages.xlsx"
    workbook = load_workbook(write_xlsform(load(FEATURES), path))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


@st.composite
def _exported_forms(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    """The features form as exported, with a few cells replaced by anything."""
    sheets = {title: [list(row) for row in rows] for title, rows in _exported_sheets().items()}
    for _ in range(draw(st.integers(1, 4))):
        rows = sheets[draw(st.sampled_from(sorted(sheets)))]
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.integers(0, len(row) - 1))] = draw(_CELLS)
    if draw(st.integers(0, 4)) == 0:
        rows = sheets["survey"]
        del rows[draw(st.integers(1, len(rows) - 1))]
    return sheets


def _write_md(sheets: dict[str, list[list[object]]], path: Path) -> Path:
    lines = []
    for title, rows in sheets.items():
        lines.append(f"| {title} |")
        lines += [
            "| | " + " | ".join("" if c is None else str(c) for c in row) + " |" for row in rows
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_xlsx(sheets: dict[str, list[list[object]]], path: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([c if not isinstance(c, str) or c[:1] != "=" else f" {c}" for c in row])
    workbook.save(path)
    return path


def _damage_zip(path: Path, how: str, seed: int) -> Path:
    """Rewrite the ``.xlsx`` with one member cut short, corrupted or missing."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    target = seed % len(members)
    out = path.with_name(f"damaged_{path.name}")
    if how == "truncated_file":
        data = path.read_bytes()
        out.write_bytes(data[: seed % max(len(data), 1)])
        return out
    with zipfile.ZipFile(out, "w") as archive:
        for number, (info, data) in enumerate(members):
            if number == target and how == "missing_member":
                continue
            if number == target and how == "truncated_member":
                data = data[: len(data) // 2]
            if number == target and how == "garbled_member":
                data = bytes(b ^ 0x5A for b in data[:64]) + data[64:]
            archive.writestr(info, data)
    if how == "corrupt_bytes":
        raw = bytearray(out.read_bytes())
        for index in range(seed % max(len(raw), 1), min(len(raw), seed % max(len(raw), 1) + 40)):
            raw[index] ^= 0xFF
        out.write_bytes(bytes(raw))
    return out


@contextmanager
def _no_hang() -> Iterator[None]:
    def stop(*_: object) -> None:
        raise TimeoutError(f"read_xlsform took more than {HANG_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _outcome(path: Path) -> str:
    """``ok`` or the codes of the coded error; anything else propagates and fails the test."""
    with _no_hang():
        try:
            result = read_xlsform(path)
        except InstrumentError as exc:
            problems = exc.problems
        else:
            assert isinstance(result, XLSFormImport)
            return "ok"
    assert problems, "an InstrumentError always lists its problems"
    for problem in problems:
        assert problem.message() != problem.code  # every code is in the catalogue and renders
    return " ".join(p.code for p in problems)


_DAMAGE = st.sampled_from(
    [
        None,
        "truncated_member",
        "garbled_member",
        "missing_member",
        "corrupt_bytes",
        "truncated_file",
    ]
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    sheets=st.one_of(_forms(), _exported_forms()),
    layout=st.sampled_from(["md", "xlsx"]),
    damage=_DAMAGE,
    seed=st.integers(0, 10**6),
    cut=st.integers(0, 400),
)
def test_read_xlsform__fuzzed_form__coded_error_or_instrument(
    tmp_path_factory: pytest.TempPathFactory,
    sheets: dict[str, list[list[object]]],
    layout: str,
    damage: str | None,
    seed: int,
    cut: int,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "rues.csv").write_text("name,label\nhugo,Rue Hugo\n", encoding="utf-8")
    if layout == "md":
        path = _write_md(sheets, folder / "form.md")
        if damage is not None:
            text = path.read_text(encoding="utf-8")
            path.write_text(text[: cut % (len(text) + 1)], encoding="utf-8")
    else:
        path = _write_xlsx(sheets, folder / "form.xlsx")
        if damage is not None:
            path = _damage_zip(path, damage, seed)
    _outcome(path)


# ---------------------------------------------------------------------- reproducers (issue 14)


def _xlsx(path: Path, survey: list[list[object]], **sheets: list[list[object]]) -> Path:
    return _write_xlsx({"survey": survey, **sheets}, path)


_SURVEY = [["type", "name", "label"], ["text", "nom", "Nom"]]


def test_read_xlsform__number_as_header_cell__x067_naming_cell(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "f.xlsx", [["type", "name", 3], ["text", "nom", "Nom"]])
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["sheet"], problem.params["column"]) == (
        "X067",
        "survey",
        "C1",
    )


def test_read_xlsform__survey_sheet_name_with_space__x069(tmp_path: Path) -> None:
    path = _write_xlsx({"survey ": _SURVEY}, tmp_path / "f.xlsx")
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(path)
    assert caught.value.codes == ["X069"]


def test_read_xlsform__empty_settings_header__reads(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "f.xlsx", _SURVEY, settings=[[None, "form_id"], ["x", "visite"]])
    assert read_xlsform(path).instrument.id == "visite"


@pytest.mark.parametrize(
    "damage", ["truncated_member", "garbled_member", "missing_member", "corrupt_bytes"]
)
def test_read_xlsform__damaged_xlsx__coded_error(tmp_path: Path, damage: str) -> None:
    path = _xlsx(tmp_path / "f.xlsx", _SURVEY)
    with zipfile.ZipFile(path) as archive:
        members = len(archive.infolist())
    # Every member in turn: a missing worksheet leaves no survey sheet (X068), the rest X001.
    outcomes = {_outcome(_damage_zip(path, damage, index)) for index in range(members)}
    assert outcomes <= {"X001", "X068", "ok"}


def test_read_xlsform__sheet_xml_cut_short__x001(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "f.xlsx", _SURVEY)
    with zipfile.ZipFile(path) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
    members = zipfile.ZipFile(path).infolist()
    target = next(i for i, m in enumerate(members) if m.filename == sheet)
    assert _outcome(_damage_zip(path, "truncated_member", target)) == "X001"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("| survey |\n| | type |\n", "X070"),  # a header and no question
        ("|survey|\n|type|name|\n", "X001"),  # pyxform's reader: IndexError
        (
            "| survey |\n| | type | name | label |\n| | text | q | Q |\n| settings |\n| | |\n",
            "X001",
        ),
    ],
)
def test_read_xlsform__two_line_markdown_table__coded_error(
    tmp_path: Path, text: str, code: str
) -> None:
    path = tmp_path / "f.md"
    path.write_text(text, encoding="utf-8")
    assert _outcome(path) == code


def test_read_xlsform__data_csv_given_by_mistake__x068(tmp_path: Path) -> None:
    path = tmp_path / "reponses.csv"
    path.write_text("response_id,age,secteur\n1,23,nord\n2,45,sud\n3,31,nord\n", encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(path)
    assert caught.value.codes == ["X068"]
