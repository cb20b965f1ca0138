import json
import os

from toolkit.collect import Journal


def test_keep__writes_one_json_line(tmp_path):
    journal = Journal(tmp_path / "j" / "journal.jsonl")
    journal.keep(
        "submit",
        "baro",
        "11111111-1111-4111-8111-111111111111",
        {"a": 1},
        {"collector": "x", "team": None},
    )
    lines = (tmp_path / "j" / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["kind"] == "submit"
    assert record["meta"] == {"collector": "x"}


def test_pending__acknowledged__gone(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    entry = journal.keep("submit", "baro", "11111111-1111-4111-8111-111111111111", {}, {})
    assert [e.entry for e in journal.pending()] == [entry.entry]
    journal.acknowledge(entry)
    assert journal.pending() == []


def test_pending__draft_then_submit__only_submit(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    rid = "11111111-1111-4111-8111-111111111111"
    journal.keep("draft", "baro", rid, {"a": 1}, {})
    last = journal.keep("submit", "baro", rid, {"a": 2}, {})
    assert [e.entry for e in journal.pending()] == [last.entry]
    assert len(journal.superseded()) == 1


def test_records__truncated_last_line__skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.keep("submit", "baro", "11111111-1111-4111-8111-111111111111", {}, {})
    with path.open("ab") as handle:
        handle.write(b'{"kind": "submit", "entry": "cut')
    assert len(journal.pending()) == 1


def test_append__never_rewrites(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    entry = journal.keep("submit", "baro", "11111111-1111-4111-8111-111111111111", {}, {})
    before = path.read_bytes()
    journal.acknowledge(entry)
    assert path.read_bytes().startswith(before)
    assert os.stat(path).st_mode & 0o077 == 0
