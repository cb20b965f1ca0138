"""What the XLSForm importer keeps, leaves out with a warning, or refuses (forms as in Kobo/ODK).

The forms are written in pyxform's markdown layout: the header row is row 1, so the first
question is on row 2, as in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from toolkit.errors import InstrumentError, Problem
from toolkit.instruments import instrument_to_dict, validate_answers
from toolkit.interop import read_xlsform, write_xlsform


def _form(tmp_path: Path, text: str, name: str = "form") -> Path:
    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _located(problems: tuple[Problem, ...] | list[Problem]) -> list[tuple[str, object, str]]:
    return [(p.code, p.params["row"], p.params["column"]) for p in problems]


METADATA_FORM = """
| survey |                  |              |                      |
|        | type             | name         | label                |
|        | start            | start        |                      |
|        | end              | end          |                      |
|        | today            | today        |                      |
|        | deviceid         | deviceid     |                      |
|        | username         | username     |                      |
|        | email            | email        |                      |
|        | subscriberid     | subscriberid |                      |
|        | simserial        | simserial    |                      |
|        | phonenumber      | phonenumber  |                      |
|        | audit            | audit        |                      |
|        | start-geopoint   | start_gps    |                      |
|        | background-audio | recording    |                      |
|        | text             | quartier     | Quartier ?           |
"""


def test_read_xlsform__kobo_metadata__recorded_ones_mapped_others_left_out_naming_row(
    tmp_path: Path,
) -> None:
    result = read_xlsform(_form(tmp_path, METADATA_FORM))
    # start, end, today, username: what the toolkit records itself (rows 2, 3, 4, 6).
    assert _located(result.warnings) == [
        ("X016", row, "type") for row in range(2, 14) if row not in (2, 3, 4, 6)
    ]
    instrument = result.instrument
    assert {q.name: q.metadata for q in instrument.questions() if q.type == "metadata"} == {
        "start": "started_at",
        "end": "submitted_at",
        "today": "today",
        "username": "collector",
    }
    assert [q.name for q in instrument.fields()] == ["quartier"]
    message = result.warnings[0].format()
    assert "deviceid" in message
    assert "X016" in message


MEDIA_FORM = """
| survey |             |           |           |           |
|        | type        | name      | label     | appearance|
|        | image       | photo     | Photo     |           |
|        | image       | signature | Signature | signature |
|        | audio       | son       | Son       |           |
|        | video       | film      | Film      |           |
|        | file        | fichier   | Fichier   |           |
|        | barcode     | code      | Code      |           |
|        | geotrace    | trace     | Trace     |           |
|        | geoshape    | zone      | Zone      |           |
|        | integer     | nb        | Nombre    |           |
"""


def test_read_xlsform__media_not_referenced__left_out_with_warning(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, MEDIA_FORM))
    assert _located(result.warnings) == [("X017", row, "type") for row in range(2, 10)]
    assert [q.name for q in result.instrument.fields()] == ["nb"]


def test_read_xlsform__left_out_question_used_in_expression__error_names_using_row(
    tmp_path: Path,
) -> None:
    form = """
| survey |           |        |         |                  |              |
|        | type      | name   | label   | relevant         | calculation  |
|        | image     | photo  | Photo   |                  |              |
|        | start-geopoint | gps |    |                  |              |
|        | text      | legende| Légende | ${photo} != ''   |              |
|        | calculate | jour   |         |                  | ${gps}       |
"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    problems = caught.value.problems
    assert _located(problems) == [("X018", 4, "relevant"), ("X018", 5, "calculation")]
    assert [(p.params["ref"], p.params["ref_row"]) for p in problems] == [
        ("photo", 2),
        ("gps", 3),
    ]


def test_read_xlsform__label_shows_left_out_question__reference_replaced_and_warned(
    tmp_path: Path,
) -> None:
    form = """
| survey |          |          |                               |
|        | type     | name     | label::Français (fr)          |
|        | deviceid | deviceid |                               |
|        | note     | bonjour  | Appareil ${deviceid} !        |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X016", 2, "type"), ("X019", 3, "label::Français (fr)")]
    instrument = result.instrument
    assert instrument.question("bonjour").label.get("fr") == "Appareil [deviceid] !"
    # The reference is gone, so pyxform converts the form exported again.
    assert "<h:html" in convert(xlsform=str(write_xlsform(instrument, tmp_path / "f.xlsx"))).xform


def test_read_xlsform__group_of_media_only__group_left_out_too(tmp_path: Path) -> None:
    form = """
| survey |             |        |          |
|        | type        | name   | label    |
|        | begin_group | photos | Photos   |
|        | image       | avant  | Avant    |
|        | image       | apres  | Après    |
|        | end_group   | photos |          |
|        | text        | note_t | Remarque |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [
        ("X010", 2, "type"),
        ("X017", 3, "type"),
        ("X017", 4, "type"),
    ]
    assert [q.name for q in result.instrument.items] == ["note_t"]


def test_read_xlsform__range__number_with_bounds_and_step(tmp_path: Path) -> None:
    form = """
| survey |       |         |         |                              |
|        | type  | name    | label   | parameters                   |
|        | range | note10  | Note    | start=0 end=100 step=10      |
|        | range | demi    | Demi    | start=0.5 end=2.5 step=0.5   |
|        | range | defaut  | Défaut  |                              |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert result.warnings == ()
    instrument = result.instrument
    tens, halves, default = (instrument.question(n) for n in ("note10", "demi", "defaut"))
    assert (tens.type, tens.minimum, tens.maximum) == ("integer", 0, 100)
    assert (halves.type, halves.minimum, halves.maximum) == ("decimal", 0.5, 2.5)
    assert (default.type, default.minimum, default.maximum, default.constraint) == (
        "integer",
        1,
        10,
        None,
    )
    assert validate_answers(instrument, {"note10": 30, "demi": 1.5, "defaut": 10}).ok
    rejected = validate_answers(instrument, {"note10": 35, "demi": 1.2, "defaut": 11})
    assert sorted(p.field for p in rejected.problems) == ["defaut", "demi", "note10"]


EXTERNAL_FORM = """
| survey |                            |           |                      |                       |
|        | type                       | name      | label::Français (fr) | choice_filter         |
|        | select_one secteurs        | secteur   | Secteur              |                       |
|        | select_multiple_external rues | rues   | Rues                 | secteur = ${secteur}  |
| choices |            |        |                      |
|         | list_name  | name   | label::Français (fr) |
|         | secteurs   | nord   | Nord                 |
|         | secteurs   | sud    | Sud                  |
| external_choices |           |          |                      |          |
|                  | list_name | name     | label::Français (fr) | secteur  |
|                  | rues      | hugo     | Rue Victor-Hugo      | nord     |
|                  | rues      | zola     | Rue Émile-Zola       | nord     |
|                  | rues      | moulin   | Rue Jean-Moulin      | sud      |
"""


def test_read_xlsform__multiple_external__choices_and_filter_from_external_sheet(
    tmp_path: Path,
) -> None:
    result = read_xlsform(_form(tmp_path, EXTERNAL_FORM))
    assert result.warnings == ()
    instrument = result.instrument
    rues = instrument.question("rues")
    assert (rues.type, rues.choices, rues.choice_filter) == (
        "multiple_choice",
        "rues",
        "secteur = ${secteur}",
    )
    assert instrument.choices_of("rues").values() == ("hugo", "zola", "moulin")
    assert instrument.choice_lists["rues"].get("zola").label.get("fr") == "Rue Émile-Zola"
    assert validate_answers(instrument, {"secteur": "nord", "rues": "hugo zola"}).ok
    rejected = validate_answers(instrument, {"secteur": "sud", "rues": "hugo"})
    assert [p.code for p in rejected.problems] == ["A020"]
    again = write_xlsform(instrument, tmp_path / "again.xlsx")
    # Exported back as a plain select_multiple from the choices sheet.
    xform = convert(xlsform=str(again)).xform
    assert '<select ref="/data/rues">' in xform
    assert "<itemset nodeset=\"instance('rues')/root/item[secteur =  /data/secteur ]\">" in xform
    assert instrument_to_dict(read_xlsform(again).instrument) == instrument_to_dict(instrument)


def test_read_xlsform__external_list_missing__coded_error(tmp_path: Path) -> None:
    form = EXTERNAL_FORM.replace("| rues      |", "| autres    |")
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    assert _located(caught.value.problems) == [("X004", 3, "type")]


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("| select_one_from_file rues.csv | q | Q | |", "X063", "type"),  # no rues.csv here
        ("| text | q | Q | search('rues') |", "X005", "appearance"),
        ("| rank secteurs | q | Q | |", "X004", "type"),
    ],
)
def test_read_xlsform__logic_or_data_outside_the_form__still_an_error(
    tmp_path: Path, row: str, code: str, column: str
) -> None:
    form = f"""
| survey |         |      |       |            |
|        | type    | name | label | appearance |
|        {row}
| choices |            |        |       |
|         | list_name  | name   | label |
|         | secteurs   | nord   | Nord  |
"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    assert _located(caught.value.problems) == [(code, 2, column)]


PULLDATA_FORM = """
| survey |           |       |       |                                     |                |
|        | type      | name  | label | calculation                         | relevant       |
|        | calculate | prix  |       | pulldata('tarifs', 'prix', 'id', 1) |                |
|        | text      | autre | Autre |                                     |                |
"""


def test_read_xlsform__skip_unsupported__error_feature_left_out_with_warning(
    tmp_path: Path,
) -> None:
    path = _form(tmp_path, PULLDATA_FORM)
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(path)
    assert _located(caught.value.problems) == [("X005", 2, "calculation")]
    result = read_xlsform(path, skip_unsupported=True)
    assert _located(result.warnings) == [("X010", 2, "calculation")]
    assert [q.name for q in result.instrument.fields()] == ["autre"]


def test_read_xlsform__skip_unsupported_but_question_used__still_an_error(
    tmp_path: Path,
) -> None:
    form = PULLDATA_FORM.replace(
        "| Autre |                                     |                |",
        "| Autre |                                     | ${prix} > 2    |",
    )
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form), skip_unsupported=True)
    assert _located(caught.value.problems) == [("X018", 3, "relevant")]
