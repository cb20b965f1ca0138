"""The preview's « tester » mode: plausible answers that the form accepts, the skip logic
showing which questions appear."""

from __future__ import annotations

import datetime as dt

from tests.builder.conftest import DATA
from toolkit.builder.tester import fill_page, plausible_values
from toolkit.collect import Form
from toolkit.instruments import load

VISITE = load(DATA / "visite.yaml")


def _form(page: int) -> Form:
    form = Form(VISITE, today=dt.date(2026, 12, 1))
    form.page_index = page
    return form


def test_fill_page__first_page__choice_then_revealed_question_answered() -> None:
    form = _form(0)
    assert fill_page(form) == ["quartier", "adresse"]
    assert form.get("quartier") == "nord"
    assert form.shown("adresse")
    assert form.get("adresse") == "Réponse d'essai"


def test_fill_page__other_variant__other_branch_of_the_rule() -> None:
    form = _form(0)
    assert fill_page(form, variant=1) == ["quartier"]
    assert form.get("quartier") == "sud"
    assert not form.shown("adresse")


def test_fill_page__bounds_and_dont_know__respected() -> None:
    form = _form(1)
    filled = fill_page(form, lang="en")
    assert "nb_personnes" in filled
    assert 0 <= form.get("nb_personnes") <= 30
    assert form.get("bruit") != "9"
    assert not form.problems(page=1)
    for variant in range(4):
        values = plausible_values(_form(1), VISITE.question("bruit"), variant=variant)
        assert "9" not in values


def test_fill_page__answer_already_given__kept() -> None:
    form = _form(0)
    form.set("quartier", "sud")
    assert fill_page(form) == []
    assert form.get("quartier") == "sud"


def test_fill_page__every_catalogue_page__answers_accepted() -> None:
    from tests.builder.conftest import SURVEYS
    from toolkit.collect import instrument_files

    for path in instrument_files(SURVEYS):
        form = Form(load(path), today=dt.date(2026, 12, 1))
        for index in range(len(form.pages)):
            form.page_index = index
            for name in fill_page(form):
                assert name not in form.problems(), (path.name, name)
