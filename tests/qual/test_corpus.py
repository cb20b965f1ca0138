from __future__ import annotations

import zipfile

import docx
import pytest

from toolkit.demo.synthetic import synthetic_answers
from toolkit.instruments import builtin_instruments
from toolkit.qual import QualError
from toolkit.qual.documents import read_document, split_text

TRANSCRIPT = "Enquêteur : Bonjour.\nPersonne : Le bruit du hall, ça m'empêche de dormir.\nEnquêteur : Et après ?\nPersonne : J'ai écrit au bailleur."


def _needs(store, n, rng_seed=3, **overrides):
    import numpy as np

    instrument = builtin_instruments()["besoins_habitants"]
    store.register(instrument)
    rng = np.random.default_rng(rng_seed)
    rows = [{"answers": synthetic_answers(instrument, rng, overrides=overrides)} for _ in range(n)]
    return store.submit_many("besoins_habitants", rows)


def test_sync__open_answers__segments_with_attributes_no_pii(project):
    ids = _needs(
        project.store,
        3,
        preoccupation="Mon dossier CAF est bloqué.",
        visite_souhaitee="oui",
        telephone="06 12 34 56 78",
        sentiment_seul="4",
    )
    report = project.sync()
    assert report.added["besoins_habitants"] == 3
    segments = project.segments()
    assert set(segments["response_id"]) == set(ids)
    assert "06 12 34 56 78" not in " ".join(segments["text"])
    assert {"telephone"}.isdisjoint(segments["question"])
    assert segments["pseudonym"].str.match(r"^BH-\d{4}$").all()
    assert "secteur" in segments.columns
    assert "sector" in segments.columns
    assert project.sync().total == 0


def test_sync__voided_response__leaves_the_corpus(project):
    ids = _needs(project.store, 2, preoccupation="Le bruit.")
    project.sync()
    project.code(int(project.segments()["segment_id"].iloc[0]), "tranquillite", "Awa")
    project.store.void(ids[0], reason="doublon", by="Awa")
    assert project.sync().removed == {"besoins_habitants": 1}
    assert set(project.segments()["response_id"]) == {ids[1]}


def test_sync__corrected_answer__span_follows_its_words(project):
    [rid] = _needs(project.store, 1, preoccupation="Le bruit du hall la nuit.")
    project.sync()
    seg = project.segments()
    seg_id = int(seg.loc[seg["question"] == "preoccupation", "segment_id"].iloc[0])
    project.code(seg_id, "tranquillite", "Awa", start=3, end=8)
    answers = dict(project.store.get(rid).answers)
    answers["preoccupation"] = "Surtout : le bruit du hall la nuit."
    project.store.correct(rid, answers, by="Awa", reason="relecture")
    project.sync()
    coding = project.codings().iloc[0]
    text = project.segment(seg_id)["text"]
    assert text[coding.start : coding.end] == "bruit"


def test_import_text__same_text_twice__added_once(project):
    assert project.import_text(TRANSCRIPT, name="e.txt", pseudonym="ENT-001") is not None
    assert project.import_text(TRANSCRIPT, name="e.txt", pseudonym="ENT-001") is None
    segments = project.segments()
    assert segments["speaker"].tolist() == ["Enquêteur", "Personne", "Enquêteur", "Personne"]
    assert segments["text"].iloc[1] == "Le bruit du hall, ça m'empêche de dormir."


def test_import_documents__one_bad_file__nothing_written(project, tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    bad = tmp_path / "b.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(QualError) as caught:
        project.import_documents([good, bad])
    assert caught.value.codes == ["Q020"]
    assert caught.value.problems[0].file == str(bad)
    assert project.segments().empty


def test_read_document__docx_and_odt(tmp_path):
    path = tmp_path / "e.docx"
    document = docx.Document()
    document.add_paragraph("Enquêteur : Ça va ?")
    document.add_paragraph("Personne : Très bien, à vrai dire.")
    document.save(path)
    assert [p.speaker for p in split_text(read_document(path))] == ["Enquêteur", "Personne"]
    odt = tmp_path / "n.odt"
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:p>Premier<text:s/>paragraphe.</text:p><text:p>Deuxième.</text:p></office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("content.xml", content)
    assert [p.text for p in split_text(read_document(odt))] == ["Premier paragraphe.", "Deuxième."]


def test_read_document__unknown_format__q021(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(QualError) as caught:
        read_document(path)
    assert caught.value.codes == ["Q021"]


def test_code__span_outside__q032_and_retired__q034(project):
    project.import_text("Personne : Les démarches.", name="x.txt")
    seg = int(project.segments()["segment_id"].iloc[0])
    with pytest.raises(QualError) as caught:
        project.code(seg, "acces_droits", "Awa", start=2, end=999)
    assert caught.value.codes == ["Q032"]
    project.save_codebook(project.codebook().retire("emploi"))
    with pytest.raises(QualError) as caught:
        project.code(seg, "emploi", "Awa")
    assert caught.value.codes == ["Q034"]


def test_blind_mode__others_hidden_until_sample_done(project):
    project.import_text("Un.\n\nDeux.\n\nTrois.\n\nQuatre.", name="x.txt")
    ids = project.draw_sample("fiabilité", 3, seed=1)
    project.code(ids[0], "voisinage", "Bérénice")
    assert not project.others_visible("Awa", "fiabilité")
    for seg in ids:
        project.mark_reviewed(seg, "Awa")
    assert project.others_visible("Awa", "fiabilité")
    assert project.draw_sample("fiabilité", 3, seed=9) == ids


def test_merge__codings_count_for_the_target(project):
    project.import_text("Personne : Internet, je ne sais pas.", name="x.txt")
    seg = int(project.segments()["segment_id"].iloc[0])
    project.code(seg, "numerique", "Awa")
    project.save_codebook(project.codebook().merge("numerique", "acces_droits"))
    codings = project.codings()
    assert codings[["code", "code_original"]].values.tolist() == [["acces_droits", "numerique"]]
