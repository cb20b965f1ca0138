from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

import toolkit.i18n

STORE_MESSAGES = Path(toolkit.i18n.__file__).with_name("messages") / "store.yaml"


def test_store_codes__numbered_without_gaps():
    messages = YAML(typ="safe").load(STORE_MESSAGES.read_text(encoding="utf-8"))
    codes = sorted(k for k in messages if k.startswith("S"))
    assert codes == [f"S{n:03d}" for n in range(1, len(codes) + 1)]
