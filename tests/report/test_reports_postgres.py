"""Every report kind reads the store through the same code on PostgreSQL as on SQLite."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from toolkit.demo import fill_demo
from toolkit.demo.followup import FOLLOWED, fill_followup_demo
from toolkit.demo.qual import fill_qual_demo
from toolkit.report import KeyFigures, Table, get_kind, write
from toolkit.store import Store, connect

DEMO_DAY = dt.date(2026, 6, 30)
OPTIONS = {
    "barometre": {"weighting": "none"},
    "activite": {"start": "2026-04-01", "end": "2026-06-30"},
    "qualitatif": {"n_boot": 20},
}


def _fill(store: Store) -> None:
    fill_demo(store, per_wave=40, others=0, skip=FOLLOWED)
    fill_followup_demo(store, today=DEMO_DAY, weeks=10)
    fill_qual_demo(store)


def _contents(store: Store, kind: str) -> tuple[list[pd.DataFrame], list[tuple]]:
    document = get_kind(kind).build(store, lang="fr", threshold=5, **OPTIONS[kind])
    tables = [b.frame for b in document.blocks if isinstance(b, Table)]
    keys = [b.items for b in document.blocks if isinstance(b, KeyFigures)]
    return tables, keys


@pytest.mark.postgres
def test_reports__postgresql__same_tables_as_sqlite(postgres_url, tmp_path):
    lite = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    pg = connect(postgres_url)
    try:
        _fill(lite)
        _fill(pg)
        for kind in OPTIONS:
            tables, keys = _contents(pg, kind)
            expected_tables, expected_keys = _contents(lite, kind)
            assert len(tables) == len(expected_tables) > 0, kind
            for got, expected in zip(tables, expected_tables, strict=True):
                pd.testing.assert_frame_equal(got, expected)
            assert keys == expected_keys, kind
        document = get_kind("activite").build(pg, lang="fr", threshold=5, **OPTIONS["activite"])
        written = write(document, tmp_path / "pg", document.stem)
        assert sorted(p.suffix for p in written) == [".docx", ".html"]
    finally:
        lite.close()
        pg.close()
