"""Population margins for raking: a small CSV per instrument, read with line-numbered errors.

``surveys/margins/<instrument id>.csv`` (or any file given with ``--margins``): one line per
category, columns ``variable``, ``modalite`` (the answer code, e.g. ``f``, ``15_24``) and
``population``, comma or semicolon separated, ``#`` lines are comments. English headers
(``value``, ``category``, ``count``, ``total``) are accepted too.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from toolkit.errors import Problem
from toolkit.report.registry import ReportError

__all__ = ["instrument_margins", "margins_path", "read_margins"]

_ALIASES = {
    "variable": "variable",
    "question": "variable",
    "modalite": "value",
    "modalité": "value",
    "valeur": "value",
    "value": "value",
    "category": "value",
    "code": "value",
    "population": "population",
    "effectif": "population",
    "count": "population",
    "total": "population",
}


def margins_path(instrument_id: str, folder: Path | None = None) -> Path:
    """Where the margins of an instrument are looked for: ``<surveys>/margins/<id>.csv``."""
    from toolkit.collect import surveys_dir

    return (folder or surveys_dir()) / "margins" / f"{instrument_id}.csv"


def read_margins(path: str | Path) -> dict[str, pd.Series]:
    """Read a margins file into ``{variable: Series(population by code)}`` for :func:`rake`.

    Raises
    ------
    ReportError
        ``R010`` with the file and line: missing column, non-numeric or non-positive
        population, a category given twice.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    numbers = [
        i + 1
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise _error(path, 1, "header", "")
    dialect = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=dialect)
    header = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    for needed in ("variable", "value", "population"):
        if needed not in header:
            raise _error(path, numbers[0], "header", needed)
    where = {name: header.index(name) for name in ("variable", "value", "population")}
    out: dict[str, dict[str, float]] = {}
    for line_no, row in zip(numbers[1:], reader, strict=False):
        if len(row) < len(header):
            raise _error(path, line_no, "columns", ";".join(row))
        variable, value = row[where["variable"]].strip(), row[where["value"]].strip()
        raw = (
            row[where["population"]]
            .strip()
            .replace("\u202f", "")
            .replace(" ", "")
            .replace(",", ".")
        )
        try:
            population = float(raw)
        except ValueError:
            raise _error(path, line_no, "population", raw) from None
        if not (math.isfinite(population) and population > 0):
            raise _error(path, line_no, "population", raw)
        if value in out.setdefault(variable, {}):
            raise _error(path, line_no, "duplicate", f"{variable} = {value}")
        out[variable][value] = population
    return {variable: pd.Series(values, name="population") for variable, values in out.items()}


def _error(path: Path, line: int, what: str, got: str) -> ReportError:
    return ReportError(
        problems=[
            Problem("R010", {"what": what, "got": got}, file=str(path), line=line, field=what)
        ]
    )


def instrument_margins(
    instrument_id: str, folder: Path | None = None
) -> dict[str, pd.Series] | None:
    """The margins file of an instrument if there is one (``None`` otherwise)."""
    path = margins_path(instrument_id, folder)
    return read_margins(path) if path.is_file() else None
