"""Small readings of cell values: yes/no, expressions, numbers, form ids, range bounds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from toolkit.instruments.loader import NAME_RE

__all__ = ["FALSE", "TRUE", "is_expression", "number", "range_limits", "safe_id", "yes"]

TRUE = frozenset({"yes", "true", "true()", "1", "oui", "vrai"})
FALSE = frozenset({"no", "false", "false()", "0", "non", "faux", ""})


def yes(value: object) -> bool:
    return str(value or "").strip().lower() in TRUE


def is_expression(value: object) -> bool:
    """Whether a ``default`` is an expression (``${x}``, a call) rather than a literal."""
    return isinstance(value, str) and ("${" in value or "(" in value)


def number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def safe_id(text: str) -> str:
    """A valid instrument id from a form id: other characters become ``_``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_") or "form"
    return cleaned if NAME_RE.match(cleaned) else f"f_{cleaned}"


def range_limits(parameters: Mapping[str, str]) -> dict:
    """Bounds and step constraint of a ``range`` (pyxform has checked the numbers)."""
    start = Decimal(str(parameters.get("start", "1")))
    end = Decimal(str(parameters.get("end", "10")))
    step = abs(Decimal(str(parameters.get("step", "1"))))
    out: dict = {
        "minimum": number(str(min(start, end))),
        "maximum": number(str(max(start, end))),
    }
    offset = f"(. - {start})" if start else "."
    if start.to_integral_value() == start and step.to_integral_value() == step:
        if step != 1:
            out["step"] = f"{offset} mod {step} = 0"
    else:
        out["step"] = f"round({offset} div {step}, 6) = round({offset} div {step})"
    return out
