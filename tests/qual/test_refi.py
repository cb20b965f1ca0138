from __future__ import annotations

import zipfile

import pytest

from toolkit.cli import main
from toolkit.qual import QualError, QualProject
from toolkit.qual.refi import codebook_xml, export_project, project_xml, validate_xml
from toolkit.qual.refi_import import import_refi, read_codebook_xml
from toolkit.store import connect

COLUMNS = ["segment_id", "coder", "code", "span", "start", "end", "origin"]


def _fill(project):
    project.import_text(
        "Enquêteur : Bonjour.\nPersonne : Les démarches en ligne, ça m'épuise ; l'été, le bruit aussi.",
        name="é.txt",
        pseudonym="ENT-001",
        attributes={"profil": "habitant"},
    )
    seg = int(project.segments()["segment_id"].iloc[1])
    project.code(seg, "numerique", "Awa")
    project.code(seg, "tranquillite", "Bérénice", start=44, end=53)
    project.set_memo("segment", seg, "Awa", "« en ligne » : à discuter")
    project.set_memo("code", "numerique", "Bérénice", "Inclut le téléphone")
    return seg


def test_codebook_xml__validates_and_round_trips(project):
    book = project.codebook().retire("emploi")
    data = codebook_xml(book)
    validate_xml(data, "codebook")
    assert read_codebook_xml(data) == book


def test_qdpx__export_validates_and_reimports_losslessly(project, tmp_path):
    seg = _fill(project)
    path = export_project(project, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as archive:
        validate_xml(archive.read("project.qde"), "project")
    other = QualProject(connect(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    summary = import_refi(other, path)
    assert (summary.sources, summary.codings, summary.coders) == (1, 2, 2)
    assert other.codebook() == project.codebook()
    keep = ["coder", "code", "span", "start", "end"]
    assert other.codings()[keep].values.tolist() == project.codings()[keep].values.tolist()
    assert other.segments()["text"].tolist() == project.segments()["text"].tolist()
    assert sorted(other.memos()["text"]) == sorted(project.memos()["text"])
    assert other.reviews().sort_values(["coder"])["coder"].tolist() == ["Awa", "Bérénice"]
    assert other.case_attributes()[["pseudonym", "profil"]].values.tolist() == [
        ["ENT-001", "habitant"]
    ]
    assert seg in set(project.segments()["segment_id"])


def test_qdpx__imported_twice__no_duplicate(project, tmp_path):
    _fill(project)
    path = export_project(project, tmp_path / "p.qdpx")
    summary = import_refi(project, path)
    assert (summary.sources, summary.sources_merged, summary.codings) == (0, 1, 0)
    assert len(project.codings()) == 2


def test_qdpx__foreign_tool_braces_and_upper_case_guids__maps_users(project, tmp_path):
    text = "Il y a trop de bruit le soir, même en été."
    user = "{8F2B2C1E-1D2A-4B5C-9D8E-7F6A5B4C3D2E}"
    code = "{0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Projet QualCoder">
  <Users><User guid="{user}" name="Chloé"/></Users>
  <CodeBook><Codes><Code guid="{code}" name="Nuisances sonores" isCodable="true" color="#FF0000"/></Codes></CodeBook>
  <Sources><TextSource guid="{{11111111-2222-4333-8444-555555555555}}" name="entretien.txt">
    <PlainTextContent>{text}</PlainTextContent>
    <PlainTextSelection guid="22222222-3333-4444-8555-666666666666" startPosition="15" endPosition="20" creatingUser="{user}">
      <Coding guid="33333333-4444-4555-8666-777777777777" creatingUser="{user}"><CodeRef targetGUID="{code.lower()}"/></Coding>
    </PlainTextSelection></TextSource></Sources>
</Project>"""
    path = tmp_path / "qualcoder.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
    summary = import_refi(project, path)
    assert summary.codes == 1
    codings = project.codings()
    assert codings[["coder", "code", "start", "end"]].values.tolist() == [
        ["Chloé", "nuisances_sonores", 15, 20]
    ]
    assert project.segments()["text"].iloc[0][15:20] == "bruit"


def test_qdpx__schema_violation__q040_nothing_written(project, tmp_path):
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0"/>')
    with pytest.raises(QualError) as caught:
        import_refi(project, path)
    assert caught.value.codes == ["Q040"]
    assert project.segments().empty


def test_qdpx__not_a_zip__q041(project, tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(QualError) as caught:
        import_refi(project, path)
    assert caught.value.codes == ["Q041"]


def test_cli__export_then_import(tmp_path, capsys):
    from .conftest import CODEBOOK

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert main(["qual", "import", str(CODEBOOK), "--db", url]) == 0
    assert (
        main(["qual", "export", "--format", "qdpx", "-o", str(tmp_path / "p.qdpx"), "--db", url])
        == 0
    )
    assert (
        main(["qual", "export", "--format", "qdc", "-o", str(tmp_path / "b.qdc"), "--db", url]) == 0
    )
    other = f"sqlite:///{tmp_path / 'b.sqlite'}"
    assert main(["qual", "import", str(tmp_path / "b.qdc"), "--db", other]) == 0
    assert "9 codes ajoutés" in capsys.readouterr().out
    assert main(["qual", "import", str(tmp_path / "nope.docx"), "--db", other]) == 1


def test_project_xml__french_accents_kept(project):
    _fill(project)
    assert "m'épuise" in project_xml(project).decode("utf-8")
