"""Property tests for what reads user files: codebook YAML, transcripts, REFI-QDA XML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.qual import QualError, loads_codebook
from toolkit.qual.codebook import Code, Codebook
from toolkit.qual.documents import normalise_text, split_text
from toolkit.qual.refi import codebook_xml
from toolkit.qual.refi_import import read_codebook_xml

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_loads_codebook__any_text__codebook_or_coded_error(text):
    codes: list[str] = []
    try:
        loads_codebook(text)
    except QualError as error:
        codes = error.codes or ["none"]
    assert all(code.startswith("Q") for code in codes)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_split_text__any_text__pieces_are_slices_in_order(text):
    normalised = normalise_text(text)
    pieces = split_text(normalised)
    last = 0
    for piece in pieces:
        assert normalised[piece.start : piece.end] == piece.text
        assert piece.start >= last
        assert piece.text.strip()
        last = piece.end


WORDS = st.text(
    st.characters(whitelist_categories=("L", "N", "Zs", "P")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WORDS, st.one_of(st.none(), WORDS)), min_size=1, max_size=6))
def test_qdc__any_labels_and_definitions__round_trip(codes):
    from toolkit.i18n import Text

    book = Codebook(
        id="fuzz",
        title=Text.of("Fuzz"),
        codes=tuple(
            Code(
                id=f"c{i}",
                label=Text.of(label.strip()),
                definition=Text.of(d.strip()) if d and d.strip() else None,
            )
            for i, (label, d) in enumerate(codes)
        ),
    )
    assert read_codebook_xml(codebook_xml(book)) == book
