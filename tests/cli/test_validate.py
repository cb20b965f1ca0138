"""``toolkit validate``: coded problems on stderr, exit 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[2]

BROKEN = """\
id: casse
version: 1
title: Cassé
sections:
  - name: s
    questions:
      - {name: bruit, type: integer, label: Bruit}
      - {name: suite, type: text, label: Suite, relevant: "${brut} > 2"}
      - {name: autre, type: choix_inconnu, label: Autre}
"""


def test_validate__catalogue__all_valid_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "surveys")]) == 0
    assert "barometre_ambiance.yaml" in capsys.readouterr().out


def test_validate__broken_file__every_problem_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "casse.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:8: I012 question 'suite' : référence inconnue ${{brut}}" in err
    assert f"{path}:9: I007" in err
    assert "Traceback" not in err


def test_validate__lang_en__english_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "casse.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["--lang", "en", "validate", str(path)]) == 1
    assert (
        "unknown reference ${brut} in 'relevant' (did you mean ${bruit}?)"
        in capsys.readouterr().err
    )


def test_validate__missing_file__coded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "absent.yaml")]) == 1
    assert "I001" in capsys.readouterr().err


def test_python_m_toolkit__french_help_by_default() -> None:
    env = {"PATH": "/usr/bin:/bin", "TOOLKIT_LANG": ""}
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert "utilisation : toolkit" in result.stdout
    assert "vérifier des fichiers" in result.stdout


def test_validate__alias_bomb__coded_problem_exit_1_without_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    path = tmp_path / "bombe.yaml"
    path.write_text("\n".join([*lines, "id: *a8", "title: *a8"]), encoding="utf-8")
    assert path.stat().st_size < 1024
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err
    assert " L003 " in err


def test_validate__endless_device__l001_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/dev/zero"]) == 1
    assert "/dev/zero: L001 " in capsys.readouterr().err
