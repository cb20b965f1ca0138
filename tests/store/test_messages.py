from __future__ import annotations

import string
from pathlib import Path

from ruamel.yaml import YAML

import toolkit.i18n

STORE_MESSAGES = Path(toolkit.i18n.__file__).with_name("messages") / "store.yaml"


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_store_messages__french_and_english_with_same_placeholders():
    messages = YAML(typ="safe").load(STORE_MESSAGES.read_text(encoding="utf-8"))
    assert messages
    for key, texts in messages.items():
        assert set(texts) == {"fr", "en"}, key
        assert texts["fr"].strip(), key
        assert texts["en"].strip(), key
        assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), key


def test_store_codes__numbered_without_gaps():
    messages = YAML(typ="safe").load(STORE_MESSAGES.read_text(encoding="utf-8"))
    codes = sorted(k for k in messages if k.startswith("S"))
    assert codes == [f"S{n:03d}" for n in range(1, len(codes) + 1)]
