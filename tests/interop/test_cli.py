"""``toolkit xlsform``, ``toolkit import`` and ``toolkit export``: exit status and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main

DATA = Path(__file__).parent / "data"
EXTERNAL = Path(__file__).resolve().parents[1] / "external"


def test_xlsform_export_then_import__exit_0_and_same_instrument(tmp_path: Path) -> None:
    assert (
        main(["xlsform", "export", str(DATA / "visite_test.yaml"), "-o", str(tmp_path / "f.xlsx")])
        == 0
    )
    assert (
        main(["xlsform", "import", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "v.yaml")]) == 0
    )
    from toolkit.instruments import instrument_to_dict, load

    assert instrument_to_dict(load(tmp_path / "v.yaml")) == instrument_to_dict(
        load(DATA / "visite_test.yaml")
    )


def test_xlsform_import__unsupported_feature__exit_1_coded_message_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "--lang",
            "en",
            "xlsform",
            "import",
            str(EXTERNAL / "pull_data.xlsx"),
            "-o",
            str(tmp_path / "p.yaml"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "X005" in err
    assert "pulldata" in err
    assert "Traceback" not in err
    assert not (tmp_path / "p.yaml").exists()


def test_xlsform_import__metadata_and_media__exit_0_warnings_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "spec.yaml"
    status = main(
        [
            "--lang",
            "en",
            "xlsform",
            "import",
            str(EXTERNAL / "xlsform_spec_test.xlsx"),
            "-o",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert out.exists()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert any("X016 [row 48] sheet 'survey', column 'type'" in line for line in warnings)
    assert any("X017 [row 36] sheet 'survey', column 'type'" in line for line in warnings)
    assert "records the start time, submission time and collector" in captured.err
    assert "written" in captured.out


def test_import_and_export__pii_left_out_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 't.sqlite'}"
    args = [
        "import",
        "visite_test",
        str(DATA / "kobo_visite.csv"),
        "--instrument",
        str(DATA / "visite_test.yaml"),
        "--db",
        db,
    ]
    assert main(["--lang", "en", *args]) == 0
    assert "3 new responses" in capsys.readouterr().out
    assert main(["--lang", "en", *args]) == 0
    assert "0 new responses, 3 already present" in capsys.readouterr().out
    out_file = tmp_path / "out.csv"
    assert (
        main(
            [
                "--lang",
                "en",
                "export",
                "visite_test",
                "--format",
                "csv",
                "-o",
                str(out_file),
                "--db",
                db,
            ]
        )
        == 0
    )
    assert "nom_contact" in capsys.readouterr().out
    assert "nom_contact" not in out_file.read_text(encoding="utf-8").splitlines()[0]


def test_import__rejected_rows__exit_1_lists_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (DATA / "plain_visite.csv").read_text(encoding="utf-8")
        + "r-9,centre,,oui,2024-01-01,lune,,,,1,1,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 't.sqlite'}"
    status = main(
        [
            "import",
            "visite_test",
            str(bad),
            "--instrument",
            str(DATA / "visite_test.yaml"),
            "--db",
            db,
        ]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "X022" in err
    assert "[ligne 4]" in err
    assert "Traceback" not in err


def test_validate__value_outside_list__warning_on_stderr_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "id: w\nversion: '1'\ntitle: {fr: W}\nlanguages: [fr]\n"
        "choice_lists:\n  on: [{value: oui, label: Oui}, {value: non, label: Non}]\n"
        "questions:\n  - {name: a, type: single_choice, choices: on, label: A}\n"
        "  - {name: b, type: text, label: B, relevant: \"${a} = 'peut-etre'\"}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "I032" in err
    assert "peut-etre" in err


def test_xlsform_import__choice_file_in_media_folder__exit_0_choices_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    media = tmp_path / "medias"
    media.mkdir()
    (media / "rues.csv").write_text("name,label\nhugo,Rue Hugo\nzola,Rue Zola\n", encoding="utf-8")
    form = tmp_path / "form.md"
    form.write_text(
        "| survey |                               |      |       |\n"
        "|        | type                          | name | label |\n"
        "|        | select_one_from_file rues.csv | rue  | Rue   |\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.yaml"
    assert main(["xlsform", "import", str(form), "-o", str(out)]) == 1
    assert "X063" in capsys.readouterr().err  # the file is not beside the form
    assert main(["xlsform", "import", str(form), "-o", str(out), "--media", str(media)]) == 0
    from toolkit.instruments import load

    assert [c.value for c in load(out).choice_lists["rues"].choices] == ["hugo", "zola"]
