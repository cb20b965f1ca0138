"""``toolkit training export``."""

from __future__ import annotations

import pandas as pd

from toolkit.cli import main
from toolkit.training.sessions import LiveSessions


def test_training_export__writes_three_csv(training_store, module_file, tmp_path, capsys):
    live = LiveSessions(training_store.engine)
    code = live.open_session(module_file())
    who = live.join(code, "Awa")
    for phase, pick in (("pre", "b"), ("post", "a")):
        run = live.launch(code, "assessment", phase=phase)
        live.answer(code, who, run.id, "t1", pick)
    url = training_store.engine.url.render_as_string(hide_password=False)
    status = main(["training", "export", code, "--db", url, "--out", str(tmp_path / "out")])
    assert status == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    prepost = pd.read_csv(tmp_path / "out" / "prepost.csv")
    assert prepost.loc[0, "gain"] == 1.0


def test_training_export__unknown_code__exit_1(training_store, capsys):
    url = training_store.engine.url.render_as_string(hide_password=False)
    assert main(["training", "export", "ZZZZZZ", "--db", url]) == 1
    assert "T101" in capsys.readouterr().err
