"""The project's own promises about its files: dependencies in step, notebooks clean."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _bound(requirement: str) -> str:
    match = re.search(r">=\s*([\w.]+)", requirement)
    return match.group(1) if match else ""


def test_environment_yml__lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {
        _name(r): _bound(r)
        for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    env = YAML(typ="safe").load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {
        _name(d): _bound(d)
        for d in env["dependencies"]
        if isinstance(d, str) and _name(d) not in ("python", "pip")
    }
    assert conda == wanted


def test_notebooks__are_committed_without_outputs() -> None:
    notebooks = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(
        ROOT.glob("training_modules/**/*.ipynb")
    )
    dirty = []
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(
            c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"
        ):
            dirty.append(path.name)
    assert dirty == []


def test_readme__starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block


def test_ci__calls_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ruff__whole_tree_clean() -> None:
    import subprocess
    import sys

    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "--quiet"], ["format", "--check", "--quiet"]):
        result = subprocess.run(
            [str(ruff), *args, "toolkit", "tests", "benchmarks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
