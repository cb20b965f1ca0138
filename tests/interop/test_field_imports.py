"""Submission exports as KoboToolbox, Ona and ODK Central write them (issue 15): repeats at
every level, loops, HXL rows, cut sheet names, ``n/a``, flattened repeats, ODK times.

The exports are written here by hand, following the layout of the real ones (see the
module docstring of ``conftest.py``): CSV text per sheet, assembled into XLSX or ZIP.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from toolkit.errors import DataImportError
from toolkit.instruments import Instrument, load, loads
from toolkit.interop import import_file
from toolkit.store import Store, connect

DATA = Path(__file__).parent / "data"
UUID_1 = "9a1f0c2e-5b3d-4e6f-8a7b-1c2d3e4f5a6b"
UUID_2 = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"

MAIN = f"""\
start;end;heure_passage;type_logement;type_logement_other;equip/velo/nombre;equip/velo/en_panne;equip/voiture/nombre;surface;etage;code_visite;_id;_uuid;_submission_time;_submitted_by;_index
#date+start;#date+end;#date+time;#loc+type;#loc+type+other;#indicator+num;#indicator+num;#indicator+num;#indicator+area;;;;;;#contributor;
2025-05-12T10:02:11.532+02:00;2025-05-12T10:20:00.000+02:00;14:15:00.000-04:00;other;Squat;1;0;2;25;3;V-med7;11;{UUID_1};2025-05-12T08:21:00;med7;1
2025-05-12T11:00:00.000+02:00;2025-05-12T11:10:00.000+02:00;15:30;hlm;n/a;0;n/a;1;40;1;V-med7;12;{UUID_2};2025-05-12T09:11:00;med7;2
"""
MENAGES = f"""\
nom_menage;nb_membres;_index;_parent_table_name;_parent_index;_submission__uuid
Dupont;2;1;Visite des ménages;1;{UUID_1}
Sy;1;2;Visite des ménages;1;{UUID_1}
Martin;1;3;Visite des ménages;2;{UUID_2}
"""
MEMBRES = f"""\
prenom;age;_index;_parent_table_name;_parent_index;_submission__uuid
Ana;30;1;menages;1;{UUID_1}
Bo;15;2;menages;1;{UUID_1}
Cy;40;3;menages;2;{UUID_1}
Dan;50;4;menages;3;{UUID_2}
"""


def _rows(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx(path: Path, sheets: dict[str, str]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, text in sheets.items():
        sheet = workbook.create_sheet(title)
        for number, row in enumerate(_rows(text), start=1):
            sheet.append([int(c) if number > 1 and c.isdigit() else c or None for c in row])
    workbook.save(path)
    return path


@pytest.fixture
def menages() -> Instrument:
    return load(DATA / "menages.yaml")


@pytest.fixture
def store(tmp_path: Path, menages: Instrument) -> Iterator[Store]:
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    store.register(menages)
    yield store
    store.close()


def test_import_file__kobo_xlsx_nested_repeats__every_level_linked(
    store: Store, tmp_path: Path
) -> None:
    path = _xlsx(
        tmp_path / "visite.xlsx",
        {"Visite des ménages": MAIN, "menages": MENAGES, "membres": MEMBRES},
    )
    report = import_file(store, "visite_menages", path)
    assert (report.imported, report.ignored_columns, report.warnings) == (2, (), ())
    first = store.get(UUID_1).answers
    assert first["menages"] == [
        {
            "nom_menage": "Dupont",
            "nb_membres": 2,
            "membres": [{"prenom": "Ana", "age": 30}, {"prenom": "Bo", "age": 15}],
        },
        {"nom_menage": "Sy", "nb_membres": 1, "membres": [{"prenom": "Cy", "age": 40}]},
    ]
    # The loop read from its columns, the HXL row skipped, ODK's time kept as wall clock.
    assert first["equip"] == [{"nombre": 1, "en_panne": 0}, {"nombre": 2}]
    assert first["heure_passage"] == "14:15:00"
    assert (first["type_logement"], first["type_logement_other"]) == ("other", "Squat")
    # Ona/KoboCAT's n/a: no answer.
    assert "type_logement_other" not in store.get(UUID_2).answers
    members = store.repeat_frame("visite_menages", "membres")
    members = members[members["response_id"] == UUID_1]
    assert list(members[["menages_index", "index", "prenom"]].itertuples(index=False)) == [
        (0, 0, "Ana"),
        (0, 1, "Bo"),
        (1, 0, "Cy"),
    ]


def test_import_file__nested_entry_rejected__row_of_its_own_sheet(
    store: Store, tmp_path: Path
) -> None:
    path = _xlsx(
        tmp_path / "visite.xlsx",
        {
            "Visite des ménages": MAIN,
            "menages": MENAGES,
            "membres": MEMBRES.replace("Cy;40", "Cy;140"),
        },
    )
    with pytest.raises(DataImportError) as caught:
        import_file(store, "visite_menages", path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["sheet"], problem.params["row"]) == ("X022", "membres", 4)
    assert problem.field == "menages[1].membres[0].age"


def test_import_file__odk_zip_nested_repeats__parent_key_chain(
    store: Store, tmp_path: Path
) -> None:
    main = (
        "SubmissionDate,heure_passage,type_logement,meta-instanceID,KEY,SubmitterName\n"
        f"2025-05-12T08:21:00.000Z,09:30:00.000+02:00,hlm,uuid:{UUID_1},uuid:{UUID_1},Equipe Nord\n"
    )
    menages = (
        "nom_menage,PARENT_KEY,KEY\n"
        f"Dupont,uuid:{UUID_1},uuid:{UUID_1}/menages[1]\n"
        f"Sy,uuid:{UUID_1},uuid:{UUID_1}/menages[2]\n"
    )
    membres = (
        "prenom,age,PARENT_KEY,KEY\n"
        f"Ana,30,uuid:{UUID_1}/menages[1],uuid:{UUID_1}/menages[1]/membres[1]\n"
        f"Cy,40,uuid:{UUID_1}/menages[2],uuid:{UUID_1}/menages[2]/membres[1]\n"
        f"Bo,15,uuid:{UUID_1}/menages[1],uuid:{UUID_1}/menages[1]/membres[2]\n"
    )
    path = tmp_path / "visite_menages.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("visite_menages.csv", main)
        archive.writestr("visite_menages-menages.csv", menages)
        archive.writestr("visite_menages-membres.csv", membres)
    import_file(store, "visite_menages", path)
    answers = store.get(UUID_1).answers
    assert [[m["prenom"] for m in e["membres"]] for e in answers["menages"]] == [
        ["Ana", "Bo"],
        ["Cy"],
    ]
    assert answers["heure_passage"] == "09:30:00"


def test_import_file__plain_export_xlsx__reimported_identically(
    store: Store, tmp_path: Path
) -> None:
    from toolkit.interop import export_responses

    source = _xlsx(
        tmp_path / "visite.xlsx",
        {"Visite des ménages": MAIN, "menages": MENAGES, "membres": MEMBRES},
    )
    import_file(store, "visite_menages", source)
    before = {rid: store.get(rid).answers for rid in (UUID_1, UUID_2)}
    exported = export_responses(store, "visite_menages", tmp_path / "out.xlsx", format="xlsx")
    assert exported.sheets[2:4] == ("menages", "membres")
    # Each level has its sheet; a member points to its response and its household's entry.
    sheets = load_workbook(tmp_path / "out.xlsx")
    households = list(sheets["menages"].iter_rows(values_only=True))
    members = list(sheets["membres"].iter_rows(values_only=True))
    assert households[0][:2] == ("response_id", "index")
    assert members[0][:3] == ("response_id", "menages_index", "index")
    keys = {row[:2] for row in households[1:]}
    assert {(row[0], row[1]) for row in members[1:]} <= keys
    assert len(members) > 1
    other = connect(f"sqlite:///{tmp_path / 'other.sqlite'}")
    other.register(load(DATA / "menages.yaml"))
    again = import_file(other, "visite_menages", tmp_path / "out.xlsx", format="csv")
    assert (again.ignored_columns, again.warnings) == ((), ())
    assert {rid: other.get(rid).answers for rid in (UUID_1, UUID_2)} == before
    other.close()


LONG = """\
id: long
version: "1"
title: {fr: Long}
languages: [fr]
questions:
  - name: informations_sur_les_membres_du_menage
    type: repeat
    label: Membres
    questions: [{name: prenom, type: text, label: Prénom}]
  - name: informations_sur_les_membres_absents
    type: repeat
    label: Absents
    questions: [{name: motif, type: text, label: Motif}]
  - name: q
    type: text
    label: Q
"""


def test_import_file__kobo_cut_sheet_names__matched_and_unknown_sheet_warned(
    tmp_path: Path,
) -> None:
    store = connect("sqlite://")
    store.register(loads(LONG))
    path = _xlsx(
        tmp_path / "long.xlsx",
        {
            "Long": f"q;_uuid;_index\nbonjour;{UUID_1};1\n",
            # KoboToolbox: 31 characters at most, "..." at the cut, "... (1)" once equal.
            "informations_sur_les_membre...": "prenom;_index;_parent_index\nAna;1;1\n",
            "informations_sur_les_mem... (1)": "motif;_index;_parent_index\nvoyage;1;1\n",
            "photos": "photo;_index;_parent_index\na.jpg;1;1\n",
        },
    )
    report = import_file(store, "long", path)
    answers = store.get(UUID_1).answers
    assert answers["informations_sur_les_membres_du_menage"] == [{"prenom": "Ana"}]
    assert answers["informations_sur_les_membres_absents"] == [{"motif": "voyage"}]
    assert [(w.code, w.params["sheet"]) for w in report.warnings] == [("X029", "photos")]


FLAT = """\
id: enfants
version: "1"
title: {fr: Enfants}
languages: [fr]
questions:
  - name: famille
    type: text
    label: Famille
  - name: enfants
    type: repeat
    label: Enfants
    questions:
      - {name: prenom, type: text, label: Prénom}
      - name: jouets
        type: repeat
        label: Jouets
        questions: [{name: jouet, type: text, label: Jouet}]
"""


def test_import_file__ona_flattened_repeat_columns__imported_as_entries(tmp_path: Path) -> None:
    store = connect("sqlite://")
    store.register(loads(FLAT))
    path = tmp_path / "ona.csv"
    path.write_text(
        "famille,enfants[1]/prenom,enfants[1]/jouets[1]/jouet,enfants[1]/jouets[2]/jouet,"
        "enfants[2]/prenom,_uuid,_submission_time\n"
        f"Diallo,Awa,ballon,vélo,Moussa,{UUID_1},2025-05-12T08:21:00\n",
        encoding="utf-8",
    )
    report = import_file(store, "enfants", path, format="kobo")
    assert report.ignored_columns == ()
    assert store.get(UUID_1).answers["enfants"] == [
        {"prenom": "Awa", "jouets": [{"jouet": "ballon"}, {"jouet": "vélo"}]},
        {"prenom": "Moussa"},
    ]


def test_import_file__flattened_column_of_unknown_repeat__refused_not_lost(
    tmp_path: Path,
) -> None:
    store = connect("sqlite://")
    store.register(loads(FLAT))
    path = tmp_path / "ona.csv"
    path.write_text(
        f"famille,voisins[1]/nom,_uuid\nDiallo,Sow,{UUID_1}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataImportError) as caught:
        import_file(store, "enfants", path, format="kobo")
    assert [(p.code, p.params["column"]) for p in caught.value.problems] == [
        ("X030", "voisins[1]/nom")
    ]


def test_import_file__hxl_row_in_csv__not_a_response(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    path.write_text(MAIN, encoding="utf-8")
    report = import_file(store, "visite_menages", path)
    assert report.rows == 2  # the hashtag row under the header is not a response
