import datetime as dt

import pandas as pd

from toolkit.collect import quota_table, sector_table, start_of_today
from toolkit.instruments import loads

QUOTAS = """
id: q
version: "1"
title: {fr: Q}
analysis:
  sector: secteur
  quotas:
    by: [secteur, sexe]
    default_target: 3
    targets:
      - {cell: {secteur: a, sexe: f}, target: 5}
choice_lists:
  secteurs: [{value: a, label: {fr: A}}, {value: b, label: {fr: B}}]
  sexes: [{value: f, label: {fr: F}}, {value: h, label: {fr: H}}]
questions:
  - {name: secteur, type: single_choice, choices: secteurs}
  - {name: sexe, type: single_choice, choices: sexes}
"""


def test_quota_table__cells_targets_remaining():
    instrument = loads(QUOTAS, source="q.yaml")
    counts = pd.DataFrame({"secteur": ["a", "b"], "sexe": ["f", "h"], "n": [2, 4]})
    table = quota_table(instrument, counts)
    assert list(zip(table["secteur"], table["sexe"], strict=True)) == [
        ("a", "f"),
        ("a", "h"),
        ("b", "f"),
        ("b", "h"),
    ]
    assert list(table["n"]) == [2, 0, 0, 4]
    assert list(table["target"]) == [5, 3, 3, 3]
    assert list(table["remaining"]) == [3, 3, 3, 0]
    assert list(table["done"]) == [False, False, False, True]


def test_quota_table__no_quotas__empty(barometre):
    plain = barometre.replace(analysis=barometre.analysis.__class__())
    assert quota_table(plain, pd.DataFrame({"n": []})).empty


def test_sector_table__merges_today_and_wave():
    today = pd.DataFrame({"sector": ["gare"], "n": [2]})
    wave = pd.DataFrame({"sector": ["centre", "gare"], "n": [5, 7]})
    table = sector_table(today, wave)
    assert table.to_dict("records") == [
        {"sector": "centre", "today": 0, "wave": 5},
        {"sector": "gare", "today": 2, "wave": 7},
    ]


def test_start_of_today__is_utc_midnight_local():
    now = dt.datetime(2026, 3, 5, 15, 30).astimezone()
    start = start_of_today(now)
    assert start.tzinfo is dt.UTC
    assert start.astimezone(now.tzinfo).time() == dt.time(0, 0)
