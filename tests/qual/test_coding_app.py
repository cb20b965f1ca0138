"""The coding app driven through its widgets (no browser): two coders, blind mode, spans."""

from __future__ import annotations

from tests.helpers import html_msg, msg
from toolkit.apps.coding import CodingApp


def test_coding_app__two_coders_blind__agreement_and_spans(project):
    project.import_text(
        "Un été très bruyant.\n\nDémarches en ligne.\n\nRien à signaler.", name="n.txt"
    )
    sample = project.draw_sample("fiabilité", 3, seed=1)
    awa = CodingApp(project.store, coder="Awa")
    bere = CodingApp(project.store, coder="Bérénice")
    for app in (awa, bere):
        app.sample.value = "fiabilité"
        assert app.order == sample
    # Awa selects « très bruyant » (accents: code points, not bytes) and codes it.
    awa.text.selection = [7, 20]
    awa.code_buttons["tranquillite"].click()
    coding = project.codings(coder="Awa").iloc[0]
    assert (coding.span, coding.start, coding.end) == (True, 7, 20)
    assert awa.text.text[7:20] == "très bruyant."[:13]
    assert awa.text.spans[0]["start"] == 7
    bere.code_buttons["tranquillite"].click()
    assert html_msg("qual.app.others_hidden") in awa.codings_html.value
    awa.move(1)
    awa.code_buttons["numerique"].click()
    awa.move(1)
    awa.none_button.click()
    bere.move(1)
    bere.code_buttons["acces_droits"].click()
    bere.move(1)
    bere.none_button.click()
    awa.move(-2)
    assert html_msg("qual.app.others") in awa.codings_html.value
    assert "Bérénice" in awa.codings_html.value
    table = awa.agreement_table()
    alpha = table[(table["code"] == "tranquillite") & (table["statistic"] == "percent_agreement")]
    assert alpha["estimate"].iloc[0] == 1.0
    awa.show_agreement()
    assert len(awa.disagreement.options) == 2
    awa.disagreement.value = awa.disagreement.options[0][1]
    awa.open_button.click()
    assert awa.current == awa.disagreement.options[0][1]


def test_coding_app__codebook_tab__rename_keeps_codings(project):
    project.import_text("Le bruit.", name="n.txt")
    app = CodingApp(project.store, coder="Awa")
    app.code_buttons["tranquillite"].click()
    app.book_action.value = "rename"
    app.book_code.value = "tranquillite"
    app.book_label.value = "Tranquillité publique"
    app.book_button.click()
    assert html_msg("qual.app.book.saved", number=2) in app.book_html.value
    assert project.codings()["code"].tolist() == ["tranquillite"]
    assert "Tranquillité publique" in app.code_buttons["tranquillite"].description


def test_coding_app__english__labels_switch(project):
    project.import_text("Le bruit.", name="n.txt")
    app = CodingApp(project.store, coder="Awa")
    app.lang_switch.value = "en"
    assert app.next_button.description == msg("qual.app.next", "en")
    assert "Peace and safety" in app.code_buttons["tranquillite"].description


def test_coding_app__document_view__selection_codes_the_right_turn(project):
    project.import_text(
        "Enquêteur : Et le quartier ?\nPersonne : Le bruit du hall, surtout l'été.", name="e.txt"
    )
    app = CodingApp(project.store, coder="Awa")
    app.view.value = "document"
    shown = app.text.text
    assert shown.startswith("▶ Enquêteur : Et le quartier ?")
    assert "Personne : Le bruit du hall" in shown
    start = shown.index("bruit")
    app.text.selection = [start, start + len("bruit du hall")]
    app.code_buttons["tranquillite"].click()
    coding = project.codings().iloc[0]
    segment = project.segment(int(coding.segment_id))
    assert segment["speaker"] == "Personne"
    assert segment["text"][coding.start : coding.end] == "bruit du hall"
    assert app.text.spans[0]["start"] == start
