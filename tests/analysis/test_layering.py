"""Data flows one way: the analysis layer sits below instruments and store, widgets on top.

Read from the source (every ``import``, including those inside functions), so that a lazy
import cannot slip past: ``toolkit.analysis`` imports neither ``toolkit.store`` nor
``toolkit.instruments`` (except under ``if TYPE_CHECKING:``), and nothing outside
``toolkit/apps`` imports ipywidgets or Voilà.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from toolkit.analysis import LabelSource
from toolkit.instruments import load

PACKAGE = Path(__file__).resolve().parents[2] / "toolkit"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of ``path`` that runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _offenders(folder: Path, banned: tuple[str, ...], skip: Path | None = None) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and skip in path.parents:
            continue
        for line, module in _imports(path):
            if any(module == b or module.startswith(b + ".") for b in banned):
                out.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return out


def test_analysis__imports__neither_store_nor_instruments():
    assert _offenders(PACKAGE / "analysis", ("toolkit.store", "toolkit.instruments")) == []


def test_below_apps__imports__no_widgets_nor_voila():
    banned = ("ipywidgets", "voila", "anywidget")
    assert _offenders(PACKAGE, banned, skip=PACKAGE / "apps") == []


def test_imports__lazy_import_in_function__found(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from toolkit.store import Store\n"
        "def f():\n    import toolkit.store.engine\n",
        encoding="utf-8",
    )
    assert _imports(source)[-1] == (5, "toolkit.store.engine")
    assert all(module != "toolkit.store" for _, module in _imports(source))


@pytest.mark.parametrize("name", ["barometre_ambiance.yaml", "besoins_habitants.yaml"])
def test_label_source__instrument__is_one(name):
    instrument = load(PACKAGE.parent / "surveys" / name)
    assert isinstance(instrument, LabelSource)
