"""A long fuzz run of the XLSForm importer: how many cases, which outcomes, any crash or hang.

It draws the cases of ``tests/reliability/test_xlsform_fuzz.py`` (generated forms and the
features form exported, cells replaced by anything, files damaged), without shrinking, and
counts the outcomes; a case that ends in anything but an instrument or a coded error is a
crash, one that takes more than the test's limit a hang.

    nice -n 10 .venv/bin/python benchmarks/fuzz_xlsform.py --cases 3000
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
_SPEC = importlib.util.spec_from_file_location(
    "xlsform_fuzz", HERE.parent / "tests" / "reliability" / "test_xlsform_fuzz.py"
)
fuzz = importlib.util.module_from_spec(_SPEC)  # type: ignore[arg-type]
_SPEC.loader.exec_module(fuzz)  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    outcomes: collections.Counter[str] = collections.Counter()
    crashes: collections.Counter[str] = collections.Counter()
    slowest = [0.0]

    @settings(
        max_examples=args.cases,
        deadline=None,
        phases=[Phase.generate],
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        sheets=st.one_of(fuzz._forms(), fuzz._exported_forms()),
        layout=st.sampled_from(["md", "xlsx"]),
        damage=fuzz._DAMAGE,
        seed=st.integers(0, 10**6),
        cut=st.integers(0, 400),
    )
    def one(sheets: dict, layout: str, damage: str | None, seed: int, cut: int) -> None:
        folder = Path(tempfile.mkdtemp(prefix="fuzz_xlsform"))
        (folder / "rues.csv").write_text("name,label\nhugo,Rue Hugo\n", encoding="utf-8")
        if layout == "md":
            path = fuzz._write_md(sheets, folder / "form.md")
            if damage is not None:
                text = path.read_text(encoding="utf-8")
                path.write_text(text[: cut % (len(text) + 1)], encoding="utf-8")
        else:
            path = fuzz._write_xlsx(sheets, folder / "form.xlsx")
            if damage is not None:
                path = fuzz._damage_zip(path, damage, seed)
        started = time.perf_counter()
        try:
            outcomes[fuzz._outcome(path).split(" ")[0]] += 1
        except Exception as exc:  # a crash (TimeoutError: a hang): counted, the run goes on
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            crashes[f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"] += 1
        slowest[0] = max(slowest[0], time.perf_counter() - started)

    started = time.perf_counter()
    one()
    total = sum(outcomes.values()) + sum(crashes.values())
    print(f"{total} cases in {time.perf_counter() - started:.0f} s, slowest {slowest[0]:.1f} s")
    print("outcomes:", ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    print("crashes and hangs:", sum(crashes.values()))
    for signature, count in crashes.most_common():
        print(f"  {count} {signature}")


if __name__ == "__main__":
    main()
