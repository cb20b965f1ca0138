"""``toolkit accounts`` / ``toolkit comptes``: French first, coded errors, no traceback."""

from __future__ import annotations

import io
import sys

import pytest

from toolkit.cli import main
from toolkit.store import connect
from toolkit.team import Accounts

PASSWORD = "une phrase de passe assez longue"


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 't.sqlite'}"


def test_comptes_ajouter__french_role_word__account_created(monkeypatch, capsys, db):
    status, out, _ = run(
        monkeypatch,
        capsys,
        "comptes",
        "ajouter",
        "awa",
        "--role",
        "formatrice",
        "--role",
        "collecteur",
        "--password-stdin",
        "--db",
        db,
        stdin=PASSWORD + "\n",
    )
    assert status == 0
    assert out.strip() == "Compte « awa » créé (rôle : collecte, formation)."
    account = Accounts(connect(db).engine).authenticate("awa", PASSWORD)
    assert account.roles == ("collector", "trainer")


def test_accounts_list_and_events__after_changes__readable_lines(monkeypatch, capsys, db):
    run(
        monkeypatch,
        capsys,
        "accounts",
        "add",
        "awa",
        "--role",
        "collector",
        "--password-stdin",
        "--db",
        db,
        stdin=PASSWORD,
    )
    run(monkeypatch, capsys, "accounts", "disable", "awa", "--db", db)
    _, out, _ = run(monkeypatch, capsys, "accounts", "list", "--db", db)
    assert out.strip().split("\t") == ["awa", "awa", "collecte", "désactivé"]
    _, out, _ = run(monkeypatch, capsys, "accounts", "events", "--db", db)
    lines = out.strip().splitlines()
    assert "compte désactivé" in lines[0]
    assert "compte créé" in lines[1]
    assert lines[1].split("\t")[1].startswith("système:")


def test_accounts_add__short_password__coded_error_exit_1(monkeypatch, capsys, db):
    status, _, err = run(
        monkeypatch,
        capsys,
        "accounts",
        "add",
        "awa",
        "--role",
        "collector",
        "--password-stdin",
        "--db",
        db,
        stdin="court\n",
    )
    assert status == 1
    assert err.startswith("U003 mot de passe refusé")
    assert "Traceback" not in err


def test_accounts_add__unknown_role__usage_error_in_french(monkeypatch, capsys, db):
    with pytest.raises(SystemExit) as caught:
        run(monkeypatch, capsys, "accounts", "add", "awa", "--role", "chef", "--db", db)
    assert caught.value.code == 2
    assert "rôle inconnu « chef »" in capsys.readouterr().err


def test_accounts_password__typed_twice_differently__u008(monkeypatch, capsys, db):
    answers = iter(["première phrase de passe", "deuxième phrase de passe"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    status, _, err = run(
        monkeypatch, capsys, "accounts", "add", "awa", "--role", "collector", "--db", db
    )
    assert status == 1
    assert err.startswith("U008")


def test_serve__team_asked_without_account__u007(monkeypatch, capsys, db):
    status, _, err = run(monkeypatch, capsys, "serve", "--team", "--db", db)
    assert status == 1
    assert err.startswith("U007")


def test_team_mode__database_away__asked_team_kept_else_warned(capsys):
    from toolkit.cli.serve import team_mode

    away = "postgresql://toolkit@127.0.0.1:1/absent"
    assert team_mode(away, asked=True) is True
    assert team_mode(away, asked=False) is False
    assert "impossible de savoir si elle a des comptes" in capsys.readouterr().err
