"""The message catalogue as a whole: parity between languages and ICU plurals."""

from __future__ import annotations

import importlib
import re

import pytest

from toolkit.i18n import catalogue, expand_choices, plural_category, t

# The module, not the function of the same name that ``toolkit.i18n`` exports.
catalogue_module = importlib.import_module("toolkit.i18n.catalogue")

_NAME = re.compile(r"\{([A-Za-z_]\w*)(?:\s*,\s*(?:plural|select)\s*,|\})")


def _names(template: str) -> set[str]:
    unescaped = template.replace("{{", "").replace("}}", "")
    return set(_NAME.findall(unescaped))


def test_catalogue__every_key__french_and_english_with_same_placeholders():
    problems = []
    for key, texts in catalogue().items():
        if set(texts) != {"fr", "en"} or not all(v.strip() for v in texts.values()):
            problems.append(f"{key}: languages {sorted(texts)}")
        elif _names(texts["fr"]) != _names(texts["en"]):
            problems.append(f"{key}: {_names(texts['fr'])} != {_names(texts['en'])}")
    assert problems == []


def test_catalogue__no_parenthesised_plural__uses_icu_plurals():
    offenders = [
        key
        for key, texts in catalogue().items()
        if any(re.search(r"\w\((s|e|es|x)\)", text) for text in texts.values())
    ]
    assert offenders == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalogue__every_template__renders_with_any_numbers(lang):
    for key, texts in catalogue().items():
        params = dict.fromkeys(_names(texts[lang]), 2)
        rendered = t(key, lang, **params)
        assert "plural," not in rendered, key


@pytest.mark.parametrize(
    ("count", "lang", "expected"),
    [
        (0, "fr", "0 réponse"),
        (1, "fr", "1 réponse"),
        (2, "fr", "2 réponses"),
        (0, "en", "0 answers"),
        (1, "en", "1 answer"),
        (1.5, "fr", "1,5 réponse"),
    ],
)
def test_expand_choices__cldr_rules__picks_the_language_form(count, lang, expected):
    template = (
        "{n, plural, one {# réponse} other {# réponses}}"
        if lang == "fr"
        else "{n, plural, one {# answer} other {# answers}}"
    )
    assert expand_choices(template, {"n": count}, lang) == expected


def test_expand_choices__exact_match__wins_over_category():
    template = "{n, plural, =0 {aucune} one {# seule} other {#}}"
    assert expand_choices(template, {"n": 0}, "fr") == "aucune"
    assert expand_choices(template, {"n": 1}, "fr") == "1 seule"


def test_expand_choices__large_number__written_in_french():
    assert (
        expand_choices("{n, plural, other {# lignes}}", {"n": 12345}, "fr") == "12\u202f345 lignes"
    )


def test_expand_choices__select__picks_the_branch():
    template = "{sexe, select, f {inscrite} other {inscrit}}"
    assert expand_choices(template, {"sexe": "f"}, "fr") == "inscrite"
    assert expand_choices(template, {"sexe": "m"}, "fr") == "inscrit"


def test_expand_choices__escaped_braces_and_missing_param__left_for_format():
    template = "${{{ref}}} {n, plural, one {# x} other {# y}}"
    assert expand_choices(template, {}, "fr") == template


def test_plural_category__text_count__falls_back_to_other():
    assert plural_category("beaucoup", "fr") == "other"


def test_t__plural_message__renders_french_and_english():
    assert t("workshop.trainer.answers", "fr", n=1) == "1 participant a répondu"
    assert t("workshop.trainer.answers", "fr", n=3) == "3 participants ont répondu"
    assert t("workshop.trainer.answers", "en", n=0) == "Nobody has answered yet"


def test_catalogue__unquoted_yes_no__refused_with_file_and_key(tmp_path, monkeypatch):
    # PyYAML reads YAML 1.1, where an unquoted No is the boolean False, not the word.
    (tmp_path / "demo.yaml").write_text(
        'demo.ok: {fr: "Oui", en: "Yes"}\ndemo.bad: {fr: "Non", en: No}\n', encoding="utf-8"
    )
    monkeypatch.setattr(catalogue_module, "_MESSAGES_DIR", tmp_path)
    catalogue_module.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"demo\.yaml: message 'demo\.bad' in 'en' is False"):
            catalogue_module.catalogue()
    finally:
        catalogue_module.catalogue.cache_clear()
