"""How many XLSForms written by others the importer takes, and why it refuses the rest.

Every ``.xlsx``/``.xls`` form under the folders given (by default the shared external forms
and the copies in ``tests/external/``) is read once per distinct content: whether pyxform
itself accepts it, whether ``read_xlsform`` imports it (with which warnings) or refuses it
(grouped by error code), and, for an imported form, whether the instrument written back as an
XLSForm is accepted by pyxform and reads back identical. A problem without a sheet row is
counted as unlocated.

    .venv/bin/python benchmarks/xlsform_corpus.py [FOLDER...]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import tempfile
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from toolkit.errors import ToolkitError
from toolkit.instruments import instrument_to_dict
from toolkit.interop.xlsform import read_xlsform, write_xlsform

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = (Path("/work/shared/external"), ROOT / "tests" / "external")
SUFFIXES = (".xlsx", ".xls")


def _pyxform_accepts(path: Path) -> bool:
    try:
        convert(xlsform=str(path))
    except (PyXFormError, ValueError, KeyError, TypeError):
        return False
    return True


def _located(problem: object) -> bool:
    params = getattr(problem, "params", {})
    return params.get("row") not in (None, "?") and params.get("column") not in (None, "?")


def survey(folders: list[Path]) -> dict:
    """The figures for every distinct form under ``folders``."""
    seen: dict[str, Path] = {}
    copies = 0
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in seen:
                copies += 1
            else:
                seen[digest] = path
    figures: dict = {
        "forms": len(seen),
        "copies": copies,
        "pyxform_accepts": 0,
        "imported": [],
        "refused": collections.defaultdict(list),
        "warnings": collections.Counter(),
        "unlocated": 0,
        "round_trip_identical": 0,
        "reexport_pyxform_accepts": 0,
    }
    for path in seen.values():
        figures["pyxform_accepts"] += _pyxform_accepts(path)
        try:
            result = read_xlsform(path)
        except ToolkitError as error:
            for code in sorted({p.code for p in error.problems}) or ["(sans code)"]:
                figures["refused"][code].append(path.name)
            figures["unlocated"] += sum(not _located(p) for p in error.problems)
            continue
        figures["imported"].append(path.name)
        figures["warnings"].update(p.code for p in result.warnings)
        figures["unlocated"] += sum(not _located(p) for p in result.warnings)
        with tempfile.TemporaryDirectory() as tmp:
            again = write_xlsform(result.instrument, Path(tmp) / "again.xlsx")
            figures["reexport_pyxform_accepts"] += _pyxform_accepts(again)
            back = read_xlsform(again).instrument
            figures["round_trip_identical"] += instrument_to_dict(back) == instrument_to_dict(
                result.instrument
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=list(DEFAULT_FOLDERS))
    args = parser.parse_args()
    figures = survey([f for f in args.folders if f.is_dir()])
    lines = [
        f"forms (distinct): {figures['forms']}  (identical copies skipped: {figures['copies']})",
        f"accepted by pyxform: {figures['pyxform_accepts']}",
        f"imported: {len(figures['imported'])}  {', '.join(figures['imported'])}",
        f"  re-export accepted by pyxform: {figures['reexport_pyxform_accepts']}",
        f"  YAML -> XLSForm -> YAML identical: {figures['round_trip_identical']}",
        f"  warnings by code: {dict(sorted(figures['warnings'].items()))}",
        f"refused: {len({n for names in figures['refused'].values() for n in names})}",
        *(f"  {code}: {', '.join(names)}" for code, names in sorted(figures["refused"].items())),
        f"problems without sheet row or column: {figures['unlocated']}",
    ]
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
