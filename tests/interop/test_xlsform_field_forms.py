"""XLSForms as they come from the field (issue 15): each feature imports, round-trips
YAML → XLSForm → YAML identically, and pyxform accepts the form exported again.

The forms are written here, in pyxform's markdown layout (the header is row 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from toolkit.errors import InstrumentError, Problem
from toolkit.instruments import Instrument, instrument_to_dict, load, validate_answers
from toolkit.interop import read_xlsform, summarise, write_xlsform

DATA = Path(__file__).parent / "data"


def _form(tmp_path: Path, text: str, name: str = "form") -> Path:
    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _located(problems: tuple[Problem, ...] | list[Problem]) -> list[tuple[str, object, str]]:
    return [(p.code, p.params["row"], p.params["column"]) for p in problems]


def _round_trip(instrument: Instrument, tmp_path: Path) -> Instrument:
    """Export, check that pyxform converts it, read it back: the same instrument."""
    path = write_xlsform(instrument, tmp_path / "again.xlsx")
    assert "<h:html" in convert(xlsform=str(path)).xform
    back = read_xlsform(path)
    assert back.warnings == ()
    assert instrument_to_dict(back.instrument) == instrument_to_dict(instrument)
    return back.instrument


CHOICES = """
| choices |           |       |        |
|         | list_name | name  | label  |
|         | logement  | hlm   | HLM    |
|         | logement  | prive | Privé  |
"""


# ---------------------------------------------------------------------- or_other


@pytest.mark.parametrize("spelling", ["or_other", "or specify other", "or other"])
def test_read_xlsform__or_other__autre_and_precisez_in_the_model(
    tmp_path: Path, spelling: str
) -> None:
    form = f"""
| survey |                            |          |          |
|        | type                       | name     | label    |
|        | select_one logement {spelling} | logement | Logement |
|        | select_multiple logement {spelling} | aides | Aides |
{CHOICES}"""
    result = read_xlsform(_form(tmp_path, form))
    assert result.warnings == ()
    instrument = result.instrument
    for name in ("logement", "aides"):
        assert instrument.question(name).other
        assert instrument.choices_of(name).values() == ("hlm", "prive", "other")
        assert instrument.question(f"{name}_other").specify_for == name
    # The list itself stays as written: pyxform's added « Other » is the model's « Autre ».
    assert instrument.choice_lists["logement"].values() == ("hlm", "prive")
    assert instrument.choices_of("logement").get("other").label.get("fr") == "Autre"
    again = _round_trip(instrument, tmp_path)
    assert validate_answers(again, {"logement": "other", "logement_other": "Squat"}).ok


def test_read_xlsform__or_other_with_choice_filter__pyxform_refusal_located(
    tmp_path: Path,
) -> None:
    form = f"""
| survey |                            |          |          |               |
|        | type                       | name     | label    | choice_filter |
|        | select_one logement or_other | logement | Logement | name != 'hlm' |
{CHOICES}"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    assert _located(caught.value.problems) == [("X008", 2, "")]


# ---------------------------------------------------------------------- loops and repeats


LOOP = """
| survey |                        |          |                      |                |
|        | type                   | name     | label                | constraint     |
|        | begin loop over equip  | parc     | Parc                 |                |
|        | integer                | total    | Combien de %(label)s ? |              |
|        | integer                | panne    | En panne (en %%)     | . <= ../total  |
|        | end loop               |          |                      |                |
| choices |           |         |          |
|         | list_name | name    | label    |
|         | equip     | velo    | vélos    |
|         | equip     | scooter | scooters |
"""


def test_read_xlsform__begin_loop_over__repeat_with_one_entry_per_choice(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, LOOP))
    instrument = result.instrument
    parc = instrument.question("parc")
    assert (parc.type, parc.loop_over) == ("repeat", "equip")
    assert instrument.question("total").label.get("fr") == "Combien de %(label)s ?"
    assert instrument.question("panne").label.get("fr") == "En panne (en %)"
    assert instrument.question("panne").constraint == ". <= ${total}"
    again = _round_trip(instrument, tmp_path)
    rejected = validate_answers(again, {"parc": [{"total": 1, "panne": 2}, {"total": 0}]})
    assert [(p.code, p.field) for p in rejected.problems] == [("A007", "parc[0].panne")]


def test_write_xlsform__loop__pyxform_makes_one_group_per_choice(tmp_path: Path) -> None:
    instrument = read_xlsform(_form(tmp_path, LOOP)).instrument
    xform = convert(xlsform=str(write_xlsform(instrument, tmp_path / "f.xlsx"))).xform
    assert 'nodeset="/data/parc/velo/total"' in xform
    assert 'nodeset="/data/parc/scooter/panne"' in xform
    assert "Combien de vélos ?" in xform
    assert "En panne (en %)" in xform


NESTED = """
| survey |              |         |         |                      |
|        | type         | name    | label   | calculation          |
|        | begin_repeat | menages | Ménages |                      |
|        | text         | nom     | Nom     |                      |
|        | begin_repeat | membres | Membres |                      |
|        | integer      | age     | Âge     |                      |
|        | end_repeat   |         |         |                      |
|        | calculate    | n       |         | count(${age})        |
|        | end_repeat   |         |         |                      |
"""


def test_read_xlsform__repeat_inside_repeat__imported(tmp_path: Path) -> None:
    instrument = read_xlsform(_form(tmp_path, NESTED)).instrument
    assert instrument.repeat_path("age") == ("menages", "membres")
    again = _round_trip(instrument, tmp_path)
    answers = validate_answers(
        again, {"menages": [{"membres": [{"age": 3}, {"age": 40}]}, {"membres": []}]}
    ).answers
    assert [m.get("n") for m in answers["menages"]] == [2, 0]


def test_write_xlsform__features_form__pyxform_converts_and_reads_back_identical(
    tmp_path: Path,
) -> None:
    instrument = load(DATA / "menages.yaml")
    again = _round_trip(instrument, tmp_path)
    first = write_xlsform(again, tmp_path / "second.xlsx")
    assert summarise(convert(xlsform=str(first)).xform) == summarise(
        convert(xlsform=str(write_xlsform(instrument, tmp_path / "first.xlsx"))).xform
    )


# ---------------------------------------------------------------------- choice files


def test_read_xlsform__select_from_csv_file__choices_kept_with_the_instrument(
    tmp_path: Path,
) -> None:
    media = tmp_path / "medias"
    media.mkdir()
    (media / "rues.csv").write_text(
        "name,label::Français (fr),secteur\nhugo,Rue Hugo,nord\nzola,Rue Zola,sud\n",
        encoding="utf-8",
    )
    form = """
| survey |                               |      |      |                |
|        | type                          | name | label| choice_filter  |
|        | select_one_from_file rues.csv | rue  | Rue  | secteur='nord' |
|        | select_multiple_from_file rues.csv | rues | Rues |           |
"""
    path = _form(tmp_path, form)
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(path)  # rues.csv is not beside the form
    assert _located(caught.value.problems) == [("X063", 2, "type"), ("X063", 3, "type")]
    instrument = read_xlsform(path, media=media).instrument
    assert instrument.question("rue").choices == "rues"
    assert instrument.question("rues").type == "multiple_choice"
    assert instrument.choice_lists["rues"].get("zola").filter_value("secteur") == "sud"
    assert not validate_answers(instrument, {"rue": "zola"}).ok  # filtered out
    _round_trip(instrument, tmp_path)


def test_read_xlsform__select_from_xml_and_geojson_files__value_label_parameters(
    tmp_path: Path,
) -> None:
    (tmp_path / "lieux.xml").write_text(
        "<root><item><code>p1</code><nom>Parc</nom></item>"
        "<item><code>m2</code><nom>Marché</nom></item></root>",
        encoding="utf-8",
    )
    (tmp_path / "points.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 48.8]},'
        ' "properties": {"id": "b1", "title": "Banc", "zone": "nord"}}]}',
        encoding="utf-8",
    )
    form = """
| survey |                                 |       |       |                         |
|        | type                            | name  | label | parameters              |
|        | select_one_from_file lieux.xml  | lieu  | Lieu  | value=code label=nom    |
|        | select_one_from_file points.geojson | point | Point |                  |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X065", 3, "type")]  # the geometry is not kept
    instrument = result.instrument
    assert instrument.choices_of("lieu").values() == ("p1", "m2")
    assert instrument.choices_of("lieu").get("m2").label.get("fr") == "Marché"
    assert instrument.choices_of("point").get("b1").filter_value("zone") == "nord"


def test_read_xlsform__unreadable_choice_file__x064_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rues.csv").write_text("label\nRue Hugo\n", encoding="utf-8")
    form = """
| survey |                               |      |       |
|        | type                          | name | label |
|        | select_one_from_file rues.csv | rue  | Rue   |
"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["file"], problem.params["line"]) == ("X064", "rues.csv", 1)


# ---------------------------------------------------------------------- metadata, hidden


def test_read_xlsform__username_in_expression__collector_pseudonym(tmp_path: Path) -> None:
    form = """
| survey |           |          |       |                               |
|        | type      | name     | label | calculation                   |
|        | username  | username |       |                               |
|        | deviceid  | deviceid |       |                               |
|        | calculate | code     |       | concat(${username}, '-', ${deviceid}) |
"""
    result = read_xlsform(_form(tmp_path, form))
    # deviceid: the toolkit does not record it; kept as a hidden personal field.
    assert _located(result.warnings) == [("X061", 3, "type")]
    instrument = result.instrument
    assert instrument.question("username").metadata == "collector"
    deviceid = instrument.question("deviceid")
    assert (deviceid.type, deviceid.pii) == ("hidden", True)
    answers = validate_answers(instrument, {"deviceid": "collect:A1"}, meta={"collector": "med7"})
    assert answers.answers["code"] == "med7-collect:A1"
    _round_trip(instrument, tmp_path)


def test_read_xlsform__hidden_last_saved_and_functions__kept(tmp_path: Path) -> None:
    form = """
| survey |          |         |       |                        |                                   |
|        | type     | name    | label | default                | calculation                       |
|        | hidden   | projet  |       | mediation_2026         |                                   |
|        | text     | rue     | Rue   | ${last-saved#rue}      |                                   |
|        | decimal  | surface | Surface |                      | round(sqrt(pow(3, 2) + 16), 1)    |
|        | text     | propre  | Propre |                       | normalize-space(${rue})           |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert result.warnings == ()
    instrument = result.instrument
    assert instrument.question("projet").type == "hidden"
    assert instrument.question("rue").default == "${last-saved#rue}"
    # A calculation on a decimal is kept: it fills the answer left empty.
    answers = validate_answers(instrument, {"rue": "  Rue   Hugo "}).answers
    assert (answers["projet"], answers["surface"], answers["propre"]) == (
        "mediation_2026",
        5.0,
        "Rue Hugo",
    )
    _round_trip(instrument, tmp_path)


# ---------------------------------------------------------------------- names and paths


def test_read_xlsform__same_name_in_two_groups__second_renamed_with_warning(
    tmp_path: Path,
) -> None:
    form = """
| survey |             |        |          |                 |
|        | type        | name   | label    | relevant        |
|        | begin_group | avant  | Avant    |                 |
|        | integer     | nombre | Nombre   |                 |
|        | text        | motif  | Motif    | ../nombre > 0   |
|        | end_group   |        |          |                 |
|        | begin_group | apres  | Après    |                 |
|        | integer     | nombre | Nombre   |                 |
|        | text        | note_a | Note     | ../nombre > 0   |
|        | end_group   |        |          |                 |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X060", 7, "name")]
    assert result.warnings[0].params["new"] == "apres_nombre"
    instrument = result.instrument
    # Each relative path names the question of its own group.
    assert instrument.question("motif").relevant == "${nombre} > 0"
    assert instrument.question("note_a").relevant == "${apres_nombre} > 0"
    _round_trip(instrument, tmp_path)


def test_read_xlsform__select_one_from_repeat_and_flat_group__kept(tmp_path: Path) -> None:
    form = """
| survey |                  |         |          |      |
|        | type             | name    | label    | flat |
|        | begin_repeat     | membres | Membres  |      |
|        | text             | prenom  | Prénom   |      |
|        | end_repeat       |         |          |      |
|        | select_one ${prenom} | chef | Chef    |      |
|        | begin_group      | g       | Groupe   | yes  |
|        | text             | x       | X        |      |
|        | end_group        |         |          |      |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert result.warnings == ()  # flat is used, so not reported as ignored
    instrument = result.instrument
    assert instrument.question("chef").choices_from == "prenom"
    assert instrument.question("g").flat
    _round_trip(instrument, tmp_path)


def test_read_xlsform__empty_group__label_becomes_note_with_warning(tmp_path: Path) -> None:
    form = """
| survey |             |        |              |
|        | type        | name   | label        |
|        | begin_group | titre  | Partie 2     |
|        | end_group   |        |              |
|        | begin_group | vide   |              |
|        | end_group   |        |              |
|        | text        | q      | Q            |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X062", 2, "type"), ("X062", 4, "type")]
    instrument = result.instrument
    assert [(q.name, q.type) for q in instrument.items] == [("titre", "note"), ("q", "text")]


def test_read_xlsform__relevant_with_value_outside_list__warning_located(tmp_path: Path) -> None:
    form = f"""
| survey |                     |          |          |                        |
|        | type                | name     | label    | relevant               |
|        | select_one logement | logement | Logement |                        |
|        | text                | detail   | Détail   | ${{logement}} = 'squat' |
{CHOICES}"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X066", 3, "relevant")]
    assert result.warnings[0].params["cause"] == "I032"


# ---------------------------------------------------------------------- languages, columns


def test_read_xlsform__languages_without_iso_code__round_trip_keeps_them(tmp_path: Path) -> None:
    form = """
| survey |      |      |                |              |                     |
|        | type | name | label::Swahili | label::Tetun | label::English (en) |
|        | text | jina | Jina lako?     | Naran?       | Your name?          |
"""
    instrument = read_xlsform(_form(tmp_path, form)).instrument
    assert instrument.languages == ("sw", "tetun", "en")
    assert instrument.question("jina").label.get("tetun") == "Naran?"
    again = _round_trip(instrument, tmp_path)
    assert again.languages == ("sw", "tetun", "en")


def test_read_xlsform__aliases_and_bind_columns__used_so_not_reported(tmp_path: Path) -> None:
    form = """
| survey |         |      |       |                |                    |
|        | type    | name | label | bind::relevant | control::appearance |
|        | integer | a    | A     |                |                    |
|        | text    | b    | B     | ${a} > 1       | multiline          |
| settings |            |       |
|          | id_string  | title |
|          | visite     | Visite |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert result.warnings == ()
    instrument = result.instrument
    assert (instrument.id, instrument.title.get("fr")) == ("visite", "Visite")
    assert (instrument.question("b").relevant, instrument.question("b").type) == (
        "${a} > 1",
        "long_text",
    )


def test_read_xlsform__problem_of_converted_form__names_sheet_row_column(tmp_path: Path) -> None:
    form = """
| survey |         |      |       |             |
|        | type    | name | label | relevance   |
|        | text    | a    | A     |             |
|        | text    | b    | B     | ${a} + 1 > 2 |
"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    (problem,) = caught.value.problems
    assert _located([problem]) == [("X066", 3, "relevance")]
    assert problem.format().startswith(f"{tmp_path / 'form.md'}[survey]:3: X066 [ligne 3]")


def test_read_xlsform__missing_choice_file_skip_unsupported__left_out_with_x010(
    tmp_path: Path,
) -> None:
    form = """
| survey |                               |      |       |
|        | type                          | name | label |
|        | select_one_from_file rues.csv | rue  | Rue   |
|        | text                          | note_r | Note |
"""
    result = read_xlsform(_form(tmp_path, form), skip_unsupported=True)
    assert _located(result.warnings) == [("X010", 2, "type")]
    assert [q.name for q in result.instrument.fields()] == ["note_r"]


@pytest.mark.parametrize(
    ("questions", "detail"),
    [
        (
            "  - name: l\n    type: repeat\n    loop_over: eq\n    questions:\n"
            "      - name: r\n        type: repeat\n"
            "        questions: [{name: x, type: text, label: X}]\n",
            "detail.export.repeat_in_loop",
        ),
        (
            "  - name: l\n    type: repeat\n    loop_over: eq\n"
            "    questions: [{name: n, type: integer, label: N}]\n"
            "  - {name: s, type: calculate, calculation: 'sum(${n})'}\n",
            "detail.export.ref_into_loop",
        ),
        (
            "  - name: l\n    type: repeat\n    loop_over: eq\n"
            "    questions:\n      - {name: n, type: integer, label: N}\n"
            "      - {name: t, type: note, label: 'Vu ${n}'}\n",
            "detail.export.text_in_loop",
        ),
        (
            "  - name: l\n    type: repeat\n    loop_over: nb\n"
            "    questions: [{name: n, type: integer, label: N}]\n",
            "detail.export.loop_value",
        ),
        (
            "  - name: l\n    type: repeat\n    loop_over: eq\n    questions:\n"
            "      - {name: n, type: integer, label: N, required: true,\n"
            "         required_message: {fr: Obligatoire}}\n",
            "detail.export.message_in_loop",
        ),
    ],
)
def test_write_xlsform__what_a_loop_cannot_hold__x071_before_pyxform(
    tmp_path: Path, questions: str, detail: str
) -> None:
    from toolkit.instruments import loads

    instrument = loads(
        "id: f\nversion: '1'\ntitle: {fr: F}\nlanguages: [fr]\n"
        "choice_lists:\n  eq: [{value: a, label: A}, {value: b, label: B}]\n"
        "  nb: [{value: '1', label: Un}]\n"
        "questions:\n" + questions
    )
    with pytest.raises(InstrumentError) as caught:
        write_xlsform(instrument, tmp_path / "f.xlsx")
    assert [(p.code, p.params["detail"].key) for p in caught.value.problems] == [("X071", detail)]


def test_read_xlsform__readonly_condition__warned_question_stays_editable(tmp_path: Path) -> None:
    form = """
| survey |         |      |       |           |
|        | type    | name | label | read_only |
|        | integer | a    | A     |           |
|        | integer | b    | B     | ${a} > 2  |
"""
    result = read_xlsform(_form(tmp_path, form))
    assert _located(result.warnings) == [("X072", 3, "read_only")]
    assert not result.instrument.question("b").read_only


def test_read_xlsform__what_only_pyxform_builder_refuses__x008(tmp_path: Path) -> None:
    form = """
| survey |                    |      |                 |
|        | type               | name | label           |
|        | begin loop over c1 | l1   |                 |
|        | integer            | q1   | Count %(label)s |
|        | note               | q2   | Counted ${q1}   |
|        | end loop           |      |                 |
| choices |           |        |         |
|         | list_name | name   | label   |
|         | c1        | thing1 | Thing 1 |
|         | c1        | thing2 | Thing 2 |
"""
    with pytest.raises(InstrumentError) as caught:
        read_xlsform(_form(tmp_path, form))
    assert caught.value.codes == ["X008"]
