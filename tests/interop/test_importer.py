"""``import_file``: KoboToolbox, ODK Central and plain files, all or nothing, no duplicates."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from toolkit.errors import DataImportError
from toolkit.interop import import_file
from toolkit.interop.records import response_id
from toolkit.store import Store

DATA = Path(__file__).parent / "data"


def test_import_file__kobo_csv__answers_read_from_group_paths(visite_store: Store) -> None:
    report = import_file(visite_store, "visite_test", DATA / "kobo_visite.csv")
    assert (report.format, report.rows, report.imported) == ("kobo", 3, 3)
    response = visite_store.get("0c6a8e5e-4a5b-4c36-9d1e-7f7bb7c5b2a1")
    assert response.answers["problemes"] == ["bruit", "proprete"]
    assert response.answers["position"] == {
        "latitude": 48.8566,
        "longitude": 2.3522,
        "altitude": 35.0,
        "accuracy": 4.5,
    }
    assert response.answers["quartier_agreable"] == "3"
    assert response.answers["consentement"] is True
    assert response.collector == "mediateur1"


def test_import_file__kobo_split_select_multiple_only__read_from_01_columns(
    visite_store: Store, tmp_path: Path
) -> None:
    lines = (DATA / "kobo_visite.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    drop = header.index("groupe/problemes")
    trimmed = [
        ";".join(c for i, c in enumerate(line.split(";")) if i != drop) for line in lines[:2]
    ]
    path = tmp_path / "kobo.csv"
    path.write_text("\n".join(trimmed), encoding="utf-8")
    import_file(visite_store, "visite_test", path, format="kobo")
    response = visite_store.get("0c6a8e5e-4a5b-4c36-9d1e-7f7bb7c5b2a1")
    assert response.answers["problemes"] == ["bruit", "proprete"]


def test_import_file__kobo_xlsx__repeat_sheet_linked_by_parent_index(
    visite_store: Store, kobo_xlsx: Path
) -> None:
    import_file(visite_store, "visite_test", kobo_xlsx)
    entries = visite_store.repeat_frame("visite_test", "constats")
    assert len(entries) == 3
    first = visite_store.get("0c6a8e5e-4a5b-4c36-9d1e-7f7bb7c5b2a1").answers["constats"]
    assert first == [
        {"categorie": "eclairage", "gravite": 3},
        {"categorie": "proprete", "gravite": 2},
    ]
    assert "constats" not in visite_store.get("5d1f3a2b-9c8e-4f7a-b6d5-2e1c0a9b8f7e").answers


def test_import_file__odk_zip__dash_paths_geopoint_parts_and_repeat_file(
    visite_store: Store, odk_zip: Path
) -> None:
    report = import_file(visite_store, "visite_test", odk_zip)
    assert (report.format, report.imported) == ("odk", 2)
    response = visite_store.get("7f3e2d1c-0b9a-4876-a5e4-d3c2b1a09f8e")
    assert response.answers["position"]["latitude"] == 48.8414
    assert response.answers["constats"] == [{"categorie": "proprete", "gravite": 2}]
    assert response.answers["commentaire"] == "Rue bruyante, le soir"
    assert response.collector == "Equipe Gare"


def test_import_file__plain_csv__our_column_names_and_metadata(visite_store: Store) -> None:
    report = import_file(visite_store, "visite_test", DATA / "plain_visite.csv")
    assert report.format == "csv"
    frame = visite_store.frame("visite_test")
    assert sorted(frame["wave"].tolist()) == ["2024-T1", "2024-T1"]
    rid = response_id("visite_test", "r-001")
    assert visite_store.get(rid).answers["date_visite"] == "2024-03-05"


def test_import_file__same_file_twice__no_duplicates(visite_store: Store, odk_zip: Path) -> None:
    import_file(visite_store, "visite_test", odk_zip)
    again = import_file(visite_store, "visite_test", odk_zip)
    assert (again.imported, again.already_present) == (0, 2)
    assert len(visite_store.frame("visite_test")) == 2


def test_response_id__not_a_uuid__stable_uuid5() -> None:
    derived = response_id("visite_test", "r-001")
    assert derived == response_id("visite_test", "r-001")
    assert uuid.UUID(derived).version == 5
    assert response_id("x", "uuid:7F3E2D1C-0B9A-4876-A5E4-D3C2B1A09F8E") == (
        "7f3e2d1c-0b9a-4876-a5e4-d3c2b1a09f8e"
    )


def test_import_file__bad_rows__every_row_reported_and_nothing_written(
    visite_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    shutil.copy(DATA / "plain_visite.csv", path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("r-003,centre,2024-T1,oui,2024-03-07,lune,,,,3,3,\n")
        handle.write("r-004,centre,2024-T1,oui,2024-03-07,centre,,,99,3,3,\n")
    with pytest.raises(DataImportError) as caught:
        import_file(visite_store, "visite_test", path)
    problems = caught.value.problems
    assert [(p.code, p.params["row"], p.field) for p in problems] == [
        ("X022", 4, "secteur"),
        ("X022", 5, "nb_personnes"),
    ]
    assert "lune" in problems[0].format("en")
    assert len(visite_store.frame("visite_test")) == 0


def test_import_file__bad_repeat_entry__reported_on_its_sheet_row(
    visite_store: Store, kobo_xlsx: Path
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(kobo_xlsx)
    workbook["constats"]["B3"] = 9  # gravite of the second entry, above the maximum of 4
    workbook.save(kobo_xlsx)
    with pytest.raises(DataImportError) as caught:
        import_file(visite_store, "visite_test", kobo_xlsx)
    (problem,) = caught.value.problems
    assert (problem.params["sheet"], problem.params["row"]) == ("constats", 3)
    assert len(visite_store.frame("visite_test")) == 0


def test_import_file__duplicate_id_in_file__rejected(visite_store: Store, tmp_path: Path) -> None:
    lines = (DATA / "plain_visite.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError) as caught:
        import_file(visite_store, "visite_test", path)
    assert [p.code for p in caught.value.problems] == ["X026"]


def test_import_file__no_matching_column__coded_error(visite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("foo;bar\n1;2\n", encoding="utf-8")
    with pytest.raises(DataImportError) as caught:
        import_file(visite_store, "visite_test", path)
    assert caught.value.codes == ["X028"]


def test_import_file__orphan_repeat_row__coded_error(visite_store: Store, kobo_xlsx: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(kobo_xlsx)
    workbook["constats"]["E2"] = 77  # _parent_index pointing at no submission
    workbook.save(kobo_xlsx)
    with pytest.raises(DataImportError) as caught:
        import_file(visite_store, "visite_test", kobo_xlsx)
    assert caught.value.codes == ["X027"]


# ------------------------------------------------------------------ hostile files (issue 14)

PLAIN_HEADER = "response_id,collector,team,started_at,consentement,date_visite,secteur,quartier_agreable,nb_personnes"
PLAIN_ROW = "r-{n},{collector},{team},{started},oui,2024-03-05,centre,3,{people}"


@pytest.fixture
def engine_store(db_url: str, visite) -> Store:
    from toolkit.store import connect

    store = connect(db_url)
    store.register(visite)
    yield store
    store.close()


def _plain(tmp_path: Path, name: str = "plain.csv", **cells: str) -> Path:
    values = {"collector": "", "team": "", "started": "", "people": "2", **cells}
    rows = [PLAIN_ROW.format(n=n, **values) for n in (1, 2)]
    path = tmp_path / name
    path.write_text("\n".join([PLAIN_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        ({"started": "9999-12-31T23:59:59-05:00"}, "L033"),
        ({"collector": "c" * 201}, "L031"),
        ({"team": '"équipe\x00nord"'}, "L030"),
        ({"people": str(2**63)}, "L020"),
    ],
)
def test_import_file__hostile_cell__every_row_reported_with_its_code_nothing_written(
    engine_store: Store, tmp_path: Path, cells: dict, code: str
) -> None:
    with pytest.raises(DataImportError) as caught:
        import_file(engine_store, "visite_test", _plain(tmp_path, **cells))
    assert caught.value.codes == ["X022", "X022"]
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert {p.params["reason"].key for p in caught.value.problems} == {code}
    assert len(engine_store.frame("visite_test")) == 0


def test_import_file__file_name_over_45_characters__imported_source_shortened(
    engine_store: Store, tmp_path: Path
) -> None:
    name = "export_barometre_ambiance_quartier_nord_vague_3_2025-06-30.csv"
    report = import_file(engine_store, "visite_test", _plain(tmp_path, name))
    assert report.imported == 2
    source = engine_store.get(report.response_ids[0]).source
    assert source.startswith("csv:export_barometre")
    assert source.endswith("06-30.csv")
    assert len(source) == 50
