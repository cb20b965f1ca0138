"""The instrument builder on the largest catalogue instrument: open, edit, check, save, and
the app's preview.

    nice -n 10 .venv/bin/python benchmarks/bench_builder.py [--repeats 7] [--instrument PATH]

Steps, each timed ``--repeats`` times (medians and maxima reported, with the load average):

- ``open_draft``: read the file into a round-trip draft (ruamel.yaml) and load it once;
- one edit: add a question with a label, then a skip rule (each edit re-parses the document);
- ``check``: the loader's checks over the edited draft (what the app runs after every edit);
- ``save``: write the file (atomic replace) in a temporary folder;
- app, open: « Modifier un questionnaire existant » then *Commencer* (outline, panels,
  preview of the first page, drawn by the field app's renderer);
- app, one edit: select a question of another page and apply a new label (redraw included);
- app, « Tester »: fill the page with plausible answers and redraw it.

The largest instrument is the catalogue file with the most questions (default).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from toolkit.apps.builder import BuilderApp  # noqa: E402
from toolkit.builder import open_draft  # noqa: E402
from toolkit.collect import instrument_files  # noqa: E402
from toolkit.instruments import load  # noqa: E402


def largest(folder: Path) -> Path:
    """The catalogue instrument with the most questions."""
    return max(instrument_files(folder), key=lambda p: len(list(load(p).fields())))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def one_round(
    source: Path, folder: Path, record: Callable[[str, float], None], first_page: str
) -> None:
    """Every step once, on a fresh copy of ``source`` in ``folder``."""
    target = folder / source.name
    shutil.copyfile(source, target)
    instrument = load(source)
    started = time.perf_counter()
    draft = open_draft(target)
    draft.check()
    record("open_draft (+ first check)", time.perf_counter() - started)
    parent = draft.questions()[0].ref
    record(
        "edit: add a question",
        timed(
            lambda: draft.add_question(
                "bench_remarque", "long_text", parent=parent, label={"fr": "Remarque"}
            )
        ),
    )
    ref = next(q.ref for q in draft.questions() if q.name == "bench_remarque")
    subject = next(
        q.name for q in instrument.fields() if q.type in ("text", "integer", "single_choice")
    )
    record(
        "edit: skip rule",
        timed(lambda: draft.set_expression(ref, "relevant", f"${{{subject}}} != ''")),
    )
    record("check (loader)", timed(draft.check))
    record("save", timed(lambda: draft.save(target)))

    shutil.copyfile(source, target)
    app = BuilderApp(folder=folder, store_url=f"sqlite:///{folder.parent / 'store.sqlite'}")

    def open_in_app() -> None:
        app.start_screen.origin.value = "edit"
        app.start_screen.source.value = str(target)
        app.start_screen.begin.click()

    record("app: open (outline, panels, preview)", timed(open_in_app))
    last = app.draft.questions()[-1].ref

    def edit_in_app() -> None:
        app.outline.select.value = last
        app.question_panel.texts["label"]["fr"].value = "Intitulé modifié"
        app.apply_question()

    record("app: select + apply a label", timed(edit_in_app))
    app.outline.select.value = app.draft.find(first_page).ref
    record(
        "app: « Tester » (fill + redraw)",
        timed(lambda: setattr(app.preview.tester, "value", True)),
    )
    app.root.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--instrument", type=Path, default=None)
    args = parser.parse_args()
    source = args.instrument or largest(REPO / "surveys")
    instrument = load(source)
    questions = len(list(instrument.fields()))
    results: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        results.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory(prefix="bench-builder-") as tmp:
        folder = Path(tmp) / "surveys"
        folder.mkdir()
        for path in (REPO / "surveys").glob("*.yaml"):
            shutil.copyfile(path, folder / path.name)
        first_page = instrument.fields()[0].name
        for _ in range(args.repeats):
            one_round(source, folder, record, first_page)

    load1, load5, _ = os.getloadavg()
    print(f"instrument: {source.name} ({questions} questions, {source.stat().st_size} bytes)")
    print(f"repeats: {args.repeats}; load average: {load1:.1f} (1 min), {load5:.1f} (5 min)")
    width = max(len(name) for name in results)
    print(f"{'step'.ljust(width)}  median    max")
    for name, values in results.items():
        print(f"{name.ljust(width)}  {statistics.median(values):6.3f} s {max(values):6.3f} s")


if __name__ == "__main__":
    main()
