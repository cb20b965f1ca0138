"""Access, erasure, purge and the processing register, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import REPO_ROOT
from toolkit.cli import main
from toolkit.errors import InstrumentError, StoreError
from toolkit.instruments import load, loads
from toolkit.privacy import (
    access_report,
    erase_subject,
    find_subject,
    purge,
    register_entry,
    register_text,
)
from toolkit.store.pii_tables import pii_answers
from toolkit.store.schema import response_audit, responses
from toolkit.training.sessions import LiveSessions


def _dump(store) -> str:
    with store.engine.connect() as conn:
        parts = [conn.execute(select(t)).all() for t in (responses, response_audit, pii_answers)]
    return repr(parts)


def test_find_subject__phone_written_differently__finds_every_response(residents):
    store, ines, _, older = residents
    found = find_subject(store, value="06.12.34.56.78")
    assert set(found.response_ids) == {ines, older}


def test_find_subject__nothing_given__p020(residents):
    with pytest.raises(StoreError) as caught:
        find_subject(residents[0])
    assert caught.value.codes == ["P020"]


def test_access_report__one_person__labels_pii_and_escaped_text(residents):
    store, ines, yanis, older = residents
    text = access_report(store, find_subject(store, value="0612345678"), by="DPO")
    assert "06 12 34 56 78" in text
    assert "Inès" in text
    assert "Bruit de voisinage" in text
    assert "<b>" not in text
    assert "\\<b\\>surtout\\</b\\>" in text
    assert ines in text
    assert older in text
    assert yanis not in text
    log = store.privacy_log()
    assert list(log[["by", "action", "n_responses"]].itertuples(index=False)) == [
        ("DPO", "access", 2)
    ]


def test_access_report__nobody__p021(residents):
    store = residents[0]
    with pytest.raises(StoreError) as caught:
        access_report(store, find_subject(store, value="0100000000"), by="DPO")
    assert caught.value.codes == ["P021"]


def test_erase_subject__by_value__nothing_of_them_left_anywhere(residents):
    store, _ines, yanis, _older = residents
    assert erase_subject(store, find_subject(store, value="0612345678"), by="DPO") == 2
    dump = _dump(store)
    assert "Inès" not in dump
    assert "surtout" not in dump
    assert list(store.frame("visite", include_pii=True)["response_id"]) == [yanis]
    assert find_subject(store, value="0612345678").response_ids == ()
    log = store.privacy_log()
    assert list(log[["by", "action", "instrument_id", "n_responses"]].itertuples(index=False)) == [
        ("DPO", "erasure", "visite", 2)
    ]


def test_purge__dry_run__counts_and_keeps(residents):
    store, _, _, _older = residents
    table = purge(store, by="cron", dry_run=True)
    assert table.loc[0, ["instrument_id", "n_expired", "n_erased"]].tolist() == ["visite", 1, 0]
    assert len(store.frame("visite")) == 3
    assert store.privacy_log().empty


def test_purge__past_retention__only_old_ones_erased_and_logged(residents):
    store, ines, yanis, older = residents
    table = purge(store, by="cron")
    assert table.loc[0, ["n_expired", "n_erased"]].tolist() == [1, 1]
    assert set(store.frame("visite")["response_id"]) == {ines, yanis}
    assert store.get(older).answers == {}
    assert list(store.privacy_log()["action"]) == ["purge"]
    again = purge(store, by="cron")
    assert again.loc[0, "n_expired"] == 0


def test_purge__later_clock__everything_expires(residents):
    store = residents[0]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    assert purge(store, by="cron", now=later).loc[0, "n_erased"] == 3


def test_erase__pseudonym__participations_gone(store, tmp_path):
    live = LiveSessions(store.engine)
    code = live.open_session(REPO_ROOT / "training_modules" / "03_gestion_conflits.yaml")
    live.join(code, "Lou")
    subject = find_subject(store, pseudonym="Lou")
    assert len(subject.participant_ids) == 1
    assert "Lou" in access_report(store, subject, by="formatrice")
    assert erase_subject(store, subject, by="formatrice") == 1
    assert find_subject(store, pseudonym="Lou").empty


def test_register_entry__declared_and_inferred(visit):
    entry = register_entry(visit)
    assert entry.missing == ()
    assert entry.retention_days == 30
    assert any("telephone" in c or "prenom" in c for c in entry.categories)
    text = register_text([visit], controller="Médiation Sud")
    assert "consentement de la personne" in text
    assert "30 jours" in text
    assert "Médiation Sud" in text


def test_register_entry__nothing_declared__says_what_to_complete():
    bare = loads('id: x\nversion: "1"\ntitle: X\nquestions:\n  - {name: a, type: text}\n')
    assert register_entry(bare).missing == (
        "purpose",
        "legal_basis",
        "retention_days",
        "recipients",
    )
    assert "à compléter" in register_text([bare])


def test_register__every_builtin_instrument__declares_everything():
    for path in sorted((REPO_ROOT / "surveys").glob("*.yaml")):
        assert register_entry(load(path)).missing == (), path.name


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ("  retention_days: 0\n", "P010"),
        ("  retention_days: 2.5\n", "P010"),
        ("  retention_days: true\n", "P010"),
        ("  legal_basis: consentment\n", "P011"),
        ("  recipients: équipe\n", "I006"),
        ("  retension_days: 30\n", "I005"),
    ],
)
def test_privacy_block__bad_value__coded_error_with_line(block, code):
    text = (
        'id: x\nversion: "1"\ntitle: X\nquestions:\n  - {name: a, type: text}\nprivacy:\n' + block
    )
    with pytest.raises(InstrumentError) as caught:
        loads(text, source="x.yaml")
    assert caught.value.codes == [code]
    assert caught.value.problems[0].line == 7


def test_cli_privacy__access_erase_purge_register(residents, db_url, tmp_path, capsys):
    store, _ines, yanis, _ = residents
    out = tmp_path / "acces.md"
    assert (
        main(
            [
                "privacy",
                "access",
                "--value",
                "0700000000",
                "--by",
                "DPO",
                "-o",
                str(out),
                "--db",
                db_url,
            ]
        )
        == 0
    )
    assert "0700000000" in out.read_text(encoding="utf-8")
    assert main(["privacy", "effacement", "--response", yanis, "--by", "DPO", "--db", db_url]) == 0
    assert "--yes" in capsys.readouterr().out
    assert store.get(yanis).status == "submitted"
    assert (
        main(["privacy", "erase", "--response", yanis, "--by", "DPO", "--yes", "--db", db_url]) == 0
    )
    assert store.get(yanis).answers == {}
    assert main(["privacy", "purge", "--by", "cron", "--dry-run", "--db", db_url]) == 0
    printed = capsys.readouterr().out
    assert "1 réponse expirée" in printed
    assert "rien n'a été effacé" in printed
    register = tmp_path / "registre.md"
    assert main(["privacy", "registre", "-o", str(register), "--db", db_url]) == 0
    assert "Visite à domicile" in register.read_text(encoding="utf-8")
    assert main(["privacy", "erase", "--value", "nobody", "--by", "DPO", "--db", db_url]) == 1
    assert "P021" in capsys.readouterr().err


def test_export__include_pii_decrypts__default_leaves_out(residents, tmp_path):
    from toolkit.interop.exports import export_responses

    store = residents[0]
    export_responses(store, "visite", tmp_path / "plain.csv", format="csv")
    export_responses(store, "visite", tmp_path / "nominatif.csv", format="csv", include_pii=True)
    assert "0700000000" not in (tmp_path / "plain.csv").read_text(encoding="utf-8")
    assert "0700000000" in (tmp_path / "nominatif.csv").read_text(encoding="utf-8")
