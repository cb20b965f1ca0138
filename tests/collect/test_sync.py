"""``toolkit sync`` and :func:`toolkit.collect.replay`."""

from toolkit.cli import main
from toolkit.collect import Journal, replay
from toolkit.store import connect

RID = "22222222-2222-4222-8222-222222222222"


def test_replay__unregistered_instrument__registered_then_sent(
    barometre, tmp_path, complete_answers
):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.keep("submit", barometre.id, RID, complete_answers, {"collector": "med07"})
    with connect(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        report = replay(journal, store, find_instrument=lambda _id: barometre)
        assert report.sent == [RID]
        assert list(store.frame(barometre.id)["response_id"]) == [RID]
        assert store.get(RID).collector == "med07"


def test_replay__same_journal_twice__one_row(barometre, tmp_path, complete_answers):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.keep("submit", barometre.id, RID, complete_answers, {})
    copy = Journal(tmp_path / "copy.jsonl")
    copy.path.write_bytes(journal.path.read_bytes())
    with connect(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        store.register(barometre)
        replay(journal, store)
        replay(copy, store)
        assert len(store.frame(barometre.id)) == 1


def test_replay__invalid_answers__rejected_and_kept(barometre, tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.keep("submit", barometre.id, RID, {"consentement": True}, {})
    with connect(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        store.register(barometre)
        report = replay(journal, store)
    assert report.rejected
    assert report.rejected[0][0] == RID
    assert "A001" in report.rejected[0][1]
    assert journal.rejected()[0][0].answers == {"consentement": True}


def test_cli_sync__pending__sent_and_exit_0(
    barometre, tmp_path, complete_answers, capsys, monkeypatch
):
    monkeypatch.setenv("TOOLKIT_SURVEYS", str(tmp_path / "none"))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with connect(url) as store:
        store.register(barometre)
    journal = Journal(tmp_path / "journal.jsonl")
    journal.keep("submit", barometre.id, RID, complete_answers, {})
    assert main(["sync", "--db", url, "--journal", str(journal.path)]) == 0
    assert "1" in capsys.readouterr().out
    assert main(["sync", "--db", url, "--journal", str(journal.path)]) == 0


def test_cli_sync__database_unreachable__exit_1(barometre, tmp_path, complete_answers):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.keep("submit", barometre.id, RID, complete_answers, {})
    assert (
        main(["sync", "--db", "postgresql://x@127.0.0.1:1/none", "--journal", str(journal.path)])
        == 1
    )
    assert len(journal.pending()) == 1
