"""Demo data: reproducible, valid, and with the differences the analyses should find."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from toolkit.cli import main
from toolkit.demo import WAVES, census_margins, ensure_demo, fill_demo
from toolkit.demo.barometre import barometre_rows
from toolkit.instruments import builtin_instruments, validate_answers
from toolkit.store import connect


def _mean_score(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("Float64")


def test_barometre_rows__same_seed__same_rows(barometre) -> None:
    now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    first = barometre_rows(barometre, np.random.default_rng(7), per_wave=20, now=now)
    second = barometre_rows(barometre, np.random.default_rng(7), per_wave=20, now=now)
    assert first == second
    assert {row["wave"] for row in first} == {"2025-automne", "2026-printemps", "2026-automne"}


def test_barometre_rows__every_row_is_valid(barometre) -> None:
    for row in barometre_rows(barometre, np.random.default_rng(3), per_wave=50):
        result = validate_answers(barometre, row["answers"])
        assert result.ok, result.by_field()


def test_ensure_demo__fills_every_catalogue_instrument_once(tmp_path) -> None:
    store = connect(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    added = ensure_demo(store, per_wave=40, others=5)
    assert set(added) == set(builtin_instruments())
    assert added["barometre_ambiance"] == 40 * len(WAVES)
    assert ensure_demo(store, per_wave=40, others=5) == {}
    counts = store.instruments().set_index("id")["n_submitted"]
    assert counts["barometre_ambiance"] == 40 * len(WAVES)


def test_demo__genuine_differences_between_sectors_and_waves(tmp_path) -> None:
    store = connect(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    fill_demo(store, per_wave=400, others=2)
    frame = store.frame("barometre_ambiance")
    score = _mean_score(frame, "quartier_agreable")
    by_sector = score.groupby(frame["secteur"], observed=True).mean()
    assert by_sector["centre"] - by_sector["gare"] > 0.5
    gare = frame["secteur"] == "gare"
    by_wave = score[gare].groupby(frame.loc[gare, "wave"]).mean()
    assert by_wave[WAVES[-1]] - by_wave[WAVES[0]] > 0.2
    # Women are over-represented compared with the census: weighting has work to do.
    share_women = (frame["sexe"] == "f").mean()
    census = census_margins()["sexe"]
    assert share_women - census["f"] / census.sum() > 0.05


def test_cli_demo__if_empty__second_run_adds_nothing(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["demo", "--db", url, "--if-empty", "--per-wave", "10"]) == 0
    assert "barometre_ambiance" in capsys.readouterr().out
    assert main(["demo", "--db", url, "--if-empty"]) == 0
    assert "rien n'a été ajouté" in capsys.readouterr().out


def test_census_margins__consistent_totals() -> None:
    margins = census_margins()
    totals = {name: int(series.sum()) for name, series in margins.items()}
    assert max(totals.values()) - min(totals.values()) <= 2


def test_demo__today_wave_and_quotas_consistent(tmp_path) -> None:
    """Today's count is part of the wave in progress; nothing is dated in the future."""
    from toolkit.collect import start_of_today

    store = connect(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    fill_demo(store, per_wave=200, others=5)
    today = int(store.counts("barometre_ambiance", by=("wave",), since=start_of_today())["n"].sum())
    latest = store.waves("barometre_ambiance")[-1]
    in_wave = int(store.counts("barometre_ambiance", by=("wave",), wave=latest)["n"].sum())
    assert latest == WAVES[-1]
    assert in_wave == 200
    assert today <= in_wave
    frame = store.frame("barometre_ambiance")
    assert frame["submitted_at"].max() <= pd.Timestamp.now(tz="UTC")
    assert (frame["submitted_at"] >= frame["started_at"]).all()
    earlier = frame[frame["wave"] != latest]
    assert earlier["submitted_at"].max() < pd.Timestamp(start_of_today())
