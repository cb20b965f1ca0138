"""``toolkit demo`` (and so ``make run``) makes the pii key beside the data, never in the repo."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from toolkit.cli import main
from toolkit.store import connect
from toolkit.store.pii_tables import pii_answers
from toolkit.store.schema import responses


def test_cli_demo__no_key_configured__creates_it_in_data_and_encrypts(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TOOLKIT_PII_KEY_FILE")
    url = f"sqlite:///{tmp_path / 'data' / 'toolkit.sqlite'}"
    assert main(["demo", "--db", url, "--if-empty", "--per-wave", "10"]) == 0
    key = tmp_path / "data" / "pii.key"
    assert key.stat().st_mode & 0o077 == 0
    assert "pii.key" in capsys.readouterr().out
    store = connect(url, key_file=key)
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(responses.c.answers).where(responses.c.instrument_id == "barometre_ambiance")
        ).scalars()
        assert all("contact_email" not in json.loads(text) for text in stored)
        assert conn.execute(select(func.count()).select_from(pii_answers)).scalar_one() > 0
    emails = store.frame("barometre_ambiance", include_pii=True)["contact_email"].dropna()
    assert emails.str.contains("@").all()
    store.close()
    content = key.read_bytes()
    assert main(["demo", "--db", url, "--if-empty"]) == 0
    assert key.read_bytes() == content
