"""Bounded YAML reading: refused with a coded problem before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.reading import LIMITS, Limits, ReadError, describe, load_yaml, read_text

#: Nine levels of nine aliases: 9**9 items once expanded, in under 1 KB.
BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["id: *a8"]
)


def _code(text: str, **limits: int) -> ReadError:
    with pytest.raises(ReadError) as info:
        load_yaml(text, source="f.yaml", limits=Limits(**limits) if limits else LIMITS)
    assert len(info.value.problems) == 1
    return info.value


def test_load_yaml__498_nested_brackets__l002_not_recursion_error() -> None:
    error = _code("[" * 498)
    assert error.codes == ["L002"]
    assert error.problems[0].line == 1


def test_load_yaml__alias_bomb_under_1_kb__l003_with_its_line() -> None:
    assert len(BOMB.encode()) < 1024
    error = _code(BOMB)
    assert error.codes == ["L003"]
    assert error.problems[0].file == "f.yaml"


def test_load_yaml__alias_inside_its_anchor__l004() -> None:
    error = _code("a: &a [1, *a]\n")
    assert error.codes == ["L004"]
    assert error.problems[0].params == {"name": "a"}


def test_load_yaml__aliased_depth__counted_through_the_alias() -> None:
    deep = "a: &a " + "[" * 25 + "1" + "]" * 25 + "\nb: " + "[" * 20 + "*a" + "]" * 20 + "\n"
    assert _code(deep).codes == ["L002"]


def test_load_yaml__small_alias_shared__loads() -> None:
    data = load_yaml("oui_non: &on [oui, non]\nq1: *on\nq2: *on\n")
    assert data["q2"] == ["oui", "non"]


def test_load_yaml__too_large__l001() -> None:
    assert _code("a: " + "x" * 200, max_bytes=100).codes == ["L001"]


@pytest.mark.parametrize(
    "text", ["version: " + "1" * 5000, "version: 2024-13-45", "t: 2024-02-30 25:61:00"]
)
def test_load_yaml__scalar_that_cannot_be_built__l005(text: str) -> None:
    assert _code(text).codes == ["L005"]


def test_read_text__endless_device__l001_after_reading_the_limit() -> None:
    with pytest.raises(ReadError) as info:
        read_text("/dev/zero", limits=Limits(max_bytes=1000))
    assert info.value.codes == ["L001"]


def test_read_text__file_under_the_limit__its_text(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("id: é", encoding="utf-8")
    assert read_text(path) == "id: é"


def test_describe__huge_shared_structure__short_text() -> None:
    big: list = ["x"] * 10
    for _ in range(8):
        big = [big] * 10  # 10**9 items if printed whole
    assert describe(big) == "[[[…], […], […], …], [[…], […], […], …], [[…], […], […], …]…"
    assert describe({"k": big, "n": 10**5000}) == "{k: [[…], […], […], …], n: 10^5000…}"
