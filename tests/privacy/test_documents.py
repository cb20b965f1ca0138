"""Requests about a person reach the qualitative corpus: the open answers brought into it
and the interview transcripts filed under a pseudonym."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.conftest import REPO_ROOT
from toolkit.privacy import access_report, erase_subject, find_subject, purge
from toolkit.qual import QualProject, load_codebook
from toolkit.qual import tables as qual

CODEBOOK = REPO_ROOT / "surveys" / "codebooks" / "besoins_habitants.yaml"


def _coded(store) -> QualProject:
    """The corpus synced from the store, every segment coded and given a memo by Awa."""
    project = QualProject(store)
    project.save_codebook(load_codebook(CODEBOOK), by="Awa")
    project.sync()
    for segment_id in project.segments()["segment_id"]:
        project.code(int(segment_id), "tranquillite", "Awa")
        project.mark_reviewed(int(segment_id), "Awa")
        project.set_memo("segment", int(segment_id), "Awa", "Revoir avec l'équipe")
    return project


def _rows(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_find_subject__response_in_the_corpus__its_document_found(residents):
    store, ines, yanis, _older = residents
    project = _coded(store)
    subject = find_subject(store, value="06 12 34 56 78")
    segments = project.segments()
    ines_docs = set(segments[segments["response_id"] == ines]["document_id"])
    assert ines_docs
    assert set(subject.document_ids) == ines_docs
    assert find_subject(store, response_id=yanis).document_ids == ()  # no open answer


def test_access_report__response_in_the_corpus__its_text_shown_escaped(residents):
    store, *_ = residents
    _coded(store)
    report = access_report(store, find_subject(store, value="0612345678"), by="DPO")
    assert "Documents de l'analyse qualitative" in report
    assert r"Le soir \<b\>surtout\</b\>" in report


def test_erase_subject__response_in_the_corpus__document_and_coders_work_on_it_gone(residents):
    store, ines, _yanis, _older = residents
    project = _coded(store)
    before = project.segments()
    kept = before[before["response_id"] != ines]
    subject = find_subject(store, response_id=ines)
    assert erase_subject(store, subject, by="DPO") == 1 + len(subject.document_ids)
    after = project.segments()
    assert ines not in set(after["response_id"])
    assert list(after["segment_id"]) == list(kept["segment_id"])
    assert _rows(store, qual.codings) == len(kept)
    assert _rows(store, qual.reviews) == len(kept)
    assert _rows(store, qual.memos) == len(kept)
    assert "surtout" not in " ".join(after["text"])
    # The erased response is an empty shell: syncing again brings nothing back.
    assert project.sync().added == {}
    assert find_subject(store, response_id=ines).document_ids == ()


def test_erase_subject__interview_pseudonym__transcript_and_its_case_gone(residents):
    store, *_ = residents
    project = QualProject(store)
    project.import_text("Je m'appelle Inès, j'habite au 3e.", name="Entretien 1", pseudonym="E01")
    project.import_text("Le parc est calme.", name="Entretien 2", pseudonym="E02")
    subject = find_subject(store, pseudonym="  E01 ")
    assert len(subject.document_ids) == 1
    assert subject.response_ids == ()
    assert erase_subject(store, subject, by="DPO", reason="demande") == 1
    with store.engine.connect() as conn:
        cases = conn.execute(select(qual.cases.c.pseudonym)).scalars().all()
        texts = conn.execute(select(qual.documents.c.text)).scalars().all()
    assert cases == ["E02"]
    assert texts == ["Le parc est calme."]
    assert store.privacy_log()["n_responses"].tolist()[-1] == 1


def test_purge__expired_response_in_the_corpus__its_document_goes_too(residents):
    store, ines, _yanis, _older = residents
    project = _coded(store)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    purge(store, by="cron", now=later)
    assert ines not in set(project.segments()["response_id"])
    assert _rows(store, qual.documents) == 0
